"""Ticket KPIs: complaints and repairs, response and resolution times.

Whom a ticket concerns:
- ``ticket_count`` counts tickets *caused by* the employee (``caused_by_id``), e.g.
  complaints about an agent;
- response, resolution and reopen KPIs belong to the ticket's *owner* (``owner_id``),
  who handles it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from kaohe.metrics.catalog.context import BuildContext, count_if, seconds_between
from kaohe.metrics.catalog.registry import KpiDefinition, Param, register_kpi

TYPES = ("complaint", "repair", "inquiry")


def _type_param(default: str) -> Param:
    return Param("type", "str", default, choices=TYPES, doc_zh="工单类型", doc_en="ticket type")


def count_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return {"num": count_if(t.type == p["type"]), "den": None, "n": t.count()}


def first_response_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    mine = t.type == p["type"]
    ok = mine & t.first_response_at.notnull() & (
        seconds_between(t.created_at, t.first_response_at) <= p["hours"] * 3600.0
    )
    return {"num": count_if(ok), "den": count_if(mine), "n": count_if(mine)}


def reopen_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    mine = t.type == p["type"]
    return {"num": count_if(mine & (t.reopened_count.fill_null(0) > 0)), "den": count_if(mine), "n": count_if(mine)}


def resolution_rate_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    t = ctx.table("tickets", "ticket_resolution_rate")
    t = ctx.bucket_points(t.filter(t.type == p["type"]), "created_at")
    # Resolved by the end of the period, so a recomputation later gives the same value.
    done = t.resolved_at.notnull() & (t.resolved_at < ctx.lit_ts(ctx.end_utc))
    return t.group_by(employee_id=t.owner_id, bucket=t.bucket).aggregate(num=count_if(done), den=t.count(), n=t.count())


def resolved_within_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    """Resolved within N working days of creation, by the company's working-day calendar.

    Each local date gets the running count of working days; a ticket is in time when
    the counts of its resolution and creation dates differ by at most N. A calendar
    table covers only the dates the tickets need, so an unloaded year is refused only
    when a ticket really falls in it.
    """
    n_days = p["working_days"]
    t = ctx.table("tickets", "ticket_resolved_within")
    t = ctx.bucket_points(t.filter(t.type == p["type"]), "created_at")
    t = t.mutate(
        c_day=ctx.local(t.created_at).truncate("D"),
        r_day=ctx.local(t.resolved_at).truncate("D"),
    )
    first = ctx.period.start.date() - timedelta(days=1)
    cap = ctx.period.end.date() + timedelta(days=2 * n_days + 20)
    latest = t.r_day.max().execute()
    last = cap if latest is None or pd.isna(latest) else min(cap, pd.Timestamp(latest).date())
    last = max(last, ctx.period.end.date())
    rows = ctx.calendar.cumulative_workdays(first, last + timedelta(days=1))
    cal = ibis.memtable(
        pd.DataFrame({"k_day": [datetime(d.year, d.month, d.day) for d, _ in rows], "k_cum": [c for _, c in rows]})
        .astype({"k_day": "datetime64[us]", "k_cum": "int64"})
    )
    created = cal.select(c_key=cal.k_day, c_cum=cal.k_cum)
    resolved = cal.select(r_key=cal.k_day, r_cum=cal.k_cum)
    j = t.left_join(created, t.c_day == created.c_key)
    j = j.left_join(resolved, j.r_day == resolved.r_key)
    ok = j.r_cum.notnull() & j.c_cum.notnull() & ((j.r_cum - j.c_cum) <= n_days)
    return j.group_by(employee_id=j.owner_id, bucket=j.bucket).aggregate(num=count_if(ok), den=j.count(), n=j.count())


def _reg(**kw: Any) -> None:
    kw.setdefault("rollup", "parts" in kw)  # parts are sums over rows: they add up over days
    kw.setdefault("inputs", ("tickets",))
    register_kpi(KpiDefinition(**kw))


_reg(
    id="ticket_count", name_zh="工单数(如客户投诉数)", name_en="Ticket count (e.g. complaints)", unit="count",
    direction="lower",
    definition_zh="期间内创建、指向该员工(caused_by_id)的某类工单数,默认为投诉。",
    definition_en="Tickets of the type created in the period that concern the employee (caused_by_id); complaints by default.",
    formula="count(type = :type)", sample_zh="指向该员工的工单数(各类型)", sample_en="tickets concerning the employee (any type)",
    kind="total", base="tickets_caused", parts=count_parts, params=(_type_param("complaint"),),
)
_reg(
    id="ticket_first_response_within", name_zh="工单及时响应率", name_en="First response within N hours",
    unit="%", direction="higher",
    definition_zh="期间内创建的该类工单中,在 N 小时内首次响应的比例(负责人口径)。",
    definition_en="Tickets of the type created in the period with a first response within N hours (owner's view).",
    formula="count(first_response_at − created_at ≤ hours) / count(created) × 100",
    sample_zh="期间内创建的工单数", sample_en="tickets created in the period", scale=100.0,
    base="tickets_owned", parts=first_response_parts,
    params=(_type_param("complaint"), Param("hours", "float", 2.0, min=0, doc_zh="响应时限(小时)", doc_en="hours")),
)
_reg(
    id="ticket_resolved_within", name_zh="工单按期解决率", name_en="Resolved within N working days",
    unit="%", direction="higher",
    definition_zh="期间内创建的该类工单中,在 N 个工作日内解决的比例;工作日按国家法定节假日与调休及公司调整计算。",
    definition_en="Tickets of the type created in the period resolved within N working days, by the statutory "
    "calendar with make-up workdays and company overrides.",
    formula="count(workdays_index(resolved date) − workdays_index(created date) ≤ working_days) / count(created) × 100",
    sample_zh="期间内创建的工单数", sample_en="tickets created in the period", scale=100.0,
    build=resolved_within_build,
    params=(_type_param("complaint"), Param("working_days", "int", 3, min=0, doc_zh="工作日数", doc_en="working days")),
    notes_zh="创建当天不计;在非工作日创建的工单从下一个工作日起算。",
    notes_en="The creation day is not counted; a ticket created on a rest day starts counting on the next working day.",
)
_reg(
    id="ticket_resolution_rate", name_zh="工单解决率", name_en="Ticket resolution rate", unit="%", direction="higher",
    definition_zh="期间内创建的该类工单中,在期末前已解决的比例。",
    definition_en="Tickets of the type created in the period and resolved before the period's end.",
    formula="count(resolved_at < period end) / count(created) × 100", sample_zh="期间内创建的工单数",
    sample_en="tickets created in the period", scale=100.0, build=resolution_rate_build,
    params=(_type_param("complaint"),),
)
_reg(
    id="ticket_reopen_rate", name_zh="工单重开率(返修率)", name_en="Ticket reopen rate", unit="%", direction="lower",
    definition_zh="期间内解决的该类工单中,至少重开一次的比例,默认为维修单。",
    definition_en="Tickets of the type resolved in the period that were reopened at least once; repairs by default.",
    formula="count(reopened_count > 0) / count(resolved in period) × 100", sample_zh="期间内解决的工单数",
    sample_en="tickets resolved in the period", scale=100.0, base="tickets_resolved", parts=reopen_parts,
    params=(_type_param("repair"),),
)
