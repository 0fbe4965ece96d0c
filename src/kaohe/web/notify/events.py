"""From the audit trail to notifications.

Every workflow step writes an audit event (`kaohe.web.audit.services.record`). When one is
saved, this module waits for the transaction to commit — a step that rolls back tells nobody —
then works out whom the new state waits on and tells them. Sending happens after that commit
too, and any error ends up on the delivery row: notifications never block or fail a step.

| audit action | step / detail | who is told | event |
|---|---|---|---|
| sheet.transition | set_targets | the employee | targets |
| sheet.transition | start_self_review | the employee | self_review |
| sheet.transition | submit_self_review, return_to_supervisor | the supervisor | review |
| sheet.transition | submit_supervisor_review | the reviewer | review |
| sheet.transition | publish | the employee (result), the supervisor (interview) | result_published, interview |
| sheet.transition | appeal | HR of the company | appeal_filed |
| sheet.transition | resolve_appeal | the employee | appeal_decided |
| interview.record | — | the employee (confirm the record) | interview |
| rating.request | role, raters | each rater (or the holder of self/supervisor/reviewer) | rating_request |
| appeal.assign | re_reviewer | the re-reviewer | appeal_review |
| dispute.decide / dispute.resolve | — | the employee of the sheet | dispute_decided |

The person who acted is never told about their own action.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

log = logging.getLogger("kaohe.notify")


@dataclass(frozen=True)
class Target:
    user: Any
    kind: str
    url: str
    extra: dict[str, Any]


def audit_event_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """post_save of AuditEvent: act after the commit of the transaction that wrote it."""
    if not created or kwargs.get("raw"):
        return
    event_id = instance.pk
    transaction.on_commit(lambda: handle_event(event_id), robust=True)


class _SendBudget(threading.local):
    """How many messages this thread may still send at once, per burst of a few seconds.

    A bulk step over hundreds of sheets commits hundreds of events at once; the first
    KAOHE_NOTIFY_SEND_NOW_LIMIT messages go out right away, the rest with the next run of the job,
    so the person who clicked is not kept waiting on the mail server.
    """

    window = 10.0  # seconds (monotonic clock: not the frozen wall clock of the tests)

    def __init__(self) -> None:
        self.started = -1e9
        self.used = 0

    def take(self, wanted: int) -> int:
        now = time.monotonic()
        if now - self.started > self.window:
            self.started, self.used = now, 0
        limit = int(getattr(settings, "KAOHE_NOTIFY_SEND_NOW_LIMIT", 20))
        granted = max(0, min(wanted, limit - self.used))
        self.used += granted
        return granted


send_budget = _SendBudget()


def handle_event(event_id: int) -> None:
    """Notify for one committed audit event, then try to send at once. Logs instead of raising."""
    from kaohe.web.audit.models import AuditEvent

    from . import services

    try:
        event = AuditEvent.objects.filter(pk=event_id).first()
        if event is None:
            return
        with transaction.atomic():
            notes = notify_for_event(event)
        if not notes or not getattr(settings, "KAOHE_NOTIFY_SEND_ON_COMMIT", True):
            return
        ids = [d.pk for n in notes for d in n.deliveries.all()]
        granted = send_budget.take(len(ids))
        if granted:
            services.deliver_due(ids=ids[:granted])
    except Exception:  # noqa: BLE001 (the step is done and committed; a notification bug must not surface)
        log.exception("notifications for audit event %s failed", event_id)


def notify_for_event(event: Any) -> list[Any]:
    from kaohe.web.appraisal.models import Sheet

    from . import services

    if event.object_type != "appraisal.sheet":
        return []
    sheet = (Sheet.objects.select_related("cycle__company", "employee__user", "employee__department",
                                          "employee__manager__user", "employee__manager__manager__user")
             .filter(pk=event.object_id).first())
    if sheet is None:
        return []
    targets = targets_for(event, sheet)
    emp = sheet.employee
    base = {"employee": emp.name, "cycle": sheet.cycle.name, "cycle_en": sheet.cycle.label}
    notes = []
    for t in targets:
        if t.user is None or t.user.pk == event.actor_id:
            continue
        params = base | t.extra
        note = services.notify(
            t.user, t.kind, company=sheet.cycle.company, params=params, url=t.url,
            dedup_key=f"audit:{event.seq}:{t.kind}:{t.user.pk}", group_key=f"audit:{event.seq}:{t.kind}",
            department=emp.department, now=event.at)
        if note is not None:
            notes.append(note)
    return notes


def _user(employee: Any) -> Any:
    return getattr(employee, "user", None) if employee is not None else None


def targets_for(event: Any, sheet: Any) -> list[Target]:
    from . import services

    url = services.url_for
    emp = sheet.employee
    me = _user(emp)
    boss = _user(emp.manager)
    reviewer = _user(emp.manager.manager) if emp.manager is not None else None
    after = event.after if isinstance(event.after, dict) else {}
    action = event.action
    pk = sheet.pk
    if action == "sheet.transition":
        step = after.get("step", "")
        if step == "set_targets":
            return [Target(me, "targets", url("ui:targets", pk, fallback="ui:home"), {})]
        if step == "start_self_review":
            return [Target(me, "self_review", url("ui:self_rating", pk, fallback="ui:home"), {})]
        if step in ("submit_self_review", "return_to_supervisor"):
            label = "returned" if step == "return_to_supervisor" else "supervisor_review"
            return [Target(boss, "review", url("ui:supervisor_rating", pk, fallback="ui:home"), {"step": label})]
        if step == "submit_supervisor_review":
            return [Target(reviewer, "review", url("ui:review_sheet", pk, fallback="ui:home"),
                           {"step": "reviewer_approval"})]
        if step == "publish":
            return [Target(me, "result_published", url("ui:sheet", pk, fallback="ui:home"), {}),
                    Target(boss, "interview", url("ui:interview", pk, fallback="ui:home"),
                           {"step": "hold_interview"})]
        if step == "appeal":
            return [Target(u, "appeal_filed", url("ui:appeal_for_sheet", pk, fallback="ui:home"), {})
                    for u in _hr_users(sheet)]
        if step == "resolve_appeal":
            return [Target(me, "appeal_decided", url("ui:appeal_for_sheet", pk, fallback="ui:home"), {})]
        return []
    if action == "interview.record":
        return [Target(me, "interview", url("ui:interview", pk, fallback="ui:home"), {"step": "confirm_interview"})]
    if action == "rating.request":
        return _rating_targets(sheet, after, me, boss, reviewer)
    if action == "appeal.assign":
        user = get_user_model().objects.filter(pk=after.get("re_reviewer")).first()
        appeal = after.get("appeal")
        link = url("ui:appeal", appeal, fallback="ui:home") if appeal else url("ui:appeal_list", fallback="ui:home")
        return [Target(user, "appeal_review", link, {})]
    if action.startswith("dispute.") and action.rsplit(".", 1)[-1] in ("decide", "resolve", "decided", "resolved"):
        return [Target(me, "dispute_decided", url("ui:sheet", pk, fallback="ui:home"), {})]
    return []


def _rating_targets(sheet: Any, after: dict[str, Any], me: Any, boss: Any, reviewer: Any) -> list[Target]:
    from . import services

    role = str(after.get("role", ""))
    deadline = _local_time(after.get("deadline"), sheet.cycle.company)
    extra = {"role": role, "deadline": deadline}
    ids = [i for i in after.get("raters") or [] if i is not None]
    if ids:
        users = list(get_user_model().objects.filter(pk__in=ids))
    else:
        users = [{"self": me, "supervisor": boss, "reviewer": reviewer}.get(role)]
    pages = {"self": "ui:self_rating", "supervisor": "ui:supervisor_rating", "reviewer": "ui:reviewer_rating"}
    if role in pages:
        link = services.url_for(pages[role], sheet.pk, fallback="ui:home")
    else:
        try:
            from django.urls import reverse

            link = reverse("ui:other_rating", args=[sheet.pk, role])
        except Exception:  # noqa: BLE001 (page renamed: fall back to the to-do list)
            link = services.url_for("ui:rating_requests", fallback="ui:home")
    return [Target(u, "rating_request", link, extra) for u in users if u is not None]


def _local_time(value: Any, company: Any) -> str:
    """An ISO timestamp from the audit trail as the company's local "YYYY-MM-DD HH:MM"."""
    import datetime as dt

    from . import services

    if not value:
        return ""
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return f"{when.astimezone(services.company_zone(company)):%Y-%m-%d %H:%M}"


def _hr_users(sheet: Any) -> list[Any]:
    """HR officers whose scope covers the sheet's employee."""
    from kaohe.web.org.models import RoleAssignment
    from kaohe.web.permissions import relations

    company_id = sheet.cycle.company_id
    users = {ra.user for ra in RoleAssignment.objects.filter(company_id=company_id, role="hr")
             .select_related("user")}
    return [u for u in sorted(users, key=lambda u: u.pk) if "hr" in relations(u, sheet.employee)]
