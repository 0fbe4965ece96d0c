"""Backup and restore of whole companies: database rows, the audit chain and the event store.

An archive is a gzip'd tar, read and written only by this module:

    manifest.json                  format version, created_at, app versions, companies, counts,
                                   and the SHA-256 and size of every other member
    db/NN-<app.model>.json         Django's JSON serialization of each model, primary keys kept,
                                   rows in primary-key order, models in dependency order
    files/events/<code>/...        the company's event store (Parquet batches + _batches.json)
    files/uploads/<code>/...       the uploaded files behind the upload batches

Primary keys are kept on purpose: each audit event's hash covers the actor's user id and the
company id, so the chain verifies after a restore only if those ids are the same. That is
also why a restore needs an empty database (no audit trail, no clashing rows) and refuses
otherwise, rather than renumbering.

The audit trail is one chain for the whole database. A backup therefore carries the whole
chain (with its head); on a database shared by several companies, the others' events go
along (the manifest counts them) — the chain cannot be verified in pieces.

Restore checks every member's checksum before it touches anything, copies the files, then
loads all rows in one transaction; audit events are inserted with `bulk_create`, which
bypasses the append-only `save()` guard without changing a byte of them.

Signing: checksums alone only show accidental damage; whoever edits a row can recompute them.
So the manifest (which holds every member's checksum) is signed with the backup key
(`kaohe.web.keys`, kept outside the database and outside the archive), in the member
`manifest.sig` ({"key_id", "hmac_sha256"} over the manifest's exact bytes). Restore refuses an
archive without a signature or with a wrong one, saying which, unless the caller passes
`accept_unsigned=True` (`kaohe restore --accept-unsigned`), for example for archives written
before signing existed. A restore into a database without Kaohe's schema migrates it first.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = "kaohe-backup"
FORMAT_VERSION = 1
SIGNATURE_MEMBER = "manifest.sig"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; nothing was changed. Bilingual message."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass
class BackupSummary:
    path: Path
    companies: list[str]
    counts: dict[str, int]
    files: int
    audit_events: int
    other_companies_audit_events: int = 0


@dataclass
class RestoreSummary:
    companies: list[str]
    counts: dict[str, int]
    files: int
    audit_events: int
    warnings: list[str] = field(default_factory=list)


# ---- what belongs to a company ------------------------------------------------------------------
# (model label, rows of the given companies). Order matters only for readability: the rows are
# loaded in one transaction with deferred foreign-key checks.
def _selectors() -> list[tuple[str, Callable[[list[int]], Any]]]:
    from django.apps import apps

    from kaohe.web.appraisal import models as a
    from kaohe.web.audit import models as au
    from kaohe.web.org import models as o

    sel: list[tuple[str, Callable[[list[int]], Any]]] = [
        ("org.Position", lambda ids: o.Position.objects.filter(employees__company_id__in=ids).distinct()
         | o.Position.objects.filter(cycle__company_id__in=ids).distinct()),
        ("org.Company", lambda ids: o.Company.objects.filter(pk__in=ids)),
        ("org.WorkdayOverride", lambda ids: o.WorkdayOverride.objects.filter(company_id__in=ids)),
        ("org.Department", lambda ids: o.Department.objects.filter(company_id__in=ids)),
        ("org.Team", lambda ids: o.Team.objects.filter(department__company_id__in=ids)),
        ("org.Employee", lambda ids: o.Employee.objects.filter(company_id__in=ids)),
        ("org.RoleAssignment", lambda ids: o.RoleAssignment.objects.filter(company_id__in=ids)),
        ("org.LoginState", lambda ids: o.LoginState.objects.filter(user__employee__company_id__in=ids)),
        ("appraisal.ColumnMapping", lambda ids: a.ColumnMapping.objects.filter(company_id__in=ids)),
        ("appraisal.SchemeSnapshot", lambda ids: a.SchemeSnapshot.objects.filter(
            sheets__cycle__company_id__in=ids).distinct()),
        ("appraisal.Cycle", lambda ids: a.Cycle.objects.filter(company_id__in=ids)),
        ("appraisal.Sheet", lambda ids: a.Sheet.objects.filter(cycle__company_id__in=ids)),
        ("appraisal.ResponsibilityLetter", lambda ids: a.ResponsibilityLetter.objects.filter(
            sheet__cycle__company_id__in=ids)),
        ("appraisal.UploadBatch", lambda ids: a.UploadBatch.objects.filter(cycle__company_id__in=ids)),
        ("appraisal.KpiComputation", lambda ids: a.KpiComputation.objects.filter(cycle__company_id__in=ids)),
        ("appraisal.KpiValue", lambda ids: a.KpiValue.objects.filter(computation__cycle__company_id__in=ids)),
        ("appraisal.Rating", lambda ids: a.Rating.objects.filter(sheet__cycle__company_id__in=ids)),
        ("appraisal.ScoreVersion", lambda ids: a.ScoreVersion.objects.filter(sheet__cycle__company_id__in=ids)),
        ("appraisal.Interview", lambda ids: a.Interview.objects.filter(sheet__cycle__company_id__in=ids)),
        ("appraisal.Appeal", lambda ids: a.Appeal.objects.filter(sheet__cycle__company_id__in=ids)),
        ("appraisal.AppealFile", lambda ids: a.AppealFile.objects.filter(appeal__sheet__cycle__company_id__in=ids)),
        ("appraisal.CompetencyRating", lambda ids: a.CompetencyRating.objects.filter(
            sheet__cycle__company_id__in=ids)),
    ]
    if apps.is_installed("kaohe.web.reports"):
        plan = apps.get_model("reports", "ImprovementPlan")
        item = apps.get_model("reports", "PlanItem")
        sel.append(("reports.ImprovementPlan", lambda ids: plan.objects.filter(sheet__cycle__company_id__in=ids)))
        sel.append(("reports.PlanItem", lambda ids: item.objects.filter(plan__sheet__cycle__company_id__in=ids)))
    if apps.is_installed("kaohe.web.api"):
        token = apps.get_model("kaohe_api", "IntegrationToken")
        sel.append(("kaohe_api.IntegrationToken", lambda ids: token.objects.filter(company_id__in=ids)))
    # the whole chain and its head (see the module docstring)
    sel.append(("audit.AuditEvent", lambda ids: au.AuditEvent.objects.all()))
    sel.append(("audit.AuditHead", lambda ids: au.AuditHead.objects.all()))
    return sel


# Models of Kaohe's own apps that a backup leaves out on purpose (a test keeps this list honest).
EXCLUDED = {
    "ui.SpentFormToken": "one-time form tokens of live sessions; meaningless after a restore",
    "appraisal.Job": "background jobs of the running installation (queued, running); a restore must not rerun them",
}
KAOHE_APPS = ("org", "appraisal", "audit", "ui", "reports", "kaohe_api", "results", "jobs")


def covered_models() -> set[str]:
    return {label for label, _ in _selectors()}


# ---- helpers -------------------------------------------------------------------------------------
def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _app_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for dist in ("kaohe", "django", "duckdb", "pyarrow"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = "unknown"
    return found


def _user_ids(label: str, rows: Iterable[Any]) -> set[int]:
    """Ids of every user a row points at (the audit actor has no FK constraint but counts too)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    ids: set[int] = set()
    rows = list(rows)
    if not rows:
        return ids
    fields = [f for f in rows[0]._meta.concrete_fields if f.is_relation and f.related_model is user_model]
    for row in rows:
        for f in fields:
            value = getattr(row, f.attname)
            if value is not None:
                ids.add(value)
    return ids


