"""Helpers shared by the appraisal services: the optimistic lock and audit shortcuts."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone

from kaohe.web.appraisal.models import Sheet
from kaohe.web.audit.services import record
from kaohe.web.errors import StaleObject


def save_sheet(sheet: Sheet, expected_version: int | None, **changes: Any) -> Sheet:
    """Write `changes` only if the sheet is still at the version the caller read.

    One UPDATE … WHERE version = expected: two people saving the same sheet cannot
    both succeed, and the second is told to reload instead of silently overwriting.
    """
    expected = sheet.version if expected_version is None else expected_version
    changes["updated_at"] = timezone.now()
    updated = Sheet.objects.filter(pk=sheet.pk, version=expected).update(version=F("version") + 1, **changes)
    if updated == 0:
        current = Sheet.objects.filter(pk=sheet.pk).values_list("version", flat=True).first()
        raise StaleObject(
            "该考核表已被他人修改，请刷新后重试（您的修改未保存）",
            "Someone else changed this sheet since you opened it; reload and try again (nothing was saved)",
            expected_version=expected, current_version=current)
    sheet.refresh_from_db()
    return sheet


def audit_sheet(actor: Any, action: str, sheet: Sheet, *, before: Any = None, after: Any = None,
                reason: str = "") -> None:
    record(actor, action, sheet, before=before, after=after, reason=reason, company_id=sheet.cycle.company_id)
