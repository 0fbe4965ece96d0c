"""Scoring a sheet with `kaohe.scoring`, storing each result as a new version, and calibration."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max

from kaohe.scheme.models import Scheme
from kaohe.scoring import SheetInputs, grade_for
from kaohe.scoring import score_sheet as score_result
from kaohe.scoring.inputs import InputPolicy, KpiFigure, KpiKey, RatingEntry, build_sheet_inputs
from kaohe.web.appraisal.models import Cycle, KpiValue, Rating, ScoreVersion, Sheet
from kaohe.web.appraisal.services._common import audit_sheet, save_sheet
from kaohe.web.appraisal.services.data import current_computation
from kaohe.web.errors import InvalidInput, ValidationReport
from kaohe.web.org.scoring_settings import settings_of
from kaohe.web.permissions import require, visible_sheets


def to_json(value: Any) -> Any:
    """A SheetResult (dataclasses, Decimals, enums) as plain JSON: Decimals become strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def period_fraction(sheet: Sheet) -> Decimal:
    """Share of the cycle the employee was employed (for proration of count items)."""
    emp, cycle = sheet.employee, sheet.cycle
    first = max(cycle.start, emp.hire_date)
    last = min(cycle.end, emp.leave_date) if emp.leave_date else cycle.end
    total = (cycle.end - cycle.start).days + 1
    worked = max(0, (last - first).days + 1)
    return (Decimal(worked) / Decimal(total)).quantize(Decimal("0.0001"))


def build_inputs(sheet: Sheet, scheme: Scheme | None = None) -> SheetInputs:
    """The scoring inputs of a sheet: KPI values of the current computation plus submitted ratings.

    The step itself is `kaohe.scoring.inputs.build_sheet_inputs`, shared with the API and the CLI.
    """
    scheme = scheme or sheet.scheme.scheme()
    comp = current_computation(sheet.cycle)
    kpis: dict[KpiKey, KpiFigure] = {}
    if comp is not None:
        for kv in KpiValue.objects.filter(computation=comp, employee=sheet.employee):
            kpis[(kv.kpi, kv.params_key, kv.scope)] = KpiFigure(
                None if kv.value is None else Decimal(kv.value), kv.sample_size)
    ratings = [
        RatingEntry(r.indicator, r.role, r.score, str(r.rater_id or f"rating-{r.pk}"), r.counts or {})
        for r in Rating.objects.filter(sheet=sheet, submitted_at__isnull=False).order_by("submitted_at", "pk")
    ]
    company = sheet.cycle.company
    policy = InputPolicy(min_peer_raters=company.min_peer_raters)
    # the company's switches for `applies_when: {setting: …}` (表9-26's low-volume exemption)
    return build_sheet_inputs(scheme, sheet.employee.code, kpis, ratings, period_fraction=period_fraction(sheet),
                              policy=policy, settings=settings_of(company))


def _next_number(sheet: Sheet) -> int:
    return (ScoreVersion.objects.filter(sheet=sheet).aggregate(m=Max("number"))["m"] or 0) + 1


def _version_summary(v: ScoreVersion | None) -> dict[str, Any] | None:
    if v is None:
        return None
    from kaohe.web.audit.rows import result_digest

    # the digest lets `kaohe audit verify` find a result changed directly in the database
    return {"number": v.number, "kind": v.kind, "total": v.total, "grade": v.grade,
            "result_sha256": result_digest(v.result)}


