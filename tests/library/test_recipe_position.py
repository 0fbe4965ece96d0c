"""CONTRIBUTING.md "A position in the library", followed step by step on a private copy of the library."""

from __future__ import annotations

import shutil
from pathlib import Path

from kaohe.library.loader import LIBRARY_ROOT, load_library

NEW = "quality_monitoring_lead"
TEMPLATE = "quality_monitoring_specialist"


def test_a_new_position_with_its_scheme_joins_the_library(tmp_path: Path) -> None:
    root = tmp_path / "library"
    shutil.copytree(LIBRARY_ROOT, root, ignore=shutil.ignore_patterns("book_samples", "__pycache__", "*.py"))
    # 1. the position folder, started from the closest position
    folder = root / "positions" / NEW
    shutil.copytree(root / "positions" / TEMPLATE, folder)
    position = folder / "position.yaml"
    position.write_text(
        position.read_text(encoding="utf-8")
        .replace(f"id: {TEMPLATE}", f"id: {NEW}")
        .replace(f"{TEMPLATE}_monthly", f"{NEW}_monthly")  # the responsibility letter names the scheme
        .replace("zh: 客户服务质量监控专员\n", "zh: 客户服务质量监控组长\n", 1)
        .replace("en: Quality-monitoring specialist\n", "en: Quality-monitoring lead\n", 1),
        encoding="utf-8",
    )
    # 2. its scheme: file name, id and position follow the folder
    old_scheme = folder / "schemes" / f"{TEMPLATE}_monthly.yaml"
    new_scheme = folder / "schemes" / f"{NEW}_monthly.yaml"
    new_scheme.write_text(
        old_scheme.read_text(encoding="utf-8")
        .replace(f"id: {TEMPLATE}_monthly", f"id: {NEW}_monthly")
        .replace(f"position: {TEMPLATE}", f"position: {NEW}"),
        encoding="utf-8",
    )
    old_scheme.unlink()
    # 3. the superior lists it
    superior = root / "positions" / "service_quality_supervisor" / "position.yaml"
    text = superior.read_text(encoding="utf-8")
    assert f"- id: {TEMPLATE}" in text
    superior.write_text(text.replace(f"- id: {TEMPLATE}", f"- id: {NEW}\n    name: {{zh: 客户服务质量监控组长, en: "
                                     f"Quality-monitoring lead}}\n  - id: {TEMPLATE}", 1), encoding="utf-8")

    library = load_library(root)
    entry = library.position(NEW)
    assert entry.position.name.zh == "客户服务质量监控组长"
    assert [s.id for s in entry.schemes] == [f"{NEW}_monthly"]
    shipped = [p for p in (LIBRARY_ROOT / "positions").iterdir() if (p / "position.yaml").exists()]
    assert len(library.positions) == len(shipped) + 1
