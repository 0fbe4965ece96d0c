"""A year with no statutory schedule never blocks a person: the appeal deadline counts
Monday–Friday, is stored and shown as provisional, audited, and recounted once HR loads
the year — with a notice when a date the person was shown moves earlier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.web.appraisal.models import SheetState
from kaohe.web.audit.models import AuditEvent
from kaohe.web.workdays import services as cal
from kaohe.web.workdays.models import DeadlineNotice, ProvisionalDeadline, YearSchedule
from kaohe.web.workdays.services import ScheduleRow
from tests.web.conftest import fresh, walk_to
from tests.workdays.conftest import SCHEDULE_2027, at

ZH_NOTE = "暂按周一至周五计算，待导入 2027 年节假日安排"
EN_NOTE = "provisional: Mon–Fri until the 2027 holidays are loaded"


def rows(text: str) -> list[ScheduleRow]:
    from kaohe.web.workdays.fileio import read_schedule

    parsed, report = read_schedule("2027.csv", text.encode())
    assert report.ok
    return parsed


def page_text(client, user, url: str, language: str) -> str:
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.time_machine(at("2026-12-28"), tick=False)
def test_acknowledging_on_28_december_without_2027_gives_a_provisional_audited_deadline(org, sheet, client):
    sheet = walk_to(org, sheet, "acknowledged")
    # Mon 28 Dec + 5 working days: 29, 30, 31 Dec, Fri 1 Jan (a guess: 2027 is not loaded), Mon 4 Jan
    assert sheet.state == SheetState.ACKNOWLEDGED and sheet.appeal_deadline == dt.date(2027, 1, 4)
    # publication opened a window too (counted the same way); acknowledging restarted it: one mark is open
    mark = ProvisionalDeadline.objects.get(sheet=sheet, resolved_at__isnull=True)
    assert (mark.field, mark.years, mark.shown, mark.due, mark.resolved_at) == (
        "appeal_deadline", [2027], dt.date(2027, 1, 4), dt.date(2027, 1, 4), None)
    event = AuditEvent.objects.filter(action="calendar.provisional_deadline", object_id=str(sheet.pk)).latest("seq")
    assert event.after["date"] == "2027-01-04" and event.after["provisional_years"] == [2027]
    assert event.after["note_zh"] == ZH_NOTE and event.after["note_en"] == EN_NOTE

    url = reverse("ui:sheet", args=[sheet.pk])
    zh = page_text(client, org.agent, url, "zh-hans")
    assert "2027-01-04" in zh and ZH_NOTE in zh
    en = page_text(client, org.agent, url, "en")
    assert "2027-01-04" in en and EN_NOTE in en and ZH_NOTE not in en
    appeal_page = page_text(client, org.agent, reverse("ui:file_appeal", args=[sheet.pk]), "en")
    assert EN_NOTE in appeal_page
    assert cal.date_with_note(sheet, "appeal_deadline", "en") == f"2027-01-04 ({EN_NOTE})"
    assert cal.date_with_note(sheet, "appeal_deadline", "zh-hans") == f"2027-01-04（{ZH_NOTE}）"

    # HR sees a to-do on the home page, pointing to the calendar page
    home = page_text(client, org.hr, reverse("ui:hr_home"), "zh-hans")
    assert 'data-testid="calendar-todos"' in home and "请导入 2027 年节假日安排" in home
    assert reverse("workdays:calendar") in home

    # HR loads 2027: 1 January is a holiday, so the window ends on Tuesday 5 January
    outcome = cal.import_year_schedule(org.company, org.hr, 2027, rows(SCHEDULE_2027), source_label="2027.csv")
    assert (outcome.holidays, outcome.workdays) == (8, 1)
    assert [(c.before, c.after, c.final, c.notified) for c in outcome.changes] == [
        (dt.date(2027, 1, 4), dt.date(2027, 1, 5), True, False)]
    sheet = fresh(sheet)
    assert sheet.appeal_deadline == dt.date(2027, 1, 5)
    mark.refresh_from_db()
    assert mark.resolved_at is not None and mark.due == dt.date(2027, 1, 5) and mark.years == []
    event = AuditEvent.objects.get(action="calendar.deadline_recomputed", object_id=str(sheet.pk))
    assert event.before["date"] == "2027-01-04" and event.after["date"] == "2027-01-05"
    assert AuditEvent.objects.filter(action="calendar.import_year").count() == 1
    assert not DeadlineNotice.objects.exists()  # a longer window needs no notice
    zh = page_text(client, org.agent, url, "zh-hans")
    assert "2027-01-05" in zh and ZH_NOTE not in zh
    assert cal.date_with_note(sheet, "appeal_deadline", "zh-hans") == "2027-01-05"
    home = page_text(client, org.hr, reverse("ui:hr_home"), "zh-hans")
    assert 'data-testid="calendar-todos"' not in home


@pytest.mark.time_machine(at("2026-12-28"), tick=False)
def test_the_api_gives_the_note_beside_the_date(org, sheet):
    from kaohe.web.api.api import _sheet_out

    sheet = walk_to(org, sheet, "acknowledged")
    try:
        out = _sheet_out(sheet, org.hr)
    except TypeError:  # an older signature without the user
        out = _sheet_out(sheet)  # type: ignore[call-arg]
    assert out["appeal_deadline"] == dt.date(2027, 1, 4) and out["appeal_deadline_provisional"] is True
    assert (out["appeal_deadline_note_zh"], out["appeal_deadline_note_en"]) == (ZH_NOTE, EN_NOTE)


@pytest.mark.time_machine(at("2026-12-28"), tick=False)
def test_a_shorter_official_deadline_reaches_the_person_as_a_notice(org, sheet, client):
    sheet = walk_to(org, sheet, "acknowledged")
    assert sheet.appeal_deadline == dt.date(2027, 1, 4)
    # a year where 1 January is worked and Saturday 2 January is a make-up workday: the 5th working day
    # after 28 December is Saturday 2 January, two days before the date the agent was shown
    odd = "date,kind\n2027-02-08,holiday\n2027-01-02,workday\n"
    outcome = cal.import_year_schedule(org.company, org.hr, 2027, rows(odd), source_label="odd.csv")
    assert [(c.after, c.notified) for c in outcome.changes] == [(dt.date(2027, 1, 2), True)]
    notice = DeadlineNotice.objects.get()
    assert (notice.person, notice.before, notice.after) == (org.agent, dt.date(2027, 1, 4), dt.date(2027, 1, 2))
    en = page_text(client, org.agent, reverse("ui:sheet", args=[sheet.pk]), "en")
    assert "The appeal deadline you were shown (2027-01-04)" in en and "it is now 2027-01-02" in en
    zh = page_text(client, org.agent, reverse("ui:sheet", args=[sheet.pk]), "zh-hans")
    assert "2027-01-04" in zh and "2027-01-02" in zh and 'data-testid="deadline-notices"' in zh


def test_a_shorter_deadline_that_would_already_be_over_keeps_the_shown_date(org, sheet, time_machine):
    time_machine.move_to(at("2026-12-28"), tick=False)
    sheet = walk_to(org, sheet, "acknowledged")
    time_machine.move_to(at("2027-01-03"), tick=False)  # HR loads 2027 only on Sunday 3 January
    odd = "date,kind\n2027-02-08,holiday\n2027-01-02,workday\n"
    outcome = cal.import_year_schedule(org.company, org.hr, 2027, rows(odd), source_label="odd.csv")
    assert [(c.after, c.kept_shown, c.notified) for c in outcome.changes] == [(dt.date(2027, 1, 4), True, False)]
    assert fresh(sheet).appeal_deadline == dt.date(2027, 1, 4)
    assert not ProvisionalDeadline.objects.filter(resolved_at__isnull=True).exists()


@pytest.mark.time_machine(at("2026-11-20"), tick=False)
def test_a_loaded_year_gives_a_final_deadline(org, sheet):
    sheet = walk_to(org, sheet, "acknowledged")
    # Fri 20 Nov 2026 + 5 working days by the statutory calendar: 23–27 Nov
    assert sheet.appeal_deadline == dt.date(2026, 11, 27)
    assert not ProvisionalDeadline.objects.exists()
    assert not AuditEvent.objects.filter(action="calendar.provisional_deadline").exists()


@pytest.mark.time_machine(at("2026-12-28"), tick=False)
def test_kpis_counted_in_working_days_still_refuse_an_unloaded_year(org):
    from kaohe.web.appraisal.services.calendar import UnknownCalendar, add_working_days

    with pytest.raises(UnknownCalendar) as err:
        add_working_days(org.company, dt.date(2026, 12, 31), 1)
    assert err.value.code == "calendar_unknown" and "2027" in err.value.message_en
    cal.import_year_schedule(org.company, org.hr, 2027, rows(SCHEDULE_2027), source_label="2027.csv")
    assert add_working_days(org.company, dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)


@pytest.mark.time_machine(at("2026-12-28"), tick=False)
def test_the_package_is_offered_as_a_labelled_source_and_loading_it_is_audited(org):
    from kaohe.metrics.calendar import package_label

    outcome = cal.load_package_year(org.company, org.hr, 2026)
    assert outcome.source_label == package_label() and outcome.source_label.startswith("chinese-calendar ")
    sched = YearSchedule.objects.get(company=org.company, year=2026)
    assert sched.source == "package" and sched.imported_by == org.hr
    assert (outcome.holidays, outcome.workdays) == (33, 6)  # 2026 as the package carries it
    event = AuditEvent.objects.get(action="calendar.import_year")
    assert event.after["source_label"] == package_label() and "2026-10-10" in event.after["workdays"]


@pytest.mark.time_machine(at("2026-12-28"), tick=False)
def test_publishing_on_28_december_opens_a_provisional_window_too(org, sheet):
    sheet = walk_to(org, sheet, "published")
    assert sheet.appeal_deadline == dt.date(2027, 1, 4)
    mark = ProvisionalDeadline.objects.get(sheet=sheet, resolved_at__isnull=True)
    assert (mark.years, mark.start) == ([2027], dt.date(2026, 12, 28))
    assert AuditEvent.objects.filter(action="calendar.provisional_deadline", object_id=str(sheet.pk)).count() == 1
