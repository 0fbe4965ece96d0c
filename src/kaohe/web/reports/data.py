"""From the backend's models to the plain records `kaohe.results` works on.

Everything is narrowed by `visible_sheets`: a department director's dashboard holds
only their department, whatever the URL asks for.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse

from kaohe.results.quality import Rating as QualityRating
from kaohe.results.reports import ResultEntry
from kaohe.scheme.kinds import kind_of
from kaohe.scoring.results import CategoryResult, ItemResult, ScoreIssue, SheetResult, Trace, TraceStep
from kaohe.web.appraisal.models import Cycle, Rating, Sheet
from kaohe.web.permissions import require, visible_sheets
from kaohe.web.ui.formatting import text_of

TREND_CYCLES = 6  # how many cycles of the same period kind a trend shows


def _dec(v: Any) -> Decimal | None:
    return None if v is None or v == "" else Decimal(str(v))


def sheet_result_from_json(data: dict[str, Any]) -> SheetResult:
    """The SheetResult stored on a ScoreVersion (Decimals as strings) back as dataclasses."""
    items = [
        ItemResult(
            indicator_id=i["indicator_id"], category_id=i["category_id"], name_zh=i["name_zh"],
            name_en=i.get("name_en", ""), weight=Decimal(i["weight"]),
            effective_weight=Decimal(i.get("effective_weight", i["weight"])), value=_dec(i.get("value")),
            score=_dec(i.get("score")), points=_dec(i.get("points")), contribution=_dec(i.get("contribution")),
            max_points=Decimal(i["max_points"]), status=i["status"],
            trace=Trace(i["trace"]["rule_type"],
                        [TraceStep(s["zh"], s["en"], _dec(s.get("delta"))) for s in i["trace"].get("steps", [])],
                        i["trace"].get("summary_zh", ""), i["trace"].get("summary_en", "")),
            is_bonus=bool(i.get("is_bonus", False)),
        )
        for i in data.get("items", [])
    ]
    cats = [
        CategoryResult(c["category_id"], c["name_zh"], c.get("name_en", ""), Decimal(c["weight"]),
                       Decimal(c.get("effective_weight", c["weight"])), _dec(c.get("score")), _dec(c.get("points")),
                       bool(c.get("excluded", False)))
        for c in data.get("categories", [])
    ]
    issues = [ScoreIssue(s.get("indicator_id"), s["code"], s["message_zh"], s["message_en"], s.get("level", "warning"))
              for s in data.get("issues", [])]
    return SheetResult(
        employee_id=data["employee_id"], scheme_id=data["scheme_id"], items=items, categories=cats,
        bonus=Decimal(data.get("bonus", "0")), total=_dec(data.get("total")), grade=data.get("grade"),
        vetoes=list(data.get("vetoes", [])), issues=issues, complete=bool(data.get("complete", False)),
        grade_cap=data.get("grade_cap"),
    )


def sheet_link(sheet: Sheet) -> str:
    """Our score-sheet page (book layout, Excel and PDF); from there each KPI value drills down."""
    return reverse("reports:sheet", args=[sheet.pk])


def workflow_link(sheet: Sheet) -> str | None:
    """The sheet in the UI's workflow pages, when the UI is installed."""
    try:
        return reverse("ui:sheet", args=[sheet.pk])
    except NoReverseMatch:
        return None


def kpi_link(sheet: Sheet, indicator_id: str) -> str | None:
    """The UI's drill-down from a KPI score to the records behind it, when present."""
    try:
        return reverse("ui:kpi_records", args=[sheet.pk, indicator_id])
    except NoReverseMatch:
        return None


def scored_sheets(user: Any, cycle: Cycle) -> list[Sheet]:
    require(user, "view_reports", cycle)
    return list(
        visible_sheets(user, cycle)
        .filter(current_score__isnull=False)
        .select_related("employee__team", "employee__department", "employee__position", "scheme")
    )


def stored_total(sheet: Sheet) -> Decimal | None:
    """The current total at the scheme's own number of places (the column keeps four)."""
    total = sheet.current_score.total if sheet.current_score else None
    if total is None:
        return None
    places = int((sheet.scheme.content.get("rounding") or {}).get("places", 2))
    return total.quantize(Decimal(1).scaleb(-places))


