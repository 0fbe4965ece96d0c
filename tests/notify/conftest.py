"""Real servers on loopback for the notification tests: an SMTP server (aiosmtpd) and an HTTP
receiver standing in for the DingTalk, Feishu/Lark and WeCom robot endpoints."""

from __future__ import annotations

import datetime as dt
import email
import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.web.conftest import cycle, data_dirs, library, org, sheet  # noqa: F401  (pytest fixtures)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Every notification test starts here (a Friday morning in Beijing, after the October test cycle's
# rating deadline) and moves the clock itself; none reads the real clock.
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_send_budget() -> None:
    """Each test starts with the whole immediate-send budget (it is per thread and burst)."""
    from kaohe.web.notify.events import send_budget

    send_budget.started, send_budget.used = -1e9, 0


@pytest.fixture
def clock() -> Any:
    """The frozen clock; `clock.move_to(when, tick=False)` moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)


class _Collect:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.box.envelopes.append(envelope)
        self.box.messages.append(email.message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings) -> Any:  # type: ignore[no-untyped-def]
    """A real SMTP server on 127.0.0.1; Django's SMTP backend points at it."""
    from aiosmtpd.controller import Controller

    box = Mailbox(_free_port())
    controller = Controller(_Collect(box), hostname="127.0.0.1", port=box.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", box.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "kaohe@example.com"
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes


@dataclass
class Robot:
    """Records every POST; answers with the scripted (status, body) replies, then with `default`."""

    port: int
    received: list[Received] = field(default_factory=list)
    replies: deque[tuple[int, dict[str, Any]]] = field(default_factory=deque)
    default: tuple[int, dict[str, Any]] = (200, {"errcode": 0, "errmsg": "ok"})

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def robot(settings) -> Any:  # type: ignore[no-untyped-def]
    state = Robot(0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            parts = urlsplit(self.path)
            state.received.append(Received(parts.path, parse_qs(parts.query), dict(self.headers.items()),
                                           json.loads(raw.decode("utf-8")), raw))
            status, body = state.replies.popleft() if state.replies else state.default
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.KAOHE_NOTIFY_ALLOWED_HOSTS = ["127.0.0.1"]
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def notify_settings(settings, clock) -> Any:  # type: ignore[no-untyped-def]
    settings.KAOHE_BASE_URL = "https://kaohe.example.com"
    settings.KAOHE_NOTIFY_RETRY_SECONDS = 60
    settings.KAOHE_NOTIFY_MAX_ATTEMPTS = 3
    settings.KAOHE_NOTIFY_SEND_ON_COMMIT = True
    settings.KAOHE_NOTIFY_HTTP_TIMEOUT = 5
    return settings
