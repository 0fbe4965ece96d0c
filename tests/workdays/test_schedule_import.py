"""HR loads a year's holidays and make-up workdays: all or nothing, every bad row and column
reported in the page's language, a template to fill in, and the list of loaded and missing years."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaohe.web.audit.models import AuditEvent
from kaohe.web.errors import Forbidden, InvalidInput
from kaohe.web.workdays import fileio
from kaohe.web.workdays import services as cal
from kaohe.web.workdays.models import ProvisionalDeadline, YearSchedule
from tests.web.conftest import fresh, walk_to
from tests.workdays.conftest import SCHEDULE_2027, at


def xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_ROWS = [["date", "kind", "note"], ["2027-01-01", "holiday", "元旦"], ["2027-02-08", "holiday", "春节"],
             ["2027-02-20", "workday", "春节调休"]]
ONE_BAD_ROW = GOOD_ROWS[:2] + [["2027-02-30", "holiday", "春节"]] + GOOD_ROWS[3:]


def post(client, user, data: bytes, name: str, language: str = "zh-hans", year: int = 2027):
    from kaohe.web.ui import formtokens

    client.force_login(user)
    page = client.get(reverse("workdays:calendar"), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    form = html.split('data-testid="calendar-import-form"', 1)[1]
    token = form.split(f'name="{formtokens.FIELD}" value="', 1)[1].split('"')[0]  # the import form's token
    return client.post(reverse("workdays:calendar"), {
        "action": "import", "company": page.context["company"].pk, "year": year,
        "file": SimpleUploadedFile(name, data), formtokens.FIELD: token}, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.time_machine(at("2026-12-28"), tick=False)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_2027_file_with_one_bad_row_changes_nothing_and_names_the_row_and_column(org, sheet, client, language):
    sheet = walk_to(org, sheet, "acknowledged")  # a provisional deadline waits for 2027
    events = AuditEvent.objects.count()
    response = post(client, org.hr, xlsx(ONE_BAD_ROW), "2027.xlsx", language)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-report"' in html
    assert 'data-problems="1"' in html
    assert '<tr data-row="3" data-column="date">' in html and "2027-02-30" in html
    if language == "en":
        assert "Dates are written YYYY-MM-DD" in html and "Nothing was imported" in html
    else:
        assert "日期须写作 YYYY-MM-DD" in html
    # nothing changed: no schedule, the deadline still provisional and unchanged, no audit event
    assert not YearSchedule.objects.exists()
    assert fresh(sheet).appeal_deadline == dt.date(2027, 1, 4)
    assert ProvisionalDeadline.objects.filter(resolved_at__isnull=True).count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.time_machine(at("2026-12-28"), tick=False)
def test_a_good_file_loads_the_year_and_the_page_lists_it_with_who_loaded_it(org, sheet, client):
    sheet = walk_to(org, sheet, "acknowledged")
    response = post(client, org.hr, xlsx(GOOD_ROWS), "2027.xlsx", "en")
    assert response.status_code == 302
    sched = YearSchedule.objects.get(year=2027)
    assert (sched.source, sched.source_label, sched.imported_by) == ("file", "2027.xlsx", org.hr)
    assert sorted(sched.days.values_list("date", "kind")) == [
        (dt.date(2027, 1, 1), "holiday"), (dt.date(2027, 2, 8), "holiday"), (dt.date(2027, 2, 20), "workday")]
    assert fresh(sheet).appeal_deadline == dt.date(2027, 1, 5)
    html = client.get(reverse("workdays:calendar"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2027 holiday schedule loaded from 2027.xlsx: 2 holidays, 1 make-up workdays." in html
    assert "1 provisional deadline(s) recounted." in html
    row = html.split('<tr data-year="2027"', 1)[1].split("</tr>", 1)[0]
    assert 'data-state="imported"' in row and "2027.xlsx" in row and "imported by hr" in row
    row2026 = html.split('<tr data-year="2026"', 1)[1].split("</tr>", 1)[0]
    assert 'data-state="package"' in row2026 and "chinese-calendar" in row2026


def test_every_problem_of_every_row_is_reported_at_once(org):
    rows, report = fileio.read_schedule("bad.csv", (
        b"date,kind\n"
        b"2027-01-01,holiday\n"      # fine
        b"2026-12-31,holiday\n"      # row 3: not in 2027
        b"2027-01-01,holiday\n"      # row 4: twice
        b"2027-02-09,vacation\n"     # row 5: kind
        b"2027-02-10,workday\n"      # row 6: a Wednesday cannot be a make-up workday
        b"1 Feb,\n"                  # row 7: date and kind
    ))
    with pytest.raises(InvalidInput) as err:
        cal.import_year_schedule(org.company, org.hr, 2027, rows, source_label="bad.csv", report=report)
    found = [(p.row, p.field) for p in err.value.report.problems]
    assert found == [(3, "date"), (4, "date"), (5, "kind"), (6, "kind"), (7, "date"), (7, "kind")]
    assert not YearSchedule.objects.exists()


def test_a_file_without_the_columns_or_in_another_format_is_refused(org):
    rows, report = fileio.read_schedule("x.csv", "日期,备注\n2027-01-01,元旦\n".encode())
    assert [(p.row, p.field) for p in report.problems] == [(1, "kind")]
    rows, report = fileio.read_schedule("x.txt", b"anything")
    assert [p.field for p in report.problems] == ["file"]
    rows, report = fileio.read_schedule("x.xlsx", b"not a workbook")
    assert [p.field for p in report.problems] == ["file"]


def test_chinese_headers_and_kinds_are_understood(org):
    rows, report = fileio.read_schedule("2027.csv", "日期,类型,说明\n2027-01-01,节假日,元旦\n2027-02-20,调休上班,\n".encode())
    assert report.ok
    outcome = cal.import_year_schedule(org.company, org.hr, 2027, rows, source_label="2027.csv")
    assert (outcome.holidays, outcome.workdays) == (1, 1)


def test_the_template_downloads_and_imports_as_is(org, client):
    client.force_login(org.hr)
    response = client.get(reverse("workdays:template", args=[2027, "xlsx"]))
    assert response.status_code == 200 and "kaohe-holidays-2027.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == ["date", "kind", "note"]
    rows, report = fileio.read_schedule("t.xlsx", response.content)
    assert report.ok and [(r.date, r.kind) for r in rows] == [("2027-01-01", "holiday")]
    csv = client.get(reverse("workdays:template", args=[2027, "csv"]))
    assert csv.content.decode("utf-8-sig").startswith("date,kind,note\n2027-01-01,holiday")


def test_only_hr_loads_a_year(org, client):
    rows, _ = fileio.read_schedule("2027.csv", SCHEDULE_2027.encode())
    with pytest.raises(Forbidden):
        cal.import_year_schedule(org.company, org.agent, 2027, rows, source_label="2027.csv")
    client.force_login(org.agent)
    assert client.get(reverse("workdays:calendar")).status_code == 403
    client.force_login(org.hr)
    assert client.get(reverse("workdays:calendar")).status_code == 200


@pytest.mark.time_machine(at("2026-12-10"), tick=False)
def test_the_page_lists_years_open_cycles_need_but_lack(org, client):
    from kaohe.web.appraisal import services as svc
    from tests.web.conftest import AGENT_POSITION, agent_scheme

    svc.open_cycle(org.company, org.hr, period="monthly", label="2026-12", start=dt.date(2026, 12, 1),
                   end=dt.date(2026, 12, 31), positions=[org.agent_position],
                   schemes={(AGENT_POSITION, "specialist"): agent_scheme()})
    status = {s.year: s for s in cal.calendar_status(org.company)}
    assert status[2027].state == "missing" and status[2027].needed_by
    assert status[2026].state == "package"
    todos = cal.hr_todos(org.company)
    assert [t.year for t in todos] == [2027] and "open cycles need the 2027 holiday schedule" in todos[0].message_en
    client.force_login(org.hr)
    html = client.get(reverse("workdays:calendar"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = html.split('<tr data-year="2027"', 1)[1].split("</tr>", 1)[0]
    assert 'data-state="missing"' in row and "Not loaded" in row and "2026-12" in row


def test_loading_a_year_again_replaces_it_and_is_audited_with_the_old_one(org):
    rows, _ = fileio.read_schedule("2027.csv", SCHEDULE_2027.encode())
    cal.import_year_schedule(org.company, org.hr, 2027, rows, source_label="first.csv")
    rows2, _ = fileio.read_schedule("2027.csv", b"date,kind\n2027-01-01,holiday\n")
    cal.import_year_schedule(org.company, org.hr, 2027, rows2, source_label="second.csv")
    sched = YearSchedule.objects.get(year=2027)
    assert sched.source_label == "second.csv" and sched.days.count() == 1
    last = AuditEvent.objects.filter(action="calendar.import_year").order_by("-seq").first()
    assert last.before == {"source": "file", "source_label": "first.csv", "holidays": 8, "workdays": 1}
