"""Working days for a company: its own overrides first, then the statutory calendar.

Where neither knows a date (a year the calendar package does not cover yet), we say
so instead of guessing: HR imports that year's holidays as overrides.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaohe.web.errors import KaoheError


class UnknownCalendar(KaoheError):
    code = "calendar_unknown"
    http_status = 409


def is_working_day(company: Any, day: dt.date) -> bool:
    from kaohe.web.org.models import WorkdayOverride

    override = WorkdayOverride.objects.filter(company=company, date=day).values_list("is_workday", flat=True).first()
    if override is not None:
        return bool(override)
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise UnknownCalendar(
            f"尚未载入 {day.year} 年的法定节假日安排，请绩效管理员导入该年的节假日与调休工作日",
            f"No statutory holiday schedule is loaded for {day.year}; HR must import that year's "
            f"holidays and make-up workdays", year=day.year) from None


def add_working_days(company: Any, start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(company, day):
            left -= 1
    return day
