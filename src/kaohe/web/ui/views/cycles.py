"""HR's pages: the HR home, cycle list and progress, the calibration board, publishing."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Cycle, SheetState
from kaohe.web.errors import Forbidden, InvalidInput, StaleObject
from kaohe.web.org.models import Company
from kaohe.web.permissions import can, prefetch_relations, require, visible_sheets

from .. import sheetview
from ..forms import CalibrationForm, OpenCycleForm
from ..refusals import page
from ._common import load_sheet, message_of, one_change, put_on_form


def _hr_companies(request: HttpRequest) -> list[Company]:
    companies = [c for c in Company.objects.all() if can(request.user, "open_cycle", c)]
    if not companies:
        raise Forbidden("只有绩效管理员可以进入此页面", "Only HR officers can open this page")
    return companies


@page
def hr_home(request: HttpRequest) -> HttpResponse:
    companies = _hr_companies(request)
    form = OpenCycleForm(request.POST or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with one_change(request, "open-cycle"):
                cycle = svc.open_cycle(data["company"], request.user, period=data["period"], label=data["label"],
                                       start=data["start"], end=data["end"], name=data["name"] or None)
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("Cycle opened with %(n)d sheets.") % {"n": cycle.sheets.count()})
            return redirect("ui:cycle_progress", pk=cycle.pk)
    cycles = Cycle.objects.filter(company__in=companies).order_by("-start")[:20]
    return render(request, "ui/hr/home.html", {"form": form, "cycles": cycles, "companies": companies})


@page
def cycle_list(request: HttpRequest) -> HttpResponse:
    cycles = [c for c in Cycle.objects.select_related("company").order_by("-start")
              if can(request.user, "view_cycle_progress", c)]
    if not cycles and not any(can(request.user, "view_cycle_progress", c) for c in Company.objects.all()):
        raise Forbidden("您无权查看考核周期进度", "You may not view cycle progress")
    return render(request, "ui/hr/cycle_list.html", {"cycles": cycles})


@page
def cycle_progress(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.select_related("company"), pk=pk)
    counts = svc.cycle_progress(cycle, request.user)
    states = [{"state": s.value, "label": sheetview.label(s.label), "count": counts.get(s.value, 0)}
              for s in SheetState]
    overdue = svc.overdue_ratings(request.user).filter(sheet__cycle=cycle).select_related(
        "sheet__employee", "rater")
    return render(request, "ui/hr/progress.html", {
        "cycle": cycle, "states": states, "total": sum(counts.values()), "overdue": overdue,
        "may_upload": can(request.user, "upload_records", cycle),
        "may_compute": can(request.user, "compute_kpis", cycle),
        "may_calibrate": can(request.user, "view_calibration_board", cycle),
        "computation": svc.current_computation(cycle) if can(request.user, "compute_kpis", cycle) else None,
        "bulk_steps": BULK_STEPS})


# Steps HR may take for every sheet of a cycle that is ready for them.
BULK_STEPS = {"set_targets": svc.set_targets, "start_self_review": svc.start_self_review,
              "publish": svc.publish}


@require_POST
@page
def cycle_bulk_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Apply one step to every sheet of the cycle that allows it, all or nothing."""
    cycle = get_object_or_404(Cycle, pk=pk)
    if name not in BULK_STEPS:
        raise Forbidden("此步骤不能批量执行", "This step cannot be applied to a whole cycle")
    sheets = [s for s in visible_sheets(request.user, cycle) if can(request.user, name, s)]
    with one_change(request, f"cycle-{cycle.pk}-{name}"):
        for sheet in sheets:
            BULK_STEPS[name](sheet, request.user)
    messages.success(request, _("%(n)d sheets done.") % {"n": len(sheets)})
    return redirect("ui:calibration_board" if request.POST.get("back") == "board" else "ui:cycle_progress", pk=pk)


@require_POST
@page
def compute_kpis(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=pk)
    require(request.user, "compute_kpis", cycle)
    with one_change(request, f"cycle-{cycle.pk}-compute"):
        comp = svc.compute_cycle_kpis(cycle, request.user)
    messages.success(request, _("KPI values computed (computation %(n)d).") % {"n": comp.number})
    return redirect("ui:cycle_progress", pk=pk)


@page
def calibration_board(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.select_related("company"), pk=pk)
    dist = svc.grade_distribution(cycle, request.user)
    sheets = prefetch_relations(request.user, visible_sheets(request.user, cycle).filter(current_score__isnull=False)
                                .select_related("employee__position", "current_score")
                                .order_by("-current_score__total"))  # can() per row without a query per row
    chart = {
        "tooltip": {"trigger": "axis"}, "legend": {"data": [_("Actual %"), _("Target %")]},
        "xAxis": {"type": "category", "data": [r.grade for r in dist.rows]},
        "yAxis": {"type": "value", "name": "%"},
        "series": [{"name": _("Actual %"), "type": "bar", "data": [float(r.percent) for r in dist.rows]},
                   {"name": _("Target %"), "type": "bar",
                    "data": [None if r.target_percent is None else float(r.target_percent) for r in dist.rows]}],
    }
    rows = [{"sheet": s, "state": sheetview.label(s.get_state_display()),
             "may_calibrate": can(request.user, "calibrate", s)} for s in sheets]
    return render(request, "ui/hr/calibration.html", {
        "cycle": cycle, "dist": dist, "chart": chart, "rows": rows,
        "may_publish": any(can(request.user, "publish", s) for s in sheets)})


@page
def calibrate_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = load_sheet(request, pk, "calibrate")
    score = sheet.current_score
    form = CalibrationForm(request.POST or None, grades=sheetview.grades(sheet), initial={
        "version": sheet.version, "grade": score.grade if score else "", "total": score.total if score else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with one_change(request, f"calibrate-{sheet.pk}"):
                svc.calibrate(sheet, request.user, reason=data["reason"], total=data["total"],
                              grade=data["grade"] or None, expected_version=data["version"])
        except InvalidInput as error:
            put_on_form(form, error)
        except StaleObject as error:
            form.add_error(None, message_of(error))
        else:
            messages.success(request, _("Calibration saved for %(name)s.") % {"name": sheet.employee.name})
            return redirect("ui:calibration_board", pk=sheet.cycle_id)
    return render(request, "ui/hr/calibrate.html", {"sheet": sheet, "form": form, "score": score})

