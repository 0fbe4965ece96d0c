import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kaohe.cli.main import app
from kaohe.cli.output import safe_cell

from .conftest import AGENT, MANAGER

HEADER = (
    "employee_id,name,qa_score,supervisor_appraisal.late,supervisor_appraisal.early_leave,"
    "supervisor_appraisal.absent,supervisor_appraisal.other_points,effective_work_rate,avg_talk_time,"
    "avg_acw_time,product_knowledge"
)


def write(tmp_path: Path, text: str, name: str = "values.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def score(runner: CliRunner, values: Path, *extra: str, scheme: Path = AGENT):
    return runner.invoke(app, ["score", "--scheme", str(scheme), "--values", str(values), *extra])


def test_it_scores_employees_and_explains_each_item(runner: CliRunner, tmp_path: Path) -> None:
    values = write(
        tmp_path, HEADER + "\na001,张三,85,1,0,0,0,55,182,42,90\na002,李四,78,0,0,0,0,48,178,38,79\n"
    )
    result = score(runner, values, "--format", "json")
    assert result.exit_code == 0, result.output
    sheets = {s["employee_id"]: s for s in json.loads(result.stdout)}
    a001 = {i["indicator_id"]: i for i in sheets["a001"]["items"]}
    assert a001["avg_talk_time"]["score"] == "90" and a001["avg_acw_time"]["score"] == "60"
    assert a001["supervisor_appraisal"]["score"] == "80"
    a002 = {i["indicator_id"]: i for i in sheets["a002"]["items"]}
    assert a002["avg_talk_time"]["score"] == "100" and a002["avg_acw_time"]["score"] == "74"
    assert a002["qa_score"]["score"] == "0" and a002["effective_work_rate"]["score"] == "96"
    # a001: 40×85 + 10×80 + 10×100 + 15×90 + 10×60 + 10×90, over 100 (QA keeps its score from 80)
    assert sheets["a001"]["total"] == "80.5"
    assert sheets["a001"]["name"] == "张三"
    assert a001["avg_talk_time"]["trace"]["summary_zh"]


def test_it_prints_tables_with_explanations(runner: CliRunner, tmp_path: Path) -> None:
    values = write(tmp_path, HEADER + "\na001,张三,85,1,0,0,0,55,182,42,90\n")
    result = score(runner, values, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "a001" in result.stdout and "80.5" in result.stdout
    assert "Average talk time" in result.stdout


def test_it_writes_an_xlsx_workbook_with_neutralised_text(runner: CliRunner, tmp_path: Path) -> None:
    values = write(tmp_path, HEADER + '\na001,=HYPERLINK("x"),85,1,0,0,0,55,182,42,90\n')
    out = tmp_path / "out.xlsx"
    result = score(runner, values, "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    summary = list(workbook.worksheets[0].values)
    assert summary[1][0] == "a001"
    assert summary[1][1].startswith("'=")  # not a formula
    assert float(summary[1][3]) == 80.5
    items = list(workbook.worksheets[1].values)
    assert len(items) == 1 + 6


def test_xlsx_needs_an_output_file(runner: CliRunner, tmp_path: Path) -> None:
    values = write(tmp_path, HEADER + "\na001,张三,85,1,0,0,0,55,182,42,90\n")
    assert score(runner, values, "--format", "xlsx").exit_code == 2


def test_safe_cell_neutralises_formula_prefixes_only_in_text() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@x", "ok", -1)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "ok",
        -1,
    ]


def test_it_reports_every_bad_cell_at_once_and_scores_nothing(runner: CliRunner, tmp_path: Path) -> None:
    values = write(
        tmp_path,
        HEADER + ",mood\n"
        "a001,张三,eighty,1,0,0,0,55,182,42,90,3\n"
        "a002,李四,85,-1,0,0,0,55,182,42,90,3\n"
        "a001,王五,85,0,0,0,0,55,1 82,42,90,3\n",
    )
    result = score(runner, values, "--lang", "en", "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""  # nothing presented as a result
    err = result.stderr
    assert "column mood" in err and "no indicator 'mood'" in err
    assert ", row 2, column qa_score:" in err and "'eighty' is not a number" in err
    assert ", row 3, column supervisor_appraisal.late:" in err
    assert ", row 4, column employee_id:" in err and "appears twice" in err
    assert ", row 4, column avg_talk_time:" in err


def test_it_rejects_unknown_counts_and_rater_roles(runner: CliRunner, tmp_path: Path) -> None:
    values = write(
        tmp_path, "employee_id,supervisor_appraisal.sleeping,qa_score@boss,qa_score#size\na1,1,2,3\n"
    )
    result = score(runner, values, "--lang", "en")
    assert result.exit_code == 2
    assert "has no count 'sleeping'" in result.stderr
    assert "unknown rater role 'boss'" in result.stderr
    assert "ID#n" in result.stderr


def test_it_rejects_an_empty_values_file(runner: CliRunner, tmp_path: Path) -> None:
    result = score(runner, write(tmp_path, ""), "--lang", "en")
    assert result.exit_code == 2 and "empty" in result.stderr


def test_it_rejects_a_file_with_a_header_and_no_rows(runner: CliRunner, tmp_path: Path) -> None:
    result = score(runner, write(tmp_path, HEADER + "\n"), "--lang", "en")
    assert result.exit_code == 2 and "no employee rows" in result.stderr


def test_it_rejects_a_file_without_employee_id(runner: CliRunner, tmp_path: Path) -> None:
    result = score(runner, write(tmp_path, "name,qa_score\n张三,85\n"), "--lang", "en")
    assert result.exit_code == 2 and "employee_id column is missing" in result.stderr


def test_it_reports_a_malformed_scheme_with_its_line(runner: CliRunner, tmp_path: Path) -> None:
    scheme = write(tmp_path, "id: x\nname: {zh: 名}\nperiod: weekly\n", "scheme.yaml")
    values = write(tmp_path, "employee_id\na1\n")
    result = score(runner, values, "--lang", "en", scheme=scheme)
    assert result.exit_code == 2
    assert "scheme.yaml:3" in result.stderr and "period" in result.stderr


def test_an_empty_cell_is_missing_not_zero(runner: CliRunner, tmp_path: Path) -> None:
    values = write(tmp_path, HEADER + "\na001,张三,,1,0,0,0,55,182,42,90\n")
    result = score(runner, values, "--format", "json")
    # the scheme's default policy is error: the sheet is incomplete, says so, and exits non-zero
    assert result.exit_code == 1
    [sheet] = json.loads(result.stdout)
    assert sheet["total"] is None and sheet["complete"] is False
    assert "a001" in result.stderr


def test_manual_ratings_come_from_role_columns(runner: CliRunner, tmp_path: Path) -> None:
    values = write(
        tmp_path,
        "employee_id,initiative@supervisor,customer_information@supervisor\nm1,4,0\n",
    )
    result = score(runner, values, "--format", "json", scheme=MANAGER)
    items = {i["indicator_id"]: i for i in json.loads(result.stdout)[0]["items"]}
    assert items["initiative"]["score"] == "20"
    assert items["customer_information"]["score"] == "10"


def test_it_reads_a_gb18030_file_saved_by_chinese_excel(runner: CliRunner, tmp_path: Path) -> None:
    values = tmp_path / "gbk.csv"
    values.write_bytes((HEADER + "\na001,张三,85,1,0,0,0,55,182,42,90\n").encode("gb18030"))
    result = score(runner, values, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["name"] == "张三"


def test_it_rejects_bytes_in_no_known_encoding(runner: CliRunner, tmp_path: Path) -> None:
    values = tmp_path / "bad.csv"
    values.write_bytes(b"employee_id\n\xff\xff\xff\n")
    result = score(runner, values, "--lang", "en")
    assert result.exit_code == 2 and "neither UTF-8 nor GB18030" in result.stderr


def test_it_points_at_lint_when_the_scheme_has_checker_errors(runner: CliRunner, tmp_path: Path) -> None:
    values = write(tmp_path, "employee_id,initiative@supervisor\nm1,4\n")
    result = score(runner, values, "--format", "json", scheme=MANAGER)
    assert "K001" in result.stderr and "K004" in result.stderr and "kaohe lint" in result.stderr


def _exempt_scheme(tmp_path: Path) -> Path:
    """Two KPI items; `b` applies only while the company setting `appraise_b` is on (表9-26's exemption)."""
    from kaohe.scheme import dump_scheme
    from kaohe.scheme.models import Scheme

    expl = {"definition": "定义", "formula": "公式", "data_source": "来源", "frequency": "每月"}

    def item(iid: str, weight: str, **extra: object) -> dict[str, object]:
        return {"id": iid, "name": {"zh": iid, "en": iid}, "weight": weight, "unit": "%", "direction": "higher",
                "source": {"kind": "kpi", "kpi": "fcr"}, "target": "100",
                "rule": {"type": "linear", "target": "100", "base": "100", "worse": {"per": "1", "points": "1"},
                         "floor": "0", "cap": "100"}, "explanation": expl, **extra}

    scheme = Scheme.model_validate({
        "id": "exempt_monthly", "name": {"zh": "豁免", "en": "Exemption"}, "position": "call_center_agent",
        "level": "specialist", "period": "monthly",
        "categories": [{"id": "work", "name": {"zh": "工作"}, "weight": "100", "indicators": [
            item("a", "60"), item("b", "40", applies_when={"setting": "appraise_b"})]}]})
    path = tmp_path / "exempt.yaml"
    path.write_text(dump_scheme(scheme), encoding="utf-8")
    return path


def test_a_company_setting_switches_an_item_off(runner: CliRunner, tmp_path: Path) -> None:
    values = write(tmp_path, "employee_id,name,a,b\ne1,甲,80,50\n")
    scheme = _exempt_scheme(tmp_path)
    on = score(runner, values, "--format", "json", scheme=scheme)
    assert on.exit_code == 0, on.output
    assert json.loads(on.stdout)[0]["total"] == "68"  # 80 × 60 % + 50 × 40 %
    off = score(runner, values, "--format", "json", "--setting", "appraise_b=off", scheme=scheme)
    assert off.exit_code == 0, off.output
    sheet = json.loads(off.stdout)[0]
    assert sheet["total"] == "80"  # a alone, its weight scaled to 100 %
    b = next(i for i in sheet["items"] if i["indicator_id"] == "b")
    assert b["status"] == "excluded" and "appraise_b" in b["trace"]["summary_zh"] + json.dumps(b["trace"]["steps"])
    bad = score(runner, values, "--setting", "Appraise-B", "--setting", "appraise_b=maybe", scheme=scheme)
    assert bad.exit_code == 2 and bad.output.count("NAME=on") + bad.output.count("名称=on") >= 2
