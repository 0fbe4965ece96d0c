"""Signing keys kept outside the database: the audit chain's and the backups' HMAC keys.

Whoever can write the database must not be able to re-sign what they changed, so the keys
come from the environment or from a file the database cannot reach:

| setting / variable | meaning |
|---|---|
| KAOHE_AUDIT_KEY | ``id:secret`` pairs, comma-separated; the last one signs, the others still verify |
| KAOHE_AUDIT_KEY_FILE | a file of ``id secret`` lines (``#`` comments); the last line signs |
| KAOHE_BACKUP_KEY / KAOHE_BACKUP_KEY_FILE | the same for backup manifests |

A secret is at least 32 characters. Rotation: append a new line (or pair) with a new id;
events and backups name the id they were signed with, so older ones keep verifying as long
as their key stays in the ring.

Outside production (``KAOHE_DEBUG`` on and ``KAOHE_ENV`` not production) and with no key configured, a random key is created
once under ``<data dir>/keys/`` (mode 0600) so that development, tests and the demo work.
In production a missing or weak key stops the command or request that needs it, and the
system check ``kaohe.E012`` reports it at start.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_LENGTH = 32
KEY_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class KeyError_(ImproperlyConfigured):
    """A signing key is missing, malformed or too weak."""


@dataclass(frozen=True)
class Keyring:
    purpose: str
    current_id: str
    keys: dict[str, bytes]
    source: str  # where the keys came from, for messages ("KAOHE_AUDIT_KEY", a file path)

    def sign(self, data: bytes, key_id: str | None = None) -> str:
        key = self.keys[key_id or self.current_id]
        return hmac.new(key, data, hashlib.sha256).hexdigest()

    def verify(self, data: bytes, signature: str, key_id: str) -> bool:
        key = self.keys.get(key_id)
        if key is None:
            return False
        return hmac.compare_digest(hmac.new(key, data, hashlib.sha256).hexdigest(), signature)


def _parse_pairs(text: str, source: str, sep: str) -> list[tuple[str, str]]:
    pairs = []
    chunks = text.split(",") if sep == ":" else text.splitlines()
    for raw in chunks:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key_id, found, secret = line.partition(sep) if sep == ":" else _split_ws(line)
        if not found or not key_id or not secret:
            raise KeyError_(f"{source}: each key needs an id and a secret ('id{sep}secret') / "
                            f"{source}：每个密钥须写成“编号{sep}密钥”")
        pairs.append((key_id.strip(), secret.strip()))
    return pairs


def _split_ws(line: str) -> tuple[str, str, str]:
    parts = line.split(None, 1)
    return (parts[0], " ", parts[1]) if len(parts) == 2 else (line, "", "")


def _check(pairs: list[tuple[str, str]], source: str) -> None:
    if not pairs:
        raise KeyError_(f"{source} holds no key / {source} 中没有密钥")
    for key_id, secret in pairs:
        if not set(key_id) <= KEY_ID_CHARS or len(key_id) > 32:
            raise KeyError_(f"{source}: key id {key_id!r} may use letters, digits, '-', '_', '.' (at most 32) / "
                            f"{source}：密钥编号 {key_id!r} 只能用字母、数字、-、_、.（最多 32 个）")
        if len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 8:
            raise KeyError_(f"{source}: the secret of key {key_id!r} is too weak (at least {MIN_SECRET_LENGTH} "
                            f"random characters) / {source}：密钥 {key_id!r} 太弱（至少 {MIN_SECRET_LENGTH} 个随机字符）")


def _dev_allowed() -> bool:
    # settings.PRODUCTION: KAOHE_ENV=production or KAOHE_DEBUG=false at start (the test runner's own
    # DEBUG=False does not make a test run production)
    return not getattr(settings, "PRODUCTION", not settings.DEBUG)


def _dev_key_file(purpose: str) -> Path:
    path = Path(settings.DATA_DIR) / "keys" / f"{purpose}.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key_id = f"dev-{secrets.token_hex(3)}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path
        try:
            os.write(fd, (f"# development key for the {purpose} chain; never use in production\n"
                          f"{key_id} {secrets.token_urlsafe(48)}\n").encode())
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    return path


def keyring(purpose: str) -> Keyring:
    """The keyring for `purpose` ("audit" or "backup"), from settings, a file, or (dev only) a created file."""
    upper = purpose.upper()
    inline = str(getattr(settings, f"KAOHE_{upper}_KEY", "") or "")
    file_name = str(getattr(settings, f"KAOHE_{upper}_KEY_FILE", "") or "")
    if inline:
        source = f"KAOHE_{upper}_KEY"
        pairs = _parse_pairs(inline, source, ":")
    elif file_name:
        source = file_name
        try:
            pairs = _parse_pairs(Path(file_name).read_text(encoding="utf-8"), source, " ")
        except OSError as exc:
            raise KeyError_(f"cannot read {source}: {exc.strerror} / 无法读取密钥文件 {source}") from None
    elif _dev_allowed():
        path = _dev_key_file(purpose)
        source = str(path)
        pairs = _parse_pairs(path.read_text(encoding="utf-8"), source, " ")
    else:
        raise KeyError_(f"no {purpose} key: set KAOHE_{upper}_KEY_FILE (or KAOHE_{upper}_KEY) outside the database / "
                        f"未配置{purpose}密钥：请设置 KAOHE_{upper}_KEY_FILE（或 KAOHE_{upper}_KEY）")
    _check(pairs, source)
    return Keyring(purpose, pairs[-1][0], {k: s.encode("utf-8") for k, s in pairs}, source)


def key_problems() -> list[str]:
    """Why the configured keys would not work (for the system check); empty when they do."""
    found = []
    for purpose in ("audit", "backup"):
        try:
            keyring(purpose)
        except ImproperlyConfigured as exc:
            found.append(str(exc))
    return found
