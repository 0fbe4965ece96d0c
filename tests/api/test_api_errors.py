"""Every error the API returns has the one JSON shape — the guard test for it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.conftest import assert_error_shape


@pytest.mark.django_db
def test_it_answers_401_in_the_error_shape_without_a_token(api_get, cycle):
    r = api_get(f"/cycles/{cycle.pk}/sheets", None)
    err = assert_error_shape(r, 401, "unauthenticated")
    assert r["WWW-Authenticate"] == "Bearer"
    assert "token" in err["message_en"]


@pytest.mark.django_db
def test_it_refuses_an_unknown_token(api_get, cycle):
    assert_error_shape(api_get(f"/cycles/{cycle.pk}/sheets", "kh_00000000_not-a-real-token"), 401)


@pytest.mark.django_db
def test_it_refuses_an_expired_or_revoked_token(api_get, cycle, issue_token):
    from django.utils import timezone

    from kaohe.web.api.models import IntegrationToken

    raw = issue_token("hr")
    assert api_get(f"/cycles/{cycle.pk}/sheets", raw).status_code == 200
    IntegrationToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error_shape(api_get(f"/cycles/{cycle.pk}/sheets", raw), 401)
    IntegrationToken.objects.update(expires_at=timezone.now() + dt.timedelta(days=1), revoked_at=timezone.now())
    assert_error_shape(api_get(f"/cycles/{cycle.pk}/sheets", raw), 401)


@pytest.mark.django_db
def test_it_refuses_a_token_without_the_scope(api_get, cycle, issue_token):
    raw = issue_token("hr", scopes=["kpis:read"])
    err = assert_error_shape(api_get(f"/cycles/{cycle.pk}/sheets", raw), 403, "forbidden")
    assert err["details"]["required_scope"] == "sheets:read"


@pytest.mark.django_db
def test_an_unknown_url_under_the_api_has_the_error_shape(api_get, issue_token, org):
    assert_error_shape(api_get("/no-such-thing", issue_token("hr")), 404)


@pytest.mark.django_db
def test_a_wrong_method_has_the_error_shape(client, issue_token, cycle):
    r = client.delete(f"/api/v1/cycles/{cycle.pk}/sheets", HTTP_AUTHORIZATION=f"Bearer {issue_token('hr')}")
    assert_error_shape(r, 405)


@pytest.mark.django_db
def test_an_invalid_body_lists_its_problems_in_the_error_shape(api_post, sheet, issue_token):
    r = api_post(f"/sheets/{sheet.pk}/ratings", issue_token("supervisor"), {"role": "boss", "score": "x"})
    err = assert_error_shape(r, 422, "invalid")
    fields = {p["field"] for p in err["details"]["problems"]}
    assert any("role" in f for f in fields) and any("indicator" in f for f in fields)


@pytest.mark.django_db
def test_a_malformed_json_body_has_the_error_shape(client, sheet, issue_token):
    r = client.post(f"/api/v1/sheets/{sheet.pk}/ratings", "{not json", content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {issue_token('supervisor')}")
    assert r.status_code in (400, 422)
    assert_error_shape(r, r.status_code)


@pytest.mark.django_db
def test_another_employees_sheet_answers_like_a_missing_one(api_get, org, cycle, issue_token):
    other = cycle.sheets.get(employee__code="B001")
    err = assert_error_shape(api_get(f"/sheets/{other.pk}", issue_token("agent")), 404, "not_found")
    assert "B001" not in str(err)


@pytest.mark.django_db
def test_a_workflow_refusal_has_the_error_shape(api_post, sheet, issue_token):
    # the sheet is still a draft: nobody can rate it yet
    r = api_post(f"/sheets/{sheet.pk}/ratings", issue_token("supervisor"),
                 {"role": "supervisor", "indicator": "teamwork", "score": "80",
                  "expected_version": sheet.version})
    assert r.status_code in (403, 409)
    assert_error_shape(r, r.status_code)


@pytest.mark.django_db
def test_an_unhandled_crash_is_answered_in_the_error_shape(client, monkeypatch, cycle, issue_token):
    from kaohe.web.api import api as api_module

    def boom(*args, **kwargs):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(api_module, "_page", boom)
    client.raise_request_exception = False
    r = client.get(f"/api/v1/cycles/{cycle.pk}/sheets", HTTP_AUTHORIZATION=f"Bearer {issue_token('hr')}")
    err = assert_error_shape(r, 500, "server_error")
    assert "simulated" not in str(err)  # no internals leak to the client


@pytest.mark.django_db
def test_a_nul_byte_in_a_filter_is_refused_not_a_server_error(api_get, issue_token):
    err = assert_error_shape(api_get("/audit", issue_token("auditor"), object_type="sheet\x00"), 422, "invalid")
    assert any("object_type" in p["field"] for p in err["details"]["problems"])
