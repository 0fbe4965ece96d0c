"""Every persona × every API endpoint: no forbidden pair returns data.

The expected visibility is written out by hand from the org of tests/web/conftest.py:
team A (supervisor → A001 agent, A002–A004 peers), team B (other_supervisor → B001),
the reviewer manages the department, HR and the director see the company, QA and
the auditor see no sheet at all.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import assert_error_shape

TEAM_A = {"A001", "A002", "A003", "A004"}
EVERY_AGENT_SHEET = TEAM_A | {"B001"}
SHEETS_VISIBLE = {
    "agent": {"A001"},
    "peer1": {"A002"},
    "supervisor": TEAM_A,
    "other_supervisor": {"B001"},
    "other_agent": {"B001"},
    "reviewer": EVERY_AGENT_SHEET,
    "hr": EVERY_AGENT_SHEET,
    "director": EVERY_AGENT_SHEET,
    "qa": set(),
    "auditor": set(),
}
AUDIT_READERS = {"hr", "auditor"}
PERSONAS = sorted(SHEETS_VISIBLE)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_sheet_lists_show_exactly_the_personas_sheets(api_get, cycle, issue_token, persona):
    r = api_get(f"/cycles/{cycle.pk}/sheets", issue_token(persona), limit=500)
    assert r.status_code == 200
    assert {s["employee"] for s in r.json()["items"]} == SHEETS_VISIBLE[persona]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_changing_the_sheet_id_in_the_url_reveals_nothing(api_get, api_post, cycle, issue_token, persona):
    token = issue_token(persona)
    for sheet in cycle.sheets.select_related("employee"):
        r = api_get(f"/sheets/{sheet.pk}", token)
        if sheet.employee.code in SHEETS_VISIBLE[persona]:
            assert r.status_code == 200 and r.json()["employee"] == sheet.employee.code
        else:
            assert_error_shape(r, 404)
            w = api_post(f"/sheets/{sheet.pk}/ratings", token, {"role": "peer", "indicator": "peer_feedback",
                                                                "score": "90", "expected_version": 1})
            assert_error_shape(w, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_kpi_values_are_limited_to_visible_employees(api_get, org, cycle, issue_token, persona):
    from kaohe.web.appraisal import services as svc

    svc.record_kpi_values(cycle, org.hr, [
        {"employee": code, "kpi": "csat_top2", "value": "91.5", "sample_size": 40, "unit": "%"}
        for code in sorted(EVERY_AGENT_SHEET)])
    r = api_get(f"/cycles/{cycle.pk}/kpi-values", issue_token(persona), limit=500)
    assert r.status_code == 200
    assert {v["employee"] for v in r.json()["items"]} == SHEETS_VISIBLE[persona]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hr_and_the_auditor_read_the_audit_trail(api_get, cycle, issue_token, persona):
    r = api_get("/audit", issue_token(persona))
    if persona in AUDIT_READERS:
        assert r.status_code == 200 and r.json()["count"] > 0
    else:
        assert_error_shape(r, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_results_show_only_published_visible_sheets(api_get, cycle, issue_token, persona):
    # nothing is published in a fresh cycle: every persona gets an empty list, never someone's draft
    r = api_get(f"/cycles/{cycle.pk}/results", issue_token(persona))
    assert r.status_code == 200 and r.json()["items"] == []


@pytest.mark.django_db
def test_a_cycle_of_another_company_is_not_found(api_get, org, cycle, issue_token):
    import datetime as dt

    from kaohe.web.appraisal.models import Cycle
    from kaohe.web.org.models import Company

    other = Company.objects.create(code="other", name="另一家公司")
    foreign = Cycle.objects.create(company=other, name="x", period="monthly", label="2026-10",
                                   start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    for path in (f"/cycles/{foreign.pk}/sheets", f"/cycles/{foreign.pk}/kpi-values",
                 f"/cycles/{foreign.pk}/results"):
        assert_error_shape(api_get(path, issue_token("hr")), 404)
