"""The scheduled job: appeal windows closing tomorrow, daily overdue digests for each person and
for supervisors and HR over their scope, one summary per robot, and `--dry-run`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from tests.notify.conftest import SHANGHAI
from tests.web.conftest import fresh, walk_to


def _run(*args: str) -> str:
    out = StringIO()
    call_command("kaohe_notify", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_prints_what_would_be_sent_to_whom_and_stores_nothing(org, sheet, smtp, notify_settings):
    from kaohe.web.notify.models import Delivery, Notification

    for name in ("agent", "supervisor", "hr"):
        org.users[name].email = f"{name}@example.com"
        org.users[name].save()
    walk_to(org, sheet, "self_review")  # the cycle's rating deadline (5 Nov) has passed on 20 Nov
    Notification.objects.all().delete()
    out = _run("--dry-run")
    assert "email → agent <agent@example.com>: [考核] 逾期事项：1 项" in out
    assert "email → supervisor <supervisor@example.com>: [考核] 逾期事项：1 项" in out
    assert "email → hr <hr@example.com>: [考核] 逾期事项：1 项" in out
    assert "in-app → agent (agent): 逾期事项：1 项" in out
    assert "3 overdue digest(s)" in out and "nothing was sent or stored" in out
    assert Notification.objects.count() == 0 and Delivery.objects.count() == 0
    assert smtp.messages == []


def test_digests_list_each_persons_own_items_and_their_scope_once_a_day(org, cycle, notify_settings, clock):
    from kaohe.web.notify import jobs, messages
    from kaohe.web.notify.models import Notification

    agent_sheet = walk_to(org, cycle.sheets.get(employee=org.agent_emp), "self_review")
    walk_to(org, cycle.sheets.get(employee=org.other_agent_emp), "supervisor_review")
    Notification.objects.all().delete()
    report = jobs.run()
    assert report.digests == 4  # agent, supervisor, other_supervisor, hr
    digests = {n.recipient.username: n for n in Notification.objects.filter(kind="overdue_digest")}
    assert set(digests) == {"agent", "supervisor", "other_supervisor", "hr"}
    agent = digests["agent"].params
    assert [i["step_en"] for i in agent["own"]] == ["Self-review"] and agent["scope"] == []
    # the supervisor of team A sees the agent's item in scope; other_supervisor owns the review of B
    assert [i["employee"] for i in digests["supervisor"].params["scope"]] == ["agent"]
    assert [i["step_en"] for i in digests["other_supervisor"].params["own"]] == ["Supervisor rating"]
    hr = digests["hr"].params
    assert sorted(i["employee"] for i in hr["scope"]) == ["agent", "other_agent"] and hr["own"] == []
    text = messages.render("overdue_digest", hr, "en")
    assert text.title == "Overdue: 2 item(s)"
    assert "- agent · 2026-10 · Self-review · agent · due 2026-11-05 (15 day(s) late)" in text.lines
    # the deadline is 2026-11-05 00:00 UTC = 08:00 in Shanghai; on 20 Nov that is 15 days late
    assert agent_sheet.cycle.rating_deadline == dt.datetime(2026, 11, 5, tzinfo=dt.UTC)

    again = jobs.run()
    assert again.digests == 0  # the same day: nobody is told twice
    clock.move_to(dt.datetime(2026, 11, 21, 0, 10, tzinfo=SHANGHAI), tick=False)
    assert jobs.run().digests == 0  # the job runs all night; digests wait for the morning
    clock.move_to(dt.datetime(2026, 11, 21, 8, 10, tzinfo=SHANGHAI), tick=False)
    assert jobs.run().digests == 4  # the next morning: a new digest


def test_the_appeal_window_reminder_comes_the_day_before_it_closes(org, sheet, notify_settings, clock):
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.notify import jobs, messages
    from kaohe.web.notify.models import Notification

    sheet = walk_to(org, sheet, "acknowledged")
    Sheet.objects.filter(pk=sheet.pk).update(appeal_deadline=dt.date(2026, 11, 24))
    Notification.objects.all().delete()
    clock.move_to(dt.datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI), tick=False)
    assert jobs.run().appeal_reminders == 0
    clock.move_to(dt.datetime(2026, 11, 23, 7, 59, tzinfo=SHANGHAI), tick=False)  # the right day, too early
    assert jobs.run().appeal_reminders == 0
    clock.move_to(dt.datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI), tick=False)  # 23 Nov 00:00 UTC
    assert jobs.run().appeal_reminders == 1
    assert jobs.run().appeal_reminders == 0
    note = Notification.objects.get(kind="appeal_window")
    assert note.recipient == org.agent and note.url == f"/sheets/{fresh(sheet).pk}/appeal/"
    assert messages.render(note.kind, note.params, "zh-hans").lines == [
        f"“{sheet.cycle.name}”的申诉期于 2026-11-24 截止；如对结果有异议，请在此之前提出申诉。"]


def test_a_robot_that_posts_digests_gets_one_summary_of_its_scope(org, cycle, robot, notify_settings):
    from kaohe.web.notify import crypto, jobs
    from kaohe.web.notify.models import RobotChannel

    walk_to(org, cycle.sheets.get(employee=org.agent_emp), "self_review")
    RobotChannel.objects.create(company=org.company, department=org.inbound, kind="wecom", name="呼入部",
                                events=["overdue_digest"], webhook_encrypted=crypto.encrypt(robot.url("/s?key=k")))
    report = jobs.run()
    assert report.group_digests == 1
    posts = [r.body["markdown"]["content"] for r in robot.received]
    [summary] = [p for p in posts if p.startswith("### 呼入部：1 项逾期事项")]
    assert "- 自评：1 项" in summary
    assert "agent" not in summary  # the group sees counts; who is late stays in personal digests
    assert jobs.run().group_digests == 0


def test_the_job_retries_what_is_due(org, robot, notify_settings, clock):
    from kaohe.web.notify import crypto, jobs, services
    from kaohe.web.notify.models import RobotChannel

    robot.replies.append((503, {}))
    ch = RobotChannel.objects.create(company=org.company, kind="dingtalk", name="g", events=["targets"],
                                     webhook_encrypted=crypto.encrypt(robot.url("/robot/send?access_token=x")))
    services.post_to_group(ch, "targets", {"employee": "agent", "cycle": "十月"}, "/", "k1")
    first = jobs.run()
    assert (first.sent, first.failed) == (0, 1)
    second = jobs.run()
    assert (second.sent, second.failed) == (0, 0)  # waiting for its retry time
    clock.move_to(dt.datetime(2026, 11, 20, 10, 1, 1, tzinfo=SHANGHAI), tick=False)
    report = jobs.run()
    assert report.sent == 1 and len(robot.received) == 2


def test_no_reminder_once_the_employee_has_appealed_or_the_sheet_is_closed(org, sheet, notify_settings, clock):
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.appraisal.workflow import TRANSITIONS
    from kaohe.web.notify import jobs
    from kaohe.web.notify.models import Notification

    sheet = walk_to(org, sheet, "published")
    tomorrow = dt.date(2026, 11, 21)
    Sheet.objects.filter(pk=sheet.pk).update(appeal_deadline=tomorrow)
    expected = 1 if "published" in TRANSITIONS["appeal"].sources else 0
    assert jobs.run().appeal_reminders == expected  # 20 Nov 10:00: the window closes tomorrow
    Sheet.objects.filter(pk=sheet.pk).update(state="appealed")
    Notification.objects.filter(kind="appeal_window").delete()
    assert jobs.run().appeal_reminders == 0


def test_a_late_360_rater_is_named_only_in_their_own_digest(org, sheet, notify_settings):
    from kaohe.web.appraisal import services as svc
    from kaohe.web.notify import jobs, messages
    from kaohe.web.notify.models import Notification

    sheet = walk_to(org, sheet, "targets_acknowledged")
    svc.request_ratings(fresh(sheet), org.supervisor, role="peer", raters=[org.peer2],
                        deadline=dt.datetime(2026, 11, 10, 10, tzinfo=dt.UTC))
    Notification.objects.all().delete()
    jobs.run()
    digests = {n.recipient.username: n for n in Notification.objects.filter(kind="overdue_digest")}
    own = messages.render("overdue_digest", digests["peer2"].params, "zh-hans").lines
    name = sheet.cycle.name
    assert f"- agent · “{name}” · 360 评价 · peer2 · 截止 2026-11-10（逾期 10 天）" in own
    for boss in ("supervisor", "hr"):
        lines = messages.render("overdue_digest", digests[boss].params, "zh-hans").lines
        assert f"- agent · “{name}” · 360 评价 · 匿名评价人 · 截止 2026-11-10（逾期 10 天）" in lines
        assert not any("peer2" in line for line in lines)


def test_personal_digests_never_go_to_a_group(org, cycle, robot, notify_settings):
    from kaohe.web.notify import crypto, jobs
    from kaohe.web.notify.models import Delivery, RobotChannel

    walk_to(org, cycle.sheets.get(employee=org.agent_emp), "self_review")
    RobotChannel.objects.create(company=org.company, kind="wecom", name="全公司", events=["overdue_digest"],
                                webhook_encrypted=crypto.encrypt(robot.url("/s?key=k")))
    report = jobs.run()
    assert report.digests >= 3 and report.group_digests == 1
    assert Delivery.objects.filter(medium="chat").count() == 1  # the one summary, no personal digest