def score_sheet(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    """Score the sheet from its current data; the result becomes a new computed version."""
    require(actor, "score", sheet)
    scheme = sheet.scheme.scheme()
    result = score_result(scheme, build_inputs(sheet, scheme))
    with transaction.atomic():
        before = _version_summary(sheet.current_score)
        sheet = save_sheet(sheet, expected_version)  # first: locks the sheet row (no lost update)
        version = ScoreVersion.objects.create(
            sheet=sheet, number=_next_number(sheet), kind=ScoreVersion.Kind.COMPUTED, total=result.total,
            grade=result.grade or "", complete=result.complete, result=to_json(result),
            kpi_computation=current_computation(sheet.cycle), created_by=actor)
        Sheet.objects.filter(pk=sheet.pk).update(current_score=version)
        sheet.current_score = version
        audit_sheet(actor, "score.compute", sheet, before=before, after=_version_summary(version))
    return sheet


def add_adjusted_version(sheet: Sheet, actor: Any, *, kind: str, total: Any, grade: str | None,
                         reason: str) -> ScoreVersion:
    """A new version copying the current result with an adjusted total and/or grade. The old one stays."""
    report = ValidationReport()
    if not reason.strip():
        report.add("reason", "调整必须填写理由", "An adjustment needs a reason")
    new_total = None
    if total is not None and total != "":
        try:
            new_total = Decimal(str(total))
        except InvalidOperation:
            report.add("total", "分数不是有效数字", "The score is not a number", value=total)
    grades = _grade_names(sheet)
    if grade and grades and grade not in grades:
        report.add("grade", f"等级须为 {'/'.join(grades)} 之一", f"The grade must be one of {', '.join(grades)}",
                   value=grade)
    if new_total is None and not grade:
        report.add("total", "请给出调整后的分数或等级", "Give the adjusted score or grade")
    if not report.ok:
        raise InvalidInput(report)
    current = sheet.current_score
    if new_total is not None and not grade:
        grade = _grade_for(sheet, new_total)
    version = ScoreVersion.objects.create(
        sheet=sheet, number=_next_number(sheet), kind=kind,
        total=new_total if new_total is not None else (current.total if current else None),
        grade=grade or (current.grade if current else ""), complete=current.complete if current else False,
        result=current.result if current else {}, kpi_computation=current.kpi_computation if current else None,
        reason=reason, created_by=actor)
    audit_sheet(actor, f"score.{kind}", sheet, before=_version_summary(current), after=_version_summary(version),
                reason=reason)
    return version


def _grade_names(sheet: Sheet) -> list[str]:
    grading = sheet.scheme.content.get("grading") or {}
    return [b["grade"] for b in grading.get("bands", [])]


def _grade_for(sheet: Sheet, total: Decimal) -> str:
    return grade_for(sheet.scheme.scheme(), total) or ""


def calibrate(sheet: Sheet, actor: Any, *, reason: str, total: Any = None, grade: str | None = None,
              expected_version: int | None = None) -> ScoreVersion:
    """HR or a manager adjusts the grade or score during calibration, with a reason."""
    require(actor, "calibrate", sheet)
    with transaction.atomic():
        sheet = save_sheet(sheet, expected_version)  # first: locks the sheet row (no lost update)
        version = add_adjusted_version(sheet, actor, kind=ScoreVersion.Kind.CALIBRATION, total=total, grade=grade,
                                       reason=reason)
        Sheet.objects.filter(pk=sheet.pk).update(current_score=version)
    return version


def score_history(sheet: Sheet) -> list[ScoreVersion]:
    return list(ScoreVersion.objects.filter(sheet=sheet).order_by("number"))


@dataclass(frozen=True)
class GradeRow:
    grade: str
    count: int
    percent: Decimal
    target_percent: Decimal | None


@dataclass(frozen=True)
class GradeDistribution:
    rows: list[GradeRow]
    total: int


def grade_distribution(cycle: Cycle, user: Any) -> GradeDistribution:
    """Grades of the sheets the user may see, against the company's (or scheme's) target."""
    require(user, "view_calibration_board", cycle)
    sheets = list(visible_sheets(user, cycle).filter(current_score__isnull=False).select_related("scheme"))
    counts = Counter(s.current_score.grade for s in sheets if s.current_score and s.current_score.grade)
    target: dict[str, Any] = dict(cycle.company.grade_distribution_target or {})
    order: list[str] = []
    for s in sheets:
        grading = s.scheme.content.get("grading") or {}
        for band in grading.get("bands", []):
            if band["grade"] not in order:
                order.append(band["grade"])
        if not target and grading.get("forced_distribution"):
            target = dict(grading["forced_distribution"])
    for g in list(counts) + list(target):
        if g not in order:
            order.append(g)
    n = sum(counts.values())
    rows = [GradeRow(g, counts.get(g, 0),
                     (Decimal(100) * counts.get(g, 0) / n).quantize(Decimal("0.1")) if n else Decimal(0),
                     Decimal(str(target[g])) if g in target else None) for g in order]
    return GradeDistribution(rows=rows, total=n)
