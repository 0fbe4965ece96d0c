"""The target-responsibility letter (目标责任书): the library's template, filled with the sheet's targets."""

from __future__ import annotations

from typing import Any

from kaohe.web.appraisal import library_bridge
from kaohe.web.appraisal.models import Sheet


def targets_table(sheet: Sheet) -> list[dict[str, Any]]:
    """One row per indicator of the sheet's frozen scheme: what the holder commits to."""
    scheme = sheet.scheme.scheme()
    rows = []
    for cat in scheme.categories:
        for ind in cat.indicators:
            rows.append({"category": cat.name.zh, "indicator": ind.id, "name_zh": ind.name.zh,
                         "name_en": ind.name.en, "weight": str(ind.weight), "category_weight": str(cat.weight),
                         "target": None if ind.target is None else str(ind.target),
                         "standard": ind.standard, "unit": ind.unit})
    return rows


def build_letter(sheet: Sheet) -> tuple[str, dict[str, Any]]:
    """(title, content) of the letter for `sheet`. Without a library template, a plain letter."""
    emp = sheet.employee
    pos = library_bridge.position(emp.position.code)
    manager = emp.manager
    content: dict[str, Any] = {
        "holder": {"code": emp.code, "name": emp.name, "position": emp.position.name_zh},
        "issuer": {"code": manager.code, "name": manager.name} if manager else None,
        "cycle": {"name": sheet.cycle.name, "start": sheet.cycle.start.isoformat(),
                  "end": sheet.cycle.end.isoformat()},
        "scheme": {"id": sheet.scheme.scheme_id, "version": sheet.scheme.version},
        "targets": targets_table(sheet),
    }
    title = f"{emp.position.name_zh}目标责任书（{sheet.cycle.name}）"
    letter = getattr(pos, "letter", None)
    if letter is not None:
        title = f"{letter.title}（{sheet.cycle.name}）"
        content.update({
            "parties": [{"role": p.role, "title_zh": p.title.zh, "title_en": p.title.en} for p in letter.parties],
            "purpose": letter.purpose, "duties": list(letter.duties), "rewards": list(letter.rewards),
            "penalties": list(letter.penalties), "terms": list(letter.terms),
            "signatures": [s.zh for s in letter.signatures],
        })
    return title, content
