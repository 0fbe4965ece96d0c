"""Working days for a company: one calendar (``kaohe.metrics.calendar``) with the company's
loaded year schedules and own overrides on top, read once per call.

``add_working_days`` is strict: where no schedule knows a year it says so
(:class:`UnknownCalendar`) instead of guessing. Deadlines people must be able to act on
(the appeal window) use ``kaohe.web.workdays.services.working_deadline`` instead, which
counts Monday–Friday for such a year and marks the date provisional.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaohe.metrics.calendar import CalendarNotLoaded
from kaohe.web.workdays.services import UnknownCalendar, company_calendar, unknown_calendar

__all__ = ["UnknownCalendar", "add_working_days", "company_calendar", "is_working_day"]


def is_working_day(company: Any, day: dt.date) -> bool:
    try:
        return company_calendar(company).is_workday(day)
    except CalendarNotLoaded as exc:
        raise unknown_calendar(exc.year) from None


def add_working_days(company: Any, start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    try:
        return company_calendar(company).add_workdays(start, days)
    except CalendarNotLoaded as exc:
        raise unknown_calendar(exc.year) from None
