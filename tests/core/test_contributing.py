"""CONTRIBUTING.md: every recipe names files that exist and is backed by a test that exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
RECIPES = ("a KPI", "a rule kind", "a source adapter", "a position in the library", "a report page")


def test_there_is_a_recipe_per_extension_point() -> None:
    for name in RECIPES:
        assert f"## Recipe: {name}" in TEXT, name


def test_every_named_file_exists() -> None:
    named = set(re.findall(r"`((?:src|tests|docs)/[^`<>*…]+?)`", TEXT))
    missing = []
    for ref in named:
        path, _, test = ref.partition("::")
        if "<" in path or not re.search(r"\.(py|md|yaml|html|po|toml)$|/$", path):
            continue
        file = ROOT / path
        if not file.exists():
            missing.append(path)
        elif test and f"def {test}(" not in file.read_text(encoding="utf-8"):
            missing.append(ref)
    assert len(named) > 25
    assert not missing, missing
