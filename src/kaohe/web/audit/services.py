"""Writing and verifying the audit trail.

Services call `record()` explicitly for every change of a score, rating, state or
scheme (no save hooks: the caller knows the reason and the before/after).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.web.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64


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


def _hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "get_username", lambda: str(actor))()


def record(actor: Any, action: str, obj: Any = None, *, before: Any = None, after: Any = None,
           reason: str = "", object_type: str | None = None, object_id: str | None = None,
           company_id: int | None = None) -> AuditEvent:
    """Append one event. `obj` (a model instance) names the object unless type/id are given."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
        if company_id is None:
            company_id = getattr(obj, "company_id", None)
    before_j, after_j = _jsonable(before), _jsonable(after)
    with transaction.atomic():
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
        seq = head.last_seq + 1
        at = timezone.now()
        actor_id = getattr(actor, "pk", None)
        label = _actor_label(actor)
        content = canonical_content(seq=seq, at=at, actor_id=actor_id, actor_label=label,
                                    company_id=company_id, action=action, object_type=object_type or "",
                                    object_id=object_id or "", before=before_j, after=after_j,
                                    reason=reason, prev_hash=head.last_hash)
        digest = _hash(content)
        event = AuditEvent.objects.create(
            seq=seq, at=at, actor_id=actor_id, actor_label=label, company_id_ref=company_id, action=action,
            object_type=object_type or "", object_id=object_id or "", object_repr=str(obj)[:300] if obj else "",
            before=before_j, after=after_j, reason=reason, prev_hash=head.last_hash, hash=digest)
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=digest)
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

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain() -> ChainReport:
    """Recompute every hash and link; report each edited, inserted or deleted event."""
    report = ChainReport()
    prev_hash = GENESIS
    expected_seq = 1
    for ev in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        report.checked += 1
        if ev.seq != expected_seq:
            report.problems.append(ChainProblem(
                ev.seq, f"缺少第 {expected_seq}–{ev.seq - 1} 号事件（被删除）",
                f"events {expected_seq}–{ev.seq - 1} are missing (deleted)"))
        if ev.prev_hash != prev_hash:
            report.problems.append(ChainProblem(
                ev.seq, f"第 {ev.seq} 号事件的前序哈希与上一事件不符", f"event {ev.seq} does not link to the event before it"))
        content = canonical_content(
            seq=ev.seq, at=ev.at, actor_id=ev.actor_id, actor_label=ev.actor_label, company_id=ev.company_id_ref,
            action=ev.action, object_type=ev.object_type, object_id=ev.object_id, before=ev.before,
            after=ev.after, reason=ev.reason, prev_hash=ev.prev_hash)
        if _hash(content) != ev.hash:
            report.problems.append(ChainProblem(
                ev.seq, f"第 {ev.seq} 号事件的内容被修改", f"event {ev.seq} was edited after it was written"))
        prev_hash = ev.hash
        expected_seq = ev.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    last_seq, last_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    if last_seq != expected_seq - 1 or last_hash != prev_hash:
        report.problems.append(ChainProblem(
            None, f"审计链末尾与记录的链头不符（应有 {last_seq} 条事件，现存最后一条为 {expected_seq - 1} 号）",
            f"the end of the chain does not match its head ({last_seq} events recorded, last present is "
            f"{expected_seq - 1})"))
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