def lossless_encoder() -> type:
    """Django's JSON encoder cuts datetimes to milliseconds; audit hashes cover microseconds."""
    import datetime as dt

    from django.core.serializers.json import DjangoJSONEncoder

    class LosslessEncoder(DjangoJSONEncoder):
        def default(self, o: Any) -> Any:
            if isinstance(o, dt.datetime | dt.time):
                return o.isoformat()
            return super().default(o)

    return LosslessEncoder


def _serialize(rows: list[Any], fields: list[str] | None = None) -> bytes:
    from django.core import serializers

    text = serializers.serialize("json", rows, indent=None, fields=fields, cls=lossless_encoder(),
                                 ensure_ascii=False)
    return text.encode("utf-8")


def _events_dir(code: str) -> Path:
    from django.conf import settings

    return Path(settings.KAOHE_EVENTS_DIR) / code


def _uploads_dir(code: str) -> Path:
    from django.conf import settings

    return Path(settings.KAOHE_UPLOADS_DIR) / code


# ---- backup ------------------------------------------------------------------------------------
def backup(dest: str | Path, company: str | None = None) -> BackupSummary:
    """Write one archive of a company (or of every company when `company` is None)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from kaohe.web.org.models import Company

    dest = Path(dest)
    companies = list(Company.objects.order_by("pk")) if company is None else list(
        Company.objects.filter(code=company))
    if not companies:
        raise BackupError(f"没有编码为 {company} 的公司", f"There is no company with the code {company}")
    ids = [c.pk for c in companies]
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="kaohe-backup-") as tmp:
        stage = Path(tmp)
        (stage / "db").mkdir()
        # one consistent snapshot of all rows: on PostgreSQL the transaction runs at REPEATABLE READ
        # (READ COMMITTED would let a save between two queries tear the picture); SQLite's one
        # writer at a time gives the same inside a transaction
        outer = connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and not outer:
                with connection.cursor() as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            chunks: list[tuple[str, list[Any]]] = []
            users: set[int] = set()
            for label, select in _selectors():
                rows = list(select(ids).order_by("pk"))
                chunks.append((label, rows))
                users |= _user_ids(label, rows)
            user_rows = list(get_user_model().objects.filter(pk__in=users).order_by("pk"))
        user_fields = [f.name for f in get_user_model()._meta.concrete_fields if f.name != "id"]
        ordered = [("auth.User", user_rows), *chunks]
        for n, (label, rows) in enumerate(ordered):
            data = _serialize(rows, user_fields if label == "auth.User" else None)
            (stage / "db" / f"{n:02d}-{label}.json").write_bytes(data)
            counts[label] = len(rows)
        files = 0
        for c in companies:
            for kind, src in (("events", _events_dir(c.code)), ("uploads", _uploads_dir(c.code))):
                if src.is_dir():
                    target = stage / "files" / kind / c.code
                    # the store's lock and staging area are not data
                    shutil.copytree(src, target, ignore=shutil.ignore_patterns(".staging", "*.lock", ".lock"))
                    files += sum(1 for p in target.rglob("*") if p.is_file())
        audit_events = counts.get("audit.AuditEvent", 0)
        audit_rows = next(rows for label, rows in chunks if label == "audit.AuditEvent")
        others = sum(1 for ev in audit_rows if ev.company_id_ref is not None and ev.company_id_ref not in ids)
        members = sorted(p for p in stage.rglob("*") if p.is_file())
        from django.conf import settings

        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "app_versions": _app_versions(),
            "database_vendor": _vendor(),
            "companies": [{"id": c.pk, "code": c.code, "name": c.name} for c in companies],
            "counts": counts,
            "audit": {"events": audit_events, "other_companies_events": others},
            "source_dirs": {"events": str(settings.KAOHE_EVENTS_DIR), "uploads": str(settings.KAOHE_UPLOADS_DIR)},
            "members": {str(p.relative_to(stage)): {"sha256": _sha256_file(p), "size": p.stat().st_size}
                        for p in members},
        }
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        from kaohe.web.keys import keyring

        ring = keyring("backup")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
            signature = json.dumps({"key_id": ring.current_id, "hmac_sha256": ring.sign(data)}).encode()
            for name, content in (("manifest.json", data), (SIGNATURE_MEMBER, signature)):
                info = tarfile.TarInfo(name)
                info.size = len(content)
                info.mtime = int(datetime.now(UTC).timestamp())
                tar.addfile(info, io.BytesIO(content))
            for p in members:
                tar.add(p, arcname=str(p.relative_to(stage)), recursive=False)
        partial.replace(dest)  # a half-written archive never carries the final name
    return BackupSummary(dest, [c.code for c in companies], counts, files, audit_events, others)


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


# ---- restore -----------------------------------------------------------------------------------
class UnsignedBackup(BackupError):
    """The archive carries no valid signature of the configured backup key."""


def _read_member(tar: tarfile.TarFile, name: str) -> bytes | None:
    try:
        member = tar.getmember(name)
    except KeyError:
        return None
    fh = tar.extractfile(member)
    return None if fh is None else fh.read()


def check_signature(manifest_bytes: bytes, signature: bytes | None) -> None:
    """Raise `UnsignedBackup` (saying why) unless the manifest is signed with a key of the backup keyring."""
    from kaohe.web.keys import keyring

    if signature is None:
        raise UnsignedBackup("备份没有签名（manifest.sig 缺失），无法确认未被篡改；确认来源可信后可加 --accept-unsigned 恢复",
                             "The backup is not signed (no manifest.sig), so it cannot be shown to be untampered; "
                             "restore it with --accept-unsigned only if you trust where it came from")
    try:
        sig = json.loads(signature.decode("utf-8"))
        key_id, mac = str(sig["key_id"]), str(sig["hmac_sha256"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise UnsignedBackup("备份的签名无法读取", "The backup's signature cannot be read") from None
    ring = keyring("backup")
    if key_id not in ring.keys:
        raise UnsignedBackup(f"备份由密钥 {key_id} 签名，本机的备份密钥环中没有该密钥",
                             f"The backup is signed with key {key_id}, which is not in this installation's "
                             f"backup keyring")
    if not ring.verify(manifest_bytes, mac, key_id):
        raise UnsignedBackup("备份签名不符：清单在签名后被修改（或用了别的密钥）；未恢复任何数据",
                             "The backup's signature does not match: the manifest was changed after signing "
                             "(or signed with another key); nothing was restored")


def read_manifest(path: str | Path, *, accept_unsigned: bool = False) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r:gz") as tar:
            raw = _read_member(tar, "manifest.json")
            if raw is None:
                raise KeyError("manifest.json")
            signature = _read_member(tar, SIGNATURE_MEMBER)
            manifest: dict[str, Any] = json.loads(raw.decode("utf-8"))
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"不是有效的 Kaohe 备份文件：{exc}", f"Not a readable Kaohe backup: {exc}") from None
    if not accept_unsigned:
        check_signature(raw, signature)
    if manifest.get("format") != FORMAT:
        raise BackupError("不是 Kaohe 备份文件", "Not a Kaohe backup archive")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 不受支持（支持 {FORMAT_VERSION}）",
                          f"Backup format version {manifest.get('format_version')} is not supported "
                          f"(this Kaohe reads version {FORMAT_VERSION})")
    return manifest


def verify_archive(path: str | Path, into: Path, *, accept_unsigned: bool = False) -> dict[str, Any]:
    """Check the signature, extract into `into` and check every member against the manifest;
    raise on any difference."""
    manifest = read_manifest(path, accept_unsigned=accept_unsigned)
    expected: dict[str, dict[str, Any]] = manifest["members"]
    try:
        with tarfile.open(path, "r:gz") as tar:
            names = [m.name for m in tar.getmembers() if m.isfile()]
            tar.extractall(into, filter="data")  # refuses absolute paths, links out of the tree, devices
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"备份文件已损坏：{exc}", f"The backup archive is damaged: {exc}") from None
    present = set(names) - {"manifest.json", SIGNATURE_MEMBER}
    problems = []
    for name in sorted(set(expected) - present):
        problems.append(f"missing {name}")
    for name in sorted(present - set(expected)):
        problems.append(f"unexpected {name}")
    for name in sorted(present & set(expected)):
        if _sha256_file(into / name) != expected[name]["sha256"]:
            problems.append(f"checksum mismatch {name}")
    if problems:
        raise BackupError("备份文件校验失败，未恢复任何数据：" + "; ".join(problems[:10]),
                          "The backup failed its checksum check; nothing was restored: " + "; ".join(problems[:10]))
    return manifest


def _check_target_is_free(manifest: dict[str, Any], objects: list[Any]) -> None:
    from kaohe.web.audit.models import AuditEvent, AuditHead
    from kaohe.web.org.models import Company

    codes = [c["code"] for c in manifest["companies"]]
    existing = list(Company.objects.filter(code__in=codes).values_list("code", flat=True))
    if existing:
        raise BackupError(f"公司 {', '.join(existing)} 已存在，恢复只能在空数据库中进行",
                          f"The company {', '.join(existing)} already exists; restore into an empty database")
    head = AuditHead.objects.filter(pk=1).first()
    if AuditEvent.objects.exists() or (head and head.last_seq):
        raise BackupError("目标数据库已有审计记录；审计哈希链只能恢复到没有审计记录的数据库",
                          "The target database already has an audit trail; the hash chain can only be "
                          "restored into a database without one")
    clashes: dict[str, int] = {}
    by_model: dict[Any, list[Any]] = {}
    for obj in objects:
        by_model.setdefault(type(obj.object), []).append(obj.object.pk)
    for model, pks in by_model.items():
        if model is AuditHead:
            continue
        n = model._base_manager.filter(pk__in=pks).count()
        if model._meta.label == "auth.User":
            from django.contrib.auth import get_user_model

            names = [o.object.get_username() for o in objects if type(o.object) is model]
            n += get_user_model()._base_manager.filter(username__in=names).exclude(pk__in=pks).count()
        if n:
            clashes[model._meta.label] = n
    if clashes:
        listed = ", ".join(f"{k} ({v})" for k, v in sorted(clashes.items()))
        raise BackupError(f"目标数据库中已有相同编号的记录：{listed}；请恢复到空数据库",
                          f"The target database already holds rows with the same ids: {listed}; "
                          f"restore into an empty database")


def ensure_schema() -> bool:
    """Apply Kaohe's migrations when the database lacks them (a fresh data dir); True if it migrated."""
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return False
    call_command("migrate", interactive=False, verbosity=0)
    return True


