"""One calendar: the web working-day service is kaohe.metrics.calendar with the company's loaded
years and overrides, read once per call whatever the number of days counted."""

from __future__ import annotations

import datetime as dt

from kaohe.web.appraisal.services.calendar import add_working_days, is_working_day
from kaohe.web.org.models import WorkdayOverride
from kaohe.web.workdays import fileio
from kaohe.web.workdays import services as cal
from tests.workdays.conftest import SCHEDULE_2027


def test_sixty_working_days_cost_two_queries(org, django_assert_num_queries):
    WorkdayOverride.objects.create(company=org.company, date=dt.date(2026, 10, 12), is_workday=False)
    with django_assert_num_queries(2):  # the loaded years, the overrides
        day = add_working_days(org.company, dt.date(2026, 9, 30), 60)
    # by hand: October has 17 working days after the National Day week (Thu 8, Fri 9, Sat 10 made up,
    # 13–16 with Mon 12 off by the company, 19–23, 26–30), November 21 (2–6, 9–13, 16–20, 23–27, 30):
    # 38; the 22 more of December are 1–4, 7–11, 14–18, 21–25, 28, 29, 30
    assert day == dt.date(2026, 12, 30)


def test_an_override_beats_the_loaded_year_which_beats_the_package(org):
    rows, _ = fileio.read_schedule("2027.csv", SCHEDULE_2027.encode())
    cal.import_year_schedule(org.company, org.hr, 2027, rows, source_label="2027.csv")
    assert not is_working_day(org.company, dt.date(2027, 2, 8))  # a holiday in the loaded year
    assert is_working_day(org.company, dt.date(2027, 2, 20))  # its make-up Saturday
    WorkdayOverride.objects.create(company=org.company, date=dt.date(2027, 2, 8), is_workday=True)
    assert is_working_day(org.company, dt.date(2027, 2, 8))  # the center works that day
    assert is_working_day(org.company, dt.date(2026, 10, 10))  # 2026 from the package (make-up Saturday)
