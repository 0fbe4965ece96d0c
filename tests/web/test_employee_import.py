"""Employee import from Excel: every bad row reported with row and column; a failed import changes nothing."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.web.errors import Forbidden, InvalidInput
from kaohe.web.org.models import Employee
from kaohe.web.org.services import import_employees

HEADER = ["工号", "姓名", "部门", "班组", "岗位", "级别", "上级工号", "入职日期", "离职日期", "登录名"]
GOOD = [
    ["A100", "王芳", "inbound", "a", "call_center_agent", "专员", "S001", dt.date(2025, 3, 1), None, "wangfang"],
    ["A101", "李强", "呼入部", "一组", "呼叫中心座席员", "specialist", "A100", "2025-04-01", None, None],
]


def _xlsx(tmp_path, rows, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    path = tmp_path / "employees.xlsx"
    wb.save(path)
    return path


def test_it_creates_employees_with_managers_and_logins(org, tmp_path):
    result = import_employees(org.company, org.hr, _xlsx(tmp_path, GOOD))
    assert (result.created, result.updated) == (2, 0)
    a100 = Employee.objects.get(code="A100")
    assert a100.manager == org.supervisor_emp and a100.team == org.team_a and a100.user.username == "wangfang"
    assert Employee.objects.get(code="A101").manager == a100
    assert Employee.objects.get(code="A101").hire_date == dt.date(2025, 4, 1)


def test_it_reports_every_bad_row_and_changes_nothing(org, tmp_path):
    rows = GOOD + [
        ["A102", "", "inbound", "a", "call_center_agent", "专员", None, "2025-01-01", None, None],      # row 4
        ["A103", "赵六", "nowhere", None, "call_center_agent", "专员", None, "2025-01-01", None, None],  # row 5
        ["A104", "钱七", "inbound", "z", "astronaut", "boss", "X999", "01/02/2025", None, None],        # row 6
        ["A100", "重复", "inbound", "a", "call_center_agent", "专员", None, "2025-01-01", "2024-01-01", None],
    ]
    before = Employee.objects.count()
    with pytest.raises(InvalidInput) as err:
        import_employees(org.company, org.hr, _xlsx(tmp_path, rows))
    found = {(p.row, p.field) for p in err.value.report.problems}
    assert found == {(4, "姓名"), (5, "部门"), (6, "班组"), (6, "岗位"), (6, "级别"), (6, "入职日期"),
                     (6, "上级工号"), (7, "工号"), (7, "离职日期")}
    assert Employee.objects.count() == before
    assert not Employee.objects.filter(code__in=["A100", "A101"]).exists()


def test_it_reports_missing_and_unknown_columns(org, tmp_path):
    with pytest.raises(InvalidInput) as err:
        import_employees(org.company, org.hr, _xlsx(tmp_path, [], header=["工号", "姓名", "爱好"]))
    fields = {p.field for p in err.value.report.problems}
    assert {"爱好", "department", "position", "level", "hire_date"} <= fields


def test_only_hr_imports(org, tmp_path):
    with pytest.raises(Forbidden):
        import_employees(org.company, org.supervisor, _xlsx(tmp_path, GOOD))


def test_a_file_that_is_not_excel_is_one_clear_problem(org, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(InvalidInput) as err:
        import_employees(org.company, org.hr, path)
    assert err.value.report.problems[0].field == "file"


CELLS = st.sampled_from([(1, ""), (2, "unknown-dept"), (4, "no_such_position"), (5, "chief"), (7, "2025-13-40"),
                         (6, "NOBODY")])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.lists(st.tuples(st.integers(min_value=0, max_value=4), CELLS), min_size=1, max_size=6))
def test_any_bad_cell_fails_the_whole_import(org, tmp_path, bad):
    rows = [[f"P{i:03d}", f"员工{i}", "inbound", "a", "call_center_agent", "专员", "S001", "2025-01-01", None, None]
            for i in range(5)]
    for row_index, (col, value) in bad:
        rows[row_index][col] = value
    before = set(Employee.objects.values_list("code", flat=True))
    with pytest.raises(InvalidInput) as err:
        import_employees(org.company, org.hr, _xlsx(tmp_path, rows))
    assert {p.row for p in err.value.report.problems} == {i + 2 for i, _ in bad}
    assert set(Employee.objects.values_list("code", flat=True)) == before
