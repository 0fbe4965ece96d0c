"""Integration tokens: one per connected system, with scopes and an expiry.

Only the SHA-256 of a token is stored; the token itself is shown once, when it is
issued. A token acts as a Kaohe user (its `acting_user`), so every permission that
holds for that user holds for the integration too — scopes can only narrow it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

SCOPES: dict[str, str] = {
    "records:write": "push operational records / 推送业务记录",
    "kpis:read": "read KPI values / 读取 KPI 值",
    "sheets:read": "read score sheets / 读取考核表",
    "results:read": "read published results / 读取已发布结果",
    "audit:read": "read the audit trail / 读取审计记录",
    "ratings:write": "submit ratings / 提交评分",
}
TOKEN_PREFIX = "kh"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class IntegrationToken(models.Model):
    name = models.CharField(max_length=200)  # e.g. "ACD nightly export"
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="api_tokens")
    acting_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    key_prefix = models.CharField(max_length=16, db_index=True)  # shown in lists, identifies the token
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "integration token / 集成令牌"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @classmethod
    def issue(cls, *, name: str, company, acting_user, scopes: list[str],  # type: ignore[no-untyped-def]
              days: int = 90) -> tuple[IntegrationToken, str]:
        """Create a token; returns the model and the raw token, which is never stored."""
        unknown = sorted(set(scopes) - set(SCOPES))
        if unknown:
            raise ValueError(f"unknown scopes {unknown}; valid: {sorted(SCOPES)}")
        if days < 1 or days > 366:
            raise ValueError("a token lives between 1 and 366 days")
        prefix = secrets.token_hex(4)
        raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(name=name, company=company, acting_user=acting_user, key_prefix=prefix,
                                   key_hash=hash_token(raw), scopes=sorted(set(scopes)),
                                   expires_at=timezone.now() + timedelta(days=days))
        return token, raw
