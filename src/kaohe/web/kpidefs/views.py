"""HR's "KPI definitions" page: the company's choice for each definable KPI, its history, and the
published sheets waiting for a decision after a change."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaohe.web.errors import Forbidden, InvalidInput
from kaohe.web.org.models import Company
from kaohe.web.permissions import can, require
from kaohe.web.ui.refusals import page
from kaohe.web.ui.views._common import message_of, one_change

from . import services
from .models import SheetNotice


def _companies(request: HttpRequest) -> list[Company]:
    companies = [c for c in Company.objects.order_by("code") if can(request.user, "manage_org", c)]
    if not companies:
        raise Forbidden("只有绩效管理员可以设置指标口径", "Only HR officers can set the KPI definitions")
    return companies


def _company(request: HttpRequest, companies: list[Company]) -> Company:
    raw = request.POST.get("company") or request.GET.get("company") or ""
    return next((c for c in companies if str(c.pk) == raw), companies[0])


def _zh() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


def _choice_label(value: Any) -> str:
    labels = {
        "exclude_short": _("leave short abandons out, count the others against"),
        "exclude": _("leave abandons out"), "count_as_miss": _("count abandons against"),
        "count_as_met": _("count abandons within the threshold in favour"),
        "offered": _("answered + abandoned"), "entered": _("every call that entered the queue"),
        "handling_ready": _("handling + ready time"), "logged_in": _("logged-in time"),
        "logged_in_minus_break": _("logged-in time without breaks"),
        "any": _("any later call"), "same_queue": _("a later call to the same queue"),
        "same_reason": _("a later call for the same reason"),
        "talk+hold+acw": _("talk + hold + after-call work"), "talk+hold": _("talk + hold"),
        "talk+acw": _("talk + after-call work"), "talk": _("talk only"),
        "talk+hold+acw+dial": _("talk + hold + after-call work + outbound dialing"),
    }
    return str(labels.get(value, value))


def _cards(company: Company) -> list[dict[str, Any]]:
    from kaohe.metrics.catalog.registry import get_kpi

    effective = services.effective_params(company)
    chosen = services.current_definitions(company)
    cards = []
    for kpi, names in services.DEFINABLE.items():
        d = get_kpi(kpi)
        fields = []
        for p in d.params:
            if p.name not in names:
                continue
            value = effective[kpi][p.name]
            fields.append({
                "name": p.name, "type": p.type, "value": value, "label": p.doc_zh if _zh() else p.doc_en,
                "choices": [(c, _choice_label(c)) for c in p.choices] if p.choices else None,
                "default": p.default, "text": _value_text(value),
            })
        cards.append({"kpi": kpi, "name": d.name_zh if _zh() else d.name_en, "fields": fields,
                      "custom": kpi in chosen})
    return cards


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, float):
        return f"{value:g}"
    return _choice_label(value) if isinstance(value, str) else str(value)


def _parse(kpi: str, data: Any) -> dict[str, Any]:
    """The posted parameters, typed; a value that is not a number is passed on for the catalog to refuse."""
    from kaohe.metrics.catalog.registry import get_kpi

    out: dict[str, Any] = {}
    for p in get_kpi(kpi).params:
        if p.name not in services.DEFINABLE.get(kpi, ()):
            continue
        raw = data.get(p.name)
        if p.type == "bool":
            out[p.name] = raw in ("on", "true", "1")
            continue
        if raw is None or raw == "":
            continue
        if p.type in ("int", "float"):
            try:
                num = float(raw)
                out[p.name] = int(num) if p.type == "int" and num.is_integer() else num
            except ValueError:
                out[p.name] = raw
        else:
            out[p.name] = raw
    return out


def _history_rows(company: Company) -> list[dict[str, Any]]:
    rows = []
    for h in services.history(company):
        rows.append({"kpi": h.kpi, "params": ", ".join(f"{k} = {_value_text(v)}" for k, v in sorted(h.params.items())),
                     "reason": h.reason, "by": h.changed_by, "from": h.valid_from, "until": h.superseded_at})
    return rows


@page
def definitions_page(request: HttpRequest) -> HttpResponse:
    companies = _companies(request)
    company = _company(request, companies)
    problems: list[str] = []
    if request.method == "POST":
        require(request.user, "manage_org", company)
        kpi = request.POST.get("kpi", "")
        try:
            with one_change(request, f"kpidef-{kpi}"):
                outcome = services.change_definition(company, request.user, kpi, _parse(kpi, request.POST),
                                                      request.POST.get("reason", ""))
        except InvalidInput as error:
            problems = [message_of(p) for p in error.report.problems]
        else:
            messages.success(request, _(
                "The definition of %(kpi)s is saved. Open cycles recomputed: %(cycles)d; sheets re-scored: "
                "%(rescored)d; published sheets waiting for your decision: %(notices)d.") % {
                "kpi": kpi, "cycles": len(outcome.cycles), "rescored": len(outcome.rescored),
                "notices": len(outcome.notices)})
            return redirect(f"{request.path}?company={company.pk}")
    return render(request, "kpidefs/page.html", {
        "company": company, "companies": companies, "cards": _cards(company), "problems": problems,
        "history": _history_rows(company), "notices": services.pending_notices(company),
    })


@page
def decide_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(SheetNotice.objects.select_related("sheet__cycle__company", "definition"), pk=pk)
    company = notice.sheet.cycle.company
    require(request.user, "manage_org", company)
    back = request.POST.get("next") or f"{redirect('kpidefs:page').url}?company={company.pk}"
    if not back.startswith("/"):
        back = redirect("kpidefs:page").url
    if request.method == "POST":
        try:
            with one_change(request, f"kpidef-notice-{notice.pk}"):
                services.decide(notice, request.user, request.POST.get("decision", ""), request.POST.get("reason", ""))
        except InvalidInput as error:
            for p in error.report.problems:
                messages.error(request, message_of(p))
        else:
            messages.success(request, _("Your decision on %(name)s's sheet is recorded.") % {
                "name": notice.sheet.employee.name})
    return redirect(back)
