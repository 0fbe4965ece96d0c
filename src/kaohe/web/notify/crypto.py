"""Webhook addresses and signing secrets at rest: Fernet-encrypted, shown back only masked.

A robot's webhook address is itself a credential (whoever has it can post to the group), so
both the address and the signing secret are encrypted with a key kept outside the database
(`KAOHE_NOTIFY_KEY`). Outside production (debug, tests) a key is derived from the secret key so a
fresh clone works; production must set its own (system check kaohe.notify.E001).
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _production() -> bool:
    # Django's test runner turns DEBUG off; the settings' own PRODUCTION flag says what the deployment is
    return bool(getattr(settings, "PRODUCTION", not settings.DEBUG))


class SecretUnreadable(Exception):
    """A stored value cannot be decrypted (the key changed or the value was altered)."""


def _fernet() -> Fernet:
    raw = getattr(settings, "KAOHE_NOTIFY_KEY", "") or ""
    if not raw:
        if _production():
            raise ImproperlyConfigured("KAOHE_NOTIFY_KEY is required to store robot secrets in production / "
                                       "生产环境存储机器人密钥须设置 KAOHE_NOTIFY_KEY")
        raw = "dev-only:" + settings.SECRET_KEY
    # Any passphrase works: the Fernet key is derived from it (a generated Fernet key works too).
    key = base64.urlsafe_b64encode(hashlib.sha256(("kaohe.notify:" + raw).encode("utf-8")).digest())
    return Fernet(key)


def encrypt(text: str) -> str:
    return "" if not text else _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SecretUnreadable("stored secret cannot be decrypted with KAOHE_NOTIFY_KEY / "
                               "无法用当前 KAOHE_NOTIFY_KEY 解密已存储的密钥") from None


def mask_secret(value: str) -> str:
    """'SECabc…wxyz' → '••••wxyz': enough to recognise, not enough to use."""
    if not value:
        return ""
    return "••••" + (value[-4:] if len(value) >= 12 else "")


def mask_url(url: str) -> str:
    """The scheme, host and path of a webhook, its token masked: https://oapi.dingtalk.com/robot/send?••••wxyz"""
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path
    if "/hook/" in path:  # Feishu/Lark keep the token in the path
        path = path.split("/hook/")[0] + "/hook/"
    tail = url[-4:] if len(url) >= 24 else ""
    return f"{parts.scheme}://{parts.netloc}{path}?••••{tail}"
