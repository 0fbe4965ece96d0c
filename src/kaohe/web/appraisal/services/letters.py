"""The target-responsibility letter (目标责任书): the library's template, filled with the sheet's targets."""

from __future__ import annotations

from typing import Any

from kaohe.web.appraisal.models import Sheet


def targets_table(sheet: Sheet, scheme: Any = None) -> list[dict[str, Any]]:
    """One row per indicator of the sheet's frozen scheme: what the holder commits to."""
    scheme = scheme or sheet.scheme.scheme()
    rows = []
    for cat in scheme.categories:
        for ind in cat.indicators:
            rows.append({"category": cat.name.zh, "category_en": cat.name.en, "indicator": ind.id,
                         "name_zh": ind.name.zh, "name_en": ind.name.en, "weight": str(ind.weight),
                         "category_weight": str(cat.weight),
                         "target": None if ind.target is None else str(ind.target),
                         "standard": ind.standard, "standard_en": ind.standard_en, "unit": ind.unit})
    return rows


def build_letter(sheet: Sheet) -> tuple[str, dict[str, Any]]:
    """(title, content) of the letter for `sheet`: the one filled when its cycle opened, else filled now."""
    from kaohe.web.library.letters import opening_letter

    return opening_letter(sheet) or fresh_letter(sheet)


def fresh_letter(sheet: Sheet, scheme: Any = None) -> tuple[str, dict[str, Any]]:
    """The letter filled from the template in force (the company's copy, else the book's) and the
    sheet's targets; its fields ({employee_name}, {target:csat} …) hold this employee's values.
    Without a library template, a plain letter."""
    from kaohe.web.library import letters as fields

    emp = sheet.employee
    manager = emp.manager
    scheme = scheme or sheet.scheme.scheme()
    letter, template, template_version = fields.template_for(sheet)
    content: dict[str, Any] = {
        "holder": {"code": emp.code, "name": emp.name, "position": emp.position.name_zh},
        "issuer": {"code": manager.code, "name": manager.name} if manager else None,
        "cycle": {"name": sheet.cycle.name, "start": sheet.cycle.start.isoformat(),
                  "end": sheet.cycle.end.isoformat()},
        "scheme": {"id": sheet.scheme.scheme_id, "version": sheet.scheme.version},
        "targets": targets_table(sheet, scheme),
    }
    title = f"{emp.position.name_zh}目标责任书（{sheet.cycle.name}）"
    if letter is not None:
        texts = fields.filled(letter, sheet, scheme)
        title = f"{texts['title']}（{sheet.cycle.name}）"
        content.update({
            "parties": [{"role": p.role, "title_zh": p.title.zh, "title_en": p.title.en} for p in letter.parties],
            "purpose": texts["purpose"], "duties": texts["duties"], "rewards": texts["rewards"],
            "penalties": texts["penalties"], "terms": texts["terms"],
            "signatures": [s.zh for s in letter.signatures],
            # the template's own target lines and the English texts, filled the same way
            "target_lines": texts["targets"], "target_lines_en": texts["targets_en"],
            "title_en": texts["title_en"], "purpose_en": texts["purpose_en"],
            "duties_en": texts["duties_en"], "rewards_en": texts["rewards_en"],
            "penalties_en": texts["penalties_en"], "terms_en": texts["terms_en"],
            "template": template, "template_version": template_version,
        })
    return title, content
