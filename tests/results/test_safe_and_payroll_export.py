import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from kaohe.results.pay import PayInput, payroll
from kaohe.results.payroll_export import write_payroll_csv, write_payroll_xlsx
from kaohe.results.policy import load_policy
from kaohe.results.safe import FORMULA_TRIGGERS, safe_cell

D = Decimal
POLICY = load_policy()
EVIL = '=HYPERLINK("http://x.invalid","点我")'


def test_text_starting_with_a_formula_character_gets_an_apostrophe():
    for text in ("=1+1", "+86 10 1234", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("王芳") == "王芳"
    assert safe_cell("a=1") == "a=1"


def test_numbers_and_none_pass_through_unchanged():
    assert safe_cell(D("-3.5")) == D("-3.5")
    assert safe_cell(-2) == -2
    assert safe_cell(None) is None


@given(st.text())
def test_no_text_comes_out_starting_with_a_trigger(text):
    out = safe_cell(text)
    assert not out.startswith(FORMULA_TRIGGERS)
    assert out in (text, "'" + text)


def _lines():
    return payroll([
        PayInput("E1", "王芳", "A", D("3000"), D("22"), {"personal_leave": D(1), "sick_leave": D(2)},
                 department="呼入客服部", position="座席员"),
        PayInput("E2", EVIL, "B", D("2500.50"), D("22"), {}, department="-1+2", position="@座席"),
    ], POLICY)


def test_payroll_xlsx_holds_every_value_and_no_formula(tmp_path):
    path = write_payroll_xlsx(_lines(), tmp_path / "payroll.xlsx")
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("绩效工资发放表",) + (None,) * 10 or rows[0][0] == "绩效工资发放表"
    assert rows[1][:5] == ("工号", "姓名", "部门", "岗位", "考核等级")
    assert rows[2][:10] == ("E1", "王芳", "呼入客服部", "座席员", "A", 3000, 1.2, 0.9091, 2, 3272.73)
    # E2: 2500.50 × 1.0 × 1 = 2500.50; the injected texts are neutralised
    assert rows[3][:10] == ("E2", "'" + EVIL, "'-1+2", "'@座席", "B", 2500.5, 1, 1, 0, 2500.5)
    assert rows[4][0] == "合计 / Total: 5773.23"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_payroll_csv_has_a_bom_exact_decimals_and_neutralised_text(tmp_path):
    path = write_payroll_csv(_lines(), tmp_path / "payroll.csv")
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "工号"
    assert rows[1][:10] == ["E1", "王芳", "呼入客服部", "座席员", "A", "3000", "1.2", "0.9091", "2.0", "3272.73"]
    assert rows[2][1] == "'" + EVIL
    assert rows[2][9] == "2500.50"
