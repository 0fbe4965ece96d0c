"""Bad input on the pages: every invalid field reported at once, double submission,
two people saving the same sheet, an illegal step, another employee's sheet by URL.
Each gets a clear answer (never a server error) and no saved work is lost."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client, RequestFactory
from django.urls import reverse

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Rating, ScoreVersion, SheetState
from kaohe.web.ui import formtokens
from tests.web.conftest import fresh, walk_to


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _token(user, form_name: str) -> str:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.user = user
    return formtokens.issue(request, form_name)


def test_a_second_submission_of_the_same_form_is_refused_and_counted_once(org, sheet):
    sheet = walk_to(org, sheet, "targets_set")
    client = _client(org.agent)
    data = {"version": sheet.version, "form_token": _token(org.agent, f"sheet-{sheet.pk}-acknowledge_targets")}
    url = reverse("ui:sheet_step", args=[sheet.pk, "acknowledge_targets"])
    first = client.post(url, data)
    version_after_first = fresh(sheet).version
    second = client.post(url, data)
    assert first.status_code == 302
    assert second.status_code == 409
    assert 'data-reason="already_submitted"' in second.content.decode()
    assert fresh(sheet).state == SheetState.TARGETS_ACKNOWLEDGED
    assert fresh(sheet).version == version_after_first


def test_a_form_without_a_valid_token_changes_nothing(org, sheet):
    sheet = walk_to(org, sheet, "targets_set")
    before = fresh(sheet).version
    response = _client(org.agent).post(reverse("ui:sheet_step", args=[sheet.pk, "acknowledge_targets"]),
                                       {"version": before, "form_token": _token(org.other_agent, "x")})
    assert response.status_code == 400
    assert 'data-reason="bad_form_token"' in response.content.decode()
    assert fresh(sheet).version == before


def test_a_save_over_someone_elses_newer_save_keeps_the_typed_values_and_saves_nothing(org, sheet):
    sheet = walk_to(org, sheet, "supervisor_review")
    client = _client(org.supervisor)
    url = reverse("ui:supervisor_rating", args=[sheet.pk])
    stale_version = fresh(sheet).version
    # someone else (here HR recomputing the score) saves the sheet in between
    svc.score_sheet(fresh(sheet), org.hr)
    response = client.post(url, {"version": stale_version, "score_teamwork": "77", "comment_teamwork": "认真负责",
                                 "save": "1", "form_token": _token(org.supervisor, f"ratings-{sheet.pk}-supervisor")})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in body
    assert 'value="77"' in body and "认真负责" in body  # the user's input is still on the form
    assert f'value="{fresh(sheet).version}"' in body  # a resend now knowingly applies to the current version
    assert not Rating.objects.filter(sheet=sheet, role="supervisor", score=Decimal(77)).exists()


def test_calibrating_from_a_stale_page_is_refused_on_the_form(org, sheet):
    sheet = walk_to(org, sheet, "calibration")
    stale_version = fresh(sheet).version
    svc.calibrate(fresh(sheet), org.director, reason="先行校准", grade="B")
    versions = ScoreVersion.objects.filter(sheet=sheet).count()
    response = _client(org.hr).post(reverse("ui:calibrate_sheet", args=[sheet.pk]), {
        "version": stale_version, "grade": "C", "reason": "后到的修改",
        "form_token": _token(org.hr, f"calibrate-{sheet.pk}")})
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    assert ScoreVersion.objects.filter(sheet=sheet).count() == versions
    assert fresh(sheet).current_score.grade == "B"


def test_an_illegal_workflow_step_gets_a_refusal_page_that_says_why(org, sheet):
    sheet = walk_to(org, sheet, "calibration")
    before = fresh(sheet).version
    response = _client(org.agent).post(reverse("ui:sheet_step", args=[sheet.pk, "acknowledge_result"]), {
        "version": before, "form_token": _token(org.agent, f"sheet-{sheet.pk}-acknowledge_result")})
    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="refusal"' in body and 'data-reason="illegal_transition"' in body
    assert "calibration" in body or "校准" in body  # the explanation names the current state
    assert fresh(sheet).version == before


def test_another_employees_sheet_by_url_is_refused_with_403(org, sheet):
    sheet = walk_to(org, sheet, "calibration")
    for url in (reverse("ui:sheet", args=[sheet.pk]), reverse("ui:kpi_records", args=[sheet.pk, "csat"]),
                reverse("ui:targets", args=[sheet.pk])):
        response = _client(org.other_agent).get(url)
        body = response.content.decode()
        assert response.status_code == 403, url
        assert 'data-testid="refusal"' in body
        assert "A001" not in body and "客户满意度" not in body


def test_an_unknown_sheet_is_a_404_page_not_an_error(org):
    response = _client(org.agent).get(reverse("ui:sheet", args=[999999]))
    assert response.status_code == 404
    assert 'data-testid="refusal"' in response.content.decode()


def test_the_open_cycle_form_reports_every_invalid_field_at_once(org):
    response = _client(org.hr).post(reverse("ui:hr_home"), {
        "company": org.company.pk, "period": "monthly", "label": "2026-Q4", "start": "2026-10-31",
        "end": "2026-10-01", "form_token": _token(org.hr, "open-cycle")})
    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) == {"label", "end"}


def test_a_return_without_a_reason_keeps_the_form_open_and_can_be_resent(org, sheet):
    sheet = walk_to(org, sheet, "reviewer_approval")
    client = _client(org.reviewer)
    url = reverse("ui:review_sheet", args=[sheet.pk])
    token = _token(org.reviewer, f"review-{sheet.pk}")
    empty = client.post(url, {"version": fresh(sheet).version, "reason": "  ", "return": "1", "form_token": token})
    assert empty.status_code == 200 and "reason" in empty.context["form"].errors
    assert fresh(sheet).state == SheetState.REVIEWER_APPROVAL
    # the failed attempt did not spend the token: the corrected form goes through
    done = client.post(url, {"version": fresh(sheet).version, "reason": "请补充依据", "return": "1",
                             "form_token": token})
    assert done.status_code == 302
    assert fresh(sheet).state == SheetState.SUPERVISOR_REVIEW
    assert fresh(sheet).returned_reason == "请补充依据"


def test_pages_are_in_chinese_by_default_and_switch_to_english(org, sheet):
    client = _client(org.agent)
    url = reverse("ui:sheet", args=[sheet.pk])
    assert "每一分的来历" in client.get(url).content.decode()
    client.post(reverse("ui:set_language"), {"language": "en", "next": url})
    assert "How every point was reached" in client.get(url).content.decode()
