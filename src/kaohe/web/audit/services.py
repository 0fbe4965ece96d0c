"""Writing and verifying the audit trail.

Services call `record()` explicitly for every change of a score, rating, state or
scheme (the caller knows the reason and the before/after); changes of users, passwords,
roles and tokens are recorded by model signals (`kaohe.web.audit.signals`), whatever the path.

The chain is keyed: each event's hash is an HMAC-SHA256 over its canonical content (which
includes the previous hash, the key id and every field shown to people) with a key kept
outside the database (`kaohe.web.keys`). After each committed event a signed checkpoint
(chain id, seq, hash) is appended to a file outside the database and to the log, so that
deleting the newest events shows even when the head row is reset. `verify_chain()` also
checks the current business rows (score versions, ratings, role assignments) against the
trail. Events written before keying (key_id "") are checked with plain SHA-256; they are
protected by the first keyed event after them, whose signed content names their last hash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaohe.web.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64
log = logging.getLogger("kaohe.audit")
ANONYMOUS_ROLES = frozenset({"peer", "customer"})


def _jsonable(value: Any) -> Any:
    """Make before/after JSON-safe and stable: Decimals as strings, dates in ISO form."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def canonical_content(*, seq: int, at: datetime, actor_id: int | None, actor_label: str,
                      company_id: int | None, action: str, object_type: str, object_id: str,
                      before: Any, after: Any, reason: str, prev_hash: str) -> str:
    """The exact text hashed for one event. Changing it breaks every existing chain."""
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "company_id": company_id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "before": before,
        "after": after,
        "reason": reason,
        "prev_hash": prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_content_v2(*, key_id: str, object_repr: str, **fields: Any) -> str:
    """Keyed events: the v1 content plus the key id and the displayed object text."""
    body = json.loads(canonical_content(**fields))
    body.update({"v": 2, "key_id": key_id, "object_repr": object_repr})
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _keyring():  # type: ignore[no-untyped-def]
    from kaohe.web.keys import keyring

    return keyring("audit")


def rater_pseudonym(sheet_id: int, user_id: int | None, key_id: str | None = None) -> str:
    """A 360 rater's stable name within one sheet: the same rater reads the same, no name, no id.

    Keyed, so nobody without the audit key can compute it back from the user list.
    """
    ring = _keyring()
    return "rater-" + ring.sign(f"rater|{sheet_id}|{user_id}".encode(), key_id)[:10]


def _checkpoint_file() -> Path:
    configured = getattr(settings, "KAOHE_AUDIT_CHECKPOINT_FILE", "") or ""
    return Path(configured) if configured else Path(settings.DATA_DIR) / "audit" / "checkpoints.log"


def _checkpoint_payload(chain_id: str, seq: int, digest: str) -> bytes:
    return f"checkpoint|{chain_id}|{seq}|{digest}".encode()


def write_checkpoint(chain_id: str, seq: int, digest: str) -> None:
    """Append a signed checkpoint line outside the database (and to the log)."""
    ring = _keyring()
    line = json.dumps({"chain": chain_id, "seq": seq, "hash": digest, "key_id": ring.current_id,
                       "at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
                       "sig": ring.sign(_checkpoint_payload(chain_id, seq, digest))}, sort_keys=True)
    path = _checkpoint_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
    except OSError:  # the log line below still carries the checkpoint
        log.exception("cannot write the audit checkpoint file %s", path)
    log.info("audit checkpoint %s", line)


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "get_username", lambda: str(actor))()


def record(actor: Any, action: str, obj: Any = None, *, before: Any = None, after: Any = None,
           reason: str = "", object_type: str | None = None, object_id: str | None = None,
           company_id: int | None = None, actor_label: str | None = None) -> AuditEvent:
    """Append one event. `obj` (a model instance) names the object unless type/id are given.

    `actor_label` with `actor=None` records a pseudonymous actor (a 360 rater).
    """
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
        if company_id is None:
            company_id = getattr(obj, "company_id", None)
    before_j, after_j = _jsonable(before), _jsonable(after)
    ring = _keyring()  # no key, no event: production refuses to write an unkeyed trail
    with transaction.atomic():
        AuditHead.objects.get_or_create(pk=1, defaults={"chain_id": secrets.token_hex(8)})
        head = AuditHead.objects.select_for_update().get(pk=1)
        if not head.chain_id:
            head.chain_id = secrets.token_hex(8)
            AuditHead.objects.filter(pk=1).update(chain_id=head.chain_id)
        seq = head.last_seq + 1
        at = timezone.now()
        actor_id = getattr(actor, "pk", None)
        label = actor_label if actor_label is not None and actor is None else _actor_label(actor)
        object_repr = str(obj)[:300] if obj is not None else ""
        content = canonical_content_v2(
            key_id=ring.current_id, object_repr=object_repr, seq=seq, at=at, actor_id=actor_id,
            actor_label=label, company_id=company_id, action=action, object_type=object_type or "",
            object_id=object_id or "", before=before_j, after=after_j, reason=reason, prev_hash=head.last_hash)
        digest = ring.sign(content.encode("utf-8"))
        event = AuditEvent.objects.create(
            seq=seq, at=at, actor_id=actor_id, actor_label=label, company_id_ref=company_id, action=action,
            object_type=object_type or "", object_id=object_id or "", object_repr=object_repr,
            before=before_j, after=after_j, reason=reason, prev_hash=head.last_hash, hash=digest,
            key_id=ring.current_id)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=digest)
        chain_id = head.chain_id
        transaction.on_commit(lambda: write_checkpoint(chain_id, seq, digest))
    return event


@dataclass
class ChainProblem:
    seq: int | None
    message_zh: str
    message_en: str


