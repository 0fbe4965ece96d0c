"""The notification pages: the list behind the bell, one's own settings, and HR's robot channels
and failed deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaohe.web.audit.services import record
from kaohe.web.errors import Forbidden
from kaohe.web.ui.refusals import page
from kaohe.web.ui.views._common import one_change

from . import crypto, messages, robots, services
from .forms import ChannelForm, _label, language_choices
from .models import Delivery, EventKind, Language, Medium, Notification, Preference, RobotChannel

PAGE_SIZE = 30


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


# --- the list behind the bell ---------------------------------------------------------------


@page
def inbox(request: HttpRequest) -> HttpResponse:
    notes = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        notes = notes.filter(read_at__isnull=True)
    page_obj = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    lang = _lang()
    rows = [{"note": n, "text": messages.render(n.kind, n.params, lang)} for n in page_obj]
    return render(request, "notify/inbox.html", {"page_obj": page_obj, "rows": rows,
                                                 "unread": services.unread_count(request.user),
                                                 "only_unread": bool(request.GET.get("unread"))})


@page
def mark_read(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("all"):
            n = services.mark_read(request.user)
        else:
            ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
            n = services.mark_read(request.user, ids) if ids else 0
        flash.success(request, _("%(n)s notification(s) marked as read.") % {"n": n})
    return redirect("notify:inbox")


@page
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        services.mark_read(request.user, [note.pk])
    target = note.url or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    return redirect(target)


# --- one's own settings ---------------------------------------------------------------------


def _kind_rows(pref: Preference, lang: str) -> list[dict[str, Any]]:
    rows = []
    for kind, label in EventKind.choices:
        rows.append({"kind": kind, "label": _label(label, lang == "en"),
                     "media": [(m, pref.wants(kind, m)) for m in Medium.values]})
    return rows


def _parse_time(raw: str) -> tuple[dt.time | None, bool]:
    raw = raw.strip()
    if not raw:
        return None, True
    try:
        return dt.time.fromisoformat(raw), True
    except ValueError:
        return None, False


@page
def preferences(request: HttpRequest) -> HttpResponse:
    pref = services.preference_for(request.user)
    errors: list[str] = []
    if request.method == "POST":
        before = _pref_summary(pref)
        muted: dict[str, list[str]] = {}
        for kind in EventKind.values:
            off = [m for m in Medium.values if f"{kind}:{m}" not in request.POST]
            if off:
                muted[kind] = off
        start, ok_start = _parse_time(request.POST.get("quiet_start", ""))
        end, ok_end = _parse_time(request.POST.get("quiet_end", ""))
        if not ok_start:
            errors.append(_("Quiet hours: the start is not a time (use HH:MM)."))
        if not ok_end:
            errors.append(_("Quiet hours: the end is not a time (use HH:MM)."))
        if (start is None) != (end is None) and ok_start and ok_end:
            errors.append(_("Quiet hours need both a start and an end."))
        language = request.POST.get("language", "")
        if language not in Language.values:
            errors.append(_("Choose a language."))
        if not errors:
            with transaction.atomic():
                pref.muted, pref.quiet_start, pref.quiet_end, pref.language = muted, start, end, language
                pref.save()
                record(request.user, "notify.preferences", pref, before=before, after=_pref_summary(pref),
                       company_id=_company_id(request.user))
            flash.success(request, _("Your notification settings are saved."))
            return redirect("notify:preferences")
    lang = _lang()
    return render(request, "notify/preferences.html", {
        "pref": pref, "rows": _kind_rows(pref, lang), "media": [(m, _label(lbl, lang == "en"))
                                                               for m, lbl in Medium.choices],
        "languages": language_choices(), "errors": errors, "has_email": bool(request.user.email)})


def _pref_summary(pref: Preference) -> dict[str, Any]:
    return {"language": pref.language, "muted": pref.muted or {},
            "quiet": [pref.quiet_start.isoformat() if pref.quiet_start else None,
                      pref.quiet_end.isoformat() if pref.quiet_end else None]}


def _company_id(user: Any) -> int | None:
    employee = getattr(user, "employee", None)
    if employee is not None:
        return int(employee.company_id)
    ra = user.kaohe_roles.first()
    return ra.company_id if ra is not None else None


# --- HR: robot channels ---------------------------------------------------------------------


def _hr(request: HttpRequest) -> list[Any]:
    companies = services.hr_companies(request.user)
    if not companies:
        raise Forbidden("只有绩效管理员可以设置通知渠道。", "Only HR officers can set up notification channels.")
    return companies


def _channel_summary(ch: RobotChannel) -> dict[str, Any]:
    """What the audit trail keeps of a channel: never the address or secret, only their masks."""
    try:
        webhook = crypto.mask_url(crypto.decrypt(ch.webhook_encrypted))
        secret = crypto.mask_secret(crypto.decrypt(ch.secret_encrypted))
    except crypto.SecretUnreadable:
        webhook = secret = "(unreadable)"
    return {"kind": ch.kind, "name": ch.name, "department": ch.department_id, "language": ch.language,
            "enabled": ch.enabled, "events": list(ch.events or []), "webhook": webhook or None,
            "webhook_env": ch.webhook_env or None, "secret": secret or None, "secret_env": ch.secret_env or None}


def _channel_rows(companies: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for ch in RobotChannel.objects.filter(company__in=companies).select_related("company", "department"):
        summary = _channel_summary(ch)
        rows.append({"ch": ch, "webhook": summary["webhook"] or (f"${ch.webhook_env}" if ch.webhook_env else "—"),
                     "secret": summary["secret"] or (f"${ch.secret_env}" if ch.secret_env else "—"),
                     "events": len(ch.events or []),
                     "failed": ch.deliveries.filter(status=Delivery.Status.FAILED).count()})
    return rows


@page
def channels(request: HttpRequest) -> HttpResponse:
    companies = _hr(request)
    return render(request, "notify/channels.html", {"rows": _channel_rows(companies)})


@page
def channel_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    companies = _hr(request)
    ch = get_object_or_404(RobotChannel, pk=pk, company__in=companies) if pk else None
    initial = None
    if ch is not None:
        initial = {"company": ch.company_id, "department": ch.department_id, "kind": ch.kind, "name": ch.name,
                   "language": ch.language, "enabled": ch.enabled, "events": ch.events,
                   "webhook_env": ch.webhook_env, "secret_env": ch.secret_env}
    form = ChannelForm(request.POST or None, initial=initial, companies=companies, language_en=_lang() == "en",
                       existing=ch)
    masks = _channel_summary(ch) if ch is not None else {}
    if request.method == "POST" and form.is_valid():
        try:
            with one_change(request, f"notify-channel-{pk or 'new'}"):
                saved = _save_channel(request, ch, form.cleaned_data)
        except Exception as exc:  # ImproperlyConfigured: no key to encrypt with in production
            from django.core.exceptions import ImproperlyConfigured

            if not isinstance(exc, ImproperlyConfigured):
                raise
            form.add_error("webhook", _("The server has no KAOHE_NOTIFY_KEY to encrypt with; ask the operator "
                                        "to set it, or give the address as an environment variable."))
        else:
            flash.success(request, _("Channel “%(name)s” saved.") % {"name": saved.name})
            return redirect("notify:channels")
    return render(request, "notify/channel_form.html", {"form": form, "ch": ch, "masks": masks})


def _save_channel(request: HttpRequest, ch: RobotChannel | None, data: dict[str, Any]) -> RobotChannel:
    creating = ch is None
    before = None if ch is None else _channel_summary(ch)
    if ch is None:
        ch = RobotChannel(company_id=data["company"])
    ch.company_id = data["company"]
    ch.department_id = data.get("department")
    ch.kind, ch.name, ch.language = data["kind"], data["name"], data["language"]
    ch.enabled, ch.events = data["enabled"], list(data["events"])
    webhook, secret = (data.get("webhook") or "").strip(), (data.get("secret") or "").strip()
    ch.webhook_env, ch.secret_env = data["webhook_env"], data["secret_env"]
    if webhook:
        ch.webhook_encrypted = crypto.encrypt(webhook)
    if ch.webhook_env:
        ch.webhook_encrypted = ""
    if secret:
        ch.secret_encrypted = crypto.encrypt(secret)
    if ch.secret_env or data.get("clear_secret") or ch.kind == "wecom":
        ch.secret_encrypted = ""
    ch.save()
    after = _channel_summary(ch)
    changed = sorted(k for k in after if before is None or before.get(k) != after[k])
    if webhook and "webhook" not in changed:
        changed.append("webhook")  # a new address with the same last characters is still a change
    if secret and "secret" not in changed:
        changed.append("secret")
    record(request.user, "notify.channel.create" if creating else "notify.channel.update", ch, before=before,
           after=after | {"changed": changed}, company_id=ch.company_id)
    return ch


@page
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    companies = _hr(request)
    ch = get_object_or_404(RobotChannel, pk=pk, company__in=companies)
    if request.method == "POST":
        with one_change(request, f"notify-channel-{pk}-delete"):
            before = _channel_summary(ch)
            record(request.user, "notify.channel.delete", ch, before=before, company_id=ch.company_id)
            ch.delete()
        flash.success(request, _("Channel deleted."))
    return redirect("notify:channels")


@page
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a test message now and say what the robot answered."""
    companies = _hr(request)
    ch = get_object_or_404(RobotChannel, pk=pk, company__in=companies)
    if request.method == "POST":
        lang = ch.language
        msg = robots.Message(messages.pick(("考核系统测试消息", "Kaohe test message"), lang),
                             [messages.pick(("此群机器人已可接收考核系统的通知。",
                                             "This group robot can now receive Kaohe's notifications."), lang)],
                             services.absolute(services.url_for("ui:home")),
                             messages.pick(messages.LINK_TEXT, lang), lang)
        try:
            robots.post(ch.kind, services.channel_webhook(ch), services.channel_secret(ch), msg)
        except (robots.DeliveryError, crypto.SecretUnreadable) as exc:
            flash.error(request, _("The robot refused the test message: %(error)s") % {"error": exc})
        else:
            flash.success(request, _("The test message was accepted by the robot."))
        record(request.user, "notify.channel.test", ch, after={"kind": ch.kind}, company_id=ch.company_id)
    return redirect("notify:channels")


# --- HR: failed deliveries ------------------------------------------------------------------


@page
def failures(request: HttpRequest) -> HttpResponse:
    companies = _hr(request)
    failed = services.failed_deliveries(request.user)
    retrying = (Delivery.objects.filter(company__in=companies, status=Delivery.Status.PENDING, attempts__gt=0)
                .select_related("robot").order_by("next_attempt_at"))
    page_obj = Paginator(failed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/failures.html", {"page_obj": page_obj, "retrying": retrying,
                                                    "now": timezone.now()})


@page
def retry_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    companies = _hr(request)
    delivery = get_object_or_404(Delivery, pk=pk, company__in=companies)
    if request.method == "POST":
        with one_change(request, f"notify-retry-{pk}"):
            pass  # the token is spent first; the attempt itself must not be rolled back with it
        if services.retry(delivery, request.user):
            flash.success(request, _("Sent."))
        else:
            flash.error(request, _("Still failing: %(error)s") % {"error": delivery.last_error})
    return redirect("notify:failures")
