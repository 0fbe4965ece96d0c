"""Start-up checks of the secrets Kaohe signs and logs in with (outside debug they are errors).

- kaohe.E010: the Django SECRET_KEY is a known placeholder (the deploy example file's, the
  development default) or weak (short, few distinct characters).
- kaohe.E012: the audit or backup signing key is missing or weak (see `kaohe.web.keys`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

# Placeholders people copy by mistake: ours (deploy/kaohe.env.example, the debug default) and common ones.
KNOWN_PLACEHOLDERS = frozenset({
    "change-me-to-50-random-characters", "kaohe-dev-only-insecure-key-never-in-production", "change-me",
    "changeme", "secret", "your-secret-key", "django-insecure", "please-change-me", "replace-me",
})
MIN_SECRET_KEY_LENGTH = 50
MIN_DISTINCT_CHARACTERS = 5


def secret_key_problem(key: str) -> str | None:
    """Why `key` is not fit for production, or None."""
    lowered = key.strip().lower()
    if lowered in KNOWN_PLACEHOLDERS or lowered.startswith("django-insecure") or "change-me" in lowered \
            or "changeme" in lowered:
        return "KAOHE_SECRET_KEY is a known placeholder / KAOHE_SECRET_KEY 是示例占位值"
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return (f"KAOHE_SECRET_KEY is weak: use at least {MIN_SECRET_KEY_LENGTH} random characters / "
                f"KAOHE_SECRET_KEY 太弱：至少 {MIN_SECRET_KEY_LENGTH} 个随机字符")
    return None


def check_secrets(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "PRODUCTION", not settings.DEBUG):
        return []
    found: list[checks.CheckMessage] = []
    problem = secret_key_problem(str(settings.SECRET_KEY))
    if problem:
        found.append(checks.Error(problem, hint="python -c 'import secrets; print(secrets.token_urlsafe(50))'",
                                  id="kaohe.E010"))
    from kaohe.web.keys import key_problems

    for text in key_problems():
        found.append(checks.Error(text, hint="see docs/operations.md, 'Keys' / 见 docs/operations.md“密钥”一节",
                                  id="kaohe.E012"))
    return found


def register() -> None:
    checks.register(check_secrets, checks.Tags.security)
