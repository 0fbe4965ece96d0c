"""Organisation presets: the department structures of seeds 000 and 004 as data HR starts from.

`org_presets.yaml` holds six structures — 000's large-enterprise and small-enterprise
customer-service departments and its inbound and outbound call centers, 004's functional
and streamline (by-region) departments. Each is a tree of units (departments) with their
teams and the library positions they use. HR instantiates one (the web org service
`kaohe.web.org.presets.instantiate_preset`) and then edits the tree like any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError

from kaohe.problems import Problem
from kaohe.scheme.loader import parse_yaml, validation_problems
from kaohe.scheme.models import Identifier, Model, Text
from kaohe.scheme.problems import SchemeLoadError

PRESETS_FILE = Path(__file__).resolve().parent / "org_presets.yaml"


class PresetTeam(Model):
    id: Identifier
    name: Text


class PresetUnit(Model):
    id: Identifier
    name: Text
    head: Identifier | None = None  # the position that runs the unit
    positions: list[Identifier] = Field(default_factory=list)
    teams: list[PresetTeam] = Field(default_factory=list)
    children: list[PresetUnit] = Field(default_factory=list)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, PresetUnit]]:
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


class OrgPreset(Model):
    id: Identifier
    name: Text
    source: str = Field(min_length=1)
    source_en: str = ""
    description: Text
    units: list[PresetUnit] = Field(min_length=1)

    def walk(self) -> Iterator[tuple[int, PresetUnit]]:
        for unit in self.units:
            yield from unit.walk()

    @property
    def positions(self) -> list[str]:
        """Every library position the structure uses, once, in tree order."""
        seen: dict[str, None] = {}
        for _, unit in self.walk():
            for position in unit.positions:
                seen.setdefault(position)
        return list(seen)


class _PresetsFile(Model):
    presets: list[OrgPreset] = Field(min_length=1)


def load_presets(file: Path | str = PRESETS_FILE, position_ids: set[str] | None = None) -> list[OrgPreset]:
    """Read and check the presets; every problem at once (file, line) in a SchemeLoadError.

    With `position_ids` (the library's), a unit naming an unknown position is an error too.
    """
    path = Path(file)
    data, located = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    try:
        presets = _PresetsFile.model_validate(data).presets
    except ValidationError as exc:
        raise SchemeLoadError(validation_problems(exc.errors(), data, located, str(path))) from None
    problems: list[Problem] = []
    if len({p.id for p in presets}) != len(presets):
        problems.append(Problem("O001", "error", str(path), None, "presets", message_zh="预设标识重复",
                                message_en="two presets share an id"))
    for preset in presets:
        ids = [unit.id for _, unit in preset.walk()]
        if len(set(ids)) != len(ids):
            problems.append(Problem("O002", "error", str(path), None, f"presets.{preset.id}",
                                    message_zh=f"预设 {preset.id} 中部门标识重复",
                                    message_en=f"preset {preset.id!r} repeats a unit id"))
        for _, unit in preset.walk():
            unknown = [p for p in [*unit.positions, *([unit.head] if unit.head else [])]
                       if position_ids is not None and p not in position_ids]
            if unknown:
                problems.append(Problem("O003", "error", str(path), None, f"presets.{preset.id}.{unit.id}",
                                        message_zh=f"部门 {unit.name.zh} 引用了岗位库中没有的岗位：{'、'.join(unknown)}",
                                        message_en=f"unit {unit.id!r} names positions not in the library: "
                                                   f"{', '.join(unknown)}"))
            if unit.head and unit.head not in unit.positions:
                problems.append(Problem("O004", "error", str(path), None, f"presets.{preset.id}.{unit.id}.head",
                                        message_zh=f"部门 {unit.name.zh} 的负责人岗位不在其岗位列表中",
                                        message_en=f"the head of unit {unit.id!r} is not among its positions"))
    if problems:
        raise SchemeLoadError(problems)
    return presets


@lru_cache(maxsize=1)
def default_presets() -> tuple[OrgPreset, ...]:
    from kaohe.library import default_library

    return tuple(load_presets(PRESETS_FILE, {entry.id for entry in default_library()}))


def preset(preset_id: str) -> OrgPreset:
    for found in default_presets():
        if found.id == preset_id:
            return found
    raise KeyError(f"no organisation preset {preset_id!r}")
