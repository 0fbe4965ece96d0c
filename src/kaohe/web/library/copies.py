"""The company's copies of book positions: taking one over, editing it, and what differs from the book.

Every change is checked whole (all bad fields at once, nothing saved on error), saved with an
optimistic lock on `version`, and leaves an audit record with the fields before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from kaohe.scheme.position import CompetencyModel, ResponsibilityLetter
from kaohe.web.audit.services import record
from kaohe.web.errors import InvalidInput, NotFound, StaleObject, ValidationReport
from kaohe.web.permissions import require

from . import book
from .letters import unknown_fields
from .models import CompanyPosition

LETTER_TEXTS = ("title", "title_en", "purpose", "purpose_en")
LETTER_LISTS = ("targets", "targets_en", "duties", "duties_en", "rewards", "rewards_en", "penalties",
                "penalties_en", "terms", "terms_en")


def copy_of(company: Any, code: str) -> CompanyPosition | None:
    return CompanyPosition.objects.filter(company=company, position_code=code).first()


def competency_model_for(company_id: int | None, code: str) -> CompetencyModel | None:
    """The company's competency model for the position, or None when it uses the book's."""
    row = CompanyPosition.objects.filter(company_id=company_id, position_code=code).only("competency_model").first()
    return None if row is None else CompetencyModel.model_validate(row.competency_model)


def letter_for(company_id: int | None, code: str) -> tuple[ResponsibilityLetter, int] | None:
    """(the company's letter template, its version), or None when it uses the book's."""
    row = CompanyPosition.objects.filter(company_id=company_id, position_code=code).only("letter", "version").first()
    return None if row is None else (ResponsibilityLetter.model_validate(row.letter), row.version)


def use_in_company(company: Any, actor: Any, code: str) -> CompanyPosition:
    """Copy the book's competency model and letter for `code` into the company's library."""
    require(actor, "edit_library", company)
    entry = book.position(code)
    now = timezone.now()
    with transaction.atomic():
        existing = copy_of(company, code)
        if existing is not None:
            return existing
        row = CompanyPosition.objects.create(
            company=company, position_code=code,
            competency_model=entry.competency_model.model_dump(mode="json"),
            letter=entry.letter.model_dump(mode="json"),
            copied_by=actor, copied_at=now, updated_by=actor, updated_at=now)
        record(actor, "library.copy", row, after={"position": code, "version": row.version},
               company_id=company.pk)
    return row


def save_competency_model(row: CompanyPosition, actor: Any, posted: Mapping[str, Any], *,
                          expected_version: int) -> CompanyPosition:
    """Apply the competency form (`c<i>_definition`, `c<i>_required`, `c<i>_l<j>` …) to the copy."""
    require(actor, "edit_library", row.company)
    report = ValidationReport()
    data = row.competency_model
    new: dict[str, list[Any]] = {"competencies": []}
    for i, comp in enumerate(data["competencies"]):
        name = comp["name"]["zh"]
        changed = dict(comp)
        changed["definition"] = _text(posted, f"c{i}_definition", comp["definition"])
        changed["definition_en"] = _text(posted, f"c{i}_definition_en", comp.get("definition_en", ""))
        if not changed["definition"]:
            report.add(f"c{i}_definition", f"素质「{name}」的定义不能为空", f"The definition of {_en(comp)} is empty")
        levels = []
        for j, lvl in enumerate(comp["levels"]):
            descriptor = _text(posted, f"c{i}_l{j}", lvl["descriptor"])
            if not descriptor:
                report.add(f"c{i}_l{j}", f"素质「{name}」第 {lvl['level']} 级的描述不能为空",
                           f"Level {lvl['level']} of {_en(comp)} has no descriptor")
            levels.append({**lvl, "descriptor": descriptor,
                           "descriptor_en": _text(posted, f"c{i}_l{j}_en", lvl.get("descriptor_en", ""))})
        changed["levels"] = levels
        raw = str(posted.get(f"c{i}_required", comp["required_level"])).strip()
        if not raw.isdigit() or not 1 <= int(raw) <= len(levels):
            report.add(f"c{i}_required", f"素质「{name}」的要求等级须为 1–{len(levels)} 的整数",
                       f"The required level of {_en(comp)} must be a whole number from 1 to {len(levels)}",
                       value=raw)
        else:
            changed["required_level"] = int(raw)
        new["competencies"].append(changed)
    if report.ok:
        _validated(CompetencyModel, new, report)
    return _save(row, actor, "competency_model", new, report, expected_version, "library.edit_competency")


def save_letter(row: CompanyPosition, actor: Any, posted: Mapping[str, Any], *,
                expected_version: int) -> CompanyPosition:
    """Apply the letter form (texts, and lists one line per entry) to the copy."""
    require(actor, "edit_library", row.company)
    report = ValidationReport()
    new = dict(row.letter)
    for name in LETTER_TEXTS:
        new[name] = _text(posted, name, row.letter.get(name, ""))
    for name in LETTER_LISTS:
        raw = posted.get(name)
        new[name] = row.letter.get(name, []) if raw is None else [
            line.strip() for line in str(raw).splitlines() if line.strip()]
    for name in ("title", "purpose"):
        if not new[name]:
            report.add(name, "此项不能为空", "This field cannot be empty")
    indicators = book.indicator_ids(row.position_code, new.get("scheme", ""))
    for name in (*LETTER_TEXTS, *LETTER_LISTS):
        values = [new[name]] if isinstance(new[name], str) else new[name]
        bad = sorted({u for v in values for u in unknown_fields(v, indicators)})
        if bad:
            report.add(name, "未知的填充字段：" + "、".join(bad) + "（可用字段见表单下方）",
                       "Unknown fields: " + ", ".join(bad) + " (the fields you can use are listed below the form)",
                       value=", ".join(bad))
    if report.ok:
        _validated(ResponsibilityLetter, new, report)
    return _save(row, actor, "letter", new, report, expected_version, "library.edit_letter")


def _text(posted: Mapping[str, Any], key: str, default: str) -> str:
    raw = posted.get(key)
    return default if raw is None else str(raw).strip()


def _en(comp: Mapping[str, Any]) -> str:
    return str(comp["name"].get("en") or comp["name"]["zh"])


def _validated(model: Any, data: Any, report: ValidationReport) -> None:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            report.add(where, f"{where}：{err['msg']}", f"{where}: {err['msg']}")


def _save(row: CompanyPosition, actor: Any, field: str, new: Any, report: ValidationReport,
          expected_version: int, action: str) -> CompanyPosition:
    if not report.ok:
        raise InvalidInput(report)
    with transaction.atomic():
        current = CompanyPosition.objects.select_for_update().filter(pk=row.pk).first()
        if current is None:
            raise NotFound("公司岗位库中已没有该岗位", "The position is no longer in the company's library")
        if current.version != expected_version:
            raise StaleObject("该岗位已被他人修改，请重新打开页面", "Someone else changed this position first; "
                              "open the page again")
        before = getattr(current, field)
        changes = book.differences(before, new)
        setattr(current, field, new)
        current.version += 1
        current.updated_by, current.updated_at = actor, timezone.now()
        current.save()
        record(actor, action, current, before={"version": expected_version,
                                               "fields": {c["path"]: c["book"] for c in changes}},
               after={"version": current.version, "fields": {c["path"]: c["company"] for c in changes}},
               company_id=current.company_id)
    return current
