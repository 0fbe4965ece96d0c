"""The company's scoring settings: on/off switches that schemes' `applies_when` conditions read.

表9-26 says of the effective work rate "对于话务量较少的项目公司此项可不做为考核指标": a
company with little call volume may leave the item out. A scheme names such a switch
(`applies_when: {setting: appraise_effective_work_rate}`); the company keeps its choice in
`Company.scoring_settings` ({"appraise_effective_work_rate": false}). A switch the company
never set is on, so an item is left out only by an explicit choice. Scoring passes the
stored switches to `kaohe.scoring.inputs.build_sheet_inputs`; an item switched off is left
out, its weight goes to the rest of its category and the trace says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kaohe.scheme.models import Scheme


@dataclass(frozen=True)
class ScoringSetting:
    """One switch HR can turn off, with the words shown on the company settings page."""

    id: str
    label_zh: str
    label_en: str


def settings_of(company: Any) -> dict[str, bool]:
    """The company's stored switches (only true/false values count)."""
    stored = getattr(company, "scoring_settings", None) or {}
    return {str(key): value for key, value in stored.items() if isinstance(value, bool)}


def settings_in(schemes: Iterable[Scheme]) -> dict[str, ScoringSetting]:
    """Every switch the schemes' indicators name, with the first naming indicator's words."""
    found: dict[str, ScoringSetting] = {}
    for scheme in schemes:
        for cat in scheme.categories:
            for ind in cat.indicators:
                when = ind.applies_when
                if when is None or when.setting is None or when.setting in found:
                    continue
                note = when.note
                zh = f"考核「{ind.name.zh}」（{scheme.name.zh}）"
                en = f"Appraise “{ind.name.en or ind.name.zh}” ({scheme.name.en or scheme.name.zh})"
                if note is not None:
                    zh += f"：{note.zh}"
                    en += f": {note.en or note.zh}"
                found[str(when.setting)] = ScoringSetting(str(when.setting), zh, en)
    return found


def known_settings(company: Any) -> list[ScoringSetting]:
    """The switches HR may set: those named by the library's schemes and by the schemes the
    company's cycles froze, plus any already stored (so none is hidden once set)."""
    from kaohe.web.appraisal import library_bridge
    from kaohe.web.appraisal.models import SchemeSnapshot

    schemes: list[Scheme] = list(library_bridge.schemes())
    snapshots = SchemeSnapshot.objects.filter(sheets__cycle__company=company).distinct()
    schemes += [snapshot.scheme() for snapshot in snapshots]
    found = settings_in(schemes)
    for key in settings_of(company):
        found.setdefault(key, ScoringSetting(key, f"公司设置 {key}", f"Company setting {key}"))
    return sorted(found.values(), key=lambda s: s.id)
