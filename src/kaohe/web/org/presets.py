"""Instantiate an organisation preset (seeds 000 and 004) for a company, then HR edits the tree.

`instantiate_preset(company, actor, preset_id, prefix="")` creates the preset's departments
(as a tree under the company), their teams and the library positions the structure uses,
in one transaction, and writes one audit record. Codes that already exist in the company
are refused up front (nothing is created), so a preset never overwrites HR's own tree;
`prefix` lets HR add a second copy (a second call center) beside the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from kaohe.library import default_library
from kaohe.library.presets import preset as find_preset
from kaohe.web.audit.services import record
from kaohe.web.org.models import Company, Department, Position, Team


class PresetError(ValueError):
    """The preset cannot be instantiated; `problems` says why in Chinese and English."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(en for _, en in problems))
        self.problems = problems


@dataclass(frozen=True)
class PresetResult:
    departments: int
    teams: int
    positions_created: int


def instantiate_preset(company: Company, actor: Any, preset_id: str, prefix: str = "") -> PresetResult:
    try:
        chosen = find_preset(preset_id)
    except KeyError:
        raise PresetError([(f"没有组织结构预设 {preset_id}", f"no organisation preset {preset_id!r}")]) from None
    codes = [prefix + unit.id for _, unit in chosen.walk()]
    taken = set(Department.objects.filter(company=company, code__in=codes).values_list("code", flat=True))
    if taken:
        listed = ", ".join(sorted(taken))
        raise PresetError([(f"部门代码已存在：{listed}；请换一个前缀", f"department codes already exist: {listed}; use a prefix")])
    library = default_library()
    with transaction.atomic():
        made = 0
        for position_id in chosen.positions:
            p = library.position(position_id).position
            _, created = Position.objects.get_or_create(
                code=position_id, defaults={"name_zh": p.name.zh, "name_en": p.name.en, "level": p.level.value})
            made += created
        parents: dict[int, Department] = {}
        departments = teams = 0
        for depth, unit in chosen.walk():
            dept = Department.objects.create(company=company, parent=parents.get(depth - 1), code=prefix + unit.id,
                                             name=unit.name.zh)
            parents[depth] = dept
            departments += 1
            for team in unit.teams:
                Team.objects.create(department=dept, code=team.id, name=team.name.zh)
                teams += 1
        result = PresetResult(departments, teams, made)
        record(actor, "org.instantiate_preset", company,
               after={"preset": chosen.id, "prefix": prefix, "departments": departments, "teams": teams,
                      "positions_created": made})
    return result
