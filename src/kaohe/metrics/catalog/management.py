"""Management KPIs from plan, budget and report records (``plans`` table).

A plan row carries its own period label (``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``). A row
counts in a bucket when its labelled period lies wholly inside the bucket: a monthly
plan counts in its month, quarter and year; a quarterly plan does not count in a month.
Rows whose ``actual`` is still empty are left out of both sums (not reported yet, not 0);
the sample size says how many items were reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from kaohe.metrics.catalog.context import BuildContext, count_if, seconds_between, sum_if
from kaohe.metrics.catalog.periods import Period
from kaohe.metrics.catalog.registry import KpiDefinition, Param, register_kpi


def _labels(period: Period) -> pd.DataFrame:
    """Every month, quarter and year label that fits inside one bucket of the period."""
    rows = []
    for y in range(period.start.year, period.end.year + 1):
        cands = [Period.year(y)] + [Period.quarter(f"{y}-Q{q}") for q in range(1, 5)]
        cands += [Period.month(f"{y}-{m:02d}") for m in range(1, 13)]
        for c in cands:
            for bs, be in period.buckets():
                if c.start >= bs and c.end <= be:
                    rows.append({"l_label": c.label, "l_bucket": period.bucket_key(bs)})
    df = pd.DataFrame(rows, columns=["l_label", "l_bucket"])
    return df.astype({"l_label": "string", "l_bucket": "datetime64[us]"})


def _plans(ctx: BuildContext, kpi_id: str, kind: str, measure: str) -> ir.Table:
    t = ctx.table("plans", kpi_id)
    t = t.filter(t.kind == kind)
    if measure != "any":
        t = t.filter(t.measure == measure)
    labels = ibis.memtable(_labels(ctx.period))
    j = t.join(labels, t.period == labels.l_label)
    return j.mutate(bucket=j.l_bucket, employee_id=j.employee_id)


def _sum_ratio(kind: str, kpi_id: str) -> Callable[[BuildContext, dict[str, Any]], ir.Table]:
    def build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
        t = _plans(ctx, kpi_id, kind, p["measure"])
        known = t.actual.notnull() & t.target.notnull()
        return t.group_by("employee_id", "bucket").aggregate(
            num=sum_if(t.actual.cast("float64"), known), den=sum_if(t.target.cast("float64"), known), n=count_if(known)
        )

    return build


def timeliness_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    t = _plans(ctx, "report_timeliness", "report", p["measure"])
    due = t.due_at.notnull()
    on_time = due & t.delivered_at.notnull() & (t.delivered_at <= t.due_at)
    return t.group_by("employee_id", "bucket").aggregate(num=count_if(on_time), den=count_if(due), n=count_if(due))


def delay_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    """Days late by the local calendar; an undelivered report is late up to the period's end."""
    t = _plans(ctx, "report_delay_days", "report", p["measure"])
    t = t.filter(t.due_at.notnull())
    delivered = t.delivered_at.fill_null(ctx.lit_ts(ctx.end_utc))
    days = seconds_between(ctx.local(t.due_at).truncate("D"), ctx.local(delivered).truncate("D")) / 86400.0
    late = (days > 0).ifelse(days, 0.0)
    return t.group_by("employee_id", "bucket").aggregate(
        num=late.sum(), den=ibis.literal(None, type="float64"), n=t.count()
    )


def _measure(default: str | None) -> Param:
    if default is None:
        return Param("measure", "str", required=True, doc_zh="计划指标名", doc_en="measure name")
    return Param("measure", "str", default, doc_zh="计划指标名(any 为全部)", doc_en="measure name (any = all)")


def _reg(**kw: Any) -> None:
    kw.setdefault("inputs", ("plans",))
    register_kpi(KpiDefinition(**kw))


_reg(
    id="plan_completion_rate", name_zh="计划完成率", name_en="Plan completion rate", unit="%", direction="higher",
    definition_zh="某计划指标的实际完成值之和除以目标值之和(kind=plan)。",
    definition_en="Sum of actuals over sum of targets of a measure's plan rows (kind = plan).",
    formula="Σ actual / Σ target × 100 (kind = plan, measure = :measure)", sample_zh="已填报的计划项数",
    sample_en="reported plan items", scale=100.0, build=_sum_ratio("plan", "plan_completion_rate"),
    params=(_measure(None),),
)
_reg(
    id="budget_control_rate", name_zh="预算控制率", name_en="Budget control rate", unit="%", direction="lower",
    definition_zh="实际支出之和除以预算之和(kind=budget)。", definition_en="Sum of spending over sum of budgets (kind = budget).",
    formula="Σ actual / Σ target × 100 (kind = budget, measure = :measure)", sample_zh="已填报的预算项数",
    sample_en="reported budget items", scale=100.0, build=_sum_ratio("budget", "budget_control_rate"),
    params=(_measure("budget"),),
)
_reg(
    id="report_timeliness", name_zh="报表提交及时率", name_en="Report timeliness", unit="%", direction="higher",
    definition_zh="应交报表中在截止时间前提交的比例。", definition_en="Reports delivered by their due time over reports due.",
    formula="count(delivered_at ≤ due_at) / count(due_at known) × 100", sample_zh="应交报表数", sample_en="reports due",
    scale=100.0, build=timeliness_build, params=(_measure("any"),),
)
_reg(
    id="report_delay_days", name_zh="报表延迟天数", name_en="Report delay days", unit="days", direction="lower",
    definition_zh="应交报表按本地日历计算的延迟天数合计;未提交的报表计至期末。",
    definition_en="Total days late by the local calendar; a report not yet delivered is late up to the period's end.",
    formula="Σ max(0, local date(delivered_at or period end) − local date(due_at))", sample_zh="应交报表数",
    sample_en="reports due", kind="total", build=delay_build, params=(_measure("any"),),
)
