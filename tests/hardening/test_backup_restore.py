"""`kaohe backup` / `kaohe restore` round-trip a whole company, audit chain included."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from typer.testing import CliRunner

from kaohe.cli.main import app
from kaohe.web import backup as kb
from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import KpiValue, ScoreVersion, Sheet
from kaohe.web.audit.models import AuditEvent
from kaohe.web.audit.services import verify_chain
from kaohe.web.org.models import Company, Employee
from tests.web.conftest import fresh, walk_to

SURVEYS = ("survey_id,agent_id,customer_id,call_id,ticket_id,answered_at,csat,nps\n"
           "s1,A001,c1,,,2026-10-03 10:00:00,5,9\ns2,A001,c2,,,2026-10-04 10:00:00,4,8\n"
           "s3,A002,c3,,,2026-10-05 10:00:00,2,3\n")
runner = CliRunner()


def build_company(org, sheet, tmp_path):  # type: ignore[no-untyped-def]
    """A company that has used every part: upload, KPI computations, a full sheet with an appeal."""
    from kaohe.web.org.models import WorkdayOverride

    WorkdayOverride.objects.create(company=org.company, date=dt.date(2026, 10, 10), is_workday=True,
                                   note="中心调班")
    csv = tmp_path / "surveys.csv"
    csv.write_text(SURVEYS, encoding="utf-8")
    batch = svc.validate_upload(sheet.cycle, org.hr, path=csv, file_name="surveys.csv", table="surveys")
    svc.confirm_upload(batch, org.hr)
    svc.compute_cycle_kpis(sheet.cycle, org.hr)
    sheet = walk_to(org, sheet, "self_review")
    svc.rate_competency(fresh(sheet), org.agent, competency="communication", level=3, comment="自评")
    sheet = walk_to(org, fresh(sheet), "acknowledged")
    appeal = svc.file_appeal(fresh(sheet), org.agent, "满意度样本太少", [{"kind": "text", "note": "仅 2 份问卷"}])
    appeal = svc.assign_re_reviewer(appeal, org.hr, org.director)
    svc.resolve_appeal(appeal, org.director, decision="样本不足，上调", adjusted_total=Decimal("95"))
    if apps.is_installed("kaohe.web.reports"):
        plan_model, item_model = apps.get_model("reports", "ImprovementPlan"), apps.get_model("reports", "PlanItem")
        plan = plan_model.objects.create(sheet=sheet, trigger_grade="C", goal="话后处理降到 30 秒以内",
                                         opened_on=dt.date(2026, 11, 20), due=dt.date(2026, 12, 31),
                                         opened_by=org.supervisor)
        item_model.objects.create(plan=plan, action="每周复盘三通录音", owner="supervisor", due=dt.date(2026, 12, 1))
    if apps.is_installed("kaohe.web.api"):
        from kaohe.web.api.models import IntegrationToken

        IntegrationToken.issue(name="ACD nightly", company=org.company, acting_user=org.hr,
                               scopes=["records:write"], days=30)
    from kaohe.web.appraisal.models import AppealFile, ColumnMapping
    from kaohe.web.org.models import LoginState

    evidence = Path(settings.KAOHE_UPLOADS_DIR) / "demo" / "appeals" / "note.txt"
    evidence.parent.mkdir(parents=True, exist_ok=True)
    evidence.write_bytes("仅 2 份问卷".encode())
    AppealFile.objects.create(appeal=appeal, name="note.txt", content_type="text/plain", size=evidence.stat().st_size,
                              sha256="0" * 64, stored_path=str(evidence))
    ColumnMapping.objects.create(company=org.company, table="surveys", source="问卷系统导出", headers=["a"],
                                 columns={"a": "survey_id"}, created_by=org.hr)
    LoginState.objects.update_or_create(user=org.agent, defaults={"must_change_password": True})
    return fresh(sheet)


def everything() -> dict[str, list[dict]]:  # type: ignore[type-arg]
    """Every row a backup covers, serialized (ids, timestamps, JSON and decimals exactly)."""
    from django.contrib.auth import get_user_model

    out = {}
    for label in sorted(kb.covered_models() | {"auth.User"}):
        model = apps.get_model(label)
        rows = model._base_manager.order_by("pk")
        fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id",)]
        if model is get_user_model():
            fields = [f for f in fields if f not in ("last_login",)]
        out[label] = json.loads(serializers.serialize("json", rows, fields=fields, cls=kb.lossless_encoder()))
    return out


def files_under(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".lock" not in p.name and ".staging" not in p.parts}


def empty_database_and_dirs() -> None:
    call_command("flush", interactive=False, verbosity=0)
    import shutil

    shutil.rmtree(settings.KAOHE_EVENTS_DIR, ignore_errors=True)
    shutil.rmtree(settings.KAOHE_UPLOADS_DIR, ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_a_company_round_trips_through_backup_and_restore(org, sheet, tmp_path):
    sheet = build_company(org, sheet, tmp_path)
    assert ScoreVersion.objects.filter(sheet=sheet, kind="appeal").exists()
    before = everything()
    assert all(before[label] for label in kb.covered_models()), [k for k in kb.covered_models() if not before[k]]
    events_before = files_under(Path(settings.KAOHE_EVENTS_DIR))
    assert any(name.endswith(".parquet") for name in events_before)
    provenance_before = svc.kpi_provenance(KpiValue.objects.filter(kpi="csat_top2", employee__code="A001")
                                           .order_by("-computation__number").first())
    archive = tmp_path / "demo.tar.gz"

    result = runner.invoke(app, ["backup", str(archive), "--company", "demo"])
    assert result.exit_code == 0, result.output
    empty_database_and_dirs()
    assert Company.objects.count() == 0 and AuditEvent.objects.count() == 0

    result = runner.invoke(app, ["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    after = everything()
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}
    for label in before:
        assert after[label] == before[label], label
    assert verify_chain().ok
    assert files_under(Path(settings.KAOHE_EVENTS_DIR)) == events_before
    restored = Sheet.objects.get(pk=sheet.pk)
    assert restored.state == "closed" and restored.current_score.total == Decimal("95")
    provenance_after = svc.kpi_provenance(KpiValue.objects.filter(kpi="csat_top2", employee__code="A001")
                                          .order_by("-computation__number").first())
    assert provenance_after == provenance_before
    # the restored installation keeps working: a new event extends the same chain
    svc.record_kpi_values(restored.cycle, org.hr, [{"employee": "A002", "kpi": "csat_top2", "value": "50"}])
    assert verify_chain().ok


def test_every_model_of_kaohe_is_backed_up_or_excluded_with_a_reason():
    ours = {m._meta.label for m in apps.get_models() if m._meta.app_label in kb.KAOHE_APPS}
    assert ours - kb.covered_models() - set(kb.EXCLUDED) == set()


@pytest.fixture
def archive(org, sheet, tmp_path):  # type: ignore[no-untyped-def]
    walk_to(org, sheet, "published")
    path = tmp_path / "a.tar.gz"
    kb.backup(path, company="demo")
    return path


def _rewrite(src: Path, dest: Path, change) -> None:  # type: ignore[no-untyped-def]
    with tarfile.open(src, "r:gz") as tin, tarfile.open(dest, "w:gz") as tout:
        for m in tin.getmembers():
            data = tin.extractfile(m).read() if m.isfile() else b""  # type: ignore[union-attr]
            data = change(m.name, data)
            if data is None:
                continue
            m.size = len(data)
            tout.addfile(m, io.BytesIO(data))


@pytest.mark.parametrize("how", ["edited row", "dropped member", "extra member"])
def test_a_tampered_archive_restores_nothing(archive, tmp_path, how):
    bad = tmp_path / "bad.tar.gz"

    def change(name: str, data: bytes):  # type: ignore[no-untyped-def]
        if how == "edited row" and "appraisal.ScoreVersion" in name:
            return data.replace(b'"total": "92.9000"', b'"total": "99.9000"').replace(b'"grade": "A"', b'"grade": "B"')
        if how == "dropped member" and "audit.AuditEvent" in name:
            return None
        return data

    _rewrite(archive, bad, change)
    if how == "extra member":
        with tarfile.open(archive, "r:gz") as tin, tarfile.open(bad, "w:gz") as tout:
            for m in tin.getmembers():
                tout.addfile(m, tin.extractfile(m) if m.isfile() else None)
            info = tarfile.TarInfo("db/99-auth.User.json")
            payload = b"[]"
            info.size = len(payload)
            tout.addfile(info, io.BytesIO(payload))
    assert bad.read_bytes() != archive.read_bytes()
    empty_counts = _wipe_for_restore()
    with pytest.raises(kb.BackupError) as err:
        kb.restore(bad)
    assert "checksum" in err.value.message_en
    assert _wipe_counts() == empty_counts  # nothing restored
    assert not (Path(settings.KAOHE_EVENTS_DIR) / "demo").exists()


def _wipe_counts() -> tuple[int, int, int]:
    return Company.objects.count(), Employee.objects.count(), AuditEvent.objects.count()


def _wipe_for_restore() -> tuple[int, int, int]:
    """Empty the tables a restore fills (inside the test's transaction)."""
    import shutil

    with connection.cursor() as cur:
        for label in ["audit.AuditEvent", "audit.AuditHead"]:
            cur.execute(f"DELETE FROM {connection.ops.quote_name(apps.get_model(label)._meta.db_table)}")
    shutil.rmtree(settings.KAOHE_EVENTS_DIR, ignore_errors=True)
    return _wipe_counts()


def test_a_truncated_archive_is_refused(archive, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(kb.BackupError):
        kb.restore(cut)


def test_restore_refuses_when_the_company_exists(archive):
    with pytest.raises(kb.BackupError) as err:
        kb.restore(archive)
    assert "demo" in err.value.message_en and "already exists" in err.value.message_en


def test_restore_refuses_a_database_that_already_has_an_audit_trail(archive):
    with connection.cursor() as cur:
        cur.execute("UPDATE org_company SET code = 'elsewhere'")
    with pytest.raises(kb.BackupError) as err:
        kb.restore(archive)
    assert "audit trail" in err.value.message_en


def test_the_cli_reports_a_refused_restore_and_exits_non_zero(archive):
    result = runner.invoke(app, ["restore", str(archive)])
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_backup_of_an_unknown_company_fails_clearly(db, tmp_path):
    result = runner.invoke(app, ["backup", str(tmp_path / "x.tar.gz"), "--company", "nope"])
    assert result.exit_code == 1
    assert "nope" in result.output
    assert not (tmp_path / "x.tar.gz").exists()


def test_the_manifest_describes_the_archive(archive):
    manifest = kb.read_manifest(archive)
    assert manifest["format_version"] == kb.FORMAT_VERSION
    assert [c["code"] for c in manifest["companies"]] == ["demo"]
    assert manifest["counts"]["org.Employee"] == 9
    assert manifest["counts"]["audit.AuditEvent"] == manifest["audit"]["events"] > 0
    assert "kaohe" in manifest["app_versions"] and manifest["created_at"]
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_restore_resets_id_sequences(org, sheet, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("runs with KAOHE_DB=postgres")
    sheet = walk_to(org, sheet, "published")
    archive = tmp_path / "pg.tar.gz"
    kb.backup(archive, company="demo")
    before = everything()
    empty_database_and_dirs()
    kb.restore(archive)
    assert everything() == before
    assert verify_chain().ok
    # new rows after a restore get fresh ids (the sequences were moved past the restored ones)
    top = Employee.objects.order_by("-pk").first()
    new = Employee.objects.create(company=top.company, code="N001", name="新员工", department=top.department,
                                  position=top.position, level=top.level, hire_date=dt.date(2026, 11, 1))
    assert new.pk > top.pk
    svc.record_kpi_values(sheet.cycle, org.hr, [{"employee": "A001", "kpi": "csat_top2", "value": "80"}])
    assert verify_chain().ok
