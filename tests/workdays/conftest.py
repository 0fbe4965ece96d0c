"""The calendar tests reuse the web personas (tests/web/conftest.py): one org, one agent sheet."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.web.conftest import cycle, data_dirs, library, org, sheet  # noqa: F401  (pytest fixtures)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    """A Beijing wall-clock instant, for time_machine."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI)


# The 2027 schedule as the State Council might publish it (a test file, not the real one):
# New Year's Day Friday 1 January; Spring Festival 6–12 February with make-up Saturdays.
SCHEDULE_2027 = ("date,kind,note\n2027-01-01,holiday,元旦\n"
                 "2027-02-06,holiday,春节\n2027-02-07,holiday,春节\n2027-02-08,holiday,春节\n"
                 "2027-02-09,holiday,春节\n2027-02-10,holiday,春节\n2027-02-11,holiday,春节\n"
                 "2027-02-12,holiday,春节\n2027-02-20,workday,春节调休\n")
