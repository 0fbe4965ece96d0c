"""Customer KPIs: callbacks and visits (回访), churn, key-account retention, acquisition.

Customer KPIs belong to the customer's owner (``customers.owner_id``). Each bucket is
judged on its own start and end: a customer is *at start* when acquired before the
bucket starts (or with no acquisition date) and not churned before it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from kaohe.metrics.catalog.context import BuildContext, count_if
from kaohe.metrics.catalog.registry import KpiDefinition, Param, register_kpi

SEGMENTS = ("any", "key", "regular")


def _customers_by_bucket(ctx: BuildContext, kpi_id: str, segment: str) -> ir.Table:
    c = ctx.table("customers", kpi_id).select("customer_id", "owner_id", "segment", "acquired_at", "churned_at")
    if segment != "any":
        c = c.filter(c.segment == segment)
    b = ctx.buckets_table()
    return c.cross_join(b)


def _at(t: ir.Table, when: ir.TimestampValue) -> ir.BooleanValue:
    """Customer active at instant ``when``."""
    return (t.acquired_at.isnull() | (t.acquired_at < when)) & (t.churned_at.isnull() | (t.churned_at >= when))


def _group(t: ir.Table, num: Any, den: Any) -> ir.Table:
    return t.group_by(employee_id=t.owner_id, bucket=t.bucket).aggregate(num=num, den=den, n=den)


def churn_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    t = _customers_by_bucket(ctx, "churn_rate", p["segment"])
    start = _at(t, t.b_start)
    return _group(t, count_if(start & (t.churned_at < t.b_end)), count_if(start))


def retention_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    t = _customers_by_bucket(ctx, "key_account_retention", "key")
    start = _at(t, t.b_start)
    kept = start & (t.churned_at.isnull() | (t.churned_at >= t.b_end))
    return _group(t, count_if(kept), count_if(start))


def new_customers_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    t = _customers_by_bucket(ctx, "new_customers", p["segment"])
    new = t.acquired_at.notnull() & (t.acquired_at >= t.b_start) & (t.acquired_at < t.b_end)
    portfolio = new | _at(t, t.b_end)
    return t.group_by(employee_id=t.owner_id, bucket=t.bucket).aggregate(
        num=count_if(new), den=ibis.literal(None, type="float64"), n=count_if(portfolio)
    )


def callback_completion_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    """Owned customers active at the bucket's end with a visit or callback in the cycle before it."""
    cycle = timedelta(days=p["cycle_days"])
    t = _customers_by_bucket(ctx, "callback_completion", p["segment"])
    t = t.filter(_at(t, t.b_end))
    v = ctx.table("callbacks", "callback_completion")
    v = v.filter(ctx.in_period(v.visited_at, before=cycle)).select(v_customer="customer_id", v_at="visited_at")
    j = t.left_join(
        v,
        [t.customer_id == v.v_customer, v.v_at < t.b_end, v.v_at >= t.b_end - ibis.interval(days=p["cycle_days"])],
    )
    per_customer = j.group_by("owner_id", "bucket", "customer_id").aggregate(seen=j.v_at.count())
    return _group(per_customer, count_if(per_customer.seen > 0), per_customer.count())


def callback_count_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return {"num": t.count(), "den": None, "n": t.count()}


def callback_complaint_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return {"num": count_if(t.complaint.fill_null(False)), "den": None, "n": t.count()}


def _seg() -> Param:
    return Param("segment", "str", "any", choices=SEGMENTS, doc_zh="客户分群", doc_en="customer segment")


def _reg(**kw: Any) -> None:
    kw.setdefault("rollup", "parts" in kw)  # parts are sums over rows: they add up over days
    kw.setdefault("inputs", ("customers",))
    register_kpi(KpiDefinition(**kw))


_reg(
    id="callback_completion", name_zh="客户回访完成率", name_en="Callback completion", unit="%", direction="higher",
    definition_zh="负责的在册客户中,在回访周期(默认 90 天)内被回访或拜访过的比例,按期末计。",
    definition_en="Owned customers, active at the bucket's end, visited or called back within the cycle (90 days by default) before it.",
    formula="count(customers with a visit in [end − cycle_days, end)) / count(owned customers active at end) × 100",
    sample_zh="在册客户数", sample_en="owned customers", scale=100.0, inputs=("customers", "callbacks"),
    build=callback_completion_build,
    params=(Param("cycle_days", "int", 90, min=1, doc_zh="回访周期(天)", doc_en="cycle (days)"), _seg()),
)
_reg(
    id="callback_count", name_zh="回访次数", name_en="Callbacks and visits", unit="count", direction="higher",
    definition_zh="员工完成的回访与拜访次数。", definition_en="Callbacks and visits made by the employee.",
    formula="count(visits)", sample_zh="回访次数", sample_en="visits", kind="total", inputs=("callbacks",),
    base="callbacks", parts=callback_count_parts,
)
_reg(
    id="callback_complaints", name_zh="回访引发投诉数", name_en="Visits leading to a complaint", unit="count",
    direction="lower", definition_zh="回访或拜访后引发客户投诉的次数。",
    definition_en="Visits and callbacks that led to a complaint.", formula="count(visits with complaint)",
    sample_zh="回访次数", sample_en="visits", kind="total", inputs=("callbacks",), base="callbacks",
    parts=callback_complaint_parts,
)
_reg(
    id="churn_rate", name_zh="客户流失率", name_en="Customer churn rate", unit="%", direction="lower",
    definition_zh="期初在册客户中,期内流失的比例。", definition_en="Customers at period start who churned during the period.",
    formula="count(at start ∧ churned_at < end) / count(at start) × 100", sample_zh="期初客户数",
    sample_en="customers at period start", scale=100.0, build=churn_build, params=(_seg(),),
)
_reg(
    id="key_account_retention", name_zh="大客户保有率", name_en="Key-account retention", unit="%", direction="higher",
    definition_zh="期初在册的大客户中,期末仍保有的比例。", definition_en="Key accounts at period start still held at its end.",
    formula="count(key ∧ at start ∧ not churned by end) / count(key ∧ at start) × 100", sample_zh="期初大客户数",
    sample_en="key accounts at period start", scale=100.0, build=retention_build,
)
_reg(
    id="new_customers", name_zh="新增客户数", name_en="New customers", unit="count", direction="higher",
    definition_zh="期内新获得的客户数。", definition_en="Customers acquired in the period.",
    formula="count(start ≤ acquired_at < end)", sample_zh="期末客户组合(含新增)", sample_en="owned customers at period end",
    kind="total", build=new_customers_build, params=(_seg(),),
)
