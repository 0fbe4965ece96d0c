from decimal import Decimal

import pytest

from kaohe.results.pay import payroll
from kaohe.results.pay_import import Employee, PayImportError, read_pay_inputs
from kaohe.results.policy import load_policy

POLICY = load_policy()
STAFF = {"E1": Employee("王芳", "A"), "E2": Employee("李强", "C")}


def test_a_good_file_becomes_pay_lines_with_labelled_absence_columns():
    text = "工号,绩效工资基数,应出勤天数,事假,病假\nE1,3000,22,1,2\nE2,2500,20,,\n"
    lines = payroll(read_pay_inputs(text.encode("utf-8-sig"), "pay.csv", POLICY, STAFF), POLICY)
    # E1: 3000 × 1.2 × 20/22 = 3272.73; E2: 2500 × 0.8 × 1 = 2000.00
    assert [(p.employee_id, p.amount) for p in lines] == [("E1", Decimal("3272.73")), ("E2", Decimal("2000.00"))]


def test_every_bad_cell_is_reported_with_row_and_column():
    text = ("工号,绩效工资基数,应出勤天数,出差\n"
            "E1,abc,22,1\n"
            "E9,3000,22,0\n"
            ",3000,22,0\n"
            "E2,3000,,0\n")
    with pytest.raises(PayImportError) as info:
        read_pay_inputs(text.encode(), "pay.csv", POLICY, STAFF)
    got = [(p.row, p.column) for p in info.value.problems]
    assert got == [(1, "出差"), (2, "绩效工资基数"), (3, "工号"), (4, "工号"), (5, "应出勤天数")]


def test_a_missing_required_column_is_reported():
    with pytest.raises(PayImportError, match="应出勤天数"):
        read_pay_inputs("工号,绩效工资基数\nE1,3000\n".encode(), "pay.csv", POLICY, STAFF)
