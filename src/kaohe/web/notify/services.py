"""Telling people: in-app notifications, emails and robot posts, with retries that never block work.

`notify()` records one notification and queues its deliveries; `deliver()` makes one attempt
and records the outcome; `deliver_due()` sends what is due (right after the step that caused
it commits, and from the scheduled job for retries). Nothing here raises into a workflow step:
an error becomes a delivery's `last_error`, shown to HR.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import crypto, messages, robots
from .models import Delivery, Medium, Notification, Preference, RobotChannel

log = logging.getLogger("kaohe.notify")


# --- people and places ----------------------------------------------------------------------


def preference_for(user: Any) -> Preference:
    """The person's saved preference, or the defaults (everything on, Chinese, no quiet hours)."""
    pref = Preference.objects.filter(user=user).first()
    return pref if pref is not None else Preference(user=user, language=_default_language())


def _default_language() -> str:
    return "en" if settings.LANGUAGE_CODE.startswith("en") else "zh-hans"


def display_name(user: Any) -> str:
    employee = getattr(user, "employee", None)
    try:
        if employee is not None and employee.name:
            return str(employee.name)
    except Exception:  # noqa: BLE001 (a missing related row)
        pass
    return user.get_full_name() or user.get_username()


def company_zone(company: Any) -> ZoneInfo:
    try:
        return ZoneInfo(company.time_zone if company is not None else settings.TIME_ZONE)
    except Exception:  # noqa: BLE001 (a bad zone is a system check's concern, not a reason to stop)
        return ZoneInfo(settings.TIME_ZONE)


