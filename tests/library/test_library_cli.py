"""`kaohe library …` is a thin front over the library loader and export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from kaohe.cli.main import app
from kaohe.library import LIBRARY_ROOT

runner = CliRunner()


def test_list_as_json_gives_all_32_positions_with_their_schemes() -> None:
    result = runner.invoke(app, ["library", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 32
    agent = next(r for r in rows if r["id"] == "call_center_agent")
    assert agent["name_zh"] == "呼叫中心座席员" and agent["schemes"] == ["call_center_agent_monthly"]


def test_list_prints_a_table() -> None:
    result = runner.invoke(app, ["library", "list"])
    assert result.exit_code == 0
    assert "32 个岗位" in result.output and "客户投诉主管" in result.output


def test_show_json_finds_a_position_by_its_chinese_name() -> None:
    result = runner.invoke(app, ["library", "show", "座席主管", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["position"]["id"] == "agent_supervisor"
    assert [s["id"] for s in data["schemes"]] == ["agent_supervisor_quarterly"]
    assert data["schemes"][0]["grading"]["bands"][0]["grade"] == "S"


def test_show_prints_the_modules() -> None:
    result = runner.invoke(app, ["library", "show", "call_center_agent"])
    assert result.exit_code == 0
    for text in ("关键业绩指标", "胜任素质模型", "呼叫中心座席员月度考核表", "目标责任书", "考核程序"):
        assert text in result.output


def test_show_of_an_unknown_position_fails_with_exit_2() -> None:
    result = runner.invoke(app, ["library", "show", "no_such_position"])
    assert result.exit_code == 2


def test_export_writes_the_workbook(tmp_path: Path) -> None:
    target = tmp_path / "out" / "agent.xlsx"
    result = runner.invoke(app, ["library", "export", "--xlsx", str(target), "--position", "呼叫中心座席员"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target).sheetnames == ["目录", "呼叫中心座席员"]


def test_guide_filters_by_module() -> None:
    result = runner.invoke(app, ["library", "guide", "call_center_agent", "--module", "indicator_design"])
    assert result.exit_code == 0
    assert "权重怎样分配" in result.output  # general guidance
    assert "区间（band）规则" in result.output  # the agent's own entry
    assert "胜任素质模型的构建" not in result.output


def test_guide_speaks_english_for_every_position() -> None:
    import re

    from kaohe.library import load_library

    for entry in load_library():
        result = runner.invoke(app, ["library", "guide", entry.id, "--lang", "en"])
        assert result.exit_code == 0, result.output
        assert "Choosing KPIs" in result.output and "How are the weights shared out?" in result.output
        assert not re.search(r"[\u3400-\u9fff]", result.output), (entry.id, result.output[:400])
    result = runner.invoke(app, ["library", "guide", "scheduling_supervisor", "--lang", "en",
                                 "--module", "indicator_design"])
    assert "Key problems of the scheduling supervisor position" in result.output
    assert "The forecast-error target must allow for business swings." in result.output


def test_a_broken_library_is_reported_with_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY_ROOT / "positions", root / "positions")
    shutil.copy(LIBRARY_ROOT / "grading.yaml", root / "grading.yaml")
    shutil.copy(LIBRARY_ROOT / "shared.yaml", root / "shared.yaml")
    file = root / "positions" / "call_center_agent" / "position.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("purpose:", "purpos:"), encoding="utf-8")
    result = runner.invoke(app, ["library", "list", "--root", str(root)])
    assert result.exit_code == 2
    assert f"{file}:" in result.output and "purpos" in result.output


def test_every_library_command_and_option_is_documented() -> None:
    import typer.main

    from kaohe.cli.library_cmd import library_app

    doc = (Path(__file__).resolve().parents[2] / "docs" / "library.md").read_text(encoding="utf-8")
    group = typer.main.get_command(library_app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"kaohe library {name}" in doc, name
        for param in command.params:
            for option in param.opts:
                if option.startswith("--") and option != "--help":
                    assert option in doc, f"{name} {option}"
