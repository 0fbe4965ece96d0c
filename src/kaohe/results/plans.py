"""Improvement plans (绩效改进计划), tracked until they end.

A plan is opened for an employee whose grade is one of the policy's trigger grades.
It holds items, each with an owner, a due date and a status. A plan ends in one of
two ways: every item is done or cancelled and the plan is closed with an outcome
("improved" when the next cycle's grade is better than the grade that opened the
plan), or it is still running and then it is either on track or overdue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from kaohe.results.policy import ResultsPolicy

ItemStatus = Literal["open", "in_progress", "done", "cancelled"]
PlanState = Literal["on_track", "due_soon", "overdue", "ready_to_close", "closed"]
FINISHED: frozenset[str] = frozenset({"done", "cancelled"})


@dataclass(frozen=True)
class PlanItem:
    item_id: str
    action: str  # what is to be done, in the words of the supervisor and the employee
    owner: str  # who is responsible: the employee, the supervisor, the trainer …
    due: date
    status: ItemStatus = "open"
    completed_on: date | None = None


@dataclass(frozen=True)
class ImprovementPlan:
    plan_id: str
    employee_id: str
    cycle_id: str  # the cycle whose result opened the plan
    trigger_grade: str
    opened_on: date
    due: date
    goal: str
    items: tuple[PlanItem, ...] = field(default_factory=tuple)
    closed_on: date | None = None
    outcome: Literal["improved", "not_improved"] | None = None
    next_grade: str | None = None


@dataclass(frozen=True)
class OverdueItem:
    plan_id: str
    employee_id: str
    item_id: str
    action: str
    owner: str
    due: date
    days_overdue: int


def plans_needed(grades: Mapping[str, str | None], policy: ResultsPolicy) -> list[str]:
    """Employees whose grade in this cycle calls for a plan (sorted)."""
    triggers = set(policy.improvement.trigger_grades)
    return sorted(e for e, g in grades.items() if g in triggers)


def open_plan(
    plan_id: str,
    employee_id: str,
    cycle_id: str,
    grade: str,
    opened_on: date,
    goal: str,
    items: Sequence[PlanItem],
    policy: ResultsPolicy,
) -> ImprovementPlan:
    if grade not in policy.improvement.trigger_grades:
        raise ValueError(f"grade {grade!r} does not call for an improvement plan")
    due = opened_on + timedelta(days=policy.improvement.plan_days)
    late = [i.item_id for i in items if i.due > due]
    if late:
        raise ValueError(f"items due after the plan ends ({due.isoformat()}): {late}")
    return ImprovementPlan(plan_id, employee_id, cycle_id, grade, opened_on, due, goal, tuple(items))


def update_item(plan: ImprovementPlan, item_id: str, status: ItemStatus, on: date) -> ImprovementPlan:
    if plan.closed_on is not None:
        raise ValueError(f"plan {plan.plan_id} is closed")
    found = False
    items = []
    for item in plan.items:
        if item.item_id == item_id:
            found = True
            item = replace(item, status=status, completed_on=on if status == "done" else None)
        items.append(item)
    if not found:
        raise KeyError(item_id)
    return replace(plan, items=tuple(items))


def overdue_items(plans: Sequence[ImprovementPlan], today: date) -> list[OverdueItem]:
    """Items of running plans past their due date and not finished, most overdue first."""
    out = [
        OverdueItem(p.plan_id, p.employee_id, i.item_id, i.action, i.owner, i.due, (today - i.due).days)
        for p in plans
        if p.closed_on is None
        for i in p.items
        if i.status not in FINISHED and i.due < today
    ]
    return sorted(out, key=lambda o: (-o.days_overdue, o.plan_id, o.item_id))


def plan_state(plan: ImprovementPlan, today: date, policy: ResultsPolicy) -> PlanState:
    if plan.closed_on is not None:
        return "closed"
    pending = [i for i in plan.items if i.status not in FINISHED]
    if not pending:
        return "ready_to_close"
    if any(i.due < today for i in pending) or plan.due < today:
        return "overdue"
    soon = today + timedelta(days=policy.improvement.due_soon_days)
    if any(i.due <= soon for i in pending):
        return "due_soon"
    return "on_track"


def close_plan(plan: ImprovementPlan, on: date, next_grade: str, policy: ResultsPolicy) -> ImprovementPlan:
    """End a plan with the grade of the cycle after it; every item must be finished first."""
    pending = [i.item_id for i in plan.items if i.status not in FINISHED]
    if pending:
        raise ValueError(f"plan {plan.plan_id} has unfinished items: {pending}")
    improved = policy.rank(next_grade) < policy.rank(plan.trigger_grade)
    return replace(
        plan, closed_on=on, next_grade=next_grade, outcome="improved" if improved else "not_improved"
    )
