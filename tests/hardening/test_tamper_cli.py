"""`kaohe audit verify` finds an edited and a deleted audit event, through the real CLI."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from typer.testing import CliRunner

from kaohe.cli.main import app
from kaohe.web.audit.models import AuditEvent
from tests.web.conftest import walk_to

runner = CliRunner()


def _verify() -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def trail(org, sheet):  # type: ignore[no-untyped-def]
    walk_to(org, sheet, "calibration")
    assert AuditEvent.objects.count() >= 8
    return AuditEvent.objects.order_by("seq")


def test_an_intact_chain_verifies(trail):
    code, body = _verify()
    assert code == 0
    assert body["ok"] is True and body["checked"] == trail.count()


def _raw(sql: str, params: list) -> None:  # type: ignore[type-arg]
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(sql.format(table=table), params)


def test_verify_names_an_edited_event(trail):
    victim = trail[3].seq
    _raw("UPDATE {table} SET reason = %s WHERE seq = %s", ["悄悄改过", victim])
    code, body = _verify()
    assert code == 1
    assert body["ok"] is False
    assert [p["seq"] for p in body["problems"]] == [victim]
    assert str(victim) in body["problems"][0]["message_en"]


def test_verify_names_a_deleted_event(trail):
    victim = trail[5].seq
    _raw("DELETE FROM {table} WHERE seq = %s", [victim])
    code, body = _verify()
    assert code == 1
    # the event after the gap reports it: the gap itself and the broken link
    assert {p["seq"] for p in body["problems"]} == {victim + 1}
    assert any(str(victim) in p["message_en"] for p in body["problems"])


def test_verify_reports_an_edit_and_a_deletion_together(trail):
    edited, deleted = trail[1].seq, trail[6].seq
    _raw("UPDATE {table} SET after = %s WHERE seq = %s", ['{"total": "100"}', edited])
    _raw("DELETE FROM {table} WHERE seq = %s", [deleted])
    code, body = _verify()
    assert code == 1
    assert {p["seq"] for p in body["problems"]} == {edited, deleted + 1}


def test_verify_notices_the_newest_events_cut_off(trail):
    last = trail.last().seq
    _raw("DELETE FROM {table} WHERE seq >= %s", [last - 1])
    code, body = _verify()
    assert code == 1
    assert any(p["seq"] is None for p in body["problems"])  # the end no longer matches the head


def test_verify_prints_the_problem_in_plain_text_and_exits_non_zero(trail):
    victim = trail[2].seq
    _raw("UPDATE {table} SET actor_label = %s WHERE seq = %s", ["someone-else", victim])
    result = runner.invoke(app, ["audit", "verify", "--lang", "en"])
    assert result.exit_code == 1
    assert f"event {victim} was edited" in result.output
