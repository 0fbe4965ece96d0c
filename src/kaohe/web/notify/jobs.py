"""The scheduled part of notifications (run by `manage.py kaohe_notify` from a systemd timer).

One run, idempotent within a day:
1. appeal windows closing tomorrow → the employee (from KAOHE_NOTIFY_DIGEST_HOUR, company time);
2. overdue items → one digest per person a day: their own items, and for supervisors and HR
   the items of others in their scope; one summary a day to each robot that posts digests;
3. every delivery that is due (new, or waiting for its next retry) is sent.

`--dry-run` does 1 and 2 inside a transaction it rolls back, and lists what would be sent to
whom without sending anything.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import services
from .models import Delivery, EventKind, Notification, RobotChannel

# Sheet states that wait on one person, and who that is.
WAITING_STATES = {"targets_set": "employee", "self_review": "employee", "supervisor_review": "supervisor",
                  "reviewer_approval": "reviewer"}
RATING_HOLDERS = {"self": "employee", "supervisor": "supervisor", "reviewer": "reviewer"}


@dataclass(frozen=True)
class OverdueItem:
    owner_id: int | None
    owner_name: str
    sheet: Any
    step: str  # a key of messages.STEPS (or a rater role for ratings)
    due: dt.datetime

    def as_params(self, zone: Any, today: dt.date) -> dict[str, Any]:
        local_due = self.due.astimezone(zone)
        return {"employee": self.sheet.employee.name, "cycle": self.sheet.cycle.name,
                "cycle_en": self.sheet.cycle.label, "step": self.step, "who": self.owner_name,
                "due": f"{local_due:%Y-%m-%d}", "late": max((today - local_due.date()).days, 1)}


def _holder(sheet: Any, relation: str) -> Any:
    emp = sheet.employee
    if relation == "employee":
        return emp
    if relation == "supervisor":
        return emp.manager
    if relation == "reviewer":
        return emp.manager.manager if emp.manager is not None else None
    return None


def overdue_items(now: dt.datetime, *, company: Any = None) -> list[OverdueItem]:
    """Ratings past their deadline, and sheets still waiting on someone after the cycle's rating deadline."""
    from kaohe.web.appraisal.models import Rating, Sheet
    from kaohe.web.appraisal.workflow import ACTION_STATES

    items: list[OverdueItem] = []
    related = ("cycle__company", "employee__user", "employee__manager__user", "employee__manager__manager__user",
               "employee__department")
    ratings = (Rating.objects.filter(submitted_at__isnull=True, deadline__lt=now, sheet__cycle__status="open")
               .select_related("rater", *(f"sheet__{r}" for r in related)))
    if company is not None:
        ratings = ratings.filter(sheet__cycle__company=company)
    for r in ratings:
        if r.sheet.state not in ACTION_STATES.get(f"rate_{r.role}", frozenset()):
            continue  # the sheet has moved on; the request can no longer be answered
        if r.rater_id is not None:
            owner, name = r.rater, services.display_name(r.rater)
        else:
            emp = _holder(r.sheet, RATING_HOLDERS.get(r.role, ""))
            owner, name = (emp.user if emp else None), (emp.name if emp else "—")
        items.append(OverdueItem(getattr(owner, "pk", None), name, r.sheet, "rating", r.deadline))
    sheets = (Sheet.objects.filter(state__in=list(WAITING_STATES), cycle__status="open",
                                   cycle__rating_deadline__lt=now).select_related(*related))
    if company is not None:
        sheets = sheets.filter(cycle__company=company)
    for s in sheets:
        emp = _holder(s, WAITING_STATES[s.state])
        items.append(OverdueItem(emp.user_id if emp else None, emp.name if emp else "—", s, s.state,
                                 s.cycle.rating_deadline))
    return items


def _overseers(items: list[OverdueItem]) -> dict[int, list[OverdueItem]]:
    """Supervisors (direct managers and supervisor roles) and HR officers, with the items in their scope."""
    from kaohe.web.org.models import RoleAssignment
    from kaohe.web.permissions import relations

    scope: dict[int, list[OverdueItem]] = defaultdict(list)
    company_ids = {i.sheet.cycle.company_id for i in items}
    holders = {ra.user for ra in RoleAssignment.objects.filter(company_id__in=company_ids,
                                                               role__in=["hr", "supervisor"])
               .select_related("user")}
    for item in items:
        emp = item.sheet.employee
        seen: set[int] = set()
        if emp.manager is not None and emp.manager.user_id:
            seen.add(emp.manager.user_id)
        for user in holders:
            if relations(user, emp) & {"hr", "supervisor"}:
                seen.add(user.pk)
        for uid in seen - {item.owner_id}:
            scope[uid].append(item)
    return scope


@dataclass
class RunReport:
    appeal_reminders: int = 0
    digests: int = 0
    group_digests: int = 0
    sent: int = 0
    failed: int = 0
    would_send: list[Delivery] = field(default_factory=list)
    would_notify: list[Any] = field(default_factory=list)  # in-app notifications (dry run)


