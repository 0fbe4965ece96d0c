"""Improvement plans in the database, with the rules of `kaohe.results.plans`.

Who may change a plan: the employee's supervisor and HR (the relations the permission
module gives). Anyone who may see the sheet may see its plan. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from kaohe.results import plans as rules
from kaohe.results.policy import load_policy
from kaohe.web.appraisal.models import Cycle, Sheet
from kaohe.web.audit.services import record
from kaohe.web.errors import Forbidden, IllegalTransition, InvalidInput, ValidationReport
from kaohe.web.permissions import relations, visible_sheets
from kaohe.web.reports.models import ImprovementPlan, PlanItem

EDITORS = frozenset({"supervisor", "hr"})


def may_edit(user: Any, sheet: Sheet) -> bool:
    return bool(relations(user, sheet.employee, sheet) & EDITORS)


def _require_edit(user: Any, sheet: Sheet) -> None:
    if not may_edit(user, sheet):
        raise Forbidden("只有考核人或绩效管理员可以修改改进计划",
                        "Only the supervisor or HR may change an improvement plan")


def as_rules(plan: ImprovementPlan) -> rules.ImprovementPlan:
    return rules.ImprovementPlan(
        str(plan.pk), plan.sheet.employee.code, plan.sheet.cycle.label, plan.trigger_grade, plan.opened_on,
        plan.due, plan.goal,
        tuple(rules.PlanItem(str(i.pk), i.action, i.owner, i.due, i.status, i.completed_on)  # type: ignore[arg-type]
              for i in plan.items.all()),
        plan.closed_on, plan.outcome or None, plan.next_grade or None)  # type: ignore[arg-type]


def cycle_plans(user: Any, cycle: Cycle) -> tuple[list[ImprovementPlan], list[Sheet]]:
    """(plans of the visible sheets, visible sheets whose grade calls for a plan that has none)."""
    policy = load_policy()
    sheets = list(visible_sheets(user, cycle).filter(current_score__isnull=False)
                  .select_related("employee__team", "employee__department"))
    plans = list(ImprovementPlan.objects.filter(sheet__in=sheets).select_related("sheet__employee", "sheet__cycle")
                 .prefetch_related("items"))
    planned = {p.sheet_id for p in plans}
    needed = set(rules.plans_needed({str(s.pk): s.current_score.grade or None for s in sheets}, policy))
    return plans, [s for s in sheets if str(s.pk) in needed and s.pk not in planned]


def open_plan(sheet: Sheet, actor: Any, *, goal: str, items: list[tuple[str, str, str]],
              today: dt.date) -> ImprovementPlan:
    """`items`: (action, owner, due as YYYY-MM-DD); empty rows are ignored, bad ones all reported."""
    _require_edit(actor, sheet)
    policy = load_policy()
    report = ValidationReport()
    grade = sheet.current_score.grade if sheet.current_score else ""
    if grade not in policy.improvement.trigger_grades:
        report.add("grade", f"等级 {grade or '—'} 不需要改进计划", f"grade {grade or '—'} does not call for a plan")
    if ImprovementPlan.objects.filter(sheet=sheet).exists():
        report.add("sheet", "该考核表已有改进计划", "this sheet already has a plan")
    if not goal.strip():
        report.add("goal", "请填写改进目标", "the goal is required")
    parsed: list[rules.PlanItem] = []
    for n, (action, owner, due) in enumerate(items, start=1):
        if not (action.strip() or owner.strip() or due.strip()):
            continue
        try:
            day = dt.date.fromisoformat(due.strip())
        except ValueError:
            report.add("due", "日期格式应为 YYYY-MM-DD", "the date must be YYYY-MM-DD", row=n, value=due)
            continue
        if not action.strip() or not owner.strip():
            report.add("action", "事项和负责人都要填写", "both the action and the owner are required", row=n)
            continue
        parsed.append(rules.PlanItem(str(n), action.strip(), owner.strip(), day))
    if not parsed:
        report.add("items", "至少需要一个事项", "at least one item is needed")
    if report.ok:
        try:
            checked = rules.open_plan("new", sheet.employee.code, sheet.cycle.label, grade, today, goal.strip(),
                                      parsed, policy)
        except ValueError as exc:
            report.add("due", f"事项截止日期晚于计划结束日：{exc}", f"an item is due after the plan ends: {exc}")
    if not report.ok:
        raise InvalidInput(report)
    with transaction.atomic():
        plan = ImprovementPlan.objects.create(sheet=sheet, trigger_grade=grade, goal=checked.goal,
                                              opened_on=today, due=checked.due, opened_by=actor)
        for item in checked.items:
            PlanItem.objects.create(plan=plan, action=item.action, owner=item.owner, due=item.due)
        record(actor, "plan.open", plan, after={"sheet": sheet.pk, "grade": grade, "items": len(checked.items)},
               company_id=sheet.cycle.company_id)
    return plan


def set_item_status(item: PlanItem, actor: Any, status: str, today: dt.date) -> PlanItem:
    _require_edit(actor, item.plan.sheet)
    if item.plan.closed_on is not None:
        raise IllegalTransition("改进计划已关闭", "The plan is closed")
    if status not in PlanItem.Status.values:
        report = ValidationReport()
        report.add("status", f"未知状态 {status}", f"unknown status {status}", value=status)
        raise InvalidInput(report)
    before = item.status
    item.status = status
    item.completed_on = today if status == "done" else None
    item.save(update_fields=["status", "completed_on"])
    record(actor, "plan.item", item, before={"status": before}, after={"status": status},
           company_id=item.plan.sheet.cycle.company_id)
    return item


def next_grade(plan: ImprovementPlan) -> str | None:
    """The employee's grade in the next cycle of the same period kind, once there is one."""
    cycle = plan.sheet.cycle
    later = (Sheet.objects.filter(employee=plan.sheet.employee, cycle__period=cycle.period,
                                  cycle__start__gt=cycle.start, current_score__isnull=False)
             .select_related("current_score").order_by("cycle__start").first())
    return (later.current_score.grade or None) if later else None


def close_plan(plan: ImprovementPlan, actor: Any, today: dt.date) -> ImprovementPlan:
    _require_edit(actor, plan.sheet)
    grade = next_grade(plan)
    if grade is None:
        raise IllegalTransition("下一考核周期还没有等级，暂不能关闭", "The next cycle has no grade yet")
    try:
        closed = rules.close_plan(as_rules(plan), today, grade, load_policy())
    except ValueError:
        raise IllegalTransition("还有未完成的事项", "Some items are not finished") from None
    plan.closed_on, plan.next_grade, plan.outcome = today, grade, closed.outcome or ""
    plan.save(update_fields=["closed_on", "next_grade", "outcome"])
    record(actor, "plan.close", plan, after={"next_grade": grade, "outcome": plan.outcome},
           company_id=plan.sheet.cycle.company_id)
    return plan
