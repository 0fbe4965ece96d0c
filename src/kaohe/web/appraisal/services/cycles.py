"""Opening a cycle: one sheet per employee, each bound to a frozen copy of its scheme."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from kaohe.scheme.models import Scheme
from kaohe.web.appraisal import library_bridge
from kaohe.web.appraisal.models import Cycle, PeriodKind, SchemeSnapshot, Sheet
from kaohe.web.audit.services import record
from kaohe.web.errors import InvalidInput, ValidationReport
from kaohe.web.org.models import Employee, Position
from kaohe.web.permissions import require, visible_sheets

LABEL_PATTERNS = {"monthly": r"\d{4}-(0[1-9]|1[0-2])", "quarterly": r"\d{4}-Q[1-4]", "annual": r"\d{4}"}
LABEL_EXAMPLES = {"monthly": "2026-10", "quarterly": "2026-Q4", "annual": "2026"}


def snapshot_scheme(scheme: Scheme, actor: Any = None) -> SchemeSnapshot:
    """The snapshot holding exactly this content, created (and audited) if it is new."""
    content = scheme.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    existing = SchemeSnapshot.objects.filter(scheme_id=scheme.id, sha256=digest).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        last = SchemeSnapshot.objects.filter(scheme_id=scheme.id).aggregate(m=Max("version"))["m"] or 0
        snap = SchemeSnapshot.objects.create(
            scheme_id=scheme.id, version=last + 1, sha256=digest, content=content, position_code=scheme.position,
            level=str(scheme.level), period=str(scheme.period))
        record(actor, "scheme.snapshot", snap, after={"scheme_id": scheme.id, "version": snap.version,
                                                      "sha256": digest})
    return snap


# The steps a cycle sets a last day for, in workflow order, with their default distance
# (calendar days) from the first day (targets) or the last day of the period (the rest).
DEADLINE_STEPS: list[tuple[str, str, str, str, int]] = [
    # step, label zh, label en, counted from, days
    ("acknowledge_targets", "确认目标责任书", "Targets acknowledged", "start", 5),
    ("self_review", "自评", "Self-review", "end", 3),
    ("supervisor_review", "考核人评分", "Supervisor rating", "end", 6),
    ("reviewer_approval", "审核", "Reviewer approval", "end", 8),
    ("calibration", "校准", "Calibration", "end", 10),
    ("interview", "绩效面谈", "Feedback interview", "end", 15),
    ("acknowledge_result", "确认考核结果", "Result acknowledged", "end", 18),
]


def period_bounds(period: str, label: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of the period a label names (2026-10, 2026-Q4, 2026); None if it names none."""
    if period not in LABEL_PATTERNS or not re.fullmatch(LABEL_PATTERNS[period], label or ""):
        return None
    year = int(label[:4])
    if period == "monthly":
        first_month, months = int(label[5:7]), 1
    elif period == "quarterly":
        first_month, months = (int(label[-1]) - 1) * 3 + 1, 3
    else:
        first_month, months = 1, 12
    start = dt.date(year, first_month, 1)
    last_month = first_month + months - 1
    following = dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
    return start, following - dt.timedelta(days=1)


def next_label(period: str, today: dt.date) -> str:
    """The label of the period after the one containing `today` (HR opens next month's cycle)."""
    if period == "monthly":
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return f"{year}-{month:02d}"
    if period == "quarterly":
        q = (today.month - 1) // 3 + 1
        return f"{today.year + 1}-Q1" if q == 4 else f"{today.year}-Q{q + 1}"
    return str(today.year + 1)


def default_deadlines(start: dt.date, end: dt.date) -> dict[str, dt.date]:
    return {step: (start if base == "start" else end) + dt.timedelta(days=days)
            for step, _zh, _en, base, days in DEADLINE_STEPS}


@dataclass
class MissingScheme:
    """A position (at a level) with employees in scope but no scheme for the period."""

    position_code: str
    position_name: str
    level: str
    employees: list[str]  # "name（code）"


