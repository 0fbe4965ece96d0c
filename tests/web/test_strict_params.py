"""Issue 12, items 7 and 8: every parameter is parsed (400/422, never 500), every field typed and
ranged, and no write without the version it was based on (no lost update)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Rating, Sheet
from kaohe.web.errors import InvalidInput
from tests.web.conftest import walk_to


@pytest.fixture
def scored(org, sheet):  # type: ignore[no-untyped-def]
    sheet = walk_to(org, sheet, "calibration")
    return svc.score_sheet(Sheet.objects.get(pk=sheet.pk), org.hr)


@pytest.mark.parametrize("params", [{"scheme": "abc"}, {"scheme": "9" * 25}, {"scheme": "-1"}])
def test_attack_what_if_with_a_non_numeric_scheme_crashes(org, scored, client, params):
    client.force_login(org.hr)
    response = client.get(f"/reports/cycle/{scored.cycle_id}/what-if/", params)
    assert response.status_code == 400
    assert "scheme" in response.content.decode()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "1e40"])
def test_attack_what_if_value_nan_crashes(org, scored, client, value):
    client.force_login(org.hr)
    response = client.get(f"/reports/cycle/{scored.cycle_id}/what-if/",
                          {"employee": scored.employee.code, "indicator": "csat", "value": value})
    assert response.status_code == 422
    assert "is not a number" in response.content.decode()


@pytest.mark.parametrize("offset", ["9" * 25, "-5", "abc", "１２"])
def test_attack_25_digit_offset_on_the_kpi_drill_down(org, scored, client, offset):
    client.force_login(org.agent)
    response = client.get(f"/sheets/{scored.pk}/kpi/csat/", {"offset": offset})
    assert response.status_code == 400


@pytest.mark.parametrize("field,action", [("item", "item"), ("plan", "close"), ("sheet", "open")])
def test_attack_plan_actions_with_non_numeric_ids(org, scored, client, field, action):
    client.force_login(org.hr)
    response = client.post(f"/reports/cycle/{scored.cycle_id}/plans/", {"action": action, field: "abc"})
    assert response.status_code == 400


# --- lost updates (item 8) ---------------------------------------------------------------

def test_attack_form_step_without_the_version_field_overwrites(org, sheet, client):
    from kaohe.web.ui import formtokens

    sheet = walk_to(org, sheet, "targets_set")
    client.force_login(org.agent)
    page = client.get(f"/sheets/{sheet.pk}/").content.decode()
    assert 'name="version"' in page
    token = formtokens.issue if hasattr(formtokens, "issue") else None  # the token is checked after the version
    response = client.post(f"/sheets/{sheet.pk}/step/acknowledge_targets/", {"form_token": "x"})
    assert response.status_code == 400
    assert Sheet.objects.get(pk=sheet.pk).state == "targets_set"
    del token


def test_attack_api_rating_without_expected_version_overwrites(org, sheet, client):
    from kaohe.web.api.models import IntegrationToken

    sheet = walk_to(org, sheet, "supervisor_review")
    _, raw = IntegrationToken.issue(name="t", company=org.company, acting_user=org.supervisor,
                                    scopes=["ratings:write"], days=1)
    body = {"role": "supervisor", "indicator": "teamwork", "score": "80"}
    r = client.post(f"/api/v1/sheets/{sheet.pk}/ratings", body, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 422
    assert not Rating.objects.filter(sheet=sheet, role="supervisor", submitted_at__isnull=False).exists()
    stale = client.post(f"/api/v1/sheets/{sheet.pk}/ratings", {**body, "expected_version": sheet.version - 1},
                        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert stale.status_code == 409
    ok = client.post(f"/api/v1/sheets/{sheet.pk}/ratings", {**body, "expected_version": sheet.version},
                     content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200, ok.content


# --- typed and ranged fields (item 7) -----------------------------------------------------

@pytest.fixture
def qa_sheet(org, sheet):  # type: ignore[no-untyped-def]
    return walk_to(org, sheet, "targets_acknowledged")


@pytest.mark.parametrize("score", ["NaN", "Infinity", Decimal("1e40")])
def test_attack_rating_scores_that_are_not_finite(org, qa_sheet, score):
    with pytest.raises(InvalidInput):
        svc.submit_rating(Sheet.objects.get(pk=qa_sheet.pk), org.qa, role="qa", indicator="qa_score", score=score)


def test_attack_rating_comment_with_a_nul_byte(org, qa_sheet):
    with pytest.raises(InvalidInput) as err:
        svc.submit_rating(Sheet.objects.get(pk=qa_sheet.pk), org.qa, role="qa", indicator="qa_score",
                          score=Decimal(80), comment="好\x00")
    assert err.value.report.problems[0].field == "comment"


def test_attack_api_rating_with_counts_of_ten_to_the_40(org, qa_sheet, client):
    from kaohe.web.api.models import IntegrationToken

    _, raw = IntegrationToken.issue(name="t", company=org.company, acting_user=org.qa, scopes=["ratings:write"])
    for body in ({"counts": {"complaints": 10**40}}, {"counts": {"a\x00": 1}}, {"comment": "x\x00y"},
                 {"score": "NaN"}):
        r = client.post(f"/api/v1/sheets/{qa_sheet.pk}/ratings",
                        json.dumps({"role": "qa", "indicator": "qa_score", "score": "80",
                                    "expected_version": qa_sheet.version, **body}),
                        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert r.status_code == 422, (body, r.status_code, r.content[:300])
        assert r.json()["error"]["code"]


@pytest.fixture
def hr_token(org):  # type: ignore[no-untyped-def]
    from kaohe.web.api.models import IntegrationToken

    return IntegrationToken.issue(name="push", company=org.company, acting_user=org.hr, scopes=["records:write"])[1]


@pytest.mark.parametrize("cell", [{"a": 1}, [1, 2], "x\x00", 1e308, "y" * 5000])
def test_attack_record_push_with_objects_lists_nul_and_huge_cells(org, hr_token, client, cell):
    row = {"call_id": "C1", "queue": "q", "direction": "in", "agent_id": "A001",
           "offered_at": "2026-10-02 09:00:00", "outcome": "answered", "talk_s": cell}
    r = client.post("/api/v1/records/calls", json.dumps({"rows": [row]}, allow_nan=True),
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {hr_token}")
    assert r.status_code == 422, r.content[:300]


def test_attack_oversized_push_body_gives_500(org, hr_token, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    rows = [{"call_id": f"C{i}", "queue": "q"} for i in range(1000)]
    r = client.post("/api/v1/records/calls", json.dumps({"rows": rows}), content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {hr_token}")
    assert r.status_code == 413
    err = r.json()["error"]
    assert err["code"] == "too_large" and err["message_zh"] and err["message_en"]


def test_the_documented_50000_row_push_fits_the_body_limit(settings):
    row = {"call_id": "C1234567", "queue": "general", "direction": "in", "customer_id": "K123456",
           "agent_id": "A0001", "offered_at": "2026-10-02 09:00:00", "answered_at": "2026-10-02 09:00:10",
           "ended_at": "2026-10-02 09:05:00", "talk_s": 290, "hold_s": 10, "acw_s": 30, "outcome": "answered",
           "transferred": False, "disposition": "billing question"}
    size = len(json.dumps({"rows": [row] * 50_000}).encode())
    assert size < settings.DATA_UPLOAD_MAX_MEMORY_SIZE


# --- validation against the real store (item 9) -------------------------------------------

SURVEYS = ("survey_id,agent_id,customer_id,call_id,ticket_id,answered_at,csat,nps\n"
           "s1,A001,c1,,,2026-10-03 10:00:00,5,9\n")


def test_attack_upload_passes_validation_then_is_refused_on_confirm(org, cycle, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text(SURVEYS, encoding="utf-8")
    batch = svc.validate_upload(cycle, org.hr, path=first, file_name="a.csv", table="surveys")
    assert batch.status == "validated"
    svc.confirm_upload(batch, org.hr)
    changed = tmp_path / "b.csv"  # the same survey, another score: a key already stored with other values
    changed.write_text(SURVEYS.replace(",5,9", ",1,0"), encoding="utf-8")
    second = svc.validate_upload(cycle, org.hr, path=changed, file_name="b.csv", table="surveys")
    assert second.status == "rejected", second.report  # refused at validation, not only on confirm
    assert "already" in str(second.report)
