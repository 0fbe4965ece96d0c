"""The employee's side of a sheet: my appraisal, the sheet with its traces, the KPI
drill-down, the targets letter, and the simple one-button workflow steps."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Appeal, Interview, ResponsibilityLetter, Sheet
from kaohe.web.appraisal.workflow import ACTION_STATES, TRANSITIONS
from kaohe.web.errors import IllegalTransition
from kaohe.web.params import MAX_OFFSET, int_param
from kaohe.web.permissions import can, prefetch_relations, sheet_visibility

from .. import sheetview
from ..refusals import page
from ._common import back_to, load_sheet, one_change, posted_version

# One-button steps and the service that performs each (the others have their own forms).
BUTTON_STEPS = {
    "set_targets": svc.set_targets,
    "acknowledge_targets": svc.acknowledge_targets,
    "start_self_review": svc.start_self_review,
    "submit_self_review": svc.submit_self_review,
    "submit_supervisor_review": svc.submit_supervisor_review,
    "approve": svc.approve,
    "publish": svc.publish,
    "complete_interview": svc.confirm_interview,
    "acknowledge_result": svc.acknowledge_result,
    "close": svc.close_sheet,
}
RECORDS_PER_PAGE = 50

# The employee sees points and grade once the result is published; before that the
# supervisor's scoring and calibration are work in progress, not a result.
RESULT_STATES = frozenset({"published", "interviewed", "acknowledged", "appealed", "closed"})

# Steps that need a form of their own: the button leads to that page instead.
FORM_STEPS = {"return_to_supervisor": "ui:review_sheet", "appeal": "ui:file_appeal",
              "resolve_appeal": "ui:appeal_for_sheet"}


@page
def my_appraisal(request: HttpRequest) -> HttpResponse:
    sheets = list(Sheet.objects.filter(employee__user=request.user)
                  .select_related("cycle", "current_score").order_by("-cycle__start"))
    if len(sheets) == 1:
        return redirect("ui:sheet", pk=sheets[0].pk)
    rows = [{"sheet": s, "state": sheetview.label(s.get_state_display()), "show": s.state in RESULT_STATES}
            for s in sheets]
    return render(request, "ui/sheets/mine.html", {"rows": rows})


def step_buttons(request: HttpRequest, sheet: Sheet) -> list[dict]:
    """The workflow steps this user may take on this sheet now, as buttons or links."""
    lang_en = request.LANGUAGE_CODE.startswith("en")
    buttons = []
    for name, step in TRANSITIONS.items():
        if not can(request.user, name, sheet) or (name not in BUTTON_STEPS and name not in FORM_STEPS):
            continue
        if name == "complete_interview" and not Interview.objects.filter(
                sheet=sheet, supervisor_confirmed_at__isnull=False).exists():
            continue  # nothing to confirm until the supervisor has recorded the interview
        label = step.label_en if lang_en else step.label_zh
        buttons.append({"name": name, "label": label, "form_url": FORM_STEPS.get(name)})
    return buttons


@page
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = load_sheet(request, pk)
    prefetch_relations(request.user, [sheet])  # the page asks can() some twenty times: read once
    vis = sheet_visibility(request.user, sheet)  # what this user may see in this state (permissions.VISIBILITY)
    context = {
        "vis": vis, "show_scores": vis.traces,
        "sheet": sheet, "state": sheetview.label(sheet.get_state_display()),
        "progress": sheetview.progress(sheet), "categories": sheetview.scored_categories(sheet),
        "issues": sheetview.issues(sheet), "sheet_trace": sheetview.sheet_trace(sheet),
        "buttons": step_buttons(request, sheet),
        "letter": ResponsibilityLetter.objects.filter(sheet=sheet).first(),
        "interview": Interview.objects.filter(sheet=sheet).first(),
        "appeals": Appeal.objects.filter(sheet=sheet).order_by("-filed_at"),
        "history": svc.score_history(sheet),
        "peer": svc.peer_feedback(sheet, request.user) if vis.peer_aggregate else None,
        "may": {a: can(request.user, a, sheet) for a in (
            "rate_self", "rate_supervisor", "calibrate", "record_interview", "confirm_interview",
            "assess_competency_self", "assess_competency_supervisor", "view_kpi_records")},
        # 360 requests make sense only while colleagues may still rate
        "may_request_ratings": can(request.user, "request_ratings", sheet)
        and sheet.state in ACTION_STATES["rate_peer"],
    }
    return render(request, "ui/sheets/detail.html", context)


@page
def kpi_records(request: HttpRequest, pk: int, indicator: str) -> HttpResponse:
    """The drill-down behind one KPI-fed indicator: the value, its computation, the batches and uploads."""
    sheet = load_sheet(request, pk, "view_kpi_records")
    kpi = sheetview.kpi_indicators(sheet).get(indicator)
    categories = sheetview.scored_categories(sheet)
    item = next((i for c in categories for i in c["items"] if i["id"] == indicator), None)
    if kpi is None or item is None:
        raise IllegalTransition("该指标不是由 KPI 数据计算的，没有可追溯的记录",
                                "This indicator is not computed from KPI data; there are no records behind it")
    values = [kv for kv in svc.kpi_values_for(sheet, request.user) if kv.kpi == kpi]
    table = request.GET.get("table") or None
    offset = int_param(request.GET.get("offset"), "offset", lo=0, hi=MAX_OFFSET, default=0)
    zone = ZoneInfo(sheet.cycle.company.time_zone)
    rows = []
    for kv in values:
        rec = svc.kpi_records(kv, request.user, table=table, limit=RECORDS_PER_PAGE, offset=offset)
        rows.append({"value": kv, "provenance": svc.kpi_provenance(kv), "records": rec,
                     "cells": [[record_cell(r.get(c), zone) for c in rec.columns] for r in rec.rows]})
    # every time on the page is shown in the company's zone: the records' times (naive UTC in the
    # event store) here, the computation's and the uploads' times by the template's {% timezone %}
    return render(request, "ui/sheets/kpi_records.html", {
        "sheet": sheet, "item": item, "kpi": kpi, "rows": rows, "offset": offset, "per_page": RECORDS_PER_PAGE,
        "next_offset": offset + RECORDS_PER_PAGE, "prev_offset": max(offset - RECORDS_PER_PAGE, 0),
        "zone": zone, "zone_name": sheet.cycle.company.time_zone})


def record_cell(value: Any, zone: ZoneInfo) -> Any:
    """One cell of an event-store record as the page shows it: a time (naive UTC in the store) in the
    company's zone to the second (the seconds tell a call's wait), a day as written in the rest of the
    app, an empty cell for a missing value."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        utc = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
        return f"{utc.astimezone(zone):%Y-%m-%d %H:%M:%S}"
    if isinstance(value, dt.date):  # a day of the company's calendar (attendance, training)
        return f"{value:%Y-%m-%d}"
    return value


