"""Call KPIs against a hand-computed October 2026 (Shanghai time)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from .conftest import U, call

CALLS = [
    # a1: three handled (one outbound), one short abandon, one real abandon
    call("c1", "2026-10-08 09:00", "a1", wait=10, talk=200, hold=20, acw=30, customer="u1"),
    call("c2", "2026-10-08 10:00", "a1", wait=25, talk=100, transferred=True, customer="u2"),
    call("c3", "2026-10-08 11:00", "a1", wait=0, talk=60, acw=10, direction="out"),
    call("c4", "2026-10-08 12:00", "a1", wait=3, outcome="abandoned"),
    call("c5", "2026-10-08 13:00", "a1", wait=30, outcome="abandoned"),
    # a2: a call starting before local midnight and ending after it stays on its offer day
    call("c6", "2026-10-31 23:50", "a2", wait=20, talk=600, acw=60, customer="u1"),
    # 23:30 UTC on 31 Oct is 07:30 on 1 Nov in Shanghai: not October
    {**call("c7", "2026-11-01 07:30", "a2", talk=50), "offered_at": U("2026-10-31 23:30")},
    # 16:30 UTC on 30 Sep is 00:30 on 1 Oct in Shanghai: October
    {**call("c8", "2026-10-01 00:30", "a2", wait=5, talk=100, customer="u3"), "offered_at": U("2026-09-30 16:30")},
    # u2 calls again four days after c2 and hangs up in the queue (no agent)
    call("c9", "2026-10-12 10:00", None, wait=40, outcome="abandoned", customer="u2"),
    # u1 calls again in November, within 7 days of c6: c6 was not resolved at first contact
    call("c10", "2026-11-03 09:00", "a3", wait=5, talk=80, customer="u1"),
]
# c8's answer time must follow its (overridden) offer time
CALLS[7]["answered_at"] = U("2026-09-30 16:30:05")
CALLS[6]["answered_at"] = U("2026-10-31 23:30:10")

ALL = ["handled_calls", "aht", "avg_talk_time", "avg_acw_time", "avg_hold_time", "transfer_rate",
       "service_level", "asa", "abandon_rate", "fcr"]

EXPECTED_AGENT = {
    # kpi: (a1 value, a1 sample, a2 value, a2 sample)
    "handled_calls": ("3", 5, "2", 2),
    "aht": ("140", 3, "380", 2),
    "avg_talk_time": ("120", 3, "350", 2),
    "avg_acw_time": ("20", 2, "60", 1),
    "avg_hold_time": ("6.666667", 3, "0", 2),
    "transfer_rate": ("33.333333", 3, "0", 2),
    "service_level": ("33.333333", 3, "100", 2),
    "asa": ("17.5", 2, "12.5", 2),
    "abandon_rate": ("33.333333", 3, "0", 2),
    "fcr": ("50", 2, "50", 2),
}


@pytest.fixture
def october(kpi):
    return kpi({"calls": CALLS}, ALL)


@pytest.mark.parametrize("kpi_id", ALL)
def test_each_call_kpi_matches_the_hand_computed_agent_values(october, kpi_id):
    v1, n1, v2, n2 = EXPECTED_AGENT[kpi_id]
    a1, a2 = october[(kpi_id, "a1", "2026-10")], october[(kpi_id, "a2", "2026-10")]
    assert (a1.value, a1.sample_size) == (Decimal(v1), n1)
    assert (a2.value, a2.sample_size) == (Decimal(v2), n2)


def test_an_agent_without_calls_is_missing_not_zero(october):
    a3 = october[("aht", "a3", "2026-10")]
    assert a3.value is None and a3.sample_size == 0


def test_service_level_abandon_treatments(kpi):
    got = {}
    for treatment in ("exclude_short", "exclude", "count_as_miss"):
        vals = kpi({"calls": CALLS}, [("service_level", {"abandon_treatment": treatment})])
        got[treatment] = vals[("service_level", "a1", "2026-10")].value
    assert got == {"exclude_short": Decimal("33.333333"), "exclude": Decimal("50"), "count_as_miss": Decimal("25")}


def test_short_abandon_threshold_is_a_parameter(kpi):
    vals = kpi({"calls": CALLS}, [("abandon_rate", {"short_abandon_s": 0})])
    v = vals[("abandon_rate", "a1", "2026-10")]
    assert (v.value, v.sample_size) == (Decimal("50"), 4)


def test_service_level_threshold_is_a_parameter(kpi):
    vals = kpi({"calls": CALLS}, [("service_level", {"threshold_s": 30})])
    assert vals[("service_level", "a1", "2026-10")].value == Decimal("66.666667")


def test_team_and_company_service_level_sum_parts(kpi):
    team = kpi({"calls": CALLS}, ["service_level"], level="team")
    # t1 = a1 + a2: 3 answered in time of 5 counted; the mean of the agents' rates would be 66.67
    assert team[("service_level", "t1", "2026-10")].value == Decimal("60")
    company = kpi({"calls": CALLS}, ["service_level", "abandon_rate"], level="company")
    # the queue abandon without an agent (c9) counts for the company
    assert company[("service_level", "company", "2026-10")].value == Decimal("50")
    assert company[("abandon_rate", "company", "2026-10")].value == Decimal("33.333333")


def test_days_are_cut_in_shanghai_time(kpi):
    by_day = kpi({"calls": CALLS}, ["handled_calls"], grain="day")
    assert by_day[("handled_calls", "a2", "2026-10-01")].value == Decimal(1)  # c8, 16:30 UTC the day before
    assert by_day[("handled_calls", "a2", "2026-10-31")].value == Decimal(1)  # c6, not c7
    nov1 = kpi({"calls": CALLS}, ["handled_calls"], period="2026-11-01")
    assert nov1[("handled_calls", "a2", "2026-11-01")].value == Decimal(1)  # c7, 23:30 UTC on 31 Oct


def test_fcr_window_is_a_parameter(kpi):
    # with a 30-day window c1 (u1 again on 31 Oct, 23 days later) is a repeat too
    vals = kpi({"calls": CALLS}, [("fcr", {"window_days": 30})])
    assert vals[("fcr", "a1", "2026-10")].value == Decimal("0")


def test_queue_level_groups_by_queue(kpi):
    calls = CALLS + [call("c11", "2026-10-09 09:00", "a1", wait=50, talk=10, queue="q2")]
    vals = kpi({"calls": calls}, ["service_level"], level="queue")
    assert vals[("service_level", "q1", "2026-10")].value == Decimal("50")
    assert vals[("service_level", "q2", "2026-10")].value == Decimal("0")


def test_waits_are_exact_to_the_microsecond_on_every_backend(kpi):
    c = call("m1", "2026-10-08 10:00:00.000900", "a1", talk=30)
    c["answered_at"] = c["offered_at"] + timedelta(seconds=19, microseconds=999200)
    v = kpi({"calls": [c]}, ["asa"])[("asa", "a1", "2026-10")]
    assert v.value == Decimal("19.9992")  # counting whole milliseconds would give 20 or 19.999