def entries_for(sheets: list[Sheet]) -> list[ResultEntry]:
    return [
        ResultEntry(
            employee_id=s.employee.code, name=s.employee.name,
            team=s.employee.team.name if s.employee.team else "—", department=s.employee.department.name,
            position=text_of(s.employee.position), cycle_id=s.cycle.label,
            total=stored_total(s), grade=s.current_score.grade or None, sheet_url=sheet_link(s),
        )
        for s in sheets
        if s.current_score is not None
    ]


def previous_label(period: str, label: str) -> str | None:
    """The label of the period just before (2026-03 → 2026-02, 2026-Q1 → 2025-Q4, 2026 → 2025)."""
    try:
        year = int(label[:4])
        if period == "monthly":
            month = int(label[5:7])
            return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
        if period == "quarterly":
            q = int(label[-1])
            return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"
        return str(year - 1)
    except (ValueError, IndexError):
        return None


def trend_cycles(cycle: Cycle) -> list[Cycle]:
    """This cycle and the consecutive ones just before it of the same period kind, oldest first.

    A gap ends the run: 2026-03 is never drawn beside 2025-11, and "N consecutive cycles" is
    only claimed for cycles that follow one another.
    """
    by_label = {c.label: c for c in Cycle.objects.filter(company=cycle.company, period=cycle.period,
                                                         start__lte=cycle.start)}
    run = [cycle]
    label: str | None = cycle.label
    while len(run) < TREND_CYCLES:
        label = previous_label(cycle.period, label or "")
        found = by_label.get(label or "")
        if found is None:
            break
        run.append(found)
    return list(reversed(run))


def real_teams(entries: list[ResultEntry]) -> list[ResultEntry]:
    """Entries of people who belong to a team: nobody without one is ranked as a team "—"."""
    return [e for e in entries if e.team and e.team != "—"]


def grades_and_target(cycle: Cycle, sheets: list[Sheet]) -> tuple[list[str], dict[str, Decimal]]:
    """Grade order from the schemes' bands; the company target, else the schemes' forced distribution."""
    order: list[str] = []
    target = {g: Decimal(str(v)) for g, v in (cycle.company.grade_distribution_target or {}).items()}
    scheme_target: dict[str, Decimal] = {}
    for s in sheets:
        grading = s.scheme.content.get("grading") or {}
        for band in grading.get("bands", []):
            if band["grade"] not in order:
                order.append(band["grade"])
        for g, v in (grading.get("forced_distribution") or {}).items():
            scheme_target.setdefault(g, Decimal(str(v)))
    return order, target or scheme_target


def quality_inputs(sheets: list[Sheet]) -> tuple[list[SheetResult], list[QualityRating]]:
    results = [sheet_result_from_json(s.current_score.result) for s in sheets
               if s.current_score is not None and s.current_score.result]
    maxima: dict[tuple[int, str], Decimal] = {}
    for s in sheets:
        for cat in s.scheme.scheme().categories:
            for ind in cat.indicators:
                kind = kind_of(ind.rule)
                rating = kind.rating_range(ind.rule)
                if rating is not None and not kind.rates_each:  # a score entered directly, not a level
                    maxima[(s.pk, ind.id)] = rating[1]
    ratings = [
        QualityRating(str(r.sheet_id), r.indicator, r.rater.get_full_name() or r.rater.get_username(), r.score,
                      maxima.get((r.sheet_id, r.indicator), Decimal(100)))
        # self-ratings are compared in the feedback interview, not against other raters; peers and
        # customers rate anonymously, so the report never names (or singles out) one of them
        for r in Rating.objects.filter(sheet__in=sheets, submitted_at__isnull=False, score__isnull=False,
                                       rater__isnull=False).exclude(role__in=("self", "peer", "customer"))
        .select_related("rater")
    ]
    return results, ratings


CSAT_KPIS = ("csat_score100", "csat_top2", "csat_mean")  # the first one the cycle has is used


def csat_by_employee(cycle: Cycle, sheets: list[Sheet]) -> dict[str, Decimal]:
    """Customer satisfaction per employee from the cycle's current KPI computation (may be empty)."""
    from kaohe.web.appraisal.models import KpiValue
    from kaohe.web.appraisal.services.data import current_computation

    comp = current_computation(cycle)
    if comp is None:
        return {}
    ids = [s.employee_id for s in sheets]
    for kpi in CSAT_KPIS:
        values = {kv.employee.code: kv.value for kv in KpiValue.objects.filter(
            computation=comp, kpi=kpi, scope="self", employee_id__in=ids, value__isnull=False).select_related("employee")}
        if values:
            return values
    return {}
