"""System checks of the notification setup (stable ids KAOHE-N00x, each with a hint)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def _production() -> bool:
    # Django's test runner turns DEBUG off; the settings' own PRODUCTION flag says what the deployment is
    return bool(getattr(settings, "PRODUCTION", not settings.DEBUG))


def _stored_secrets() -> bool:
    """Robots whose address is stored encrypted (robots read from the environment need no key)."""
    from django.db import DatabaseError

    from .models import RobotChannel

    try:
        return RobotChannel.objects.exclude(webhook_encrypted="").exists()
    except DatabaseError:  # not migrated yet
        return False


@checks.register("kaohe")
def check_notify_settings(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    found = []
    if _production() and not getattr(settings, "KAOHE_NOTIFY_KEY", "") and _stored_secrets():
        found.append(checks.Warning(
            "未设置 KAOHE_NOTIFY_KEY：已保存的机器人 Webhook 地址和签名密钥无法解密 / KAOHE_NOTIFY_KEY is not set: "
            "the stored robot webhook addresses and signing secrets cannot be decrypted",
            hint="Set KAOHE_NOTIFY_KEY to a long random value kept outside the database (or give the robots' "
                 "addresses as environment variables) / 设置 KAOHE_NOTIFY_KEY（或用环境变量提供机器人地址）",
            id="KAOHE-N001"))
    base = getattr(settings, "KAOHE_BASE_URL", "")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        found.append(checks.Error(
            f"KAOHE_BASE_URL={base!r} 不是完整地址，通知里的链接无法打开 / is not an absolute address; links in "
            "notifications would not open",
            hint="For example https://kaohe.example.com / 例如 https://kaohe.example.com", id="KAOHE-N002"))
    elif _production() and parts.scheme != "https":
        found.append(checks.Warning(
            "KAOHE_BASE_URL 不是 https 地址 / KAOHE_BASE_URL is not an https address",
            hint="Links in emails and chat messages should use https / 邮件与群消息中的链接应使用 https",
            id="KAOHE-N003"))
    return found
