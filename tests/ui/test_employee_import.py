"""HR imports the employee list from Excel on /hr/employees/import/ (and with the command
kaohe_import_employees): every bad row reported with row and column, nothing written on
failure, only HR, one import per submitted form, and a template that imports cleanly."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kaohe.web.audit.models import AuditEvent
from kaohe.web.org.models import Department, Employee, Team

HEADER = ["工号", "姓名", "部门", "班组", "岗位", "级别", "上级工号", "入职日期", "离职日期", "登录名"]
GOOD = [
    ["A100", "王芳", "inbound", "a", "call_center_agent", "专员", "S001", dt.date(2025, 3, 1), None, "wangfang"],
    ["A101", "李强", "呼入部", "一组", "呼叫中心座席员", "specialist", "A100", "2025-04-01", None, None],
]
# three bad rows, each wrong in a different column (row numbers as Excel shows them)
BAD = [
    GOOD[0],                                                                                        # row 2
    ["A102", "", "inbound", "a", "call_center_agent", "专员", "S001", "2025-01-01", None, None],     # row 3: 姓名
    ["A103", "赵六", "nowhere", None, "call_center_agent", "专员", None, "2025-01-01", None, None],  # row 4: 部门
    ["A104", "钱七", "inbound", "a", "call_center_agent", "专员", None, "2025-13-01", None, None],   # row 5: 入职日期
]
BAD_CELLS = {(3, "姓名"), (4, "部门"), (5, "入职日期")}
IMPORT_ACTION = "org.import_employees"


def _xlsx(rows: list[list], header: list[str] = HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _token(client: Client) -> str:
    """The one-time token of the import form, as the page renders it for this client's user."""
    page = client.get(reverse("ui:import_employees"))
    assert page.status_code == 200
    return re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)