@dataclass
class CyclePlan:
    """What opening a cycle would do: who gets a sheet on which scheme, who is left out and why."""

    included: list[tuple[Employee, Scheme]] = field(default_factory=list)
    missing: list[MissingScheme] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)

    @property
    def left_out(self) -> int:
        return sum(len(m.employees) for m in self.missing)

    def by_scheme(self) -> list[tuple[Scheme, int]]:
        counts: Counter[str] = Counter(s.id for _e, s in self.included)
        schemes = {s.id: s for _e, s in self.included}
        return [(schemes[k], n) for k, n in sorted(counts.items())]

    def by_position(self) -> list[tuple[str, int]]:
        counts: Counter[str] = Counter(e.position.name_zh for e, _s in self.included)
        return sorted(counts.items())


def scope_employees(company: Any, *, start: dt.date, end: dt.date, positions: Any = None,
                    departments: Any = None, employees: Any = None) -> Any:
    """The active, internal employees of the company in the period, narrowed by any of the three scopes."""
    from kaohe.web.org.models import Department

    qs = Employee.objects.filter(company=company, hire_date__lte=end).filter(
        Q(leave_date__isnull=True) | Q(leave_date__gte=start)).exclude(position__external=True).select_related(
        "position", "department")
    if positions:
        qs = qs.filter(position__in=list(positions))
    if departments:
        ids: set[int] = set()
        for dep in Department.objects.filter(pk__in=[getattr(d, "pk", d) for d in departments]):
            ids |= dep.descendant_ids()
        qs = qs.filter(department_id__in=ids)
    if employees:
        qs = qs.filter(pk__in=[getattr(e, "pk", e) for e in employees])
    return qs.order_by("code")


def plan_cycle(company: Any, actor: Any, *, period: str, label: str, start: dt.date, end: dt.date,
               positions: Any = None, departments: Any = None, employees: Any = None,
               schemes: Mapping[tuple[str, str], Scheme] | None = None) -> CyclePlan:
    """Check a cycle before it is opened; nothing is written."""
    require(actor, "open_cycle", company)
    plan = CyclePlan()
    report = plan.report
    if period not in PeriodKind.values:
        report.add("period", f"周期类型 {period} 无效", f"Unknown period {period}", value=period)
    if end < start:
        report.add("end", "结束日期早于开始日期", "The end is before the start", value=end)
    if Cycle.objects.filter(company=company, label=label).exists():
        report.add("label", f"考核周期 {label} 已存在", f"A cycle {label} already exists", value=label)
    elif period in LABEL_PATTERNS and not re.fullmatch(LABEL_PATTERNS[period], label):
        # the label is also the period the metrics layer computes over
        report.add("label", f"{period} 周期的标识应形如 {LABEL_EXAMPLES[period]}",
                   f"A {period} cycle is labelled like {LABEL_EXAMPLES[period]}", value=label)
    missing: dict[tuple[str, str], MissingScheme] = {}
    for emp in scope_employees(company, start=start, end=end, positions=positions, departments=departments,
                               employees=employees):
        key = (emp.position.code, emp.level)
        scheme = schemes.get(key) if schemes is not None else library_bridge.scheme_for(*key, period, company=company, label=label)
        if scheme is None:
            entry = missing.setdefault(key, MissingScheme(key[0], emp.position.name_zh, key[1], []))
            entry.employees.append(f"{emp.name}（{emp.code}）")
        else:
            plan.included.append((emp, scheme))
    plan.missing = sorted(missing.values(), key=lambda m: (m.position_code, m.level))
    if not plan.included and report.ok:
        report.add("scope", "所选范围内没有可考核的员工", "Nobody in the chosen scope can be appraised")
    return plan


