"""The audit trail: append-only, hash-chained events.

Each event stores the HMAC-SHA256 (key outside the database, `key_id` names it) of its canonical content, and that content includes
the previous event's hash and the event's sequence number. Editing an event breaks
its own hash; deleting one breaks the chain (a gap in `seq`, or a `prev_hash` that no
longer matches); deleting the newest ones shows against `AuditHead`.

The model refuses UPDATE and DELETE through the ORM. A determined person with raw
SQL can still change rows; `verify_chain()` is what finds that.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit event through the ORM."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("audit events are append-only / 审计事件只能追加，不能修改")

    def delete(self):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("audit events are append-only / 审计事件只能追加，不能删除")

    def bulk_update(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("audit events are append-only / 审计事件只能追加，不能修改")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)  # 1, 2, 3 … without gaps
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", db_constraint=False)
    actor_label = models.CharField(max_length=200)  # kept even if the user is renamed
    company_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)  # e.g. sheet.transition, rating.submit
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=32, blank=True, default="")  # "" = written before keying (plain SHA-256)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only / 审计事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("audit events are append-only / 审计事件只能追加，不能删除")


class AuditHead(models.Model):
    """One row: the newest sequence number and hash. Writers lock it, so the chain has no forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    chain_id = models.CharField(max_length=32, blank=True, default="")  # names this chain's checkpoints
