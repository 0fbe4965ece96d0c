"""Shared bases: an event table filtered to the period, cut into buckets, keyed by employee.

Every ``parts`` KPI over the same base is computed in one aggregation, so a table
is scanned once however many of its KPIs are asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir

from kaohe.metrics.catalog.context import BuildContext, seconds_between


@dataclass(frozen=True)
class Base:
    name: str
    table: str
    make: Callable[[BuildContext], ir.Table]
    group_by: tuple[str, ...] = ("employee_id", "bucket")


BASES: dict[str, Base] = {}


def register_base(base: Base) -> Base:
    BASES[base.name] = base
    return base


def _points(table: str, ts: str, who: str) -> Callable[[BuildContext], ir.Table]:
    def make(ctx: BuildContext) -> ir.Table:
        t = ctx.bucket_points(ctx.table(table), ts)
        return t.mutate(employee_id=t[who])

    return make


def _dates(table: str, col: str, who: str) -> Callable[[BuildContext], ir.Table]:
    def make(ctx: BuildContext) -> ir.Table:
        t = ctx.bucket_dates(ctx.table(table), col)
        return t.mutate(employee_id=t[who]) if who != "employee_id" else t

    return make


def _calls(ctx: BuildContext) -> ir.Table:
    """Calls of the period, with ``wait_s`` (offer to answer, or to hang-up for an abandon) computed once."""
    t = ctx.bucket_points(ctx.table("calls"), "offered_at")
    answered = t.outcome == "answered"
    return t.mutate(
        employee_id=t.agent_id,
        wait_s=seconds_between(t.offered_at, answered.ifelse(t.answered_at, t.ended_at)),
    )


register_base(Base("calls", "calls", _calls, ("employee_id", "queue", "bucket")))
register_base(Base("surveys", "surveys", _points("surveys", "answered_at", "agent_id")))
register_base(Base("qa_evaluations", "qa_evaluations", _points("qa_evaluations", "evaluated_at", "agent_id")))
register_base(Base("callbacks", "callbacks", _points("callbacks", "visited_at", "employee_id")))
register_base(Base("incidents", "incidents", _points("incidents", "occurred_at", "employee_id")))
register_base(Base("attendance", "attendance", _dates("attendance", "date", "employee_id")))
register_base(Base("training", "training", _dates("training", "date", "employee_id")))
register_base(Base("tickets_caused", "tickets", _points("tickets", "created_at", "caused_by_id")))
register_base(Base("tickets_owned", "tickets", _points("tickets", "created_at", "owner_id")))
register_base(Base("tickets_resolved", "tickets", _points("tickets", "resolved_at", "owner_id")))
