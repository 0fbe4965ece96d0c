"""The audit trail: append-only at the model level, hash-chained, tampering detected."""

from __future__ import annotations

import pytest
from django.db import connection
from typer.testing import CliRunner

from kaohe.cli.audit_cmd import audit_app
from kaohe.web.appraisal import services as svc
from kaohe.web.audit.models import AppendOnlyError, AuditEvent
from kaohe.web.audit.services import record, verify_chain
from kaohe.web.errors import Forbidden
from tests.web.conftest import walk_to


def _table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def test_every_state_change_is_an_audit_event_with_before_and_after(org, sheet):
    walk_to(org, sheet, "targets_acknowledged")
    events = list(AuditEvent.objects.filter(action="sheet.transition", object_id=str(sheet.pk)))
    assert [(e.before["state"], e.after["state"]) for e in events] == [
        ("draft", "targets_set"), ("targets_set", "targets_acknowledged")]
    assert [e.actor_id for e in events] == [org.supervisor.pk, org.agent.pk]


def test_ratings_and_scores_are_audited(org, sheet):
    walk_to(org, sheet, "calibration")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"rating.submit", "score.compute", "kpi.compute", "scheme.snapshot", "cycle.open"} <= actions
    svc.calibrate(sheet, org.hr, reason="分布校准", grade="B")
    ev = AuditEvent.objects.filter(action="score.calibration").get()
    assert (ev.before["grade"], ev.after["grade"], ev.reason) == ("A", "B", "分布校准")


def test_the_chain_of_a_normal_history_verifies(org, sheet):
    walk_to(org, sheet, "published")
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checked == AuditEvent.objects.count() > 10


def test_the_orm_refuses_to_change_or_delete_an_event(db):
    ev = record(None, "test.event", object_type="x", object_id="1", after={"a": 1})
    ev.reason = "changed"
    with pytest.raises(AppendOnlyError):
        ev.save()
    with pytest.raises(AppendOnlyError):
        ev.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=ev.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert verify_chain().ok


def _three_events() -> list[AuditEvent]:
    return [record(None, "test.event", object_type="x", object_id=str(i), after={"score": str(80 + i)})
            for i in range(3)]


def test_it_detects_an_event_edited_with_raw_sql(db):
    events = _three_events()
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {_table()} SET reason = %s WHERE id = %s", ["quietly changed", events[1].pk])
    report = verify_chain()
    assert not report.ok
    assert [p.seq for p in report.problems] == [events[1].seq]


def test_it_detects_an_event_deleted_with_raw_sql(db):
    events = _three_events()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table()} WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert not report.ok
    assert events[2].seq in [p.seq for p in report.problems]


def test_it_detects_the_newest_event_deleted(db):
    events = _three_events()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table()} WHERE id = %s", [events[2].pk])
    assert not verify_chain().ok


def test_it_detects_a_rewritten_event_even_with_a_recomputed_own_hash(db):
    """Recomputing the edited row's hash is not enough: the next event still links to the old one."""
    from kaohe.web.audit.services import _hash, canonical_content

    events = _three_events()
    ev = AuditEvent.objects.get(pk=events[1].pk)
    content = canonical_content(seq=ev.seq, at=ev.at, actor_id=ev.actor_id, actor_label=ev.actor_label,
                                company_id=ev.company_id_ref, action=ev.action, object_type=ev.object_type,
                                object_id=ev.object_id, before=ev.before, after={"score": "100"},
                                reason=ev.reason, prev_hash=ev.prev_hash)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {_table()} SET after = %s, hash = %s WHERE id = %s",
                    ['{"score": "100"}', _hash(content), ev.pk])
    report = verify_chain()
    # the keyed chain sees the edited row itself (a plain SHA-256 is not its HMAC) and the broken link
    assert [p.seq for p in report.problems] == [events[1].seq, events[2].seq]


def test_the_cli_reports_a_tampered_chain_with_exit_code_1(db):
    events = _three_events()
    runner = CliRunner()
    ok = runner.invoke(audit_app, ["verify", "--json"])
    assert ok.exit_code == 0, ok.output
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {_table()} SET reason = %s WHERE id = %s", ["x", events[0].pk])
    bad = runner.invoke(audit_app, ["verify", "--json"])
    assert bad.exit_code == 1
    assert '"ok": false' in bad.output


def test_only_the_auditor_and_hr_read_the_trail(org):
    from kaohe.web.audit.services import events_for

    assert events_for(org.auditor, company=org.company) is not None
    for name in ("agent", "supervisor", "reviewer", "qa", "director"):
        with pytest.raises(Forbidden):
            events_for(getattr(org, name), company=org.company)
