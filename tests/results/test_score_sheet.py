"""The individual score sheet, read back from the files Kaohe writes."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from kaohe.library.describe import describe_rule as library_words
from kaohe.results.sheet import COLUMNS, SheetHeader, build_score_sheet
from kaohe.results.sheet_pdf import write_sheet_pdf
from kaohe.results.sheet_xlsx import FIRST_DATA_ROW, HEADER_ROW, write_sheet_xlsx
from kaohe.scheme.models import RaterRole
from kaohe.scoring import score_sheet
from tests.results.sample import sample_inputs, sample_people, sample_scheme

D = Decimal
EVIL_NAME = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def scored():
    scheme = sample_scheme()
    inputs = sample_inputs(sample_people(), 0)[0]
    result = score_sheet(scheme, inputs)
    header = SheetHeader("E001", EVIL_NAME, "呼叫中心座席员", "@呼入客服部", "2026-10")
    return scheme, inputs, result, build_score_sheet(scheme, result, header, inputs)


def test_the_sheet_lists_each_category_then_its_indicators(scored):
    scheme, _, result, sheet = scored
    names = [r.indicator for r in sheet.rows]
    expected = []
    for cat in scheme.categories:
        expected.append(cat.name.zh)
        expected.extend(i.name.zh for i in cat.indicators)
    assert names == expected
    talk = next(r for r in sheet.rows if r.indicator == "平均通话时间")
    ind = next(i for c in scheme.categories for i in c.indicators if i.id == "avg_talk_time")
    assert talk.rule == library_words(ind.rule, ind.unit) and "40–180" in talk.rule
    assert talk.standard == "40秒≤x≤180秒"


def test_xlsx_values_read_back_equal_the_scored_result(scored, tmp_path):
    scheme, inputs, result, sheet = scored
    path = tmp_path / "sheet.xlsx"
    write_sheet_xlsx(sheet, path)
    ws = load_workbook(path).active
    cell = lambda r, c: ws.cell(row=r, column=c).value  # noqa: E731
    assert cell(1, 1) == "员工绩效考核表"
    assert (cell(3, 1), cell(3, 2), cell(3, 4), cell(3, 5)) == ("姓名", "'" + EVIL_NAME, "工号", "E001")
    assert (cell(4, 2), cell(4, 5)) == ("呼叫中心座席员", "'@呼入客服部")
    assert [cell(HEADER_ROW, c) for c in range(1, len(COLUMNS) + 1)] == [z for z, _ in COLUMNS]
    items = {i.indicator_id: i for i in result.items}
    row = FIRST_DATA_ROW
    for c_index, cat in enumerate(scheme.categories, start=1):
        cres = next(c for c in result.categories if c.category_id == cat.id)
        assert (cell(row, 1), cell(row, 2), D(str(cell(row, 3)))) == (str(c_index), cat.name.zh, cat.weight)
        assert D(str(cell(row, 10))) == cres.score and D(str(cell(row, 11))) == cres.points
        row += 1
        for i_index, ind in enumerate(cat.indicators, start=1):
            item = items[ind.id]
            assert cell(row, 1) == f"{c_index}.{i_index}"
            assert cell(row, 2) == ind.name.zh
            assert D(str(cell(row, 3))) == ind.weight
            assert cell(row, 4) == ind.standard
            assert cell(row, 5)  # the rule text
            assert (cell(row, 6) is None) == (item.value is None)
            if item.value is not None:
                assert D(str(cell(row, 6))) == item.value
            ratings = inputs.values[ind.id].ratings or {}
            for col, role in ((7, RaterRole.SELF), (8, RaterRole.SUPERVISOR), (9, RaterRole.REVIEWER)):
                expected = ratings.get(role)
                assert (cell(row, col) is None) if expected is None else D(str(cell(row, col))) == expected
            assert D(str(cell(row, 10))) == item.score
            assert D(str(cell(row, 11))) == item.points
            row += 1
    row += 1
    assert (cell(row, 1), D(str(cell(row, 2)))) == ("加分", result.bonus)
    assert (cell(row + 1, 1), D(str(cell(row + 1, 2)))) == ("总分", result.total)
    assert (cell(row + 2, 1), cell(row + 2, 2)) == ("等级", result.grade)
    signatures = [cell(r, 1) for r in range(row + 6, row + 9)]
    assert signatures == ["被考核人签字", "考评人签字", "审评人签字"]
    for r in ws.iter_rows():
        for c in r:
            assert c.data_type != "f", c.coordinate


def test_the_manual_items_carry_all_three_ratings(scored):
    *_, sheet = scored
    row = next(r for r in sheet.rows if r.indicator == "主动性")
    assert None not in (row.self_rating, row.supervisor_rating, row.reviewer_rating)
    kpi = next(r for r in sheet.rows if r.indicator == "监听分值")
    assert (kpi.self_rating, kpi.supervisor_rating, kpi.reviewer_rating) == (None, None, None)


def test_the_pdf_text_holds_the_chinese_indicator_names_and_the_total(scored, tmp_path):
    scheme, _, result, sheet = scored
    path = write_sheet_pdf(sheet, tmp_path / "sheet.pdf")
    text = extract_text(str(path))
    for cat in scheme.categories:
        for ind in cat.indicators:
            assert ind.name.zh in text, ind.name.zh
    for word in ("员工绩效考核表", "自评", "考评", "审评", "被考核人签字", "审评人签字"):
        assert word in text
    assert str(result.total) in text
    assert EVIL_NAME in text  # shown as typed: a PDF runs nothing


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_the_pdf_embeds_a_cjk_font(scored, tmp_path):
    *_, sheet = scored
    path = write_sheet_pdf(sheet, tmp_path / "sheet.pdf")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts.replace(" ", "").replace("-", "")