@page
def targets_letter(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = load_sheet(request, pk)
    letter = ResponsibilityLetter.objects.filter(sheet=sheet).first()
    # the stored title is Chinese (the letter as issued); in English the page names it in English
    title = None if letter is None else (
        f"{_('Targets letter')} · {sheet.cycle.name}" if request.LANGUAGE_CODE.startswith("en") else letter.title)
    content = letter.content if letter else {}
    if request.LANGUAGE_CODE.startswith("en"):
        content = english_letter(content)
    return render(request, "ui/sheets/targets.html", {
        "sheet": sheet, "letter": letter, "title": title, "content": content,
        "may_acknowledge": can(request.user, "acknowledge_targets", sheet)})


def english_letter(content: dict[str, Any]) -> dict[str, Any]:
    """The letter as issued, with its English texts in place of the Chinese where the library wrote them
    (purpose, duties, rewards, penalties, terms; each target row's category and standard)."""
    shown = dict(content)
    for key in ("purpose", "duties", "rewards", "penalties", "terms"):
        if content.get(f"{key}_en"):
            shown[key] = content[f"{key}_en"]
    shown["targets"] = [{**row, "category": row.get("category_en") or row.get("category"),
                         "standard": row.get("standard_en") or row.get("standard")}
                        for row in content.get("targets") or []]
    return shown


@require_POST
@page
def sheet_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Perform one button step (acknowledge, submit, approve, publish …) under the form token."""
    if name not in BUTTON_STEPS:
        raise IllegalTransition(f"没有名为 {name} 的单步操作", f"There is no one-button step called {name}")
    sheet = load_sheet(request, pk)
    with one_change(request, f"sheet-{sheet.pk}-{name}"):
        BUTTON_STEPS[name](sheet, request.user, expected_version=posted_version(request))
    step = TRANSITIONS[name]
    messages.success(request, _("Done: %(step)s") % {
        "step": step.label_en if request.LANGUAGE_CODE.startswith("en") else step.label_zh})
    return back_to(request, "ui:sheet", pk=sheet.pk)
