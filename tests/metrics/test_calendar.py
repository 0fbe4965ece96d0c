"""Working days by the statutory calendar, make-up workdays, overrides, unloaded years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.metrics.calendar import CalendarImportError, CalendarNotLoaded, WorkCalendar


def test_national_day_2026_is_off_and_its_make_up_saturday_works():
    cal = WorkCalendar()
    assert not cal.is_workday(date(2026, 10, 1))
    assert not cal.is_workday(date(2026, 10, 7))
    assert cal.is_workday(date(2026, 10, 10))  # Saturday, make-up workday
    assert not cal.is_workday(date(2026, 10, 11))  # ordinary Sunday


def test_working_days_across_the_holiday():
    cal = WorkCalendar()
    # 28-30 Sep, 8-10 Oct (10th a Saturday)
    assert cal.workdays_between(date(2026, 9, 28), date(2026, 10, 11)) == 6
    assert cal.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_a_company_override_wins():
    cal = WorkCalendar()
    cal.set_override(date(2026, 10, 10), False)
    cal.set_override(date(2026, 10, 3), True)
    assert not cal.is_workday(date(2026, 10, 10)) and cal.is_workday(date(2026, 10, 3))


def test_an_unloaded_year_is_refused_with_a_message_for_hr():
    with pytest.raises(CalendarNotLoaded) as err:
        WorkCalendar().is_workday(date(2027, 3, 1))
    assert err.value.year == 2027
    assert "2027" in str(err.value) and "import_year_csv" in str(err.value)


def test_an_imported_year_schedule_is_used(tmp_path):
    f = tmp_path / "2027.csv"
    f.write_text("date,kind\n2027-02-08,holiday\n2027-02-09,holiday\n2027-02-20,workday\n", encoding="utf-8")
    cal = WorkCalendar()
    assert cal.import_year_csv(f) == [2027]
    assert not cal.is_workday(date(2027, 2, 8))  # Monday, holiday
    assert cal.is_workday(date(2027, 2, 20))  # Saturday, make-up workday
    assert cal.is_workday(date(2027, 2, 10))  # ordinary Wednesday
    assert not cal.is_workday(date(2027, 2, 21))  # ordinary Sunday


def test_a_bad_schedule_file_reports_every_bad_row_and_imports_nothing(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("date,kind\n2027-13-01,holiday\n2027-02-09,vacation\n2027-02-10,holiday\n", encoding="utf-8")
    cal = WorkCalendar()
    with pytest.raises(CalendarImportError) as err:
        cal.import_year_csv(f)
    assert len(err.value.problems) == 2
    assert "row 2, column date" in str(err.value) and "row 3, column kind" in str(err.value)
    assert 2027 not in cal.years


@given(st.dates(min_value=date(2010, 1, 1), max_value=date(2026, 12, 1)), st.integers(min_value=0, max_value=15))
def test_add_workdays_and_workdays_between_agree(day, n):
    cal = WorkCalendar()
    end = cal.add_workdays(day, n)
    # the working days after ``day`` up to and including ``end`` are exactly n, and end is one of them
    assert cal.workdays_between(day + timedelta(days=1), end + timedelta(days=1)) == n
    assert n == 0 or cal.is_workday(end)
