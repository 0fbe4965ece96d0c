"""The xlsx export: one sheet per position, laid out like the book's tables, printable."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.library import Library
from kaohe.library.export import CONTENTS_TITLE, export_xlsx

from .test_library_content import EXPECTED


@pytest.fixture(scope="module")
def workbook(library: Library, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = export_xlsx(library, tmp_path_factory.mktemp("xlsx") / "library.xlsx")
    return openpyxl.load_workbook(path)


def rows(ws: Worksheet) -> list[tuple[str, ...]]:
    return [tuple("" if v is None else str(v) for v in row) for row in ws.iter_rows(values_only=True)]


def row_with(ws: Worksheet, column: int, text: str) -> tuple[str, ...]:
    found = [r for r in rows(ws) if len(r) > column and r[column] == text]
    assert found, f"no row with {text!r} in column {column}"
    return found[0]


def test_there_is_a_contents_sheet_and_one_sheet_per_position(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames[0] == CONTENTS_TITLE
    assert sorted(workbook.sheetnames[1:]) == sorted(EXPECTED.values())


def test_the_contents_sheet_links_every_position(workbook: openpyxl.Workbook) -> None:
    ws = workbook[CONTENTS_TITLE]
    links = [c.hyperlink.location for c in ws["E"] if c.hyperlink is not None]
    assert len(links) == 32
    assert "'呼叫中心座席员'!A1" in links


def scheme_row(ws: Worksheet, indicator: str) -> tuple[str, ...]:
    """The row of an indicator in a scheme table (its first cell names the category and weight)."""
    found = [r for r in rows(ws) if r[1] == indicator and r[0].endswith("%）")]
    assert found, indicator
    return found[0]


def test_the_agent_sheet_holds_the_five_modules(workbook: openpyxl.Workbook) -> None:
    ws = workbook["呼叫中心座席员"]
    assert "呼叫中心座席员" in str(ws["A1"].value)
    firsts = [r[0] for r in rows(ws)]
    for section in ("一、岗位信息", "二、关键业绩指标", "三、胜任素质模型", "五、目标责任书", "六、考核程序", "七、关键问题解决"):
        assert section in firsts
    assert any(f.startswith("四、考核方案（1）") for f in firsts)
    assert row_with(ws, 0, "直接上级")[1] == "座席主管"
    assert {"职业素养", "知识", "技能/能力"} <= set(firsts)


def test_the_scheme_table_gives_weight_standard_rule_and_source(workbook: openpyxl.Workbook) -> None:
    ws = workbook["呼叫中心座席员"]
    qa = scheme_row(ws, "监听分值")
    assert qa[0] == "话务与服务（表9-26）（80%）"
    assert qa[2].startswith("40%") and "占总分 32%" in qa[2]
    assert "≥80 分" in qa[3]
    assert "数据来源：" in qa[4]
    assert qa[5].startswith("KPI qa_avg")
    talk = scheme_row(ws, "平均通话时间")
    assert "40–180秒 得 100 分" in talk[4]
    attendance = scheme_row(ws, "上级考评")
    assert "每次迟到扣 20 分" in attendance[4]
    assert "attendance_late" in attendance[5]


def test_the_grading_table_gives_coefficients(workbook: openpyxl.Workbook) -> None:
    ws = workbook["客服总监"]
    assert row_with(ws, 0, "S")[3:5] == ("10%", "1.5")
    assert row_with(ws, 0, "D")[3:5] == ("10%", "0")


def test_the_letter_names_both_parties(workbook: openpyxl.Workbook) -> None:
    ws = workbook["座席主管"]
    assert row_with(ws, 0, "双方")[1] == "甲方：呼叫中心经理；乙方：座席主管"
    assert row_with(ws, 0, "标题")[1] == "座席主管季度目标责任书"


def test_sheets_are_set_up_for_printing(workbook: openpyxl.Workbook) -> None:
    ws = workbook["排班主管"]
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws.column_dimensions["E"].width == 44
    assert ws.cell(4, 2).alignment.wrap_text  # the first row of position info


def test_the_export_can_be_limited_to_some_positions(library: Library, tmp_path: Path) -> None:
    path = export_xlsx(library, tmp_path / "two.xlsx", ["call_center_agent", "座席主管"])
    assert openpyxl.load_workbook(path).sheetnames == [CONTENTS_TITLE, "呼叫中心座席员", "座席主管"]


def test_the_english_workbook_has_no_chinese_and_reads_the_library_english(library: Library, tmp_path: Path) -> None:
    import re

    path = export_xlsx(library, tmp_path / "en.xlsx", lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Contents" and "Call-center agent" in book.sheetnames
    han = re.compile(r"[\u3400-\u9fff]")
    chinese = [(ws.title, v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
               for v in row if isinstance(v, str) and han.search(v)]
    assert chinese == []
    agent = library.position("call_center_agent").position
    ws = book["Call-center agent"]
    assert row_with(ws, 0, "Purpose")[1] == agent.purpose_en
    kpi_row, scheme_row = [r for r in rows(ws) if len(r) > 4 and r[1] == "Average talk time"][:2]
    assert kpi_row[3] == agent.kpi("talk_time").definition_en  # type: ignore[union-attr]
    assert scheme_row[3].startswith("40 s ≤ average talk time ≤ 180 s")
    assert "Formula: Average talk time =" in scheme_row[4] and "Scoring: 100 within 40–180" in scheme_row[4]
    assert row_with(ws, 0, "Appeals")[1] == agent.procedure.appeal_en
