"""Every library text written in Chinese has its English beside it, and the English is English.

The library's convention (kaohe.library.i18n): a bilingual name is `{zh: …, en: …}`; a Chinese
field `definition`, `purpose`, `advice` … has its English in `definition_en`, `purpose_en`,
`advice_en` … (a list has a list of the same length). This test walks every YAML file of the
library — positions, schemes, shared texts, grading, org presets, book samples — plus the general
guidance and the KPI catalog, and lists every Chinese text without English, and every English text
that still contains Chinese characters.

Run it as a script to print the list: `python tests/library/test_english_complete.py`.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from kaohe.library import LIBRARY_ROOT
from kaohe.library.guidance import GENERAL
from kaohe.metrics.catalog.registry import list_kpis
from kaohe.web.ui.formatting import UNITS

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
FULL_WIDTH = re.compile(r"[，；：（）。、「」【】！？]")  # Chinese punctuation has no place in English text either

# Keys whose Chinese stays Chinese on purpose, with the reason.
NOT_TRANSLATED = {
    # the seed's exact wording, kept beside the cleaned-up standard so HR can compare with the book
    "source_text",
    # a unit code (分, 秒, 次 …); pages translate it through kaohe.web.ui.formatting.UNITS (checked below)
    "unit",
}

# A tier's `label` (tiers rule) is shown only in the Chinese trace; the English trace names the tier by its range.
TIER_LABEL = re.compile(r"\.tiers\[\d+\]$")

# Chinese allowed inside English text: proper names only, each listed here explicitly.
PROPER_NAMES: frozenset[str] = frozenset()


def _library_files() -> list[Path]:
    # kaohe-lint-accepted.yaml is the checker's list of kept defects (reason_zh / reason_en), not library text
    return sorted(p for p in LIBRARY_ROOT.rglob("*.yaml") if p.name != "kaohe-lint-accepted.yaml")


def _has_han(value: Any) -> bool:
    if isinstance(value, str):
        return bool(HAN.search(value))
    if isinstance(value, list):
        return any(_has_han(v) for v in value)
    return False


def _han_outside_names(text: str) -> list[str]:
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return HAN.findall(text) + FULL_WIDTH.findall(text)


def missing_english(node: Any, where: str = "") -> Iterator[str]:
    """Paths of Chinese texts under `node` that have no English beside them."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from missing_english(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("zh"), str):  # a Text
        if _has_han(node["zh"]) and not str(node.get("en") or "").strip():
            yield f"{where} (en)"
        return
    for key, value in node.items():
        key = str(key)
        if key.endswith("_en") or key in NOT_TRANSLATED or (key == "label" and TIER_LABEL.search(where)):
            continue
        path = f"{where}.{key}"
        if _has_han(value):
            english = node.get(f"{key}_en")
            if not english:
                yield f"{path} ({key}_en)"
            elif isinstance(value, list) and (not isinstance(english, list) or len(english) != len(value)):
                yield f"{path} ({key}_en has {len(english) if isinstance(english, list) else 1} "\
                      f"entries for {len(value)})"
            elif isinstance(value, list) and any(not str(e).strip() for e in english):
                yield f"{path} ({key}_en has an empty entry)"
        elif isinstance(value, (dict, list)):
            yield from missing_english(value, path)


def chinese_in_english(node: Any, where: str = "") -> Iterator[str]:
    """Paths of English texts (`en`, `*_en`) under `node` that contain Chinese characters."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from chinese_in_english(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        key = str(key)
        path = f"{where}.{key}"
        if key == "en" or key.endswith("_en"):
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str) and _han_outside_names(text):
                    yield f"{path}: {text[:60]}"
        elif isinstance(value, (dict, list)):
            yield from chinese_in_english(value, path)


def _units(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _units(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "unit" and isinstance(value, str) and value:
                yield value
            else:
                yield from _units(value)


def library_problems() -> list[str]:
    problems: list[str] = []
    for file in _library_files():
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        name = str(file.relative_to(LIBRARY_ROOT))
        problems += [f"{name}: no English for {p}" for p in missing_english(data)]
        problems += [f"{name}: Chinese in English text {p}" for p in chinese_in_english(data)]
    return problems


def guidance_problems() -> list[str]:
    problems = []
    for i, entry in enumerate(GENERAL):
        if not entry.problem_en or len(entry.advice_en) != len(entry.advice):
            problems.append(f"guidance.GENERAL[{i}] {entry.problem}: no English")
        for text in [entry.problem_en, *entry.advice_en]:
            if _han_outside_names(text):
                problems.append(f"guidance.GENERAL[{i}]: Chinese in English text {text[:60]}")
    return problems


def catalog_problems() -> list[str]:
    """KPI definitions, samples, notes and parameter docs of the catalog: each *_zh has its *_en."""
    problems = []
    for kpi in list_kpis():
        for where, obj in [(f"KPI {kpi.id}", kpi)] + [(f"KPI {kpi.id} param {p.name}", p) for p in kpi.params]:
            for field in dataclasses.fields(obj):
                if not field.name.endswith("_zh"):
                    continue
                zh = getattr(obj, field.name)
                en = getattr(obj, field.name[:-3] + "_en", None)
                if _has_han(zh) and not en:
                    problems.append(f"{where}: no {field.name[:-3]}_en")
                if isinstance(en, str) and _han_outside_names(en):
                    problems.append(f"{where}: Chinese in {field.name[:-3]}_en")
        if _has_han(kpi.formula):
            problems.append(f"KPI {kpi.id}: Chinese in its formula")
    return problems


def test_every_library_text_has_english() -> None:
    problems = library_problems()
    assert not problems, f"{len(problems)} library texts lack English:\n" + "\n".join(problems[:40])


def test_general_guidance_has_english() -> None:
    assert guidance_problems() == []


def test_kpi_catalog_definitions_have_english() -> None:
    assert catalog_problems() == []


def test_every_unit_of_the_library_has_an_english_name() -> None:
    units = {u for file in _library_files() for u in _units(yaml.safe_load(file.read_text(encoding="utf-8")))}
    unknown = sorted(u for u in units if u.strip() not in UNITS)
    assert unknown == []
    assert all(not HAN.search(UNITS[u.strip()][1]) for u in units)


def test_the_walk_finds_what_it_should() -> None:
    """The checker itself: a Chinese field without English, a short English list, Chinese in English."""
    node = {"name": {"zh": "座席", "en": ""}, "purpose": "接听来电", "duties": ["甲", "乙"], "duties_en": ["A"],
            "definition": "定义", "definition_en": "Definition 表", "source_text": "原文", "unit": "秒",
            "id": "agent", "advice": ["建议"], "advice_en": ["Advice"],
            "rule": {"tiers": [{"label": "全部完成"}]}}
    assert sorted(missing_english(node)) == [".duties (duties_en has 1 entries for 2)", ".name (en)",
                                             ".purpose (purpose_en)"]
    assert list(chinese_in_english(node)) == [".definition_en: Definition 表"]
    assert list(chinese_in_english({"purpose_en": "Answers calls（hotline）"})) == [".purpose_en: Answers calls（hotline）"]


if __name__ == "__main__":  # list everything still missing
    found = library_problems() + guidance_problems() + catalog_problems()
    print("\n".join(found))
    print(f"{len(found)} problems", file=sys.stderr)
