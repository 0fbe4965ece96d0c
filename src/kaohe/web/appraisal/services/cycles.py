"""Opening a cycle: one sheet per employee, each bound to a frozen copy of its scheme."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
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


def open_cycle(company: Any, actor: Any, *, period: str, label: str, start: dt.date, end: dt.date,
               name: str | None = None, positions: list[Position] | None = None,
               rating_deadline: dt.datetime | None = None,
               schemes: Mapping[tuple[str, str], Scheme] | None = None) -> Cycle:
    """Open a cycle and give each active employee of the chosen positions a sheet.

    An employee whose position and level have no scheme for the period is reported (all
    of them at once) and the cycle is not opened, so nobody is silently left out.
    """
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
        scheme = schemes.get(key) if schemes is not None else library_bridge.scheme_for(*key, period)
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
