import json
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from kaohe.cli.main import app

from .conftest import AGENT, BOOK, MANAGER, REPO


def test_lint_reports_the_two_errors_of_the_literal_manager_sheet(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lint", str(MANAGER), "--lang", "en", "--all-errors"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if " error " in line]
    assert len(errors) == 4
    assert "K001" in errors[0] and "110 %" in errors[0]
    assert "K004" in errors[1] and "[80, 85)" in errors[1]
    # the sales item keeps 表9-23's standard and rule text: equal to last year is named
    assert "K026" in errors[2] and "去年同期" in errors[2] and "equal to the boundary" in errors[2]
    assert "K004" in errors[3] and "[100, 100]" in errors[3]
    assert "1 file(s): 4 error(s), 1 warning(s)" in result.stderr


def test_lint_understands_position_files_and_finds_no_false_errors(runner: CliRunner) -> None:
    from kaohe.library import LIBRARY_ROOT

    result = runner.invoke(app, ["lint", str(LIBRARY_ROOT / "positions"), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert " error " not in result.stderr
    assert "65 file(s): 0 error(s)" in result.stderr


def test_lint_reads_the_org_presets_as_presets_not_as_a_scheme(runner: CliRunner, tmp_path: Path) -> None:
    from kaohe.library import LIBRARY_ROOT

    result = runner.invoke(app, ["lint", str(LIBRARY_ROOT / "org_presets.yaml"), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert "1 file(s): 0 error(s)" in result.stderr
    broken = tmp_path / "org_presets.yaml"  # a unit naming a position the library lacks is still found
    broken.write_text((LIBRARY_ROOT / "org_presets.yaml").read_text(encoding="utf-8").replace(
        "head: customer_service_director", "head: no_such_position", 1), encoding="utf-8")
    shutil.copytree(LIBRARY_ROOT / "positions", tmp_path / "positions")
    for name in ("shared.yaml", "grading.yaml"):
        shutil.copy(LIBRARY_ROOT / name, tmp_path / name)
    result = runner.invoke(app, ["lint", str(broken), "--lang", "en"])
    assert result.exit_code == 1 and "O003" in result.stderr and "no_such_position" in result.stderr


def test_lint_reports_a_broken_position_file_with_its_line(runner: CliRunner, tmp_path: Path) -> None:
    import shutil

    from kaohe.library import LIBRARY_ROOT

    root = tmp_path / "lib"
    shutil.copytree(LIBRARY_ROOT / "positions", root / "positions")
    shutil.copy(LIBRARY_ROOT / "shared.yaml", root / "shared.yaml")
    shutil.copy(LIBRARY_ROOT / "grading.yaml", root / "grading.yaml")
    file = root / "positions" / "call_center_agent" / "position.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("ref: integrity", "ref: integ"), encoding="utf-8")
    result = runner.invoke(app, ["lint", str(file), "--lang", "en"])
    assert result.exit_code == 1
    assert "P020" in result.stderr and "position.yaml:" in result.stderr


def test_lint_json_lists_problems_with_file_line_and_path(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lint", str(MANAGER), "--json"])
    problems = json.loads(result.stdout)
    gap = next(p for p in problems if p["rule_id"] == "K004")
    assert gap["file"].endswith("table_9_23_24_cs_manager.yaml")
    assert gap["line"] > 0 and gap["path"] == "categories[0].indicators[4].rule.tiers"
    assert gap["hint_zh"] and gap["hint_en"]


def test_lint_walks_directories(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lint", str(BOOK), "--json", "--all-errors"])
    files = {Path(p["file"]).name for p in json.loads(result.stdout)}
    assert {MANAGER.name, AGENT.name} <= files
    assert result.exit_code == 1


def test_the_book_samples_defects_are_accepted_with_their_reason_and_still_named(runner: CliRunner) -> None:
    # kaohe-lint-accepted.yaml in book_samples/ keeps the five defects of the printed tables:
    # lint on the whole library reads clean, and each defect is still printed with its code
    from kaohe.library import LIBRARY_ROOT

    result = runner.invoke(app, ["lint", str(LIBRARY_ROOT), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert " 0 error(s)" in result.stderr and "5 accepted (as printed)" in result.stderr
    accepted = [line for line in result.stderr.splitlines() if " info " in line and "(accepted: " in line]
    assert sorted(line.split(" info ")[1].split(" ")[0] for line in accepted) == ["K001", "K002", "K004", "K004", "K026"]
    boundary = next(line for line in accepted if " K026 " in line)
    assert "table_9_23_24_cs_manager.yaml" in boundary and "去年同期" in boundary and "equal to the boundary" in boundary


def test_an_accepted_finding_that_is_gone_is_a_warning_and_others_stay_errors(runner: CliRunner, tmp_path: Path) -> None:
    shutil.copy(MANAGER, tmp_path / MANAGER.name)
    (tmp_path / "kaohe-lint-accepted.yaml").write_text(
        "".join(f"- {{file: {MANAGER.name}, code: {code}, path: categories, reason_zh: 原样, reason_en: as printed}}\n"
                for code in ("K001", "K003")),
        encoding="utf-8")
    result = runner.invoke(app, ["lint", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 1  # the three defects not listed are still errors
    assert "3 error(s)" in result.stderr and "1 accepted (as printed)" in result.stderr
    assert "L010" in result.stderr and "K003 is listed" in result.stderr
    (tmp_path / "kaohe-lint-accepted.yaml").write_text("- {file: x.yaml, code: K001}\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(tmp_path), "--lang", "en"])
    assert "L002" in result.stderr and "path, reason_zh, reason_en" in result.stderr


def test_lint_exits_zero_when_there_are_only_warnings(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["lint", str(BOOK / "table_9_27_after_sales_specialist.yaml")])
    assert result.exit_code == 0, result.output


def test_lint_reports_load_problems_of_several_files_at_once(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    (tmp_path / "wrong.yaml").write_text("id: x\nname: {zh: 名}\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 1
    assert "broken.yaml:2" in result.stderr and "YAML syntax error" in result.stderr
    assert "wrong.yaml" in result.stderr and "Field required" in result.stderr


def test_lint_fails_on_a_missing_path(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lint", "/nonexistent/x.yaml"])
    assert result.exit_code == 1
    assert "不存在" in result.stderr


def test_scheme_schema_prints_json_schema(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scheme", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"].startswith("Kaohe") and "categories" in schema["properties"]


def test_the_installed_kaohe_command_lints_in_a_real_process() -> None:
    kaohe = Path(sys.executable).parent / "kaohe"
    done = subprocess.run(
        [str(kaohe), "lint", str(MANAGER), "--lang", "en", "--all-errors"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 1
    assert "K001" in done.stderr and "K004" in done.stderr
