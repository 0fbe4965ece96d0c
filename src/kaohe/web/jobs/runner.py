"""What the scheduled jobs do, as plain functions (the management commands only parse options)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone


class JobError(Exception):
    pass


def job_user(username: str | None) -> Any:
    """The account a job acts as: an HR service account, so permissions and the audit trail apply."""
    name = username or getattr(settings, "KAOHE_JOBS_USER", "") or ""
    if not name:
        raise JobError("请用 --as 或 KAOHE_JOBS_USER 指定作业账号（须有公司范围的绩效管理员角色） / "
                       "name the job's account with --as or KAOHE_JOBS_USER (it needs the company-wide HR role)")
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise JobError(f"没有用户 {name} / there is no user {name}")
    return user


@dataclass
class RecomputeResult:
    computed: list[str] = field(default_factory=list)  # "company/cycle #n"
    skipped: list[str] = field(default_factory=list)  # "company/cycle: why"
    failed: list[str] = field(default_factory=list)


def _new_data_since(cycle: Any, current: Any) -> bool:
    """Records the current computation has not seen: a batch it did not use, committed since it ran.

    The store's commit times have one-second resolution, so a batch from the computation's own second
    counts as new unless the computation lists it (at worst one extra recompute, never a missed one).
    """
    from kaohe.metrics.store import Store
    from kaohe.web.appraisal.services.data import store_dir

    root = store_dir(cycle.company)
    if not root.is_dir():
        return False
    used = set(current.batches or []) if current is not None else set()
    since = None if current is None else current.computed_at.replace(microsecond=0)
    for batch in Store(root).batches():
        if batch.get("table") == "org" or batch.get("batch_id") in used:
            continue  # the org dimension is rewritten by every computation itself
        if since is None:
            return True
        when = dt.datetime.fromisoformat(batch.get("committed_at", "1970-01-01T00:00:00+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        if when >= since:
            return True
    return False


def recompute_kpis(actor: Any, *, company: str | None = None, force: bool = False) -> RecomputeResult:
    """Recompute the KPIs of every open cycle that received records since its last computation."""
    from kaohe.web.appraisal import services as svc
    from kaohe.web.appraisal.models import Cycle
    from kaohe.web.errors import KaoheError

    result = RecomputeResult()
    cycles = Cycle.objects.filter(status=Cycle.Status.OPEN).select_related("company").order_by("company__code", "start")
    if company:
        cycles = cycles.filter(company__code=company)
    for cycle in cycles:
        name = f"{cycle.company.code}/{cycle.label}"
        current = svc.current_computation(cycle)
        if not force and not _new_data_since(cycle, current):
            result.skipped.append(f"{name}: no new records")
            continue
        try:
            comp = svc.compute_cycle_kpis(cycle, actor)
        except KaoheError as exc:
            result.failed.append(f"{name}: {exc.message_en}")
            continue
        result.computed.append(f"{name} #{comp.number}")
    return result


@dataclass
class Reminder:
    user: str
    email: str
    lines: list[str]


def overdue_reminders(*, company: str | None = None, now: dt.datetime | None = None) -> list[Reminder]:
    """One reminder per person with overdue ratings: their own requests and those on sheets they oversee."""
    from kaohe.web.appraisal import services as svc
    from kaohe.web.appraisal.models import Rating
    from kaohe.web.org.models import RoleAssignment

    now = now or timezone.now()
    overdue = Rating.objects.filter(submitted_at__isnull=True, deadline__lt=now)
    if company:
        overdue = overdue.filter(sheet__cycle__company__code=company)
    if not overdue.exists():
        return []
    # who might see overdue items: the raters themselves and everyone holding a role in those companies
    company_ids = set(overdue.values_list("sheet__cycle__company_id", flat=True))
    user_ids = set(overdue.exclude(rater__isnull=True).values_list("rater_id", flat=True))
    user_ids |= set(RoleAssignment.objects.filter(company_id__in=company_ids)
                    .exclude(role__in=["employee", "auditor", "qa"]).values_list("user_id", flat=True))
    reminders = []
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("username"):
        items = svc.overdue_ratings(user, now=now)
        if company:
            items = items.filter(sheet__cycle__company__code=company)
        lines = [f"{r.sheet.employee.name} ({r.sheet.employee.code}) · {r.sheet.cycle.label} · "
                 f"{r.indicator or '整体 overall'} · {r.role} · 截止 due "
                 f"{timezone.localtime(r.deadline):%Y-%m-%d %H:%M}"
                 + ("" if r.rater_id in (None, user.pk) else " · 待他人评分 awaiting another rater")
                 for r in items]
        if lines:
            reminders.append(Reminder(user.get_username(), user.email, lines))
    return reminders


def send_reminders(reminders: list[Reminder]) -> int:
    """Email each reminder that has an address; returns how many were sent. Writes no audit event."""
    messages = []
    for rem in reminders:
        if not rem.email:
            continue
        body = ("以下评分已超过截止时间，请尽快处理：\nThe following ratings are past their deadline:\n\n"
                + "\n".join(f"- {line}" for line in rem.lines) + "\n\n— Kaohe 考核\n")
        messages.append(EmailMessage(f"[Kaohe] {len(rem.lines)} 项评分已逾期 / overdue ratings", body,
                                     to=[rem.email]))
    if not messages:
        return 0
    with get_connection() as conn:
        return int(conn.send_messages(messages) or 0)
