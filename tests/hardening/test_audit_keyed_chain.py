"""Issue 12, item 4: someone with write access to the database but without the audit key
cannot change the trail or the rows it describes unnoticed (`kaohe audit verify`).

Each test is an attack that passed `verify` when the chain was plain SHA-256 with its head in
the same database: rewrite an event and recompute every later hash and the head; delete the
newest events and reset the head; change a score row directly; edit the displayed object text.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from typer.testing import CliRunner

from kaohe.cli.main import app
from kaohe.web.audit import services as audit
from kaohe.web.audit.models import AuditEvent, AuditHead
from tests.web.conftest import walk_to

runner = CliRunner()
KEY_A = "a" * 8 + "Zq3-x9Lm_Pw7Rt2Yb6Nc4Vd8Hs1Kf5Jg0"
KEY_B = "b" * 8 + "Qw2-e4Rt_Yu6Io8Pa1Sd3Fg5Hj7Kl9Zx0"


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.KAOHE_AUDIT_KEY = f"k1:{KEY_A}"
    settings.KAOHE_AUDIT_KEY_FILE = ""
    settings.KAOHE_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.log")


def _verify() -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def trail(org, sheet, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    # checkpoints are written when a transaction commits; the test's outer transaction never
    # does, so run the commit callbacks as the real commits would
    with django_capture_on_commit_callbacks(execute=True):
        walk_to(org, sheet, "calibration")
        from kaohe.web.appraisal import services as svc

        svc.score_sheet(sheet.__class__.objects.get(pk=sheet.pk), org.hr)
    return AuditEvent.objects.order_by("seq")


def _sql(sql: str, params: list) -> None:  # type: ignore[type-arg]
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _table(model) -> str:  # type: ignore[no-untyped-def]
    return connection.ops.quote_name(model._meta.db_table)


def test_an_intact_keyed_chain_verifies_with_checkpoints(trail):
    code, body = _verify()
    assert code == 0, body
    assert body["ok"] is True
    assert all(ev.key_id == "k1" for ev in trail)
    lines = Path(audit._checkpoint_file()).read_text().splitlines()
    seqs = sorted(json.loads(line)["seq"] for line in lines)
    # one signed checkpoint per event committed while the callbacks ran (the walk), up to the last
    assert seqs == list(range(seqs[0], trail.last().seq + 1)) and len(seqs) > 10


def _recompute_from(first_seq: int) -> None:
    """What an attacker without the key can do: recompute every hash from `first_seq` on with
    plain SHA-256 (the old algorithm) and move the head along."""
    prev = AuditEvent.objects.get(seq=first_seq - 1).hash if first_seq > 1 else audit.GENESIS
    for ev in AuditEvent.objects.filter(seq__gte=first_seq).order_by("seq"):
        content = audit.canonical_content_v2(
            key_id=ev.key_id, object_repr=ev.object_repr, seq=ev.seq, at=ev.at, actor_id=ev.actor_id,
            actor_label=ev.actor_label, company_id=ev.company_id_ref, action=ev.action, object_type=ev.object_type,
            object_id=ev.object_id, before=ev.before, after=ev.after, reason=ev.reason, prev_hash=prev)
        digest = hashlib.sha256(content.encode()).hexdigest()
        _sql(f"UPDATE {_table(AuditEvent)} SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, ev.seq])
        prev = digest
    _sql(f"UPDATE {_table(AuditHead)} SET last_hash = %s WHERE id = 1", [prev])


def test_attack_edited_event_with_hashes_and_head_recomputed_is_detected(trail):
    victim = trail[4].seq
    _sql(f"UPDATE {_table(AuditEvent)} SET reason = %s WHERE seq = %s", ["悄悄改过", victim])
    _recompute_from(victim)
    code, body = _verify()
    assert code == 1
    assert victim in {p["seq"] for p in body["problems"]}


def test_attack_unkeyed_rewrite_of_the_whole_chain_is_detected(trail):
    """Dropping the key ids (pretending the events predate keying) does not help either."""
    _sql(f"UPDATE {_table(AuditEvent)} SET key_id = '', reason = 'x' WHERE seq = %s", [trail.last().seq])
    code, body = _verify()
    assert code == 1


def test_attack_truncated_tail_with_head_reset_is_detected(trail):
    last = trail.last().seq
    keep = AuditEvent.objects.get(seq=last - 2)
    _sql(f"DELETE FROM {_table(AuditEvent)} WHERE seq > %s", [keep.seq])
    _sql(f"UPDATE {_table(AuditHead)} SET last_seq = %s, last_hash = %s WHERE id = 1", [keep.seq, keep.hash])
    code, body = _verify()
    assert code == 1
    assert any("deleted" in p["message_en"] and "checkpoint" in p["message_en"] for p in body["problems"]), body


def test_attack_forged_checkpoint_line_is_detected(trail):
    path = Path(audit._checkpoint_file())
    lines = path.read_text().splitlines()
    cp = json.loads(lines[-1])
    cp["hash"] = "0" * 64
    path.write_text("\n".join([*lines[:-1], json.dumps(cp)]) + "\n")
    code, body = _verify()
    assert code == 1
    assert any("signature" in p["message_en"] for p in body["problems"])


def test_attack_score_changed_directly_in_the_database_is_detected(trail, sheet):
    from kaohe.web.appraisal.models import ScoreVersion

    v = ScoreVersion.objects.filter(sheet=sheet).order_by("-number").first()
    _sql(f"UPDATE {_table(ScoreVersion)} SET total = %s, grade = %s WHERE id = %s", ["99", "S", v.pk])
    code, body = _verify()
    assert code == 1
    assert any(f"score version {v.number} of sheet {sheet.pk}" in p["message_en"] for p in body["problems"]), body


def test_attack_score_result_changed_directly_is_detected(trail, sheet):
    from kaohe.web.appraisal.models import ScoreVersion

    v = ScoreVersion.objects.filter(sheet=sheet).order_by("-number").first()
    result = dict(v.result)
    result["items"] = [{**i, "points": "100"} for i in result["items"]]
    _sql(f"UPDATE {_table(ScoreVersion)} SET result = %s WHERE id = %s", [json.dumps(result), v.pk])
    code, body = _verify()
    assert code == 1


def test_attack_rating_changed_directly_in_the_database_is_detected(trail, sheet):
    from kaohe.web.appraisal.models import Rating

    r = Rating.objects.filter(sheet=sheet, role="supervisor").first()
    _sql(f"UPDATE {_table(Rating)} SET score = %s WHERE id = %s", ["100", r.pk])
    code, body = _verify()
    assert code == 1
    assert any("supervisor rating" in p["message_en"] for p in body["problems"]), body


def test_attack_peer_rating_changed_directly_is_detected(trail, sheet):
    from kaohe.web.appraisal.models import Rating

    r = Rating.objects.filter(sheet=sheet, role="peer").first()
    _sql(f"UPDATE {_table(Rating)} SET score = %s WHERE id = %s", ["0", r.pk])
    code, body = _verify()
    assert code == 1


def test_attack_role_assignment_inserted_directly_is_detected(trail, org):
    from kaohe.web.org.models import RoleAssignment

    _sql(f"INSERT INTO {_table(RoleAssignment)} (user_id, company_id, role, scope) VALUES (%s, %s, %s, %s)",
         [org.agent.pk, org.company.pk, "hr", "company"])
    code, body = _verify()
    assert code == 1
    assert any("role assignment" in p["message_en"] for p in body["problems"]), body


def test_attack_edited_display_field_is_detected(trail):
    victim = trail[2].seq
    _sql(f"UPDATE {_table(AuditEvent)} SET object_repr = %s WHERE seq = %s", ["别人的考核表", victim])
    code, body = _verify()
    assert code == 1
    assert [p["seq"] for p in body["problems"]] == [victim]


def test_rotation_keeps_old_events_verifying_and_names_the_key(trail, settings, org):
    settings.KAOHE_AUDIT_KEY = f"k1:{KEY_A},k2:{KEY_B}"
    ev = audit.record(org.hr, "test.after_rotation", org.company, after={"n": 1})
    assert ev.key_id == "k2"
    code, body = _verify()
    assert code == 0, body
    settings.KAOHE_AUDIT_KEY = f"k2:{KEY_B}"  # the old key dropped from the ring: its events cannot be checked
    code, body = _verify()
    assert code == 1
    assert any("k1" in p["message_en"] for p in body["problems"])


def test_a_wrong_key_makes_every_event_fail(trail, settings):
    settings.KAOHE_AUDIT_KEY = f"k1:{KEY_B}"
    code, body = _verify()
    assert code == 1
    assert len([p for p in body["problems"] if p["seq"] is not None]) >= trail.count()


def test_production_refuses_to_write_the_trail_without_a_key(org, settings):
    settings.DEBUG = False
    settings.KAOHE_ENV = "production"
    settings.PRODUCTION = True
    settings.KAOHE_AUDIT_KEY = ""
    settings.KAOHE_AUDIT_KEY_FILE = ""
    with pytest.raises(ImproperlyConfigured) as err:
        audit.record(org.hr, "test.no_key", org.company)
    assert "KAOHE_AUDIT_KEY_FILE" in str(err.value)
    from kaohe.web.audit.checks import check_secrets

    assert "kaohe.E012" in {m.id for m in check_secrets()}


def test_production_refuses_a_weak_key(settings):
    from kaohe.web.keys import keyring

    settings.KAOHE_AUDIT_KEY = "k1:short"
    with pytest.raises(ImproperlyConfigured, match="too weak"):
        keyring("audit")


def test_a_key_file_outside_the_database_is_read(settings, tmp_path, org):
    key_file = tmp_path / "audit.keys"
    key_file.write_text(f"# rotated 2026-12\nold {KEY_A}\nnew {KEY_B}\n")
    settings.KAOHE_AUDIT_KEY = ""
    settings.KAOHE_AUDIT_KEY_FILE = str(key_file)
    assert audit.record(org.hr, "test.file_key", org.company).key_id == "new"


def test_debug_creates_a_private_development_key_under_the_data_dir(settings, tmp_path):
    from kaohe.web.keys import keyring

    settings.KAOHE_AUDIT_KEY = ""
    settings.KAOHE_AUDIT_KEY_FILE = ""
    settings.DEBUG = True
    settings.PRODUCTION = False
    settings.DATA_DIR = tmp_path / "data"
    ring = keyring("audit")
    path = tmp_path / "data" / "keys" / "audit.key"
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    assert keyring("audit").keys == ring.keys  # the same key on the next use