@dataclass
class ChainReport:
    checked: int = 0
    problems: list[ChainProblem] = field(default_factory=list)
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _content_of(ev: AuditEvent) -> str:
    fields = dict(seq=ev.seq, at=ev.at, actor_id=ev.actor_id, actor_label=ev.actor_label,
                  company_id=ev.company_id_ref, action=ev.action, object_type=ev.object_type,
                  object_id=ev.object_id, before=ev.before, after=ev.after, reason=ev.reason,
                  prev_hash=ev.prev_hash)
    if not ev.key_id:
        return canonical_content(**fields)
    return canonical_content_v2(key_id=ev.key_id, object_repr=ev.object_repr, **fields)


def read_checkpoints(chain_id: str, report: ChainReport, ring: Any) -> dict[int, str]:
    """The signed checkpoints of this chain: seq → hash. A line with a bad signature is a problem."""
    found: dict[int, str] = {}
    path = _checkpoint_file()
    if not path.exists():
        return found
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cp = json.loads(line)
            chain, seq, digest, key_id, sig = cp["chain"], int(cp["seq"]), str(cp["hash"]), cp["key_id"], cp["sig"]
        except (ValueError, KeyError, TypeError):
            report.problems.append(ChainProblem(None, f"检查点文件第 {n} 行无法读取", f"checkpoint line {n} is unreadable"))
            continue
        if chain != chain_id:
            continue
        if not ring.verify(_checkpoint_payload(chain, seq, digest), sig, key_id):
            report.problems.append(ChainProblem(
                seq, f"检查点文件第 {n} 行的签名无效（被修改或密钥不符）",
                f"checkpoint line {n} has an invalid signature (edited, or signed with another key)"))
            continue
        found[seq] = digest
    return found


def verify_chain(*, business_rows: bool = True) -> ChainReport:
    """Recompute every hash and link, compare with the signed checkpoints outside the database,
    and check the current score versions, ratings and role assignments against the trail."""
    from kaohe.web.keys import keyring

    ring = keyring("audit")
    report = ChainReport()
    prev_hash = GENESIS
    expected_seq = 1
    seen_keyed = False
    hashes: dict[int, str] = {}
    for ev in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        report.checked += 1
        if ev.seq != expected_seq:
            report.problems.append(ChainProblem(
                ev.seq, f"缺少第 {expected_seq}–{ev.seq - 1} 号事件（被删除）",
                f"events {expected_seq}–{ev.seq - 1} are missing (deleted)"))
        if ev.prev_hash != prev_hash:
            report.problems.append(ChainProblem(
                ev.seq, f"第 {ev.seq} 号事件的前序哈希与上一事件不符", f"event {ev.seq} does not link to the event before it"))
        content = _content_of(ev).encode("utf-8")
        if ev.key_id:
            seen_keyed = True
            if ev.key_id not in ring.keys:
                report.problems.append(ChainProblem(
                    ev.seq, f"第 {ev.seq} 号事件由未知密钥 {ev.key_id} 签名（密钥环中没有）",
                    f"event {ev.seq} is signed with key {ev.key_id}, which is not in the keyring"))
            elif not ring.verify(content, ev.hash, ev.key_id):
                report.problems.append(ChainProblem(
                    ev.seq, f"第 {ev.seq} 号事件的内容被修改", f"event {ev.seq} was edited after it was written"))
        else:
            if seen_keyed:
                report.problems.append(ChainProblem(
                    ev.seq, f"第 {ev.seq} 号事件没有密钥签名，却在已签名事件之后",
                    f"event {ev.seq} is unsigned but follows signed events"))
            if _hash(content.decode("utf-8")) != ev.hash:
                report.problems.append(ChainProblem(
                    ev.seq, f"第 {ev.seq} 号事件的内容被修改", f"event {ev.seq} was edited after it was written"))
        hashes[ev.seq] = ev.hash
        prev_hash = ev.hash
        expected_seq = ev.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    last_seq, last_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    if last_seq != expected_seq - 1 or last_hash != prev_hash:
        report.problems.append(ChainProblem(
            None, f"审计链末尾与记录的链头不符（应有 {last_seq} 条事件，现存最后一条为 {expected_seq - 1} 号）",
            f"the end of the chain does not match its head ({last_seq} events recorded, last present is "
            f"{expected_seq - 1})"))
    if head is not None and head.chain_id:
        checkpoints = read_checkpoints(head.chain_id, report, ring)
        report.checkpoints = len(checkpoints)
        last_present = expected_seq - 1
        for seq in sorted(checkpoints):
            if seq > last_present:
                report.problems.append(ChainProblem(
                    seq, f"签名检查点记录了第 {seq} 号事件，但审计链只到第 {last_present} 号（末尾事件被删除）",
                    f"a signed checkpoint records event {seq}, but the chain ends at {last_present} "
                    f"(the newest events were deleted)"))
                break
            if hashes.get(seq) != checkpoints[seq]:
                report.problems.append(ChainProblem(
                    seq, f"第 {seq} 号事件与签名检查点不符（被改写）",
                    f"event {seq} does not match its signed checkpoint (rewritten)"))
    if business_rows:
        from kaohe.web.audit.rows import check_business_rows

        report.problems.extend(check_business_rows())
    return report


def events_for(user: Any, *, company: Any, object_type: str | None = None, object_id: str | None = None):  # type: ignore[no-untyped-def]
    """The company's audit events, for an auditor or HR officer (require view_audit)."""
    from kaohe.web.permissions import require

    require(user, "view_audit", company)
    qs = AuditEvent.objects.filter(company_id_ref=company.pk)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=str(object_id))
    return qs.order_by("-seq")
