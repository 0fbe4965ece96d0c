"""The three work-chat group robots: signing, payloads and reading their answers.

Each vendor answers HTTP 200 even when it refuses a message; the refusal is in the body
(DingTalk and WeCom `errcode`, Feishu/Lark `code`). A delivery counts as sent only when that
code is 0.

- DingTalk custom robot (自定义机器人, 加签): sign = urlencode(base64(HMAC-SHA256(key=secret,
  msg=timestamp_ms + "\\n" + secret))), sent as `&timestamp=…&sign=…` on the webhook URL.
- Feishu/Lark custom bot (自定义机器人, 签名校验): sign = base64(HMAC-SHA256(key=timestamp_s + "\\n" +
  secret, msg=b"")), sent as `timestamp` and `sign` in the JSON body.
- WeCom group robot (群机器人): the webhook's `key` is the credential; no signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings


def _production() -> bool:
    # Django's test runner turns DEBUG off; the settings' own PRODUCTION flag says what the deployment is
    return bool(getattr(settings, "PRODUCTION", not settings.DEBUG))


class DeliveryError(Exception):
    """One failed attempt; the message is safe to show (it never contains the webhook or secret)."""


@dataclass(frozen=True)
class Message:
    title: str
    lines: list[str]
    link: str
    link_text: str
    language: str  # zh-hans | en


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def feishu_sign(secret: str, timestamp_s: str) -> str:
    string_to_sign = f"{timestamp_s}\n{secret}"
    digest = hmac.new(string_to_sign.encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _markdown(msg: Message) -> str:
    body = "\n\n".join(msg.lines)
    return f"### {msg.title}\n\n{body}\n\n[{msg.link_text}]({msg.link})" if msg.link else f"### {msg.title}\n\n{body}"


def dingtalk_request(webhook: str, secret: str, msg: Message) -> tuple[str, dict[str, Any]]:
    url = webhook
    if secret:
        ts = str(int(time.time() * 1000))
        url += ("&" if "?" in url else "?") + f"timestamp={ts}&sign={dingtalk_sign(secret, ts)}"
    return url, {"msgtype": "markdown", "markdown": {"title": msg.title, "text": _markdown(msg)}}


def feishu_request(webhook: str, secret: str, msg: Message) -> tuple[str, dict[str, Any]]:
    lang = "en_us" if msg.language == "en" else "zh_cn"
    content: list[list[dict[str, str]]] = [[{"tag": "text", "text": line}] for line in msg.lines]
    if msg.link:
        content.append([{"tag": "a", "text": msg.link_text, "href": msg.link}])
    payload: dict[str, Any] = {"msg_type": "post", "content": {"post": {lang: {"title": msg.title,
                                                                              "content": content}}}}
    if secret:
        ts = str(int(time.time()))
        payload = {"timestamp": ts, "sign": feishu_sign(secret, ts), **payload}
    return webhook, payload


def wecom_request(webhook: str, secret: str, msg: Message) -> tuple[str, dict[str, Any]]:
    return webhook, {"msgtype": "markdown", "markdown": {"content": _markdown(msg)}}


REQUESTS = {"dingtalk": dingtalk_request, "feishu": feishu_request, "wecom": wecom_request}


def vendor_error(kind: str, answer: dict[str, Any]) -> str | None:
    """The vendor's refusal in the answer body, or None when it accepted the message."""
    if kind in ("dingtalk", "wecom"):
        code = answer.get("errcode")
        if code == 0:
            return None
        return f"errcode {code}: {answer.get('errmsg', '')}".strip()
    # Feishu/Lark: {"code": 0, "msg": "success"}; older bots answer {"StatusCode": 0, ...}
    code = answer.get("code", answer.get("StatusCode"))
    if code == 0:
        return None
    return f"code {code}: {answer.get('msg', answer.get('StatusMessage', ''))}".strip()


def post(kind: str, webhook: str, secret: str, msg: Message) -> None:
    """One attempt. Raises DeliveryError with a safe reason; returns when the vendor accepted it."""
    url, payload = REQUESTS[kind](webhook, secret, msg)
    check_allowed(url)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    timeout = float(getattr(settings, "KAOHE_NOTIFY_HTTP_TIMEOUT", 5))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (host checked above)
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"connection failed: {type(reason).__name__}") from None
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DeliveryError("the robot's answer is not JSON") from None
    if not isinstance(answer, dict):
        raise DeliveryError("the robot's answer is not a JSON object")
    problem = vendor_error(kind, answer)
    if problem:
        raise DeliveryError(problem[:300])


VENDOR_HOSTS = ("oapi.dingtalk.com", "open.feishu.cn", "open.larksuite.com", "qyapi.weixin.qq.com")


def check_allowed(url: str) -> None:
    """Webhooks go only to the vendors' hosts (or those KAOHE_NOTIFY_ALLOWED_HOSTS adds): a robot
    setting must not turn the server into a client of arbitrary internal addresses."""
    parts = urllib.parse.urlsplit(url)
    allowed = getattr(settings, "KAOHE_NOTIFY_ALLOWED_HOSTS", VENDOR_HOSTS)
    if parts.hostname not in allowed:
        raise DeliveryError(f"host {parts.hostname} is not an allowed robot host (KAOHE_NOTIFY_ALLOWED_HOSTS)")
    if parts.scheme != "https" and _production() and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise DeliveryError("robot webhooks must use https")
