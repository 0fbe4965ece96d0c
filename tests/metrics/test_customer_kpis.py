"""Customer KPIs: callback completion, visits, churn, key-account retention, acquisition."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import L


def cust(cid, segment, acquired=None, churned=None, owner="a1"):
    return {"customer_id": cid, "owner_id": owner, "segment": segment,
            "acquired_at": L(acquired) if acquired else None, "churned_at": L(churned) if churned else None}


def visit(vid, customer, employee, when, complaint=False, kind="callback"):
    return {"visit_id": vid, "customer_id": customer, "employee_id": employee, "visited_at": L(when),
            "kind": kind, "complaint": complaint}


CUSTOMERS = [
    cust("k1", "key", "2025-01-01 10:00"),
    cust("k2", "key", "2025-06-01 10:00", "2026-10-15 10:00"),
    cust("k3", "key", "2026-10-10 10:00"),
    cust("r1", "regular", "2024-03-01 10:00", "2026-09-20 10:00"),
    cust("r2", "regular"),
    cust("r3", "regular", "2026-10-20 10:00"),
]
VISITS = [
    visit("v1", "k1", "a1", "2026-08-15 10:00"),  # inside the 90 days before 1 Nov
    visit("v2", "k3", "a1", "2026-07-01 10:00"),  # outside the cycle
    visit("v3", "r2", "a2", "2026-10-20 10:00"),
    visit("v4", "r2", "a2", "2026-10-25 10:00", complaint=True, kind="visit"),
    visit("v5", "r1", "a1", "2026-10-05 10:00"),
]
TABLES = {"customers": CUSTOMERS, "callbacks": VISITS}


@pytest.mark.parametrize(
    "spec,agent,value,sample",
    [
        ("churn_rate", "a1", "33.333333", 3),  # at start k1, k2, r2; k2 churned
        ("key_account_retention", "a1", "50", 2),  # k1 kept, k2 lost
        ("new_customers", "a1", "2", 4),  # k3, r3; portfolio at end k1, k3, r2, r3
        (("new_customers", {"segment": "key"}), "a1", "1", 2),
        ("callback_completion", "a1", "50", 4),  # k1 and r2 visited within 90 days; k3, r3 not
        (("callback_completion", {"cycle_days": 30}), "a1", "25", 4),  # only r2
        ("callback_count", "a2", "2", 2),
        ("callback_count", "a1", "1", 1),
        ("callback_complaints", "a2", "1", 2),
        ("callback_complaints", "a1", "0", 1),
    ],
)
def test_customer_kpis(kpi, spec, agent, value, sample):
    kpi_id = spec if isinstance(spec, str) else spec[0]
    v = kpi(TABLES, [spec])[(kpi_id, agent, "2026-10")]
    assert (v.value, v.sample_size) == (Decimal(value), sample)


def test_churn_per_month_uses_each_months_own_start(kpi):
    q = kpi(TABLES, ["churn_rate"], period="2026-Q4", grain="month")
    assert q[("churn_rate", "a1", "2026-10")].value == Decimal("33.333333")
    # 1 Nov: k1, k3, r2, r3 at start, none churned
    assert (q[("churn_rate", "a1", "2026-11")].value, q[("churn_rate", "a1", "2026-11")].sample_size) == (Decimal(0), 4)
