"""The scheduled jobs: nightly KPI recompute and overdue-rating reminders, and their timer units."""

from __future__ import annotations

import configparser
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import KpiComputation, Rating
from kaohe.web.audit.models import AuditEvent
from tests.web.conftest import walk_to

REPO = Path(__file__).resolve().parents[2]
SURVEYS = ("survey_id,agent_id,customer_id,call_id,ticket_id,answered_at,csat,nps\n"
           "s1,A001,c1,,,2026-10-03 10:00:00,5,9\ns2,A001,c2,,,2026-10-04 10:00:00,2,8\n")


def _run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _load(org, cycle, tmp_path, name="s.csv", body=SURVEYS):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    svc.confirm_upload(svc.validate_upload(cycle, org.hr, path=path, file_name=name, table="surveys"), org.hr)


def test_recompute_runs_only_when_new_records_arrived(org, cycle, tmp_path):
    assert "skipped demo/2026-10: no new records" in _run("kaohe_recompute_kpis", "--as", "hr")
    assert KpiComputation.objects.filter(cycle=cycle).count() == 0
    _load(org, cycle, tmp_path)
    assert "computed demo/2026-10 #1" in _run("kaohe_recompute_kpis", "--as", "hr")
    assert "skipped" in _run("kaohe_recompute_kpis", "--as", "hr")  # nothing new since
    assert "computed demo/2026-10 #2" in _run("kaohe_recompute_kpis", "--as", "hr", "--force")
    comp = svc.current_computation(cycle)
    assert comp.number == 2 and comp.computed_by == org.hr
    # the recompute is audited under the service account
    assert AuditEvent.objects.filter(action="kpi.compute", actor=org.hr).count() == 2


def test_recompute_refuses_an_account_without_the_hr_role(org, cycle, tmp_path):
    _load(org, cycle, tmp_path)
    with pytest.raises(CommandError):
        _run("kaohe_recompute_kpis", "--as", "agent")
    assert KpiComputation.objects.filter(cycle=cycle).count() == 0


def test_recompute_needs_a_named_account(db, settings):
    settings.KAOHE_JOBS_USER = ""
    with pytest.raises(CommandError, match="KAOHE_JOBS_USER"):
        _run("kaohe_recompute_kpis")


def test_reminders_go_to_the_late_rater_and_the_supervisor_and_are_not_audited(org, sheet):
    sheet = walk_to(org, sheet, "targets_acknowledged")
    for name in ("peer1", "supervisor"):
        user = getattr(org, name)
        user.email = f"{name}@example.com"
        user.save()
    svc.request_ratings(sheet, org.supervisor, role="peer", raters=[org.peer1, org.peer2],
                        deadline=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    Rating.objects.filter(rater=org.peer2).update(submitted_at=dt.datetime(2026, 10, 30, tzinfo=dt.UTC))
    events = AuditEvent.objects.count()
    out = _run("kaohe_remind_deadlines")
    assert AuditEvent.objects.count() == events
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["peer1@example.com", "supervisor@example.com"]
    peer_mail = next(m for m in mail.outbox if m.to == ["peer1@example.com"])
    assert "agent (A001)" in peer_mail.body and "peer_feedback" in peer_mail.body
    assert "peer2" not in out  # peer2 rated in time
    assert "2 email(s) sent" in out


def test_reminders_dry_run_sends_nothing(org, sheet):
    sheet = walk_to(org, sheet, "targets_acknowledged")
    org.peer1.email = "peer1@example.com"
    org.peer1.save()
    svc.request_ratings(sheet, org.supervisor, role="peer", raters=[org.peer1],
                        deadline=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    out = _run("kaohe_remind_deadlines", "--dry-run")
    assert "peer1 → peer1@example.com: 1 overdue" in out
    assert mail.outbox == []


def test_no_reminders_before_the_deadline(org, sheet):
    sheet = walk_to(org, sheet, "targets_acknowledged")
    svc.request_ratings(sheet, org.supervisor, role="peer", raters=[org.peer1],
                        deadline=dt.datetime(2999, 1, 1, tzinfo=dt.UTC))
    assert "0 reminder(s)" in _run("kaohe_remind_deadlines")


@pytest.mark.parametrize("job", ["kaohe-recompute-kpis", "kaohe-remind-deadlines"])
def test_each_timer_starts_a_service_that_runs_an_existing_command(job):
    timer, service = configparser.ConfigParser(strict=False), configparser.ConfigParser(strict=False)
    timer.read(REPO / "deploy" / f"{job}.timer")
    service.read(REPO / "deploy" / f"{job}.service")
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    assert service["Service"]["Type"] == "oneshot"
    command = service["Service"]["ExecStart"].split("manage.py", 1)[1].split()[0]
    assert command == job.replace("-", "_")
    assert command in get_commands()
    assert service["Service"]["EnvironmentFile"] == "/etc/kaohe/kaohe.env"
