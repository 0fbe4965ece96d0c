"""Reading a sheet for display: the scored items with their traces, grouped by
category, and which indicators have KPI records behind them. Pure presentation."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaohe.web.appraisal.models import Sheet, SheetState

# How an item that was not simply scored is named on a page (the scoring layer's status codes).
ITEM_STATUS_LABELS = {
    "missing_zero": _("No data: counted as 0 by the scheme"),
    "excluded": _("Not appraised this period"),
    "missing_error": _("Cannot be scored: data missing"),
    "low_sample": _("Too few records to score"),
}

# The main line of the workflow, for the progress strip at the top of a sheet.
MAIN_LINE = [SheetState.TARGETS_SET, SheetState.TARGETS_ACKNOWLEDGED, SheetState.SELF_REVIEW,
             SheetState.SUPERVISOR_REVIEW, SheetState.REVIEWER_APPROVAL, SheetState.CALIBRATION,
             SheetState.PUBLISHED, SheetState.INTERVIEWED, SheetState.ACKNOWLEDGED, SheetState.CLOSED]


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def label(choice_display: str) -> str:
    """Model choices read "草稿 Draft": show the half of the active language."""
    zh, _, en = choice_display.partition(" ")
    return en if _lang() == "en" and en else zh


def dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def progress(sheet: Sheet) -> list[dict[str, Any]]:
    state = SheetState.SUPERVISOR_REVIEW if sheet.state == SheetState.APPEALED else sheet.state
    order = [s.value for s in MAIN_LINE]
    here = order.index(SheetState.ACKNOWLEDGED) if sheet.state == SheetState.APPEALED else (
        order.index(state) if state in order else -1)
    return [{"label": label(s.label), "done": i < here, "current": i == here} for i, s in enumerate(MAIN_LINE)]


def kpi_indicators(sheet: Sheet) -> dict[str, str]:
    """indicator id → KPI id, for indicators fed by a KPI (these get a link to their records)."""
    found: dict[str, str] = {}
    for cat in sheet.scheme.content.get("categories", []):
        for ind in cat.get("indicators", []):
            src = ind.get("source") or {}
            if src.get("kind") == "kpi":
                found[ind["id"]] = src["kpi"]
            elif src.get("kind") == "counts":
                kpis = [c.get("kpi") for c in (src.get("counts") or {}).values() if c.get("kpi")]
                if kpis:
                    found[ind["id"]] = kpis[0]
    return found


def explanations(sheet: Sheet) -> dict[str, dict[str, str]]:
    return {ind["id"]: _explanation(ind)
            for cat in sheet.scheme.content.get("categories", []) for ind in cat.get("indicators", [])}


def _explanation(indicator: dict[str, Any]) -> dict[str, str]:
    """The indicator's 指标说明 in the page's language: `definition_en` … where the library wrote it."""
    found = indicator.get("explanation") or {}
    if _lang() != "en":
        return found
    return {key: found.get(f"{key}_en") or value for key, value in found.items() if not key.endswith("_en")}


def _standard(indicator: dict[str, Any]) -> str:
    return str((indicator.get("standard_en") if _lang() == "en" else None) or indicator.get("standard") or "")


def _text(obj: dict[str, Any], key: str) -> str:
    lang = _lang()
    value = obj.get(f"{key}_{lang}") or obj.get(f"{key}_zh")
    if value is None and isinstance(obj.get(key), dict):  # scheme Text {"zh": …, "en": …}
        value = obj[key].get(lang) or obj[key].get("zh")
    return value or ""


def scored_categories(sheet: Sheet) -> list[dict[str, Any]]:
    """Categories with their items as scored in the sheet's current score version;
    before scoring, the scheme's indicators with no points yet."""
    kpis, expl = kpi_indicators(sheet), explanations(sheet)
    lang = _lang()
    result = sheet.current_score.result if sheet.current_score else None
    if result:
        by_cat: dict[str, list[dict[str, Any]]] = {}
        for item in result.get("items", []):
            trace = item.get("trace") or {}
            by_cat.setdefault(item["category_id"], []).append({
                "id": item["indicator_id"], "name": _text(item, "name"), "weight": dec(item.get("weight")),
                "value": dec(item.get("value")), "score": dec(item.get("score")),
                "points": dec(item.get("points")), "contribution": dec(item.get("contribution")),
                "status": item.get("status", ""),
                "status_label": ITEM_STATUS_LABELS.get(item.get("status", ""), ""), "summary": trace.get(f"summary_{lang}") or trace.get("summary_zh", ""),
                "steps": [{"text": st.get(lang) or st.get("zh", ""), "delta": dec(st.get("delta"))}
                          for st in trace.get("steps", [])],
                "kpi": kpis.get(item["indicator_id"]), "explanation": expl.get(item["indicator_id"], {})})
        return [{"id": c["category_id"], "name": _text(c, "name"), "weight": dec(c.get("weight")),
                 "score": dec(c.get("score")), "points": dec(c.get("points")),
                 "items": by_cat.get(c["category_id"], [])} for c in result.get("categories", [])]
    cats = []
    for cat in sheet.scheme.content.get("categories", []):
        items = [{"id": ind["id"], "name": _text(ind, "name"), "weight": dec(ind.get("weight")),
                  "value": None, "score": None, "points": None, "contribution": None, "status": "",
                  "summary": _standard(ind), "steps": [], "kpi": kpis.get(ind["id"]),
                  "explanation": _explanation(ind)} for ind in cat.get("indicators", [])]
        cats.append({"id": cat["id"], "name": _text(cat, "name"), "weight": dec(cat.get("weight")),
                     "score": None, "points": None, "items": items})
    return cats


def issues(sheet: Sheet) -> list[str]:
    result = sheet.current_score.result if sheet.current_score else None
    lang = _lang()
    return [i.get(f"message_{lang}") or i.get("message_zh", "") for i in (result or {}).get("issues", [])]


def sheet_trace(sheet: Sheet) -> list[str]:
    result = sheet.current_score.result if sheet.current_score else None
    return list((result or {}).get(f"trace_{_lang()}", []))


def grades(sheet: Sheet) -> list[str]:
    grading = sheet.scheme.content.get("grading") or {}
    return [band["grade"] for band in grading.get("bands", [])]