def absolute(path: str) -> str:
    base = getattr(settings, "KAOHE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}" if path.startswith("/") else path


def url_for(name: str, *args: Any, fallback: str = "") -> str:
    """A page's path, tolerating pages renamed or not yet present (the link then falls back)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        if fallback:
            return url_for(fallback)
        return "/"


def quiet_until(pref: Preference, now: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """The end of the person's quiet hours when `now` falls inside them, else None.

    A window may run over midnight (22:00–08:00). Start equal to end means no quiet hours.
    """
    start, end = pref.quiet_start, pref.quiet_end
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(zone)
    t = local.time().replace(tzinfo=None)
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_day = local.date() if t < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(end_day, end, tzinfo=zone).astimezone(dt.UTC)


# --- robots ---------------------------------------------------------------------------------


def channel_webhook(channel: RobotChannel) -> str:
    import os

    if channel.webhook_env:
        return os.environ.get(channel.webhook_env, "")
    return crypto.decrypt(channel.webhook_encrypted)


def channel_secret(channel: RobotChannel) -> str:
    import os

    if channel.secret_env:
        return os.environ.get(channel.secret_env, "")
    return crypto.decrypt(channel.secret_encrypted)


def _ancestors(department: Any) -> set[int]:
    found: set[int] = set()
    while department is not None and department.pk not in found:
        found.add(department.pk)
        department = department.parent
    return found


def robot_channels(company: Any, department: Any, kind: str) -> list[RobotChannel]:
    """Enabled robots of the company (company-wide, or of this department or one above it) posting `kind`."""
    if company is None:
        return []
    depts = _ancestors(department)
    found = []
    for ch in RobotChannel.objects.filter(company=company, enabled=True).order_by("pk"):
        if ch.department_id is not None and ch.department_id not in depts:
            continue
        if kind in (ch.events or []):
            found.append(ch)
    return found


# --- recording and queueing -----------------------------------------------------------------


def notify(user: Any, kind: str, *, company: Any, params: dict[str, Any], url: str, dedup_key: str,
           group_key: str = "", department: Any = None, now: dt.datetime | None = None,
           robots: bool = True) -> Notification | None:
    """Tell `user` about `kind` once per `dedup_key`: in the app, by email and to group robots as they chose.

    Returns the notification (None when the person turned this event off everywhere, or it was
    already told). Robots post an event once per group key, however many people it concerns;
    `robots=False` keeps a personal message (a digest) out of the groups.
    """
    if user is None or not getattr(user, "is_active", True):
        return None
    now = now or timezone.now()
    pref = preference_for(user)
    in_app, by_mail, in_chat = (pref.wants(kind, m) for m in (Medium.IN_APP, Medium.EMAIL, Medium.CHAT))
    if not (in_app or by_mail or in_chat):
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=user, company=company, kind=kind, params=params, url=url, dedup_key=dedup_key[:160],
                group_key=(group_key or dedup_key)[:120], created_at=now, read_at=None if in_app else now)
    except IntegrityError:
        return None  # told already (a job run twice, an event seen twice)
    zone = company_zone(company)
    if by_mail and user.email:
        language = pref.language or _default_language()
        text = messages.render(kind, params, language)
        link = absolute(url)
        footer = messages.pick(messages.EMAIL_FOOTER, language, prefs=absolute(url_for("notify:preferences")))
        body = "\n\n".join([text.title, "\n".join(text.lines),
                            f"{messages.pick(messages.LINK_TEXT, language)}: {link}", f"-- \n{footer}"]) + "\n"
        prefix = "[Kaohe]" if language == "en" else "[考核]"
        _queue(Delivery(company=company, notification=note, medium=Medium.EMAIL, address=user.email,
                        recipient_label=display_name(user), language=language, subject=f"{prefix} {text.title}",
                        body=body, link=link, kind=kind, dedup_key=f"email:{note.dedup_key}"[:200],
                        next_attempt_at=quiet_until(pref, now, zone) or now, created_at=now))
    if in_chat and robots:
        for ch in robot_channels(company, department, kind):
            _queue(_robot_delivery(ch, kind, params, url, group_key or dedup_key, now, company,
                                   who=display_name(user), notification=note))
    return note


def _robot_delivery(ch: RobotChannel, kind: str, params: dict[str, Any], url: str, key: str, now: dt.datetime,
                    company: Any, *, who: str = "", notification: Notification | None = None) -> Delivery:
    text = messages.render(kind, params, ch.language)
    lines = list(text.lines)
    if who:
        lines[0] = messages.pick(messages.GROUP_TO, ch.language, who=who) + lines[0]
    return Delivery(company=company, notification=notification, medium=Medium.CHAT, robot=ch,
                    recipient_label=str(ch), language=ch.language, subject=text.title, body="\n".join(lines),
                    link=absolute(url), kind=kind, dedup_key=f"robot:{ch.pk}:{key}"[:200],
                    next_attempt_at=now, created_at=now)


def post_to_group(ch: RobotChannel, kind: str, params: dict[str, Any], url: str, key: str,
                  now: dt.datetime | None = None) -> Delivery | None:
    """A message to one robot not tied to a person (the daily overdue summary of its scope)."""
    return _queue(_robot_delivery(ch, kind, params, url, key, now or timezone.now(), ch.company))


def _queue(delivery: Delivery) -> Delivery | None:
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        return None  # the same message is already queued (a robot told once per event)
    return delivery


# --- sending --------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failures: base, 2×base, 4×base … (capped at a day)."""
    base = int(getattr(settings, "KAOHE_NOTIFY_RETRY_SECONDS", 60))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 86400))


def _send_email(delivery: Delivery) -> None:
    message = EmailMessage(delivery.subject, delivery.body, to=[delivery.address])
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or float(getattr(settings, "KAOHE_NOTIFY_HTTP_TIMEOUT", 5))
    try:
        with get_connection(fail_silently=False, timeout=timeout) as conn:
            sent = conn.send_messages([message])
    except Exception as exc:  # noqa: BLE001 (SMTP, socket and backend errors all count as one failed try)
        raise robots.DeliveryError(f"email: {type(exc).__name__}: {str(exc)[:200]}") from None
    if not sent:
        raise robots.DeliveryError("email: the mail server accepted nothing")


def _send_robot(delivery: Delivery) -> None:
    ch = delivery.robot
    if ch is None:
        raise robots.DeliveryError("the robot channel was deleted")
    if not ch.enabled:
        raise robots.DeliveryError("the robot channel is turned off")
    try:
        webhook, secret = channel_webhook(ch), channel_secret(ch)
    except crypto.SecretUnreadable as exc:
        raise robots.DeliveryError(str(exc)) from None
    if not webhook:
        raise robots.DeliveryError("the robot has no webhook address (or its environment variable is empty)")
    msg = robots.Message(delivery.subject, delivery.body.split("\n"), delivery.link,
                         messages.pick(messages.LINK_TEXT, delivery.language), delivery.language)
    robots.post(ch.kind, webhook, secret, msg)


