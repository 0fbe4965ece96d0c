"""Competency assessments from the library's competency model: self and supervisor levels, and gaps."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kaohe.web.appraisal import library_bridge
from kaohe.web.appraisal.models import CompetencyRating, Sheet
from kaohe.web.appraisal.services._common import audit_sheet, save_sheet
from kaohe.web.errors import InvalidInput, ValidationReport
from kaohe.web.permissions import relations, require


def competency_ratings(sheet: Sheet) -> list[CompetencyRating]:
    """The sheet's competency rows, created from the position's model on first use."""
    existing = list(CompetencyRating.objects.filter(sheet=sheet).order_by("pk"))
    if existing:
        return existing
    from kaohe.web.library.copies import competency_model_for

    code = sheet.employee.position.code  # the company's own copy of the model first, else the book's
    model = competency_model_for(sheet.cycle.company_id, code) or getattr(
        library_bridge.position(code), "competency_model", None)
    if model is None:
        return []
    rows = [CompetencyRating(sheet=sheet, competency=c.id, name_zh=c.name.zh, dimension=str(c.dimension),
                             required_level=c.required_level) for c in model.competencies]
    CompetencyRating.objects.bulk_create(rows, ignore_conflicts=True)
    return list(CompetencyRating.objects.filter(sheet=sheet).order_by("pk"))


def rate_competency(sheet: Sheet, actor: Any, *, competency: str, level: int, comment: str = "",
                    expected_version: int | None = None) -> CompetencyRating:
    """Self or supervisor rating of one competency (which one follows from the actor's relation)."""
    side = "self" if "employee" in relations(actor, sheet.employee, sheet) else "supervisor"
    require(actor, f"assess_competency_{side}", sheet)
    row = next((r for r in competency_ratings(sheet) if r.competency == competency), None)
    report = ValidationReport()
    if row is None:
        report.add("competency", f"岗位胜任素质模型中没有 {competency}", f"No competency {competency} in the model",
                   value=competency)
    if not isinstance(level, int) or not 1 <= level <= 5:
        report.add("level", "等级须为 1–5", "The level must be 1–5", value=level)
    if not report.ok:
        raise InvalidInput(report)
    assert row is not None
    field = "self_level" if side == "self" else "supervisor_level"
    with transaction.atomic():
        save_sheet(sheet, expected_version)  # first: locks the sheet row (no lost update)
        before = getattr(row, field)
        setattr(row, field, level)
        if comment:
            row.comment = comment
        row.save()
        audit_sheet(actor, "competency.rate", sheet, before={"competency": competency, field: before},
                    after={"competency": competency, field: level})
    return row


def competency_gaps(sheet: Sheet) -> list[dict[str, Any]]:
    return [{"competency": r.competency, "name_zh": r.name_zh, "dimension": r.dimension,
             "required_level": r.required_level, "self_level": r.self_level,
             "supervisor_level": r.supervisor_level, "gap": r.gap} for r in competency_ratings(sheet)]
