"""Records pushed through the API: the file importer's validation, atomicity and idempotency."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import assert_error_shape


def call_row(i: int, agent: str = "A001", **over):  # type: ignore[no-untyped-def]
    row = {"call_id": f"C{i:05d}", "queue": "general", "direction": "in", "customer_id": f"U{i % 7}",
           "agent_id": agent, "offered_at": "2026-10-08 01:00:00", "answered_at": "2026-10-08 01:00:12",
           "ended_at": "2026-10-08 01:04:00", "talk_s": 200, "hold_s": 8, "acw_s": 20, "outcome": "answered",
           "transferred": False, "disposition": None}
    row.update(over)
    return row


def stored_calls(org) -> int:  # type: ignore[no-untyped-def]
    from kaohe.metrics.store import Store
    from kaohe.web.appraisal.services.data import store_dir

    store = Store(store_dir(org.company))
    return store.read_table("calls").num_rows if store.has_table("calls") else 0


@pytest.mark.django_db
def test_it_loads_valid_rows_and_records_an_audit_event(api_post, org, issue_token):
    from kaohe.web.audit.models import AuditEvent

    r = api_post("/records/calls", issue_token("hr"), {"rows": [call_row(1), call_row(2)]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["rows_received"] == 2 and body["rows_loaded"] == 2 and body["already_imported"] is False
    assert stored_calls(org) == 2
    assert AuditEvent.objects.filter(action="records.push").count() == 1


@pytest.mark.django_db
def test_pushing_the_same_rows_twice_loads_them_once(api_post, org, issue_token):
    token = issue_token("hr")
    rows = [call_row(i) for i in range(5)]
    assert api_post("/records/calls", token, {"rows": rows}).json()["rows_loaded"] == 5
    again = api_post("/records/calls", token, {"rows": rows}).json()
    assert again["rows_loaded"] == 0 and again["already_imported"] is True
    assert stored_calls(org) == 5


@pytest.mark.django_db
def test_it_reports_every_bad_row_and_loads_nothing(api_post, org, issue_token):
    rows = [call_row(1), call_row(2, talk_s="long"), call_row(3, direction="sideways"),
            call_row(4, agent="NOBODY"), call_row(5, ended_at="2026-10-08 00:59:00")]
    r = api_post("/records/calls", issue_token("hr"), {"rows": rows})
    err = assert_error_shape(r, 422, "invalid")
    problems = {(p["row"], p["field"]) for p in err["details"]["problems"]}
    assert (2, "talk_s") in problems
    assert (3, "direction") in problems
    assert (4, "agent_id") in problems
    assert any(row == 5 for row, _ in problems)
    assert not any(row == 1 for row, _ in problems)
    assert stored_calls(org) == 0


@pytest.mark.django_db
def test_it_names_unknown_columns_and_unknown_tables(api_post, org, issue_token):
    token = issue_token("hr")
    err = assert_error_shape(api_post("/records/calls", token, {"rows": [call_row(1, colour="red")]}), 422)
    assert err["details"]["problems"][0]["field"] == "colour"
    assert_error_shape(api_post("/records/weather", token, {"rows": [{"a": 1}]}), 404)
    assert_error_shape(api_post("/records/org", token, {"rows": [{"employee_id": "X"}]}), 404)
    assert stored_calls(org) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["agent", "supervisor", "reviewer", "qa", "auditor", "director"])
def test_only_hr_may_push_records(api_post, org, issue_token, persona):
    r = api_post("/records/calls", issue_token(persona), {"rows": [call_row(1)]})
    assert_error_shape(r, 403)
    assert stored_calls(org) == 0


BAD_CELLS = {
    "talk_s": st.sampled_from(["abc", "-5", "1e", "∞"]),
    "outcome": st.sampled_from(["done", "ANSWERED?", "x"]),
    "offered_at": st.sampled_from(["yesterday", "2026-13-40 00:00:00", "32/10/2026"]),
    "transferred": st.sampled_from(["perhaps", "2"]),
}


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_any_bad_cell_is_reported_with_its_row_and_nothing_is_written(api_post, org, issue_token,
                                                                               data):
    n = data.draw(st.integers(min_value=1, max_value=6), label="rows")
    bad_row = data.draw(st.integers(min_value=1, max_value=n), label="bad_row")
    column = data.draw(st.sampled_from(sorted(BAD_CELLS)), label="column")
    value = data.draw(BAD_CELLS[column], label="value")
    base = data.draw(st.integers(min_value=0, max_value=10_000), label="id base")
    rows = [call_row(base + i) for i in range(n)]
    rows[bad_row - 1][column] = value
    before = stored_calls(org)
    r = api_post("/records/calls", issue_token("hr"), {"rows": rows})
    err = assert_error_shape(r, 422)
    assert (bad_row, column) in {(p["row"], p["field"]) for p in err["details"]["problems"]}
    assert stored_calls(org) == before