def deliver(delivery: Delivery, *, now: dt.datetime | None = None) -> bool:
    """One attempt; the outcome is saved on the row. True when sent. Never raises."""
    now = now or timezone.now()
    try:
        if delivery.medium == Medium.EMAIL:
            _send_email(delivery)
        else:
            _send_robot(delivery)
    except robots.DeliveryError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 (a bug here must not stop the other deliveries)
        log.exception("notification delivery %s failed unexpectedly", delivery.pk)
        error = f"unexpected: {type(exc).__name__}"
    else:
        error = ""
    delivery.attempts += 1
    delivery.last_attempt_at = now
    if not error:
        delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
    else:
        delivery.last_error = error[:500]
        limit = int(getattr(settings, "KAOHE_NOTIFY_MAX_ATTEMPTS", 6))
        if delivery.attempts >= limit:
            delivery.status = Delivery.Status.FAILED
            log.warning("notification delivery %s failed for good after %s attempts: %s", delivery.pk,
                        delivery.attempts, error)
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=delivery.status, attempts=delivery.attempts, last_attempt_at=now, sent_at=delivery.sent_at,
        last_error=delivery.last_error, next_attempt_at=delivery.next_attempt_at)
    return not error


def due_deliveries(now: dt.datetime | None = None, *, company: Any = None, ids: list[int] | None = None) -> Any:
    now = now or timezone.now()
    qs = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).select_related("robot")
    if company is not None:
        qs = qs.filter(company=company)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("next_attempt_at", "pk")


def deliver_due(now: dt.datetime | None = None, *, company: Any = None, ids: list[int] | None = None) -> dict[str, int]:
    """Send what is due. A robot gets at most KAOHE_NOTIFY_ROBOT_PER_MINUTE posts a minute (the vendors
    refuse more); the rest wait a minute without counting as a failed try."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "held": 0}
    per_minute = int(getattr(settings, "KAOHE_NOTIFY_ROBOT_PER_MINUTE", 18))
    posted: dict[int, int] = {}
    for delivery in due_deliveries(now, company=company, ids=ids):
        if delivery.robot_id is not None:
            if delivery.robot_id not in posted:
                posted[delivery.robot_id] = Delivery.objects.filter(
                    robot_id=delivery.robot_id, last_attempt_at__gt=now - dt.timedelta(minutes=1)).count()
            if posted[delivery.robot_id] >= per_minute:
                Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now + dt.timedelta(minutes=1))
                counts["held"] += 1
                continue
            posted[delivery.robot_id] += 1
        counts["sent" if deliver(delivery, now=now) else "failed"] += 1
    return counts


def retry(delivery: Delivery, actor: Any, *, now: dt.datetime | None = None) -> bool:
    """HR sends a failed delivery again (after fixing the channel); audited, attempts start over."""
    from kaohe.web.audit.services import record

    now = now or timezone.now()
    with transaction.atomic():
        before = {"status": delivery.status, "attempts": delivery.attempts, "last_error": delivery.last_error}
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING, attempts=0,
                                                       next_attempt_at=now)
        record(actor, "notify.delivery.retry", delivery, before=before, after={"status": "pending"},
               company_id=delivery.company_id)
    delivery.refresh_from_db()
    return deliver(delivery, now=now)


# --- reading --------------------------------------------------------------------------------


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: list[int] | None = None, *, now: dt.datetime | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now or timezone.now())


def hr_companies(user: Any) -> list[Any]:
    """Companies where the user may manage the setup (company-scope HR)."""
    from kaohe.web.org.models import Company
    from kaohe.web.permissions import can

    if not getattr(user, "is_authenticated", False):
        return []
    ids = set(user.kaohe_roles.filter(role="hr", scope="company").values_list("company_id", flat=True))
    return [c for c in Company.objects.filter(pk__in=ids).order_by("code") if can(user, "manage_org", c)]


def failed_deliveries(user: Any) -> Any:
    return (Delivery.objects.filter(company__in=hr_companies(user), status=Delivery.Status.FAILED)
            .select_related("robot", "company").order_by("-last_attempt_at", "-pk"))