def open_cycle(company: Any, actor: Any, *, period: str, label: str, start: dt.date, end: dt.date,
               name: str | None = None, positions: list[Position] | None = None,
               rating_deadline: dt.datetime | None = None,
               schemes: Mapping[tuple[str, str], Scheme] | None = None, departments: Any = None,
               employees: Any = None, leave_out_unschemed: bool = False,
               deadlines: Mapping[str, dt.date] | None = None) -> Cycle:
    """Open a cycle and give each active employee of the chosen scope a sheet.

    An employee whose position and level have no scheme for the period is reported (all
    of them at once) and the cycle is not opened, so nobody is silently left out — unless
    HR saw that list and chose `leave_out_unschemed`; those left out are then in the audit event.
    """
    if not leave_out_unschemed and departments is None and employees is None and deadlines is None:
        return _open_cycle_strict(company, actor, period=period, label=label, start=start, end=end, name=name,
                                  positions=positions, rating_deadline=rating_deadline, schemes=schemes)
    plan = plan_cycle(company, actor, period=period, label=label, start=start, end=end, positions=positions,
                      departments=departments, employees=employees, schemes=schemes)
    report = plan.report
    if plan.missing and not leave_out_unschemed:
        for m in plan.missing:
            report.add("scheme", f"岗位 {m.position_name}（{m.level}）没有{period}考核方案，涉及 {len(m.employees)} 人",
                       f"No {period} scheme for {m.position_code} at level {m.level} ({len(m.employees)} people)")
    steps = [s[0] for s in DEADLINE_STEPS]
    for step, day in (deadlines or {}).items():
        if step not in steps:
            report.add(f"deadline_{step}", f"没有名为 {step} 的步骤", f"There is no step {step}")
        elif day < start:
            report.add(f"deadline_{step}", "截止日期早于周期开始", "The deadline is before the cycle starts",
                       value=day)
    if not report.ok:
        raise InvalidInput(report, "无法开启考核周期", "The cycle cannot be opened")
    if rating_deadline is None and deadlines and "supervisor_review" in deadlines:
        rating_deadline = _end_of_day(deadlines["supervisor_review"], company)
    with transaction.atomic():
        cycle = Cycle.objects.create(
            company=company, name=name or f"{label} {period}", period=period, label=label, start=start, end=end,
            rating_deadline=rating_deadline, opened_by=actor,
            deadlines={k: v.isoformat() for k, v in (deadlines or {}).items()})
        if positions:
            cycle.positions.set(positions)
        sheets = _create_sheets(cycle, plan.included, actor)
        record(actor, "cycle.open", cycle, after={
            "label": label, "period": period, "start": start, "end": end, "sheets": len(sheets),
            "deadlines": cycle.deadlines,
            "left_out": [{"position": m.position_code, "level": m.level, "employees": m.employees}
                         for m in plan.missing]}, company_id=company.pk)
    return cycle


def _end_of_day(day: dt.date, company: Any) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(23, 59), ZoneInfo(company.time_zone))


def _create_sheets(cycle: Cycle, chosen: list[tuple[Employee, Scheme]], actor: Any) -> list[Sheet]:
    snaps: dict[str, SchemeSnapshot] = {}
    sheets = []
    for emp, scheme in chosen:
        snap = snaps.get(scheme.id) or snaps.setdefault(scheme.id, snapshot_scheme(scheme, actor))
        sheets.append(Sheet(cycle=cycle, employee=emp, scheme=snap))
    Sheet.objects.bulk_create(sheets)
    return sheets