def _post(client: Client, org, content: bytes, *, name: str = "employees.xlsx", token: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(reverse("ui:import_employees"), {
        "company": org.company.pk, "file": SimpleUploadedFile(name, content),
        "form_token": token if token is not None else _token(client)})


def _reported_cells(html: str) -> set[tuple[int, str]]:
    return {(int(r), c) for r, c in re.findall(r'<tr data-row="(\d+)" data-column="([^"]+)">', html)}


def _imports() -> int:
    return AuditEvent.objects.filter(action=IMPORT_ACTION).count()


def test_hr_imports_a_valid_workbook_and_the_import_is_audited(org):
    client = _client(org.hr)
    response = _post(client, org, _xlsx(GOOD))
    assert response.status_code == 302 and response["Location"] == reverse("ui:import_employees")

    summary = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-summary" data-created="2" data-updated="0"' in summary
    a100, a101 = Employee.objects.get(code="A100"), Employee.objects.get(code="A101")
    assert (a100.name, a100.team, a100.manager, a100.user.username) == ("王芳", org.team_a, org.supervisor_emp,
                                                                        "wangfang")
    assert (a101.manager, a101.hire_date) == (a100, dt.date(2025, 4, 1))
    event = AuditEvent.objects.get(action=IMPORT_ACTION)
    assert (event.actor, event.after) == (org.hr, {"created": 2, "updated": 0, "rows": 2})
    # the summary is shown once, not on every later visit
    assert "import-summary" not in client.get(reverse("ui:import_employees")).content.decode()

    again = _post(client, org, _xlsx(GOOD))
    assert 'data-created="0" data-updated="2"' in client.get(again["Location"]).content.decode()
    assert _imports() == 2


def test_three_bad_rows_in_different_columns_are_all_reported_and_nothing_is_written(org):
    client = _client(org.hr)
    employees, token = Employee.objects.count(), _token(client)
    response = _post(client, org, _xlsx(BAD), token=token)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-report" data-problems="3"' in html
    assert _reported_cells(html) == BAD_CELLS
    assert "必填项为空" in html and "未知部门" in html  # Chinese by default
    assert Employee.objects.count() == employees and not Employee.objects.filter(code="A100").exists()
    assert _imports() == 0

    # the refused file did not spend the form's token: the corrected file goes in with it
    fixed = _post(client, org, _xlsx(GOOD), token=token)
    assert fixed.status_code == 302 and Employee.objects.filter(code__in=["A100", "A101"]).count() == 2


def test_the_report_speaks_english_when_english_is_chosen(org):
    client = _client(org.hr)
    client.post(reverse("ui:set_language"), {"language": "en", "next": "/"})
    html = _post(client, org, _xlsx(BAD)).content.decode()
    assert _reported_cells(html) == BAD_CELLS
    assert "This field is required" in html and "Unknown department" in html and "Dates are written" in html
    assert "必填项为空" not in html


@pytest.mark.parametrize(("name", "content"), [
    ("employees.csv", "工号,姓名\nA100,王芳\n".encode()),
    ("employees.xlsx", b"this is not a workbook"),
])
def test_a_file_that_is_not_an_xlsx_workbook_is_a_form_error(org, name, content):
    client = _client(org.hr)
    employees = Employee.objects.count()
    response = _post(client, org, content, name=name)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in html and 'data-testid="import-report"' not in html
    assert Employee.objects.count() == employees and _imports() == 0


def test_a_post_without_a_file_lists_the_missing_field(org):
    client = _client(org.hr)
    response = client.post(reverse("ui:import_employees"), {"company": org.company.pk, "form_token": _token(client)})
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()


@pytest.mark.parametrize("persona", ["agent", "supervisor", "auditor", "director", "qa"])
def test_only_hr_may_import_employees_or_download_the_template(org, persona):
    from django.test import RequestFactory

    from kaohe.web.ui import formtokens

    user = org.users[persona]
    client = _client(user)
    for url in (reverse("ui:import_employees"), reverse("ui:employee_template")):
        response = client.get(url)
        assert response.status_code == 403 and 'data-testid="refusal"' in response.content.decode(), url
    # even a well-formed post with a token of their own changes nothing
    request = RequestFactory().get("/")
    request.user = user
    response = _post(client, org, _xlsx(GOOD), token=formtokens.issue(request, "import-employees"))
    assert response.status_code == 403 and 'data-testid="refusal"' in response.content.decode()
    assert not Employee.objects.filter(code="A100").exists() and _imports() == 0


def test_sending_the_same_form_twice_imports_once(org):
    client = _client(org.hr)
    token = _token(client)
    assert _post(client, org, _xlsx(GOOD), token=token).status_code == 302
    repeat = _post(client, org, _xlsx(GOOD), token=token)
    assert repeat.status_code == 409 and 'data-reason="already_submitted"' in repeat.content.decode()
    assert _imports() == 1


def test_the_hr_home_links_to_the_import_page_which_speaks_chinese_by_default(org):
    client = _client(org.hr)
    html = client.get(reverse("ui:hr_home")).content.decode()
    assert f'href="{reverse("ui:import_employees")}"' in html and "从 Excel 导入员工" in html
    page = client.get(reverse("ui:import_employees")).content.decode()
    assert "导入员工" in page and "下载模板" in page and "Download the template" not in page


def _template(client: Client) -> openpyxl.Workbook:
    response = client.get(reverse("ui:employee_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(BytesIO(response.content))


def test_the_template_has_the_header_and_one_example_row_and_imports_after_filling_a_row(org):
    client = _client(org.hr)
    wb = _template(client)
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == HEADER and len(rows) == 2
    example = dict(zip(HEADER, rows[1], strict=True))
    # the example is written in the company's own terms
    assert (example["部门"], example["班组"], example["上级工号"]) == ("呼入部", "一组", "S001")

    for column, value in enumerate(["A200", "孙丽", "inbound", "b", "call_center_agent", "专员", "S002",
                                    dt.date(2026, 2, 1), None, "sunli"], start=1):
        ws.cell(row=2, column=column, value=value)
    buf = BytesIO()
    wb.save(buf)
    response = _post(client, org, buf.getvalue(), name="kaohe-employees-template.xlsx")
    assert response.status_code == 302
    assert 'data-created="1" data-updated="0"' in client.get(response["Location"]).content.decode()
    a200 = Employee.objects.get(code="A200")
    assert (a200.team, a200.manager, a200.hire_date) == (org.team_b, org.other_supervisor_emp, dt.date(2026, 2, 1))


def test_the_example_row_of_the_template_is_itself_valid(org):
    client = _client(org.hr)
    buf = BytesIO()
    _template(client).save(buf)
    response = _post(client, org, buf.getvalue())
    assert response.status_code == 302
    assert Employee.objects.filter(name="张三（示例）", department=org.inbound).count() == 1


def test_the_template_never_writes_a_name_as_a_formula(org):
    evil = Department.objects.create(company=org.company, code="0-first", name="=HYPERLINK(\"http://x\")")
    Team.objects.create(department=evil, code="0", name="@SUM(A1)")
    ws = _template(_client(org.hr)).worksheets[0]
    assert ws["C2"].value == "'=HYPERLINK(\"http://x\")" and ws["D2"].value == "'@SUM(A1)"
    assert ws["C2"].data_type == "s"


def _write(tmp_path, rows) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "employees.xlsx"
    path.write_bytes(_xlsx(rows))
    return str(path)


def test_the_command_imports_and_prints_the_summary(org, tmp_path):
    out = StringIO()
    call_command("kaohe_import_employees", "demo", _write(tmp_path, GOOD), "--actor", "hr", stdout=out)
    assert "created 2, updated 0" in out.getvalue()
    assert Employee.objects.filter(code__in=["A100", "A101"]).count() == 2 and _imports() == 1


def test_the_command_exits_1_with_the_full_report_on_bad_input(org, tmp_path):
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("kaohe_import_employees", "demo", _write(tmp_path, BAD), "--actor", "hr", stdout=out,
                     stderr=StringIO())
    assert refused.value.returncode == 1
    lines = out.getvalue().splitlines()
    reported = {(int(line.split("\t")[0]), line.split("\t")[1]) for line in lines[1:]}
    assert reported == BAD_CELLS and len(lines) == 4
    assert "必填项为空 / This field is required" in out.getvalue()
    assert not Employee.objects.filter(code="A100").exists() and _imports() == 0


@pytest.mark.parametrize(("args", "fragment"), [
    (["nosuch", "{file}", "--actor", "hr"], "no company"),
    (["demo", "{file}", "--actor", "nobody"], "no user"),
    (["demo", "{missing}", "--actor", "hr"], "no such file"),
    (["demo", "{file}", "--actor", "supervisor"], "not allowed"),
])
def test_the_command_refuses_a_wrong_company_user_file_or_role(org, tmp_path, args, fragment):
    good = _write(tmp_path, GOOD)
    args = [a.format(file=good, missing=str(tmp_path / "missing.xlsx")) for a in args]
    with pytest.raises(CommandError) as refused:
        call_command("kaohe_import_employees", *args, stdout=StringIO(), stderr=StringIO())
    assert refused.value.returncode == 1 and fragment in str(refused.value)
    assert not Employee.objects.filter(code="A100").exists()
