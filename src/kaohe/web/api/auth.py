"""Bearer-token authentication for integrations, and the scope check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from kaohe.web.api.models import IntegrationToken, hash_token
from kaohe.web.errors import Forbidden


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kh_…`: looks the token up by its hash; the raw token is never stored."""

    openapi_description = "Integration token issued with `manage.py kaohe_token issue` (只保存令牌的哈希)"

    def authenticate(self, request: HttpRequest, token: str) -> IntegrationToken | None:
        if not token or len(token) > 200:
            return None
        found = (IntegrationToken.objects.select_related("acting_user", "company")
                 .filter(key_hash=hash_token(token)).first())
        now = timezone.now()
        if found is None or not found.is_active(now) or not found.acting_user.is_active:
            return None
        # last_used_at is informative; one UPDATE per call at most once a minute keeps writes cheap
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            IntegrationToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.acting_user
        return found


def need_scope(request: HttpRequest, scope: str) -> IntegrationToken:
    token: Any = request.auth  # type: ignore[attr-defined]
    if scope not in token.scopes:
        raise Forbidden(f"该令牌没有 {scope} 权限范围", f"This token lacks the scope {scope}",
                        required_scope=scope, token_scopes=list(token.scopes))
    return token  # type: ignore[no-any-return]
