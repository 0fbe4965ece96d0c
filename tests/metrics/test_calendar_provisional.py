"""Deadlines through a year with no schedule: Monday–Friday, and the guessed years named."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kaohe.metrics.calendar import WorkCalendar, package_label, package_schedule, package_years


def weekdays_after(start: date, end: date) -> int:
    """Monday–Friday days d with start < d <= end, counted one by one."""
    return sum(1 for i in range(1, (end - start).days + 1) if (start + timedelta(days=i)).weekday() < 5)


@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2040, 12, 1)), st.integers(min_value=0, max_value=30))
def test_an_unloaded_year_counts_monday_to_friday_and_says_so(day, n):
    end, years = WorkCalendar().add_workdays_provisional(day, n)
    assert weekdays_after(day, end) == n
    assert n == 0 or end.weekday() < 5
    # the years of the days counted through, start itself not counted
    assert years == frozenset((day + timedelta(days=i)).year for i in range(1, (end - day).days + 1))


@given(st.dates(min_value=date(2010, 1, 1), max_value=date(2026, 11, 30)), st.integers(min_value=0, max_value=15))
def test_a_loaded_year_gives_the_statutory_answer_and_nothing_provisional(day, n):
    cal = WorkCalendar()
    end, years = cal.add_workdays_provisional(day, n)
    assert years == frozenset() and end == cal.add_workdays(day, n)


@given(st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 12, 20)), st.integers(min_value=1, max_value=10))
def test_importing_the_year_makes_the_same_deadline_final(day, n):
    cal = WorkCalendar()
    cal.import_year(2027, holidays=[date(2027, 1, 1), date(2027, 2, 8)], workdays=[date(2027, 2, 20)])
    end, years = cal.add_workdays_provisional(day, n)
    assert end.year > 2027 or years == frozenset()
    if end.year <= 2027:
        assert end == cal.add_workdays(day, n)


def test_an_override_is_not_a_guess():
    cal = WorkCalendar()
    cal.set_override(date(2027, 1, 1), False)
    # Thu 31 Dec 2026 + 1: Friday 1 January is off by the company's own override, Monday 4 is a guess
    assert cal.add_workdays_provisional(date(2026, 12, 31), 1) == (date(2027, 1, 4), frozenset({2027}))
    assert cal.is_workday_or_weekday(date(2027, 1, 1)) == (False, False)


def test_the_package_years_and_label():
    assert 2026 in package_years() and 2004 in package_years()
    assert package_label().startswith("chinese-calendar ")
    sched = package_schedule(2026)
    assert date(2026, 10, 1) in sched.holidays and date(2026, 10, 10) in sched.workdays
