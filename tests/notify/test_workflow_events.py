"""Workflow steps tell the person the new state waits on — after the step commits, by a real
SMTP server on loopback and a robot receiver — and a failing channel never blocks a step."""

from __future__ import annotations

import datetime as dt

from tests.notify.conftest import NOW, SHANGHAI
from tests.web.conftest import fresh, walk_to


def _emails(org, **addresses):  # type: ignore[no-untyped-def]
    for name, address in addresses.items():
        user = org.users[name]
        user.email = address
        user.save(update_fields=["email"])


def _english(user):  # type: ignore[no-untyped-def]
    from kaohe.web.notify.models import Preference

    Preference.objects.update_or_create(user=user, defaults={"language": "en"})


def _body(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def test_issuing_targets_emails_the_employee_in_their_language_with_a_link(
        org, sheet, smtp, notify_settings, django_capture_on_commit_callbacks):
    from kaohe.web.appraisal import services as svc
    from kaohe.web.notify.models import Delivery, Notification

    _emails(org, agent="agent@example.com", supervisor="boss@example.com")
    _english(org.agent)
    with django_capture_on_commit_callbacks(execute=True):
        svc.set_targets(sheet, org.supervisor)
    [msg] = smtp.messages
    assert smtp.envelopes[0].rcpt_tos == ["agent@example.com"]
    assert msg["Subject"] == "[Kaohe] Please acknowledge your targets"
    body = _body(msg)
    assert "Your target letter for 2026-10 has been issued; please read and acknowledge it." in body
    assert f"Open in Kaohe: https://kaohe.example.com/sheets/{sheet.pk}/targets/" in body
    assert "https://kaohe.example.com/notifications/settings/" in body
    # the actor (the supervisor) is not told about their own step
    [note] = Notification.objects.all()
    assert note.recipient == org.agent and note.kind == "targets" and note.read_at is None
    assert Delivery.objects.get().status == "sent"


def test_a_chinese_reader_gets_the_chinese_email(org, sheet, smtp, notify_settings,
                                                 django_capture_on_commit_callbacks):
    from kaohe.web.appraisal import services as svc

    _emails(org, agent="agent@example.com")
    sheet = walk_to(org, sheet, "targets_acknowledged")
    with django_capture_on_commit_callbacks(execute=True):
        svc.start_self_review(fresh(sheet), org.supervisor)
    [msg] = smtp.messages
    assert _decoded_subject(msg) == "[考核] 请完成自评"
    body = _body(msg)
    assert f"“{sheet.cycle.name}”的自评已开始，请填写自评并提交。" in body
    assert f"在考核系统中打开: https://kaohe.example.com/sheets/{sheet.pk}/self-rating/" in body


def _decoded_subject(msg) -> str:  # type: ignore[no-untyped-def]
    from email.header import decode_header, make_header

    return str(make_header(decode_header(msg["Subject"])))


def test_each_step_that_waits_on_someone_tells_that_person(org, sheet, notify_settings,
                                                           django_capture_on_commit_callbacks):
    from kaohe.web.appraisal import services as svc
    from kaohe.web.notify.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        sheet = walk_to(org, sheet, "acknowledged")
        appeal = svc.file_appeal(fresh(sheet), org.agent, "质检评分有误")
        svc.assign_re_reviewer(appeal, org.hr, org.other_supervisor)
        svc.resolve_appeal(appeal, org.other_supervisor, decision="维持原结果")
    told = sorted((n.recipient.username, n.kind, n.params.get("step", n.params.get("role", "")))
                  for n in Notification.objects.select_related("recipient"))
    assert told == sorted([
        ("agent", "targets", ""),
        ("agent", "self_review", ""),
        ("peer1", "rating_request", "peer"), ("peer2", "rating_request", "peer"),
        ("peer3", "rating_request", "peer"),
        ("supervisor", "review", "supervisor_review"),
        ("reviewer", "review", "reviewer_approval"),
        ("agent", "result_published", ""),
        ("supervisor", "interview", "hold_interview"),
        ("agent", "interview", "confirm_interview"),
        ("hr", "appeal_filed", ""),
        ("other_supervisor", "appeal_review", ""),
        ("agent", "appeal_decided", ""),
    ])


def test_a_step_that_rolls_back_tells_nobody(org, sheet, notify_settings, django_capture_on_commit_callbacks):
    from django.db import transaction

    from kaohe.web.appraisal import services as svc
    from kaohe.web.notify.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                svc.set_targets(sheet, org.supervisor)
                raise RuntimeError("the page failed after the step")
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0


def test_a_failing_robot_and_mail_server_never_block_the_step(org, sheet, robot, notify_settings, settings,
                                                              django_capture_on_commit_callbacks):
    from kaohe.web.appraisal import services as svc
    from kaohe.web.notify import crypto
    from kaohe.web.notify.models import Delivery, RobotChannel

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    _emails(org, agent="agent@example.com")
    robot.default = (500, {"errcode": -1, "errmsg": "system busy"})
    RobotChannel.objects.create(company=org.company, department=org.inbound, kind="dingtalk", name="呼入部群",
                                events=["targets"], webhook_encrypted=crypto.encrypt(
                                    robot.url("/robot/send?access_token=t")))
    with django_capture_on_commit_callbacks(execute=True):
        sheet = svc.set_targets(sheet, org.supervisor)
    assert fresh(sheet).state == "targets_set"
    rows = {d.medium: d for d in Delivery.objects.all()}
    assert set(rows) == {"email", "chat"}
    assert rows["email"].status == "pending" and rows["email"].last_error.startswith("email: ")
    assert rows["chat"].status == "pending" and rows["chat"].last_error == "HTTP 500"
    assert all(d.next_attempt_at == NOW + dt.timedelta(seconds=60) for d in rows.values())
    [req] = robot.received
    assert "提醒 agent：" in req.body["markdown"]["text"]  # the group sees whom it is for, no score


def test_a_department_robot_posts_only_for_its_own_department(org, robot, notify_settings,
                                                               django_capture_on_commit_callbacks):
    from kaohe.web.notify import crypto, services
    from kaohe.web.notify.models import RobotChannel
    from kaohe.web.org.models import Department

    other = Department.objects.create(company=org.company, code="outbound", name="呼出部", parent=org.center)
    inbound = RobotChannel.objects.create(company=org.company, department=org.inbound, kind="wecom", name="呼入",
                                          events=["targets"], webhook_encrypted=crypto.encrypt(robot.url("/s?key=a")))
    RobotChannel.objects.create(company=org.company, department=other, kind="wecom", name="呼出",
                                events=["targets"], webhook_encrypted=crypto.encrypt(robot.url("/s?key=b")))
    whole = RobotChannel.objects.create(company=org.company, kind="wecom", name="全公司", events=["self_review"],
                                        webhook_encrypted=crypto.encrypt(robot.url("/s?key=c")))
    assert services.robot_channels(org.company, org.inbound, "targets") == [inbound]
    assert services.robot_channels(org.company, org.inbound, "self_review") == [whole]


def test_turning_an_event_off_stops_its_email_but_keeps_the_rest(org, sheet, smtp, notify_settings,
                                                                 django_capture_on_commit_callbacks):
    from kaohe.web.appraisal import services as svc
    from kaohe.web.notify.models import Notification, Preference

    _emails(org, agent="agent@example.com")
    Preference.objects.create(user=org.agent, muted={"targets": ["email"]})
    with django_capture_on_commit_callbacks(execute=True):
        svc.set_targets(sheet, org.supervisor)
    assert smtp.messages == []
    assert Notification.objects.filter(recipient=org.agent, kind="targets").count() == 1


def test_quiet_hours_hold_an_email_until_they_end(org, sheet, smtp, notify_settings, clock,
                                                  django_capture_on_commit_callbacks):
    from kaohe.web.appraisal import services as svc
    from kaohe.web.notify import services
    from kaohe.web.notify.models import Delivery, Preference

    _emails(org, agent="agent@example.com")
    Preference.objects.create(user=org.agent, quiet_start=dt.time(22, 0), quiet_end=dt.time(8, 0))
    clock.move_to(dt.datetime(2026, 11, 20, 23, 30, tzinfo=SHANGHAI), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        svc.set_targets(sheet, org.supervisor)
    d = Delivery.objects.get()
    assert d.status == "pending" and d.attempts == 0
    assert d.next_attempt_at == dt.datetime(2026, 11, 21, 8, 0, tzinfo=SHANGHAI)
    assert smtp.messages == []
    clock.move_to(dt.datetime(2026, 11, 21, 7, 59, tzinfo=SHANGHAI), tick=False)
    assert services.deliver_due() == {"sent": 0, "failed": 0, "held": 0}
    clock.move_to(dt.datetime(2026, 11, 21, 8, 0, tzinfo=SHANGHAI), tick=False)
    assert services.deliver_due() == {"sent": 1, "failed": 0, "held": 0}
    assert len(smtp.messages) == 1


def test_quiet_hours_within_one_day_and_none():
    from kaohe.web.notify.models import Preference
    from kaohe.web.notify.services import quiet_until

    pref = Preference(quiet_start=dt.time(12, 0), quiet_end=dt.time(13, 30))
    at = dt.datetime(2026, 11, 20, 12, 15, tzinfo=SHANGHAI)
    assert quiet_until(pref, at, SHANGHAI) == dt.datetime(2026, 11, 20, 13, 30, tzinfo=SHANGHAI)
    assert quiet_until(pref, at.replace(hour=13, minute=30), SHANGHAI) is None
    assert quiet_until(Preference(), at, SHANGHAI) is None


def test_a_rating_request_names_the_role_and_deadline(org, sheet, notify_settings,
                                                      django_capture_on_commit_callbacks):
    from kaohe.web.appraisal import services as svc
    from kaohe.web.notify import messages
    from kaohe.web.notify.models import Notification

    sheet = walk_to(org, sheet, "targets_acknowledged")
    with django_capture_on_commit_callbacks(execute=True):
        svc.request_ratings(fresh(sheet), org.supervisor, role="peer", raters=[org.peer1],
                            deadline=dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC))
    note = Notification.objects.get(recipient=org.peer1)
    text = messages.render(note.kind, note.params, "en")
    assert text.title == "Please rate agent"
    # 10:00 UTC is 18:00 in the company's zone (Asia/Shanghai)
    assert text.lines == ["You are asked to rate agent in 2026-10 (peer), due 2026-11-25 18:00."]
    assert note.url == f"/sheets/{sheet.pk}/rate/peer/"
    # 360 stays anonymous: the employee is not told who was asked
    assert not Notification.objects.filter(recipient=org.agent, kind="rating_request").exists()


def test_a_bulk_step_sends_a_few_at_once_and_leaves_the_rest_to_the_job(org, cycle, smtp, notify_settings, settings,
                                                                        django_capture_on_commit_callbacks):
    from django.db import transaction

    from kaohe.web.appraisal import services as svc
    from kaohe.web.notify import jobs
    from kaohe.web.notify.models import Delivery

    settings.KAOHE_NOTIFY_SEND_NOW_LIMIT = 2
    sheets = list(cycle.sheets.select_related("employee__user").order_by("employee__code"))
    for s in sheets:
        s.employee.user.email = f"{s.employee.user.username}@example.com"
        s.employee.user.save()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for s in sheets:
            svc.set_targets(s, org.supervisor if s.employee.manager.user == org.supervisor else org.other_supervisor)
    assert Delivery.objects.count() == len(sheets) == 5
    assert len(smtp.messages) == 2
    assert Delivery.objects.filter(status="pending", attempts=0).count() == 3
    jobs.run()
    assert len(smtp.messages) == 5


def test_a_decided_dispute_tells_the_employee(org, sheet, notify_settings, django_capture_on_commit_callbacks):
    """No dispute module exists yet; whatever records `dispute.decide` on a sheet is enough."""
    from kaohe.web.audit.services import record
    from kaohe.web.notify import messages
    from kaohe.web.notify.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        record(org.hr, "dispute.decide", sheet, after={"decision": "维持"}, company_id=org.company.pk)
    note = Notification.objects.get(recipient=org.agent)
    assert note.kind == "dispute_decided" and note.url == f"/sheets/{sheet.pk}/"
    assert messages.render(note.kind, note.params, "en").title == "Your dispute was decided"
