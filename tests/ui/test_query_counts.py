"""The pages a supervisor and an agent open all day ask the database a small, fixed number
of questions: the count must not grow with the size of the team (no query per row).

Counts, not times: speed belongs to `make bench` (bench/load_bench.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.conftest import AGENT_POSITION, agent_scheme

# What the pages need today, with a little room; a query per team member would need far more
# for 40 members (the team page needed ~30 per member before it was fixed).
TEAM_PAGE_MAX_QUERIES = 20
MY_APPRAISAL_MAX_QUERIES = 30


def _team_of(org, size: int):  # type: ignore[no-untyped-def]
    """Team A with `size` agents (the fixture has 4), then a cycle with a sheet for each."""
    from kaohe.web.appraisal import services as svc
    from kaohe.web.org.models import Employee

    for i in range(size - 4):
        Employee.objects.create(company=org.company, code=f"X{i:03d}", name=f"extra{i}", department=org.inbound,
                                team=org.team_a, position=org.agent_position, level="specialist",
                                manager=org.supervisor_emp, hire_date=dt.date(2024, 1, 1))
    return svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                          end=dt.date(2026, 10, 31), positions=[org.agent_position],
                          rating_deadline=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
                          schemes={(AGENT_POSITION, "specialist"): agent_scheme()})


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("size", [4, 40])
def test_the_team_page_needs_the_same_few_queries_for_4_and_for_40_members(org, size,
                                                                           django_assert_max_num_queries):
    cycle = _team_of(org, size)
    assert cycle.sheets.filter(employee__team=org.team_a).count() == size
    client = _client(org.supervisor)
    with django_assert_max_num_queries(TEAM_PAGE_MAX_QUERIES):
        response = client.get(reverse("ui:my_team"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr data-employee="') == size  # every member listed, nobody else


def test_my_appraisal_and_the_own_sheet_need_a_fixed_few_queries(org, sheet, django_assert_max_num_queries):
    client = _client(org.agent)
    with django_assert_max_num_queries(MY_APPRAISAL_MAX_QUERIES):
        response = client.get(reverse("ui:my_appraisal"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("ui:sheet", args=[sheet.pk])