def run(now: dt.datetime | None = None, *, company: Any = None, dry_run: bool = False) -> RunReport:
    now = now or timezone.now()
    report = RunReport()
    with transaction.atomic():
        report.appeal_reminders = remind_appeal_windows(now, company=company)
        report.digests, report.group_digests = send_overdue_digests(now, company=company)
        if dry_run:
            report.would_notify = list(Notification.objects.filter(created_at=now).select_related("recipient"))
            report.would_send = list(services.due_deliveries(now, company=company)
                                     .select_related("notification__recipient"))
            transaction.set_rollback(True)
    if not dry_run:
        counts = services.deliver_due(now, company=company)
        report.sent, report.failed = counts["sent"], counts["failed"]
    return report


def daytime(now: dt.datetime, company: Any) -> bool:
    """Reminders and digests go out from KAOHE_NOTIFY_DIGEST_HOUR (company time) on, never at midnight."""
    from django.conf import settings

    hour = int(getattr(settings, "KAOHE_NOTIFY_DIGEST_HOUR", 8))
    return now.astimezone(services.company_zone(company)).hour >= hour


def remind_appeal_windows(now: dt.datetime, *, company: Any = None) -> int:
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.appraisal.workflow import TRANSITIONS

    count = 0
    # every state the employee may still appeal from (the workflow table says which)
    sheets = Sheet.objects.filter(state__in=list(TRANSITIONS["appeal"].sources),
                                  appeal_deadline__isnull=False).select_related(
        "cycle__company", "employee__user", "employee__department")
    if company is not None:
        sheets = sheets.filter(cycle__company=company)
    for s in sheets:
        tomorrow = now.astimezone(services.company_zone(s.cycle.company)).date() + dt.timedelta(days=1)
        if s.appeal_deadline != tomorrow or s.employee.user is None or not daytime(now, s.cycle.company):
            continue
        note = services.notify(
            s.employee.user, EventKind.APPEAL_WINDOW, company=s.cycle.company,
            params={"employee": s.employee.name, "cycle": s.cycle.name, "cycle_en": s.cycle.label,
                    "deadline": f"{s.appeal_deadline:%Y-%m-%d}"},
            url=services.url_for("ui:file_appeal", s.pk, fallback="ui:home"),
            dedup_key=f"appeal_window:{s.pk}:{s.appeal_deadline}", department=s.employee.department, now=now)
        count += note is not None
    return count


def send_overdue_digests(now: dt.datetime, *, company: Any = None) -> tuple[int, int]:
    items = overdue_items(now, company=company)
    if not items:
        return 0, 0
    own: dict[int, list[OverdueItem]] = defaultdict(list)
    for item in items:
        if item.owner_id is not None:
            own[item.owner_id].append(item)
    scope = _overseers(items)
    users = get_user_model().objects.filter(pk__in=set(own) | set(scope), is_active=True).order_by("pk")
    digests = 0
    for user in users:
        mine, theirs = own.get(user.pk, []), scope.get(user.pk, [])
        first = (mine or theirs)[0]
        co = first.sheet.cycle.company
        if not daytime(now, co):
            continue
        zone = services.company_zone(co)
        today = now.astimezone(zone).date()
        params = {"count": len(mine) + len(theirs),
                  "own": [i.as_params(zone, today) for i in _sorted(mine)],
                  "scope": [i.as_params(zone, today) for i in _sorted(theirs)]}
        note = services.notify(user, EventKind.OVERDUE_DIGEST, company=co, params=params,
                               url=services.url_for("notify:inbox", fallback="ui:home"),
                               dedup_key=f"overdue:{user.pk}:{today}", group_key=f"overdue:{user.pk}:{today}",
                               department=None, now=now)
        digests += note is not None
    return digests, _group_digests(items, now)


def _sorted(items: list[OverdueItem]) -> list[OverdueItem]:
    return sorted(items, key=lambda i: (i.due, i.sheet.employee.code, i.step))


def _group_digests(items: list[OverdueItem], now: dt.datetime) -> int:
    """One line a day to each robot posting digests: how many items are overdue in its scope."""
    from . import messages

    posted = 0
    by_company: dict[int, list[OverdueItem]] = defaultdict(list)
    for item in items:
        by_company[item.sheet.cycle.company_id].append(item)
    for ch in RobotChannel.objects.filter(company_id__in=list(by_company), enabled=True).select_related(
            "department", "company"):
        if EventKind.OVERDUE_DIGEST not in (ch.events or []):
            continue
        depts = ch.department.descendant_ids() if ch.department_id else None
        mine = [i for i in by_company[ch.company_id] if depts is None or i.sheet.employee.department_id in depts]
        if not mine:
            continue
        if not daytime(now, ch.company):
            continue
        zone = services.company_zone(ch.company)
        today = now.astimezone(zone).date()
        scope = ch.department.name if ch.department_id else ch.company.name
        params = {"count": len(mine), "own": [], "scope": [i.as_params(zone, today) for i in _sorted(mine)]}
        d = services.post_to_group(ch, EventKind.OVERDUE_DIGEST, params,
                                   services.url_for("notify:inbox", fallback="ui:home"),
                                   f"overdue:{today}", now=now)
        if d is not None:
            Delivery.objects.filter(pk=d.pk).update(
                subject=messages.pick(messages.GROUP_DIGEST, ch.language, scope=scope, count=len(mine)))
            posted += 1
    return posted
