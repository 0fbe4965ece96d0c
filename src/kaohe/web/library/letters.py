"""Target fields in letter templates, and the letters filled per employee when a cycle opens.

A letter template (the book's or the company's copy) may carry fields in braces, written the same
in Chinese and English texts:

    {employee_name} {employee_code} {position} {department} {team} {supervisor}
    {cycle} {period_start} {period_end}
    {target:<indicator id>} {weight:<indicator id>}   e.g. {target:csat}

When a cycle opens, each sheet's letter is filled from the template then in force (the company's
copy when there is one, else the book's), with the employee's name, position and period and the
targets of the scheme frozen for that sheet, and kept in `OpeningLetter`. Issuing the targets
letter later hands out exactly that text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kaohe.scheme.models import Scheme
from kaohe.scheme.rules_support import plain_number

FIELD = re.compile(r"\{([a-z_]+)(?::([A-Za-z0-9_]+))?\}")

# name → (zh, en) explanation, shown under the letter form
FIELDS: dict[str, tuple[str, str]] = {
    "employee_name": ("员工姓名", "the employee's name"),
    "employee_code": ("员工工号", "the employee's number"),
    "position": ("岗位名称", "the position's name"),
    "department": ("所在部门", "the department"),
    "team": ("所在班组", "the team"),
    "supervisor": ("直接上级姓名", "the direct supervisor's name"),
    "cycle": ("考核周期名称", "the cycle's name"),
    "period_start": ("考核期开始日期", "the first day of the period"),
    "period_end": ("考核期结束日期", "the last day of the period"),
}
INDICATOR_FIELDS: dict[str, tuple[str, str]] = {
    "target": ("某项指标的目标（如 {target:csat}）", "an indicator's target (e.g. {target:csat})"),
    "weight": ("某项指标的权重", "an indicator's weight"),
}
TEXTS = ("title", "purpose")
LISTS = ("targets", "duties", "rewards", "penalties", "terms")


def unknown_fields(text: str, indicators: Iterable[str]) -> set[str]:
    """The fields in `text` that no employee's letter could fill."""
    known = set(indicators)
    bad = set()
    for m in FIELD.finditer(text):
        name, arg = m.group(1), m.group(2)
        if (arg is None and name not in FIELDS) or (arg is not None and (
                name not in INDICATOR_FIELDS or arg not in known)):
            bad.add(m.group(0))
    return bad


def fill_text(text: str, values: dict[str, str]) -> str:
    """Each known field replaced by its value; anything else in braces stays as written."""
    return FIELD.sub(lambda m: values.get(m.group(0)[1:-1], m.group(0)), text)


def field_values(sheet: Any, scheme: Scheme, lang: str) -> dict[str, str]:
    """The values of every field for one sheet, in `lang` ("zh" or "en")."""
    emp, cycle = sheet.employee, sheet.cycle
    en = lang == "en"
    values = {
        "employee_name": emp.name, "employee_code": emp.code,
        "position": (emp.position.name_en or emp.position.name_zh) if en else emp.position.name_zh,
        "department": emp.department.name, "team": emp.team.name if emp.team_id else "—",
        "supervisor": emp.manager.name if emp.manager_id else "—", "cycle": cycle.name,
        "period_start": cycle.start.isoformat(), "period_end": cycle.end.isoformat(),
    }
    for cat in scheme.categories:
        for ind in cat.indicators:
            standard = (ind.standard_en or ind.standard) if en else ind.standard
            values[f"target:{ind.id}"] = target_text(standard, ind.target, unit(ind.unit, lang))
            values[f"weight:{ind.id}"] = f"{plain_number(Decimal(ind.weight))}%"
    return values


def unit(value: str, lang: str) -> str:
    """The unit as the product's pages write it (kaohe.web.ui.formatting.UNITS), in `lang`."""
    from kaohe.web.ui.formatting import HAN, UNITS

    if not value:
        return ""
    zh, en = UNITS.get(value.strip(), UNITS.get(value.strip().lower(), (value, "")))
    shown = (en if not HAN.search(en) else "") if lang == "en" else zh
    return shown.strip()


def target_text(standard: str, target: Decimal | None, unit: str) -> str:
    if standard:
        return standard
    if target is None:
        return "—"
    return f"{plain_number(Decimal(target))}{unit}"


def filled(letter: Any, sheet: Any, scheme: Scheme) -> dict[str, Any]:
    """The template's texts filled for the sheet: title, purpose and lists, Chinese and English."""
    zh, en = field_values(sheet, scheme, "zh"), field_values(sheet, scheme, "en")
    out: dict[str, Any] = {}
    for name in TEXTS:
        out[name] = fill_text(getattr(letter, name), zh)
        out[f"{name}_en"] = fill_text(getattr(letter, f"{name}_en"), en)
    for name in LISTS:
        out[name] = [fill_text(t, zh) for t in getattr(letter, name)]
        out[f"{name}_en"] = [fill_text(t, en) for t in getattr(letter, f"{name}_en")]
    return out


def template_for(sheet: Any) -> tuple[Any, str, int]:
    """(letter template, "company" or "book", company version) for the sheet's position; None template
    when the position is not in the library."""
    from kaohe.web.appraisal import library_bridge

    from .copies import letter_for

    code = sheet.employee.position.code
    company = letter_for(sheet.cycle.company_id, code)
    if company is not None:
        return company[0], "company", company[1]
    return getattr(library_bridge.position(code), "letter", None), "book", 0


def opening_letter(sheet: Any) -> tuple[str, dict[str, Any]] | None:
    """The letter filled for the sheet when its cycle opened, if one was."""
    from .models import OpeningLetter

    kept = OpeningLetter.objects.filter(sheet_id=sheet.pk).first()
    return None if kept is None else (kept.title, kept.content)


def prepare_letters(cycle: Any) -> int:
    """Fill and keep the letter of every sheet of the cycle; returns how many were filled."""
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.appraisal.services.letters import fresh_letter

    from .models import OpeningLetter

    now = timezone.now()
    schemes: dict[int, Scheme] = {}
    rows = []
    sheets = Sheet.objects.filter(cycle=cycle).select_related(
        "cycle", "scheme", "employee__position", "employee__department", "employee__team", "employee__manager")
    for sheet in sheets:
        scheme = schemes.get(sheet.scheme_id) or schemes.setdefault(sheet.scheme_id, sheet.scheme.scheme())
        title, content = fresh_letter(sheet, scheme)
        rows.append(OpeningLetter(sheet=sheet, title=title[:300], content=content,
                                  template=content.get("template", "book"),
                                  template_version=content.get("template_version", 0), filled_at=now))
    OpeningLetter.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def cycle_opened(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """post_save of an audit event: a cycle's opening fills its letters in the same transaction."""
    if not created or instance.action != "cycle.open" or instance.object_type != "appraisal.cycle":
        return
    from kaohe.web.appraisal.models import Cycle

    cycle = Cycle.objects.filter(pk=instance.object_id).first()
    if cycle is not None:
        prepare_letters(cycle)
