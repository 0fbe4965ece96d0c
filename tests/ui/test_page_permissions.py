"""Every persona against every page and every one-button action.

The expectations are written out by hand from the org of tests/web/conftest.py (not
computed from kaohe.web.permissions), so a change in the rules or in a view that
opens a page to the wrong person makes this fail. A forbidden pair must not answer
200, must not show the sheet's employee, and a forbidden action must change nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from kaohe.web.appraisal.models import ScoreVersion, Sheet, SheetState
from kaohe.web.ui import formtokens
from kaohe.web.ui.views.sheets import BUTTON_STEPS
from tests.web.conftest import fresh, walk_to

PERSONAS = ["agent", "other_agent", "peer1", "supervisor", "other_supervisor", "reviewer", "director", "hr",
            "qa", "auditor"]
EVERYONE = set(PERSONAS)
# who may open the agent's sheet (A001, team A) and the other agent's (B001, team B)
SEES_AGENT = {"agent", "supervisor", "reviewer", "director", "hr"}
SEES_OTHER = {"other_agent", "other_supervisor", "reviewer", "director", "hr"}
LEADS = {"supervisor", "other_supervisor", "reviewer", "director"}  # manage someone: a team page
REVIEWS = {"reviewer", "director"}  # manage managers: an approvals page
CYCLE_WATCHERS = {"supervisor", "other_supervisor", "reviewer", "director", "hr"}


def page_table(sheet: Sheet, other: Sheet) -> list[tuple[str, str, set[str], str | None]]:
    """(label, url, personas answered 200, employee code that must not leak to the others)."""
    s, o, c = sheet.pk, other.pk, sheet.cycle_id
    rows = [
        ("home", reverse("ui:home"), EVERYONE, None),
        ("my appraisal", reverse("ui:my_appraisal"), EVERYONE, None),
        ("team", reverse("ui:my_team"), LEADS, None),
        ("approvals", reverse("ui:review_queue"), REVIEWS, None),
        ("cycles", reverse("ui:cycle_list"), CYCLE_WATCHERS, None),
        ("cycle progress", reverse("ui:cycle_progress", args=[c]), CYCLE_WATCHERS, None),
        ("calibration board", reverse("ui:calibration_board", args=[c]), {"reviewer", "director", "hr"}, None),
        ("upload", reverse("ui:upload", args=[c]), {"hr"}, None),
        ("hr home", reverse("ui:hr_home"), {"hr"}, None),
        ("import employees", reverse("ui:import_employees"), {"hr"}, None),
        ("employee template", reverse("ui:employee_template"), {"hr"}, None),
        ("audit trail", reverse("ui:audit_trail"), {"auditor", "hr"}, None),
        ("appeals", reverse("ui:appeal_list"), EVERYONE, None),
        ("competency list", reverse("ui:competency_list"), EVERYONE, None),
        ("ratings to give", reverse("ui:rating_requests"), EVERYONE - {"hr", "auditor"}, None),
    ]
    for code, pk, seers in (("A001", s, SEES_AGENT), ("B001", o, SEES_OTHER)):
        rows += [
            (f"sheet {code}", reverse("ui:sheet", args=[pk]), seers, code),
            (f"kpi records {code}", reverse("ui:kpi_records", args=[pk, "csat"]), seers, code),
            (f"targets {code}", reverse("ui:targets", args=[pk]), seers, code),
            (f"review {code}", reverse("ui:review_sheet", args=[pk]), seers, code),
            (f"interview {code}", reverse("ui:interview", args=[pk]), seers, code),
            (f"competency {code}", reverse("ui:competency", args=[pk]), seers, code),
            # A001 is in calibration: only calibrators may adjust it; B001 is still a draft (refused: state)
            (f"calibrate {code}", reverse("ui:calibrate_sheet", args=[pk]),
             {"reviewer", "director", "hr"} if code == "A001" else set(), code),
            (f"self-rating {code}", reverse("ui:self_rating", args=[pk]), set(), code),
            (f"supervisor rating {code}", reverse("ui:supervisor_rating", args=[pk]), set(), code),
            (f"reviewer rating {code}", reverse("ui:reviewer_rating", args=[pk]), set(), code),
            (f"appeal {code}", reverse("ui:file_appeal", args=[pk]), set(), code),
            (f"request 360 {code}", reverse("ui:request_ratings", args=[pk]), set(), code),
            (f"peer rating {code}", reverse("ui:other_rating", args=[pk, "peer"]), set(), code),
            (f"qa rating {code}", reverse("ui:other_rating", args=[pk, "qa"]), set(), code),
        ]
    return rows


@pytest.fixture
def two_sheets_in_calibration(org, cycle):  # type: ignore[no-untyped-def]
    agent_sheet = walk_to(org, cycle.sheets.get(employee=org.agent_emp), "calibration")
    return agent_sheet, cycle.sheets.get(employee=org.other_agent_emp)


def test_no_persona_opens_a_page_it_may_not_see(org, two_sheets_in_calibration):
    sheet, other = two_sheets_in_calibration
    violations = []
    for name in PERSONAS:
        client = Client()
        client.force_login(org.users[name])
        for label, url, allowed, code in page_table(sheet, other):
            response = client.get(url)
            status = response.status_code
            if status >= 500:
                violations.append(f"{name} {label}: server error {status}")
            elif name in allowed and status not in (200, 302):
                violations.append(f"{name} {label}: expected the page, got {status}")
            elif name not in allowed:
                body = response.content.decode()
                if status == 200 or status == 302 and "/login/" not in response.get("Location", "") \
                        and label not in ("home", "my appraisal"):
                    violations.append(f"{name} {label}: expected a refusal, got {status}")
                if code and status != 302 and f">{code}<" in body.replace(" ", ""):
                    violations.append(f"{name} {label}: the refusal shows employee {code}")
                if status in (403, 409) and 'data-testid="refusal"' not in body:
                    violations.append(f"{name} {label}: {status} without the refusal page")
    assert violations == []


def test_an_anonymous_visitor_is_sent_to_the_login_page(org, two_sheets_in_calibration):
    sheet, other = two_sheets_in_calibration
    client = Client()
    for label, url, _allowed, _code in page_table(sheet, other):
        response = client.get(url)
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("ui:login")), label


def _token(user, form_name: str) -> str:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.user = user
    return formtokens.issue(request, form_name)


def test_only_hr_can_take_the_one_step_open_in_calibration(org, two_sheets_in_calibration):
    """Every persona × every one-button step, each with a valid form token of its own:
    only HR publishing succeeds; every other pair leaves the sheet exactly as it was."""
    sheet, _other = two_sheets_in_calibration
    attempts = []
    for name in PERSONAS:
        client = Client()
        client.force_login(org.users[name])
        for step in BUTTON_STEPS:
            if (name, step) == ("hr", "publish"):
                continue
            before = fresh(sheet)
            response = client.post(reverse("ui:sheet_step", args=[sheet.pk, step]), {
                "version": before.version, "form_token": _token(org.users[name], f"sheet-{sheet.pk}-{step}")})
            after = fresh(sheet)
            attempts.append((name, step, response.status_code, (after.state, after.version)
                             == (before.state, before.version)))
    refused_and_unchanged = [(n, s) for n, s, status, same in attempts if status in (403, 409) and same]
    assert len(refused_and_unchanged) == len(attempts), [a for a in attempts if not (a[2] in (403, 409) and a[3])]

    client = Client()
    client.force_login(org.hr)
    response = client.post(reverse("ui:sheet_step", args=[sheet.pk, "publish"]), {
        "version": fresh(sheet).version, "form_token": _token(org.hr, f"sheet-{sheet.pk}-publish")})
    assert response.status_code == 302
    assert fresh(sheet).state == SheetState.PUBLISHED


def test_only_calibrators_can_adjust_a_score(org, two_sheets_in_calibration):
    sheet, _other = two_sheets_in_calibration
    url = reverse("ui:calibrate_sheet", args=[sheet.pk])
    for name in PERSONAS:
        client = Client()
        client.force_login(org.users[name])
        versions = ScoreVersion.objects.filter(sheet=sheet).count()
        response = client.post(url, {"version": fresh(sheet).version, "grade": "D", "total": "10",
                                     "reason": "试图越权修改", "form_token": _token(org.users[name],
                                                                              f"calibrate-{sheet.pk}")})
        changed = ScoreVersion.objects.filter(sheet=sheet).count() != versions
        if name in {"reviewer", "director", "hr"}:
            assert response.status_code == 302 and changed, name
        else:
            assert response.status_code == 403 and not changed, name


def test_empty_and_garbage_posts_to_every_page_are_answered_without_a_server_error(org,
                                                                                 two_sheets_in_calibration):
    sheet, other = two_sheets_in_calibration
    urls = [url for _label, url, _allowed, _code in page_table(sheet, other)]
    urls += [reverse("ui:sheet_step", args=[sheet.pk, step]) for step in BUTTON_STEPS]
    urls += [reverse("ui:cycle_bulk_step", args=[sheet.cycle_id, "publish"]),
             reverse("ui:compute_kpis", args=[sheet.cycle_id])]
    garbage = {"version": "x", "form_token": "forged", "score_teamwork": "abc", "grade": "Z" * 50,
               "total": "1e999", "reason": "", "decision": "?", "reviewer": "-1", "level_communication": "99",
               "held_on": "2026-13-45", "table": "../../etc", "raters": "abc", "role": "admin"}
    failures = []
    for name in ("agent", "supervisor", "hr", "auditor"):
        client = Client()
        client.force_login(org.users[name])
        for url in urls:
            for data in ({}, garbage):
                status = client.post(url, data).status_code
                if status >= 500:
                    failures.append((name, url, status))
    assert failures == []
    assert fresh(sheet).state == SheetState.CALIBRATION  # no forged post moved the sheet
