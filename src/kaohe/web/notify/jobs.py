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

ANONYMOUS_ROLES = ("peer", "customer")  # 360 raters stay anonymous in anyone else's digest
RATING_ROLES = ("peer", "customer", "qa")  # self/supervisor/reviewer ratings are the sheet's own steps


@dataclass(frozen=True)
class OverdueItem:
    owner_ids: frozenset[int]
    owner_name: str
    sheet: Any
    step_zh: str
    step_en: str
    due: dt.date  # the last day, company time
    role: str = ""  # the rater role of a rating request; "" for a sheet step

    def as_params(self, today: dt.date, *, for_owner: bool) -> dict[str, Any]:
        hidden = self.role in ANONYMOUS_ROLES and not for_owner
        return {"employee": self.sheet.employee.name, "cycle": self.sheet.cycle.name,
                "cycle_en": self.sheet.cycle.label, "step_zh": self.step_zh, "step_en": self.step_en,
                "who": "" if hidden else self.owner_name, "anonymous": hidden,
                "due": f"{self.due:%Y-%m-%d}", "late": max((today - self.due).days, 1)}


def _hr_covering(employee: Any, hr_users: list[Any]) -> frozenset[int]:
    from kaohe.web.permissions import relations

    return frozenset(u.pk for u in hr_users if "hr" in relations(u, employee))


def overdue_items(now: dt.datetime, *, company: Any = None) -> list[OverdueItem]:
    """Every pending step past its last day, with whom it waits on.

    The steps and their deadlines are the workflow's own table (`ratings.PENDING_STEPS`, the same
    the overdue page shows): sheet steps by the cycle's deadlines, 360/customer/QA requests by theirs.
    """
    from kaohe.web.appraisal.models import Rating, Sheet
    from kaohe.web.appraisal.services.ratings import PENDING_STEPS, RATING_STEP_NAMES, _deadline_of
    from kaohe.web.appraisal.workflow import ACTION_STATES
    from kaohe.web.org.models import RoleAssignment

    items: list[OverdueItem] = []
    related = ("cycle__company", "employee__user", "employee__manager__user", "employee__manager__manager__user",
               "employee__department")
    sheets = Sheet.objects.filter(state__in=list(PENDING_STEPS), cycle__status="open").select_related(*related)
    ratings = (Rating.objects.filter(submitted_at__isnull=True, deadline__lt=now, sheet__cycle__status="open",
                                     role__in=RATING_ROLES).select_related("rater", *(f"sheet__{r}" for r in related)))
    if company is not None:
        sheets, ratings = sheets.filter(cycle__company=company), ratings.filter(sheet__cycle__company=company)
    if hasattr(Sheet, "excluded_at"):
        sheets = sheets.filter(excluded_at__isnull=True)
    hr_users: dict[int, list[Any]] = defaultdict(list)
    for ra in RoleAssignment.objects.filter(role="hr").select_related("user"):
        if ra.user not in hr_users[ra.company_id]:
            hr_users[ra.company_id].append(ra.user)
    for s in sheets:
        key, zh, en, who = PENDING_STEPS[s.state]
        deadline = _deadline_of(s, key)
        today = now.astimezone(services.company_zone(s.cycle.company)).date()
        if deadline is None or today <= deadline:
            continue
        emp = s.employee
        holder = {"employee": emp, "supervisor": emp.manager,
                  "reviewer": emp.manager.manager if emp.manager is not None else None}.get(who)
        if who == "hr":
            owners, name = _hr_covering(emp, hr_users[s.cycle.company_id]), "HR"
        else:
            owners = frozenset({holder.user_id}) if holder is not None and holder.user_id else frozenset()
            name = holder.name if holder is not None else "—"
        items.append(OverdueItem(owners, name, s, zh, en, deadline))
    for r in ratings:
        if r.sheet.state not in ACTION_STATES.get(f"rate_{r.role}", frozenset()):
            continue  # the sheet has moved on; the request can no longer be answered
        zh, en = RATING_STEP_NAMES.get(r.role, (r.role, r.role))
        owners = frozenset({r.rater_id}) if r.rater_id else frozenset()
        name = services.display_name(r.rater) if r.rater_id else "—"
        due = r.deadline.astimezone(services.company_zone(r.sheet.cycle.company)).date()
        items.append(OverdueItem(owners, name, r.sheet, zh, en, due, r.role))
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
        for uid in seen - item.owner_ids:
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
        for uid in item.owner_ids:
            own[uid].append(item)
    scope = _overseers(items)
    users = get_user_model().objects.filter(pk__in=set(own) | set(scope), is_active=True).order_by("pk")
    digests = 0
    for user in users:
        mine, theirs = own.get(user.pk, []), scope.get(user.pk, [])
        first = (mine or theirs)[0]
        co = first.sheet.cycle.company
        if not daytime(now, co):
            continue
        today = now.astimezone(services.company_zone(co)).date()
        params = {"count": len(mine) + len(theirs),
                  "own": [i.as_params(today, for_owner=True) for i in _sorted(mine)],
                  "scope": [i.as_params(today, for_owner=False) for i in _sorted(theirs)]}
        note = services.notify(user, EventKind.OVERDUE_DIGEST, company=co, params=params,
                               url=services.url_for("notify:inbox", fallback="ui:home"),
                               dedup_key=f"overdue:{user.pk}:{today}", group_key=f"overdue:{user.pk}:{today}",
                               department=None, now=now, robots=False)  # groups get their own summary
        digests += note is not None
    return digests, _group_digests(items, now)


def _sorted(items: list[OverdueItem]) -> list[OverdueItem]:
    return sorted(items, key=lambda i: (i.due, i.sheet.employee.code, i.step_en))


def _group_digests(items: list[OverdueItem], now: dt.datetime) -> int:
    """One message a day to each robot posting digests: how many items of each step are overdue in its scope."""
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
        today = now.astimezone(services.company_zone(ch.company)).date()
        scope = ch.department.name if ch.department_id else ch.company.name
        # a group sees counts per step, not who is late: names stay in the personal digests
        counted: dict[tuple[str, str], int] = defaultdict(int)
        for i in _sorted(mine):
            counted[(i.step_zh, i.step_en)] += 1
        params = {"count": len(mine), "own": [], "scope": [],
                  "steps": [{"step_zh": zh, "step_en": en, "n": n} for (zh, en), n in counted.items()]}
        d = services.post_to_group(ch, EventKind.OVERDUE_DIGEST, params,
                                   services.url_for("notify:inbox", fallback="ui:home"),
                                   f"overdue:{today}", now=now)
        if d is not None:
            Delivery.objects.filter(pk=d.pk).update(
                subject=messages.pick(messages.GROUP_DIGEST, ch.language, scope=scope, count=len(mine)))
            posted += 1
    return posted