def restore(path: str | Path, *, accept_unsigned: bool = False) -> RestoreSummary:
    """Restore an archive into an empty database; all or nothing.

    Refuses an unsigned or wrongly signed archive (`UnsignedBackup`) unless `accept_unsigned`.
    """
    from django.core import serializers
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from kaohe.web.audit.models import AuditEvent, AuditHead

    with tempfile.TemporaryDirectory(prefix="kaohe-restore-") as tmp:
        root = Path(tmp)
        manifest = verify_archive(path, root, accept_unsigned=accept_unsigned)
        migrated = ensure_schema()
        objects = []
        counts: dict[str, int] = {}
        for f in sorted((root / "db").glob("*.json")):
            label = f.stem.split("-", 1)[1]
            try:
                chunk = list(serializers.deserialize("json", f.read_text(encoding="utf-8"),
                                                     ignorenonexistent=False))
            except serializers.base.DeserializationError as exc:
                raise BackupError(f"{f.name} 无法读取：{exc}", f"{f.name} cannot be read: {exc}") from None
            counts[label] = len(chunk)
            objects.extend(chunk)
        expected_counts = manifest["counts"]
        if {k: v for k, v in counts.items() if v} != {k: v for k, v in expected_counts.items() if v}:
            raise BackupError("备份内容与清单不符", "The archive's rows do not match its manifest")
        _check_target_is_free(manifest, objects)
        # files first (easy to undo); then the rows in one transaction
        placed: list[Path] = []
        files = 0
        try:
            for c in manifest["companies"]:
                for kind, target in (("events", _events_dir(c["code"])), ("uploads", _uploads_dir(c["code"]))):
                    src = root / "files" / kind / c["code"]
                    if not src.is_dir():
                        continue
                    if target.exists() and any(target.iterdir()):
                        raise BackupError(f"目录 {target} 不为空，恢复不会覆盖它",
                                          f"The directory {target} is not empty; restore will not overwrite it")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if target.exists():
                        target.rmdir()
                    shutil.copytree(src, target)
                    placed.append(target)
                    files += sum(1 for p in target.rglob("*") if p.is_file())
            old_uploads = manifest.get("source_dirs", {}).get("uploads")
            events = [o.object for o in objects if isinstance(o.object, AuditEvent)]
            heads = [o.object for o in objects if isinstance(o.object, AuditHead)]
            rest = [o for o in objects if not isinstance(o.object, AuditEvent | AuditHead)]
            with transaction.atomic():
                for obj in rest:
                    _rebase_upload_path(obj.object, old_uploads)
                    obj.save()  # raw save: keeps ids, timestamps and auto fields exactly
                # bulk_create writes the events as they are, bypassing AuditEvent.save()'s guard
                AuditEvent.objects.bulk_create(events, batch_size=2000)
                for head in heads:
                    AuditHead.objects.update_or_create(pk=head.pk, defaults={
                        "last_seq": head.last_seq, "last_hash": head.last_hash,
                        "chain_id": getattr(head, "chain_id", "")})
                models = {type(o.object) for o in objects}
                sql = connection.ops.sequence_reset_sql(no_style(), list(models))
                if sql:
                    with connection.cursor() as cur:
                        for statement in sql:
                            cur.execute(statement)
        except BaseException:
            for target in placed:
                shutil.rmtree(target, ignore_errors=True)
            raise
    summary = RestoreSummary([c["code"] for c in manifest["companies"]], counts, files, len(events))
    if migrated:
        summary.warnings.append("数据库原无 Kaohe 表结构，已先执行迁移 / the database had no Kaohe schema; "
                                "it was migrated first")
    return summary


def _rebase_upload_path(obj: Any, old_uploads: str | None) -> None:
    """Point an upload batch at its file in this installation's uploads directory."""
    from django.conf import settings

    if obj._meta.label not in ("appraisal.UploadBatch", "appraisal.AppealFile") or not old_uploads:
        return
    stored = Path(obj.stored_path)
    try:
        rel = stored.relative_to(old_uploads)
    except ValueError:
        return
    obj.stored_path = str(Path(settings.KAOHE_UPLOADS_DIR) / rel)
