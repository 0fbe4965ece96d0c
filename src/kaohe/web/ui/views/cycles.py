"""HR's pages: the HR home, cycle list and progress, the calibration board, publishing."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Cycle, SheetState
from kaohe.web.errors import Forbidden, InvalidInput, StaleObject
from kaohe.web.org.models import Company
from kaohe.web.permissions import can, prefetch_relations, require, visible_sheets

from .. import sheetview
from ..formatting import lang_label, text_of
from ..forms import CalibrationForm, GuidedCycleForm, OpenCycleForm
from ..refusals import page
from ..tablenames import table_title
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


def _company_of(request: HttpRequest, companies: list[Company]) -> Company:
    raw = request.POST.get("company") or request.GET.get("company") or ""
    return next((c for c in companies if str(c.pk) == raw), companies[0])


def _scope_choices(company: Company) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Positions and departments of the company, each with how many active employees it has."""
    from django.db.models import Count

    from kaohe.web.org.models import Department, Employee, Position

    active = Employee.objects.filter(company=company, leave_date__isnull=True).exclude(position__external=True)
    per_pos = dict(active.values_list("position").annotate(n=Count("pk")))
    positions = [(str(p.pk), f"{text_of(p, 'name')} · {per_pos[p.pk]}")
                 for p in Position.objects.filter(pk__in=per_pos).order_by("code")]
    per_dep = dict(active.values_list("department").annotate(n=Count("pk")))
    departments = []
    for d in Department.objects.filter(company=company).order_by("code"):
        n = sum(per_dep.get(i, 0) for i in d.descendant_ids())
        if n:
            departments.append((str(d.pk), f"{d.name} · {n}"))
    return positions, departments


def _deadline_steps() -> list[tuple[str, str]]:
    en = (get_language() or "").startswith("en")
    return [(step, en_label if en else zh) for step, zh, en_label, _b, _d in svc.DEADLINE_STEPS]


@page
def open_cycle(request: HttpRequest) -> HttpResponse:
    """The guided form: period → dates, scope with counts, deadlines per step, preview, confirm."""
    from kaohe.web.org.models import Department, Employee, Position

    companies = _hr_companies(request)
    company = _company_of(request, companies)
    positions, departments = _scope_choices(company)
    steps = _deadline_steps()
    today = timezone.localdate()
    label = svc.next_label("monthly", today)
    start, end = svc.period_bounds("monthly", label)  # type: ignore[misc]
    initial = {"company": company.pk, "period": "monthly", "label": label, "start": start, "end": end}
    initial.update({f"deadline_{k}": v for k, v in svc.default_deadlines(start, end).items()})
    form = GuidedCycleForm(request.POST or None, initial=initial, companies=companies, positions=positions,
                           departments=departments, steps=steps)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen_pos = list(Position.objects.filter(pk__in=data["positions"]))
        chosen_dep = list(Department.objects.filter(company=company, pk__in=data["departments"]))
        chosen_emp = list(Employee.objects.filter(company=company, code__in=data["employee_codes"]))
        unknown = sorted(set(data["employee_codes"]) - {e.code for e in chosen_emp})
        if unknown:
            form.add_error("employees", _("No such employee: %(codes)s") % {"codes": ", ".join(unknown)})
        defaults = svc.default_deadlines(data["start"], data["end"])
        deadlines = {step: data.get(f"deadline_{step}") or defaults[step] for step, _l in steps}
        if form.is_valid():
            plan = svc.plan_cycle(company, request.user, period=data["period"], label=data["label"],
                                  start=data["start"], end=data["end"], positions=chosen_pos,
                                  departments=chosen_dep, employees=chosen_emp)
            if not plan.report.ok:
                put_on_form(form, InvalidInput(plan.report))
            elif "confirm" in request.POST:
                if plan.missing and not data["leave_out_unschemed"]:
                    form.add_error("leave_out_unschemed", _(
                        "Some positions have no scheme for this period: tick this box to open the cycle without "
                        "them, or assign them a scheme first."))
                else:
                    try:
                        with one_change(request, "open-cycle-guided"):
                            cycle = svc.open_cycle(
                                company, request.user, period=data["period"], label=data["label"],
                                start=data["start"], end=data["end"], name=data["name"] or None,
                                positions=chosen_pos or None, departments=chosen_dep or None,
                                employees=chosen_emp or None, leave_out_unschemed=True, deadlines=deadlines)
                    except InvalidInput as error:
                        put_on_form(form, error)
                    else:
                        messages.success(request, _("Cycle opened with %(n)d sheets.") % {"n": cycle.sheets.count()})
                        return redirect("ui:cycle_progress", pk=cycle.pk)
    return render(request, "ui/hr/open_cycle.html", {
        "form": form, "plan": plan, "preview_rows": plan.included[:50] if plan else [],
        "setup_url": _setup_url()})


