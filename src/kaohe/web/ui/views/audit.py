"""The audit trail: read-only, filterable, for auditors only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaohe.web.audit.models import AuditEvent
from kaohe.web.errors import Forbidden
from kaohe.web.org.models import Company
from kaohe.web.permissions import can

from ..forms import AuditFilterForm
from ..refusals import page

PAGE_SIZE = 50


def _auditor_companies(user) -> list[int]:  # type: ignore[no-untyped-def]
    ids = [c.pk for c in Company.objects.all() if can(user, "view_audit", c)]
    if not ids:
        raise Forbidden("只有审计人员可以查看审计记录。", "Only auditors can read the audit trail.")
    return ids


@page
def audit_trail(request: HttpRequest) -> HttpResponse:
    companies = _auditor_companies(request.user)
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.filter(Q(company_id_ref__in=companies) | Q(company_id_ref__isnull=True))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__icontains=data["action"])
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"])
        if data["object_type"]:
            events = events.filter(object_type__icontains=data["object_type"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
    elif form.is_bound:
        events = events.none()  # the form shows every invalid field; no half-filtered list
    pager = Paginator(events.order_by("-seq"), PAGE_SIZE)
    context = {"form": form, "page_obj": pager.get_page(request.GET.get("page")),
               "querystring": _without_page(request)}
    template = "ui/audit/_events.html" if request.headers.get("HX-Request") else "ui/audit/trail.html"
    return render(request, template, context)


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()



