"""The pages: the bell and the list, one's settings, HR's robots (secrets masked, changes audited)
and the failed deliveries HR sees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaohe.web.ui import formtokens


def _note(org, user, kind="targets", **params):  # type: ignore[no-untyped-def]
    from kaohe.web.notify import services

    return services.notify(user, kind, company=org.company, url="/me/", dedup_key=f"t:{user.pk}:{kind}:{params}",
                           params={"employee": "agent", "cycle": "2026年10月", "cycle_en": "2026-10"} | params)


def _token(client, user, form_name: str) -> str:  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return formtokens.issue(request, form_name)


def test_the_bell_shows_the_unread_count_and_the_list_marks_read(client, org, notify_settings):
    from kaohe.web.notify.models import Notification

    first = _note(org, org.agent, "targets")
    _note(org, org.agent, "self_review")
    client.force_login(org.agent)
    page = client.get(reverse("notify:inbox")).content.decode()
    assert 'data-testid="notify-bell"' in page
    assert 'data-testid="notify-unread">2<' in page
    assert "请确认目标责任书" in page and "“2026年10月”的自评已开始" in page

    client.post(reverse("notify:mark_read"), {"ids": [str(first.pk)]})
    assert Notification.objects.filter(recipient=org.agent, read_at__isnull=True).count() == 1
    page = client.get(reverse("notify:inbox")).content.decode()
    assert 'data-testid="notify-unread">1<' in page

    client.post(reverse("notify:mark_read"), {"all": "1"})
    page = client.get(reverse("notify:inbox")).content.decode()
    assert 'data-testid="notify-unread"' not in page


def test_the_list_is_in_the_readers_language(client, org, notify_settings):
    _note(org, org.agent, "self_review")
    client.force_login(org.agent)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("notify:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Please complete your self-rating" in page
    assert "The self-rating for 2026-10 has started" in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, org, notify_settings):
    note = _note(org, org.agent)
    client.force_login(org.agent)
    response = client.get(reverse("notify:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/me/"
    note.refresh_from_db()
    assert note.read_at is not None
    client.force_login(org.peer1)  # someone else's notification does not exist for them
    assert client.get(reverse("notify:open", args=[note.pk])).status_code == 404


def test_saving_preferences_is_audited_and_bad_times_are_all_reported(client, org, notify_settings):
    from kaohe.web.audit.models import AuditEvent
    from kaohe.web.notify.models import EventKind, Medium, Preference

    client.force_login(org.agent)
    everything_on = {f"{k}:{m}": "on" for k in EventKind.values for m in Medium.values}
    bad = client.post(reverse("notify:preferences"), everything_on | {"quiet_start": "25:00", "quiet_end": "x",
                                                                     "language": "fr"})
    page = bad.content.decode()
    assert bad.status_code == 200
    assert page.count('<li>') >= 3 and "HH:MM" in page
    assert not Preference.objects.filter(user=org.agent).exists()

    data = dict(everything_on)
    del data["overdue_digest:email"]
    del data["rating_request:chat"]
    response = client.post(reverse("notify:preferences"), data | {"quiet_start": "22:00", "quiet_end": "08:00",
                                                                  "language": "en"})
    assert response.status_code == 302
    pref = Preference.objects.get(user=org.agent)
    assert pref.muted == {"rating_request": ["chat"], "overdue_digest": ["email"]}
    assert pref.language == "en" and str(pref.quiet_start) == "22:00:00"
    event = AuditEvent.objects.get(action="notify.preferences")
    assert event.after["muted"] == {"rating_request": ["chat"], "overdue_digest": ["email"]}
    assert event.after["quiet"] == ["22:00:00", "08:00:00"]


WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=7f3e9c0a1b2d4e5f6a7b8c9d0e1f2a3b"
SIGNING = "SEC5f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081"


def _channel_post(client, org, **fields):  # type: ignore[no-untyped-def]
    data = {"company": org.company.pk, "department": "", "kind": "dingtalk", "name": "客服中心钉钉群",
            "language": "zh-hans", "enabled": "on", "events": ["targets", "self_review"],
            "webhook": WEBHOOK, "secret": SIGNING, "webhook_env": "", "secret_env": ""} | fields
    data[formtokens.FIELD] = _token(client, org.hr, f"notify-channel-{fields.pop('_pk', 'new')}")
    return client.post(reverse("notify:channel_new"), data)


def test_hr_adds_a_robot_stored_encrypted_shown_masked_and_audited(client, org, notify_settings):
    from django.db import connection

    from kaohe.web.audit.models import AuditEvent
    from kaohe.web.notify import crypto
    from kaohe.web.notify.models import RobotChannel

    client.force_login(org.hr)
    response = _channel_post(client, org)
    assert response.status_code == 302
    ch = RobotChannel.objects.get()
    assert crypto.decrypt(ch.webhook_encrypted) == WEBHOOK and crypto.decrypt(ch.secret_encrypted) == SIGNING
    with connection.cursor() as cursor:  # nothing readable at rest
        cursor.execute("select webhook_encrypted, secret_encrypted from notify_robotchannel")
        raw = " ".join(cursor.fetchone())
    assert "access_token" not in raw and "SEC5f1a" not in raw

    for url in (reverse("notify:channels"), reverse("notify:channel_edit", args=[ch.pk])):
        page = client.get(url).content.decode()
        assert "7f3e9c0a1b2d" not in page and SIGNING not in page and SIGNING[-12:-4] not in page
    page = client.get(reverse("notify:channels")).content.decode()
    assert "https://oapi.dingtalk.com/robot/send?••••2a3b" in page and "••••7081" in page

    event = AuditEvent.objects.get(action="notify.channel.create")
    assert event.after["webhook"] == "https://oapi.dingtalk.com/robot/send?••••2a3b"
    assert event.after["secret"] == "••••7081"
    assert "7f3e9c0a" not in str(event.after) and "SEC5f1a" not in str(event.after)
    assert event.company_id_ref == org.company.pk


def test_changing_only_the_secret_keeps_the_address_and_is_audited(client, org, notify_settings):
    from kaohe.web.audit.models import AuditEvent
    from kaohe.web.notify import crypto
    from kaohe.web.notify.models import RobotChannel

    client.force_login(org.hr)
    _channel_post(client, org)
    ch = RobotChannel.objects.get()
    data = {"company": org.company.pk, "department": org.inbound.pk, "kind": "dingtalk", "name": "呼入部群",
            "language": "en", "enabled": "on", "events": ["targets"], "webhook": "",
            "secret": "SECnew0000000000000000000000000000000000000000009999",
            "webhook_env": "", "secret_env": "",
            formtokens.FIELD: _token(client, org.hr, f"notify-channel-{ch.pk}")}
    assert client.post(reverse("notify:channel_edit", args=[ch.pk]), data).status_code == 302
    ch.refresh_from_db()
    assert crypto.decrypt(ch.webhook_encrypted) == WEBHOOK
    assert crypto.decrypt(ch.secret_encrypted).endswith("9999") and ch.department == org.inbound
    event = AuditEvent.objects.get(action="notify.channel.update")
    assert event.before["secret"] == "••••7081" and event.after["secret"] == "••••9999"
    assert set(event.after["changed"]) >= {"secret", "department", "name", "language", "events"}
    assert "webhook" not in event.after["changed"]


def test_a_bad_robot_form_reports_every_problem_at_once(client, org, notify_settings):
    from kaohe.web.notify.models import RobotChannel

    client.force_login(org.hr)
    response = _channel_post(client, org, kind="feishu", webhook="https://evil.example.com/hook",
                             secret="s", secret_env="lower-case", name="")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("invalid-feedback") >= 4  # name, webhook host, env name, secret and env together
    assert "open.feishu.cn" in page
    assert RobotChannel.objects.count() == 0


def test_a_robot_may_live_in_the_environment_instead(client, org, notify_settings, robot, monkeypatch):
    from kaohe.web.notify import services
    from kaohe.web.notify.models import RobotChannel

    monkeypatch.setenv("KAOHE_WECOM_CENTER", robot.url("/cgi-bin/webhook/send?key=from-env"))
    client.force_login(org.hr)
    assert _channel_post(client, org, kind="wecom", webhook="", secret="",
                         webhook_env="KAOHE_WECOM_CENTER").status_code == 302
    ch = RobotChannel.objects.get()
    assert ch.webhook_encrypted == "" and services.channel_webhook(ch).endswith("key=from-env")
    assert "$KAOHE_WECOM_CENTER" in client.get(reverse("notify:channels")).content.decode()
    response = client.post(reverse("notify:channel_test", args=[ch.pk]), follow=True)
    assert "机器人已接收测试消息。" in response.content.decode()
    assert robot.received[0].query == {"key": ["from-env"]}


def test_a_failed_delivery_is_shown_to_hr_with_a_count_on_the_home_page(client, org, notify_settings, robot, clock):
    import datetime as dt

    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from kaohe.web.notify import crypto, services
    from kaohe.web.notify.models import RobotChannel
    from tests.notify.conftest import NOW

    robot.default = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    ch = RobotChannel.objects.create(company=org.company, kind="dingtalk", name="客服中心群", events=["targets"],
                                     webhook_encrypted=crypto.encrypt(robot.url("/robot/send?access_token=t")))
    d = services.post_to_group(ch, "targets", {"employee": "agent", "cycle": "2026年10月"}, "/me/", "k")
    for minutes in (0, 5, 30):  # three attempts (the tests' maximum)
        clock.move_to(NOW + dt.timedelta(minutes=minutes), tick=False)
        services.deliver_due()
    d.refresh_from_db()
    assert d.status == "failed"

    client.force_login(org.hr)
    page = client.get(reverse("notify:failures")).content.decode()
    assert "请确认目标责任书" in page and "客服中心群" in page
    assert "errcode 310000: keywords not in content" in page

    request = RequestFactory().get("/hr/")
    request.user = org.hr
    alert = render_to_string("notify/_hr_failures.html", {"request": request})
    assert 'data-testid="notify-failures-alert"' in alert and "1" in alert
    request.user = org.supervisor
    assert "notify-failures-alert" not in render_to_string("notify/_hr_failures.html", {"request": request})

    # HR fixes the robot and sends it again: audited, and it goes out
    robot.default = (200, {"errcode": 0, "errmsg": "ok"})
    response = client.post(reverse("notify:retry", args=[d.pk]),
                           {formtokens.FIELD: _token(client, org.hr, f"notify-retry-{d.pk}")})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == "sent"
    from kaohe.web.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="notify.delivery.retry", object_id=str(d.pk)).exists()


@pytest.mark.parametrize("name", ["supervisor", "agent", "auditor"])
def test_only_hr_opens_the_robot_and_failure_pages(client, org, notify_settings, name):
    client.force_login(org.users[name])
    for url in (reverse("notify:channels"), reverse("notify:failures"), reverse("notify:channel_new")):
        assert client.get(url).status_code == 403
    assert client.get(reverse("notify:inbox")).status_code == 200
    assert client.get(reverse("notify:preferences")).status_code == 200


def test_the_pages_ask_for_a_login(client, db):
    for name in ("notify:inbox", "notify:preferences", "notify:channels", "notify:failures"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_deleting_a_robot_is_audited_with_the_masked_address(client, org, notify_settings):
    from kaohe.web.audit.models import AuditEvent
    from kaohe.web.notify.models import RobotChannel

    client.force_login(org.hr)
    _channel_post(client, org)
    ch = RobotChannel.objects.get()
    response = client.post(reverse("notify:channel_delete", args=[ch.pk]),
                           {formtokens.FIELD: _token(client, org.hr, f"notify-channel-{ch.pk}-delete")})
    assert response.status_code == 302 and RobotChannel.objects.count() == 0
    event = AuditEvent.objects.get(action="notify.channel.delete")
    assert event.before["webhook"] == "https://oapi.dingtalk.com/robot/send?••••2a3b"
    assert "7f3e9c0a" not in str(event.before)


def test_hrs_home_page_counts_the_failed_deliveries(client, org, notify_settings):
    from kaohe.web.notify.models import Delivery
    from tests.notify.conftest import NOW

    for n in range(2):
        Delivery.objects.create(company=org.company, medium="email", address=f"x{n}@example.com", subject="s",
                                body="b", kind="targets", dedup_key=f"d{n}", status="failed", attempts=6,
                                next_attempt_at=NOW, created_at=NOW, last_error="HTTP 500")
    client.force_login(org.hr)
    page = client.get(reverse("ui:hr_home")).content.decode()
    assert 'data-testid="notify-failures-alert"' in page and "2 条通知未能送达。" in page
    assert reverse("notify:failures") in page
    client.force_login(org.supervisor)
    assert "notify-failures-alert" not in client.get(reverse("ui:home")).content.decode()
