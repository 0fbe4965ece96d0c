"""The organisation presets of seeds 000 and 004: data, loader and `kaohe library presets`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kaohe.cli.main import app
from kaohe.library import Library
from kaohe.library.presets import PRESETS_FILE, default_presets, load_presets
from kaohe.scheme.problems import SchemeLoadError

# 000 第一章 二、客服部组织结构 (1–4) and 004 第一章 三、(一)(二)
BOOK = {"large_enterprise": "大型企业客服部", "small_enterprise": "中小型企业客服部",
        "inbound_call_center": "呼入型呼叫中心", "outbound_call_center": "呼出型呼叫中心",
        "functional": "职能型", "streamline": "流线型"}


def test_every_structure_of_the_book_has_a_preset() -> None:
    found = {p.id: p for p in default_presets()}
    assert set(found) == set(BOOK)
    for key, words in BOOK.items():
        assert words in found[key].name.zh and found[key].source and found[key].description.en


def test_the_large_enterprise_uses_all_32_positions(library: Library) -> None:
    large = next(p for p in default_presets() if p.id == "large_enterprise")
    assert set(large.positions) == {entry.id for entry in library}


def test_a_preset_naming_an_unknown_position_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "presets.yaml"
    broken.write_text(PRESETS_FILE.read_text(encoding="utf-8").replace(
        "positions: [service_training_supervisor]\n", "positions: [trainer]\n", 1), encoding="utf-8")
    with pytest.raises(SchemeLoadError) as caught:
        load_presets(broken, {"call_center_manager"})
    codes = {p.code for p in caught.value.problems}
    assert {"O003", "O004"} <= codes


def test_the_cli_lists_and_shows_presets() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["library", "presets", "--json"])
    assert listed.exit_code == 0
    assert {p["id"] for p in json.loads(listed.stdout)} == set(BOOK)
    shown = runner.invoke(app, ["library", "presets", "inbound_call_center"])
    assert shown.exit_code == 0 and "呼叫业务部" in shown.stdout and "agent_supervisor" in shown.stdout
    assert runner.invoke(app, ["library", "presets", "nope"]).exit_code == 1