def _setup_url() -> str:
    """Where HR gives a position a scheme or moves people: the employee directory, when the setup pages exist."""
    from django.urls import NoReverseMatch, reverse

    for name in ("ui:setup_employees", "ui:setup_index", "ui:setup"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


@page
def cycle_list(request: HttpRequest) -> HttpResponse:
    cycles = [c for c in Cycle.objects.select_related("company").order_by("-start")
              if can(request.user, "view_cycle_progress", c)]
    if not cycles and not any(can(request.user, "view_cycle_progress", c) for c in Company.objects.all()):
        raise Forbidden("您无权查看考核周期进度", "You may not view cycle progress")
    may_open = any(can(request.user, "open_cycle", c) for c in Company.objects.all())
    return render(request, "ui/hr/cycle_list.html", {"cycles": cycles, "may_open": may_open})


@page
def cycle_progress(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.select_related("company"), pk=pk)
    counts = svc.cycle_progress(cycle, request.user)
    states = [{"state": s.value, "label": sheetview.label(s.label), "count": counts.get(s.value, 0)}
              for s in SheetState]
    from kaohe.web.appraisal.services.data import readiness

    en = (get_language() or "").startswith("en")
    overdue = _overdue_rows(svc.overdue_steps(request.user, cycle=cycle), en)
    ready = readiness(cycle, request.user) if can(request.user, "compute_kpis", cycle) else None
    if ready is not None:
        for t in ready["tables"]:
            t["title"] = table_title(t["table"])
        for lack in ready["lacking"]:
            lack["title"] = kpi_title(lack["kpi"])
    deadlines = [{"step": en_label if en else zh, "day": cycle.deadlines.get(step)}
                 for step, zh, en_label, _b, _d in svc.DEADLINE_STEPS if (cycle.deadlines or {}).get(step)]
    return render(request, "ui/hr/progress.html", {
        "cycle": cycle, "states": states, "total": sum(counts.values()), "overdue": overdue[:200],
        "overdue_total": len(overdue), "deadlines": deadlines,
        "readiness": ready,
        "may_upload": can(request.user, "upload_records", cycle),
        "may_compute": can(request.user, "compute_kpis", cycle),
        "may_calibrate": can(request.user, "view_calibration_board", cycle),
        "may_pay": can(request.user, "export_payroll", cycle) and any(counts.get(s, 0) for s in _RESULT_STATES),
        "computation": svc.current_computation(cycle) if can(request.user, "compute_kpis", cycle) else None,
        "bulk_steps": BULK_STEPS})


# states in which a sheet's result is out: the payroll and the results' application can be produced
_RESULT_STATES = ("published", "interviewed", "acknowledged", "appealed", "closed")


def _overdue_rows(items: list, en: bool) -> list[dict]:
    anonymous = _("(anonymous)")
    return [{"sheet": o.sheet, "step": o.step_en if en else o.step_zh, "kind": o.step_en,
             "owner": anonymous if "匿名" in o.owner else o.owner, "deadline": o.deadline, "days_late": o.days_late}
            for o in items]


def kpi_title(kpi: str) -> str:
    """A KPI's name in the page's language (its catalog title), never its id when a title exists."""
    from kaohe.metrics.catalog.registry import KpiError, get_kpi

    try:
        definition = get_kpi(kpi)
    except KpiError:
        return kpi
    en = (get_language() or "").startswith("en")
    for attr in (("title_en", "name_en") if en else ("title_zh", "name_zh")) + ("title", "name"):
        value = getattr(definition, attr, None)
        if isinstance(value, str) and value:
            return value
    return kpi


# Steps HR may take for every sheet of a cycle that is ready for them.
BULK_STEPS = {"set_targets": svc.set_targets, "start_self_review": svc.start_self_review,
              "publish": svc.publish}


@page
def cycle_bulk_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One step for every sheet of the cycle that is ready for it: first what will happen
    (counts by state, skipped sheets and why), then — confirmed — all or nothing."""
    cycle = get_object_or_404(Cycle.objects.select_related("company"), pk=pk)
    if name not in BULK_STEPS:
        raise Forbidden("此步骤不能批量执行", "This step cannot be applied to a whole cycle")
    require(request.user, "compute_kpis", cycle)  # HR of the cycle's company
    plan = svc.bulk_plan(cycle, request.user, name)
    en = (get_language() or "").startswith("en")
    if request.method == "POST" and "exclude" in request.POST:
        return _exclude(request, cycle, name)
    if request.method == "POST" and "confirm" in request.POST:
        if plan.blocking:
            messages.error(request, _("%(n)d sheets are incomplete: complete them or exclude them with a reason "
                                      "before publishing.") % {"n": len(plan.blocking)})
        elif not plan.ready:
            messages.warning(request, _("No sheet is ready for this step; nothing was done."))
        else:
            with one_change(request, f"cycle-{cycle.pk}-{name}"):
                for sheet in plan.ready:
                    BULK_STEPS[name](sheet, request.user)
            messages.success(request, _("%(n)d sheets done.") % {"n": len(plan.ready)})
            return redirect("ui:calibration_board" if request.POST.get("back") == "board" else "ui:cycle_progress",
                            pk=pk)
        plan = svc.bulk_plan(cycle, request.user, name)
    states = [{"state": s.value, "label": lang_label(s.label), "count": plan.by_state.get(s.value, 0)}
              for s in SheetState if plan.by_state.get(s.value)]
    skipped: dict[str, int] = {}
    for _sheet, zh, en_why in plan.skipped:
        key = en_why if en else zh
        skipped[key] = skipped.get(key, 0) + 1
    return render(request, "ui/hr/bulk_step.html", {
        "cycle": cycle, "name": name, "title": _bulk_title(name), "plan": plan, "states": states,
        "skipped": sorted(skipped.items(), key=lambda kv: -kv[1]),
        "blocking": [(s, en_why if en else zh) for s, zh, en_why in plan.blocking],
        "back": request.GET.get("back") or request.POST.get("back", "")})


def _bulk_title(name: str) -> str:
    return {"set_targets": _("Issue the targets letters"), "start_self_review": _("Start the self-reviews"),
            "publish": _("Publish the calibrated results")}[name]


def _exclude(request: HttpRequest, cycle: Cycle, name: str) -> HttpResponse:
    """HR leaves the chosen incomplete sheets out of publishing, with one reason for them."""
    from kaohe.web.appraisal.models import Sheet

    reason = request.POST.get("reason", "").strip()
    ids = [int(i) for i in request.POST.getlist("sheets") if i.isdigit()]
    if len(reason) < 2 or not ids:
        messages.error(request, _("Tick the sheets to exclude and write the reason."))
    else:
        with one_change(request, f"cycle-{cycle.pk}-exclude"):
            for sheet in Sheet.objects.filter(cycle=cycle, pk__in=ids):
                svc.exclude_sheet(sheet, request.user, reason)
        messages.success(request, _("%(n)d sheets excluded from publishing.") % {"n": len(ids)})
    return redirect("ui:cycle_bulk_step", pk=cycle.pk, name=name)


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
    import json
    from decimal import Decimal

    sheet = load_sheet(request, pk, "calibrate")
    score = sheet.current_score
    # the form shows the score as people read it (2 decimals at most) and takes that same value back
    shown = None if score is None or score.total is None else score.total.quantize(Decimal("0.01"))
    form = CalibrationForm(request.POST or None, grades=sheetview.grades(sheet), initial={
        "version": sheet.version, "grade": score.grade if score else "", "total": shown})
    form.fields["grade"].widget.attrs["data-current"] = score.grade if score else ""
    form.fields["total"].widget.attrs["step"] = "0.01"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        total = data["total"]
        if total is not None and shown is not None and total == shown:
            total = None  # unchanged: the pre-filled value is not a new score
        grade = data["grade"] or (score.grade if total is None and score is not None else None) or None
    if request.method == "POST" and form.is_valid():
        try:
            with one_change(request, f"calibrate-{sheet.pk}"):
                svc.calibrate(sheet, request.user, reason=data["reason"], total=total, grade=grade,
                              expected_version=data["version"])
        except InvalidInput as error:
            put_on_form(form, error)
        except StaleObject as error:
            form.add_error(None, message_of(error))
        else:
            messages.success(request, _("Calibration saved for %(name)s.") % {"name": sheet.employee.name})
            return redirect("ui:calibration_board", pk=sheet.cycle_id)
    dist = svc.grade_distribution(sheet.cycle, request.user)
    return render(request, "ui/hr/calibrate.html", {
        "sheet": sheet, "form": form, "score": score, "dist": dist,
        "dist_counts": json.dumps({r.grade: r.count for r in dist.rows})})