def _open_cycle_strict(company: Any, actor: Any, *, period: str, label: str, start: dt.date, end: dt.date,
                       name: str | None, positions: list[Position] | None, rating_deadline: dt.datetime | None,
                       schemes: Mapping[tuple[str, str], Scheme] | None) -> Cycle:
    require(actor, "open_cycle", company)
    report = ValidationReport()
    if period not in PeriodKind.values:
        report.add("period", f"周期类型 {period} 无效", f"Unknown period {period}", value=period)
    if end < start:
        report.add("end", "结束日期早于开始日期", "The end is before the start", value=end)
    if Cycle.objects.filter(company=company, label=label).exists():
        report.add("label", f"考核周期 {label} 已存在", f"A cycle {label} already exists", value=label)
    elif period in LABEL_PATTERNS and not re.fullmatch(LABEL_PATTERNS[period], label):
        # the label is also the period the metrics layer computes over
        report.add("label", f"{period} 周期的标识应形如 {LABEL_EXAMPLES[period]}",
                   f"A {period} cycle is labelled like {LABEL_EXAMPLES[period]}", value=label)
    employees = Employee.objects.filter(company=company, hire_date__lte=end).filter(
        Q(leave_date__isnull=True) | Q(leave_date__gte=start)).exclude(position__external=True).select_related(
        "position")
    if positions:
        employees = employees.filter(position__in=positions)
    chosen: list[tuple[Employee, Scheme]] = []
    for emp in employees:
        key = (emp.position.code, emp.level)
        scheme = schemes.get(key) if schemes is not None else library_bridge.scheme_for(*key, period, company=company, label=label)
        if scheme is None:
            report.add("scheme", f"{emp.name}（{emp.code}）的岗位 {key[0]}/{key[1]} 没有{period}考核方案",
                       f"No {period} scheme for position {key[0]} at level {key[1]} ({emp.code})", value=emp.code)
        else:
            chosen.append((emp, scheme))
    if not report.ok:
        raise InvalidInput(report, "无法开启考核周期", "The cycle cannot be opened")
    with transaction.atomic():
        cycle = Cycle.objects.create(company=company, name=name or f"{label} {period}", period=period,
                                     label=label, start=start, end=end, rating_deadline=rating_deadline,
                                     opened_by=actor)
        if positions:
            cycle.positions.set(positions)
        snaps: dict[str, SchemeSnapshot] = {}
        sheets = []
        for emp, scheme in chosen:
            snap = snaps.get(scheme.id) or snaps.setdefault(scheme.id, snapshot_scheme(scheme, actor))
            sheets.append(Sheet(cycle=cycle, employee=emp, scheme=snap))
        Sheet.objects.bulk_create(sheets)
        record(actor, "cycle.open", cycle, after={"label": label, "period": period, "start": start, "end": end,
                                                  "sheets": len(sheets)}, company_id=company.pk)
    return cycle


def cycle_progress(cycle: Cycle, user: Any) -> dict[str, int]:
    """How many of the sheets the user may see are in each state."""
    require(user, "view_cycle_progress", cycle)
    counts = Counter(visible_sheets(user, cycle).values_list("state", flat=True))
    return dict(counts)


@dataclass
class BulkPlan:
    """What a step over a whole cycle would do, before anyone confirms it."""

    step: str
    ready: list[Sheet] = field(default_factory=list)
    skipped: list[tuple[Sheet, str, str]] = field(default_factory=list)  # sheet, why (zh, en)
    blocking: list[tuple[Sheet, str, str]] = field(default_factory=list)  # incomplete: HR completes or excludes
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.ready) and not self.blocking


# The steps that HR may take for a whole cycle, and the states the sheets must be in.
BULK_STEPS = ("set_targets", "start_self_review", "publish")


def bulk_plan(cycle: Cycle, user: Any, step: str) -> BulkPlan:
    """Which sheets the step applies to, which it skips and why; for publishing, which are incomplete."""
    from kaohe.web.appraisal.services.workflow import incomplete_reason
    from kaohe.web.appraisal.workflow import TRANSITIONS
    from kaohe.web.permissions import can

    require(user, "view_cycle_progress", cycle)
    plan = BulkPlan(step)
    sources = TRANSITIONS[step].sources
    sheets = visible_sheets(user, cycle).select_related("employee", "current_score").order_by("employee__code")
    for sheet in sheets:
        plan.by_state[sheet.state] = plan.by_state.get(sheet.state, 0) + 1
        if sheet.state not in sources:
            label = SheetStateLabels.get(sheet.state, (sheet.state, sheet.state))
            plan.skipped.append((sheet, f"状态为“{label[0]}”", f"in state “{label[1]}”"))
            continue
        if sheet.excluded_at is not None:
            plan.skipped.append((sheet, f"已排除：{sheet.excluded_reason}", f"excluded: {sheet.excluded_reason}"))
            continue
        if not can(user, step, sheet):
            plan.skipped.append((sheet, "您无权对其执行此步骤", "you may not take this step on it"))
            continue
        if step == "publish":
            why = incomplete_reason(sheet)
            if why is not None:
                plan.blocking.append((sheet, why[0], why[1]))
                continue
        plan.ready.append(sheet)
    return plan


def _state_labels() -> dict[str, tuple[str, str]]:
    from kaohe.web.appraisal.models import SheetState

    out = {}
    for value, label in SheetState.choices:
        zh, _sep, en = str(label).partition(" ")
        out[value] = (zh, en or zh)
    return out


SheetStateLabels = _state_labels()
