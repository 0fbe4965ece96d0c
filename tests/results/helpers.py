"""Hand-built SheetResults, shaped as the scoring contract says (docs/contracts/scoring-api.md)."""

from __future__ import annotations

from decimal import Decimal

from kaohe.scoring.results import CategoryResult, ItemResult, SheetResult, Trace

D = Decimal


def item(
    indicator_id: str,
    points: str | None,
    max_points: str = "20",
    *,
    name_zh: str | None = None,
    category_id: str = "performance",
    value: str | None = None,
    score: str | None = None,
    weight: str | None = None,
    status: str = "scored",
    summary_zh: str = "",
) -> ItemResult:
    return ItemResult(
        indicator_id=indicator_id,
        category_id=category_id,
        name_zh=name_zh or indicator_id,
        name_en=indicator_id,
        weight=D(weight or max_points),
        effective_weight=D(weight or max_points),
        value=D(value) if value is not None else None,
        score=D(score) if score is not None else None,
        points=D(points) if points is not None else None,
        contribution=D(points) if points is not None else None,
        max_points=D(max_points),
        status=status,  # type: ignore[arg-type]
        trace=Trace("manual", [], summary_zh, summary_zh),
    )


def sheet(employee_id: str, items: list[ItemResult], total: str | None = None, grade: str | None = None,
          scheme_id: str = "s") -> SheetResult:
    cats = sorted({i.category_id for i in items})
    return SheetResult(
        employee_id=employee_id,
        scheme_id=scheme_id,
        items=items,
        categories=[CategoryResult(c, c, c, D(100), D(100), None, None) for c in cats],
        bonus=D(0),
        total=D(total) if total is not None else None,
        grade=grade,
        vetoes=[],
        issues=[],
        complete=total is not None,
    )
