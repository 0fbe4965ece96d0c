"""Each robot's request against the vendor's documented format, signatures recomputed here
independently of Kaohe's code, and retries against an endpoint that fails."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest

from tests.notify.conftest import NOW as FROZEN_AT

SECRET = "SECb0c5d2f1e8a94c7e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def _channel(org, robot, kind, *, secret="", path=None, language="zh-hans", events=None):  # type: ignore[no-untyped-def]
    from kaohe.web.notify import crypto
    from kaohe.web.notify.models import ROBOT_DEFAULT_EVENTS, RobotChannel

    path = path or {"dingtalk": "/robot/send?access_token=tok123", "feishu": "/open-apis/bot/v2/hook/hook-uuid-1",
                    "wecom": "/cgi-bin/webhook/send?key=wecom-key-1"}[kind]
    return RobotChannel.objects.create(
        company=org.company, department=None, kind=kind, name=f"{kind} group", language=language,
        events=[str(e) for e in (events or ROBOT_DEFAULT_EVENTS)], webhook_encrypted=crypto.encrypt(robot.url(path)),
        secret_encrypted=crypto.encrypt(secret))


def _post(org, ch, *, now=None):  # type: ignore[no-untyped-def]
    from kaohe.web.notify import services

    d = services.post_to_group(ch, "self_review", {"employee": "agent", "cycle": "2026年10月", "cycle_en": "2026-10"},
                               "/sheets/7/self-rating/", "test:1", now=now)
    assert d is not None
    return d


def test_dingtalk_request_is_signed_as_dingtalk_documents(org, robot, notify_settings):
    from kaohe.web.notify import services

    ch = _channel(org, robot, "dingtalk", secret=SECRET)
    d = _post(org, ch)
    assert services.deliver(d) is True
    [req] = robot.received
    assert req.path == "/robot/send"
    assert req.query["access_token"] == ["tok123"]
    ts = req.query["timestamp"][0]
    assert ts == str(int(FROZEN_AT.timestamp() * 1000))  # milliseconds
    # sign = urlencode(base64(HmacSHA256(key=secret, "timestamp\nsecret"))); parse_qs already url-decoded it
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest())
    assert req.query["sign"] == [expected.decode()]
    assert req.headers["Content-Type"].startswith("application/json")
    assert req.body["msgtype"] == "markdown"
    assert req.body["markdown"]["title"] == "请完成自评"
    text = req.body["markdown"]["text"]
    assert "“2026年10月”的自评已开始" in text
    assert "[在考核系统中打开](https://kaohe.example.com/sheets/7/self-rating/)" in text
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_error) == ("sent", 1, "")


def test_feishu_request_carries_its_signature_in_the_body(org, robot, notify_settings):
    from kaohe.web.notify import services

    robot.default = (200, {"code": 0, "msg": "success", "data": {}})
    ch = _channel(org, robot, "feishu", secret=SECRET, language="en")
    assert services.deliver(_post(org, ch)) is True
    [req] = robot.received
    assert req.path == "/open-apis/bot/v2/hook/hook-uuid-1" and req.query == {}
    ts = req.body["timestamp"]
    assert ts == str(int(FROZEN_AT.timestamp()))  # seconds
    # Feishu: HmacSHA256 keyed with "timestamp\nsecret" over an empty message, base64
    expected = base64.b64encode(hmac.new(f"{ts}\n{SECRET}".encode(), b"", hashlib.sha256).digest()).decode()
    assert req.body["sign"] == expected
    assert req.body["msg_type"] == "post"
    post = req.body["content"]["post"]["en_us"]
    assert post["title"] == "Please complete your self-rating"
    assert post["content"][0] == [{"tag": "text", "text": "The self-rating for 2026-10 has started; please rate "
                                                          "yourself and submit."}]
    assert post["content"][-1] == [{"tag": "a", "text": "Open in Kaohe",
                                    "href": "https://kaohe.example.com/sheets/7/self-rating/"}]


def test_wecom_request_has_no_signature_and_a_markdown_body(org, robot, notify_settings):
    from kaohe.web.notify import services

    ch = _channel(org, robot, "wecom")
    assert services.deliver(_post(org, ch)) is True
    [req] = robot.received
    assert req.path == "/cgi-bin/webhook/send" and req.query == {"key": ["wecom-key-1"]}
    assert set(req.body) == {"msgtype", "markdown"}
    assert req.body["msgtype"] == "markdown"
    assert req.body["markdown"]["content"].startswith("### 请完成自评\n\n")
    assert "https://kaohe.example.com/sheets/7/self-rating/" in req.body["markdown"]["content"]


@pytest.mark.parametrize("kind,refusal,code", [
    ("dingtalk", {"errcode": 310000, "errmsg": "sign not match"}, "errcode 310000"),
    ("feishu", {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"},
     "code 19021"),
    ("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"}, "errcode 93000"),
])
def test_a_refusal_in_the_body_of_an_http_200_is_a_failure(org, robot, notify_settings, kind, refusal, code):
    from kaohe.web.notify import services

    robot.default = (200, refusal)
    d = _post(org, _channel(org, robot, kind, secret=SECRET if kind != "wecom" else ""))
    assert services.deliver(d) is False
    d.refresh_from_db()
    assert d.status == "pending" and d.attempts == 1
    assert d.last_error.startswith(code)
    assert d.next_attempt_at == FROZEN_AT + dt.timedelta(seconds=60)


def test_retries_back_off_exponentially_until_the_endpoint_answers(org, robot, notify_settings, clock):
    """500, then an errcode body, then success: tried at T, T+60 s, T+60+120 s."""
    from kaohe.web.notify import services

    robot.replies.extend([(500, {"errcode": -1}), (200, {"errcode": 130101, "errmsg": "send too fast"})])
    clock.move_to(FROZEN_AT, tick=False)
    d = _post(org, _channel(org, robot, "dingtalk", secret=SECRET))
    assert services.deliver_due() == {"sent": 0, "failed": 1, "held": 0}
    d.refresh_from_db()
    assert d.last_error == "HTTP 500" and d.next_attempt_at == FROZEN_AT + dt.timedelta(seconds=60)

    clock.move_to(FROZEN_AT + dt.timedelta(seconds=59), tick=False)
    assert services.deliver_due() == {"sent": 0, "failed": 0, "held": 0}  # not due yet: nothing is sent early
    clock.move_to(FROZEN_AT + dt.timedelta(seconds=60), tick=False)
    assert services.deliver_due() == {"sent": 0, "failed": 1, "held": 0}
    d.refresh_from_db()
    assert d.attempts == 2 and d.last_error.startswith("errcode 130101")
    assert d.next_attempt_at == FROZEN_AT + dt.timedelta(seconds=60 + 120)

    clock.move_to(FROZEN_AT + dt.timedelta(seconds=180), tick=False)
    assert services.deliver_due() == {"sent": 1, "failed": 0, "held": 0}
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_error) == ("sent", 3, "")
    assert len(robot.received) == 3


def test_after_the_last_attempt_the_delivery_is_failed_and_retrying_stops(org, robot, notify_settings, clock):
    from kaohe.web.notify import services

    robot.default = (502, {})
    d = _post(org, _channel(org, robot, "wecom"))
    when = FROZEN_AT
    for _ in range(3):  # KAOHE_NOTIFY_MAX_ATTEMPTS = 3 in these tests
        clock.move_to(when, tick=False)
        services.deliver_due()
        when += dt.timedelta(hours=1)
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_error) == ("failed", 3, "HTTP 502")
    clock.move_to(when + dt.timedelta(days=1), tick=False)
    assert services.deliver_due() == {"sent": 0, "failed": 0, "held": 0}
    assert len(robot.received) == 3


def test_a_webhook_outside_the_allowed_hosts_is_never_called(org, robot, notify_settings, settings):
    from kaohe.web.notify import services

    settings.KAOHE_NOTIFY_ALLOWED_HOSTS = ["oapi.dingtalk.com"]
    d = _post(org, _channel(org, robot, "dingtalk"))
    assert services.deliver(d) is False
    d.refresh_from_db()
    assert "not an allowed robot host" in d.last_error
    assert robot.received == []


def test_an_unreachable_robot_is_recorded_without_its_address(org, notify_settings, settings):
    from kaohe.web.notify import crypto, services
    from kaohe.web.notify.models import RobotChannel

    settings.KAOHE_NOTIFY_ALLOWED_HOSTS = ["127.0.0.1"]
    s = __import__("socket").socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    ch = RobotChannel.objects.create(company=org.company, kind="wecom", name="gone", events=["self_review"],
                                     webhook_encrypted=crypto.encrypt(f"http://127.0.0.1:{port}/send?key=SECRETKEY"))
    d = _post(org, ch)
    assert services.deliver(d) is False
    d.refresh_from_db()
    assert d.last_error.startswith("connection failed") and "SECRETKEY" not in d.last_error


def test_a_robot_gets_no_more_posts_a_minute_than_the_vendor_accepts(org, robot, notify_settings, settings, clock):
    from kaohe.web.notify import services
    from kaohe.web.notify.models import Delivery

    settings.KAOHE_NOTIFY_ROBOT_PER_MINUTE = 2
    ch = _channel(org, robot, "wecom")
    for n in range(3):
        services.post_to_group(ch, "self_review", {"employee": f"e{n}", "cycle": "十月"}, "/", f"k{n}")
    assert services.deliver_due() == {"sent": 2, "failed": 0, "held": 1}
    held = Delivery.objects.get(attempts=0)
    assert held.status == "pending" and held.next_attempt_at == FROZEN_AT + dt.timedelta(minutes=1)
    clock.move_to(FROZEN_AT + dt.timedelta(minutes=1, seconds=1), tick=False)
    assert services.deliver_due() == {"sent": 1, "failed": 0, "held": 0}
    assert len(robot.received) == 3
