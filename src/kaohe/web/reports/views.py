"""Report pages: the cycle dashboard, Excel downloads, indicator quality, what-if, score sheets."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language

from kaohe.results import plans as rules_plans
from kaohe.results.pay import PayError, payroll
from kaohe.results.pay_import import Employee as PayEmployee
from kaohe.results.pay_import import PayImportError, read_pay_inputs
from kaohe.results.payroll_export import payroll_table
from kaohe.results.policy import load_policy
from kaohe.results.sheet import SheetHeader, build_score_sheet
from kaohe.results.sheet_pdf import sheet_pdf_bytes
from kaohe.results.sheet_xlsx import write_sheet_xlsx
from kaohe.results.tables import csv_text, xlsx_bytes
from kaohe.results.whatif import distribution_what_if
from kaohe.scheme.kinds import get_kind
from kaohe.scheme.models import CountsSource, KpiSource, Scheme
from kaohe.scoring import IndicatorInput
from kaohe.web.appraisal.models import Cycle, Sheet
from kaohe.web.appraisal.services.scoring import build_inputs
from kaohe.web.errors import Forbidden, InvalidInput, KaoheError
from kaohe.web.params import BadParameter, decimal_param, int_param
from kaohe.web.permissions import can, require, require_surface
from kaohe.web.reports import data
from kaohe.web.reports import plans as plan_services
from kaohe.web.reports.models import ImprovementPlan, PlanItem
from kaohe.web.reports.tables import TABLE_KEYS, application_reports, cycle_reports
from kaohe.web.ui.refusals import refuse_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _base_template() -> str:
    # The UI's frame (navigation, language switch) when the UI is installed; ours otherwise.
    try:
        reverse("ui:home")
        return "ui/base.html"
    except NoReverseMatch:
        return "reports/standalone.html"


def refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refused action shows its reason with its status code, never a traceback."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except KaoheError as exc:
            return refuse_error(request, exc, base_template=_base_template())  # the one refusal page

    return login_required(wrapper)


def _download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@refusals
def index(request: HttpRequest) -> HttpResponse:
    """The latest cycle the user may report on (HR and directors)."""
    cycles = [c for c in Cycle.objects.select_related("company").order_by("-start") if can(request.user, "view_reports", c)]
    if not cycles:
        raise Forbidden("没有可查看的考核周期", "No cycle to report on")
    return redirect("reports:dashboard", cycle_id=cycles[0].pk)


@refusals
def dashboard(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    reports = cycle_reports(request.user, cycle)
    others = [c for c in Cycle.objects.filter(company=cycle.company).order_by("-start")
              if can(request.user, "view_reports", c)]
    return render(request, "reports/dashboard.html", {
        "base_template": _base_template(), "cycle": cycle, "cycles": others,
        "reports": [{"r": r, "option": json.dumps(r.option, ensure_ascii=False) if r.option else "",
                     "rows": _rows(r)} for r in reports],
    })


def _rows(report: Any) -> list[list[dict[str, Any]]]:
    rows = []
    for i, row in enumerate(report.table.rows):
        cells = []
        for j, v in enumerate(row):
            link = report.links[i] if report.links and j == 2 else ""  # the employee's name opens the sheet
            cells.append({"v": "" if v is None else v, "num": isinstance(v, int | float | Decimal), "link": link})
        rows.append(cells)
    return rows


@refusals
def download(request: HttpRequest, cycle_id: int, table: str) -> HttpResponse:
    if table not in TABLE_KEYS:
        raise Http404(table)
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    reports = cycle_reports(request.user, cycle, only=table)
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    return _download(xlsx_bytes([r.table for r in reports], lang), f"kaohe-{cycle.label}-{table}.xlsx")


@refusals
def quality(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    report = cycle_reports(request.user, cycle, only="quality")[0]
    return render(request, "reports/quality.html", {"base_template": _base_template(), "cycle": cycle,
                                                    "report": report})


@refusals
def what_if(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Change one KPI value of one employee and/or one rule threshold of the scheme; see the new grades.

    Nothing is stored: the page scores the visible sheets twice in memory.
    """
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    require(request.user, "view_calibration_board", cycle)
    sheets = data.scored_sheets(request.user, cycle)
    by_scheme: dict[int, list[Sheet]] = {}
    for s in sheets:
        by_scheme.setdefault(s.scheme_id, []).append(s)
    if not by_scheme:
        return render(request, "reports/whatif.html", {"base_template": _base_template(), "cycle": cycle,
                                                       "empty": True})
    snapshot_id = int_param(request.GET.get("scheme"), "scheme", default=next(iter(by_scheme)))
    if snapshot_id not in by_scheme:
        raise Http404("scheme")
    group = by_scheme[snapshot_id]
    scheme = group[0].scheme.scheme()
    problems: list[str] = []
    changes: dict[str, dict[str, IndicatorInput]] = {}
    employee, indicator, value = (request.GET.get(k, "").strip() for k in ("employee", "indicator", "value"))
    threshold_ind, threshold = request.GET.get("rule_indicator", "").strip(), request.GET.get("threshold", "").strip()
    inputs = [build_inputs(s, scheme) for s in group]
    indicator_ids = [i.id for c in scheme.categories for i in c.indicators]
    if employee or indicator or value:
        try:
            new_value = decimal_param(value, "value")  # NaN, infinity and 1e40 are not values
        except BadParameter:
            problems.append(f"值 {value!r} 不是数字 / {value!r} is not a number")
        else:
            if employee not in {i.employee_id for i in inputs}:
                problems.append(f"员工 {employee} 不在本组 / employee {employee} is not in this group")
            elif indicator not in indicator_ids:
                problems.append(f"指标 {indicator} 不在方案中 / indicator {indicator} is not in the scheme")
            else:
                old = next(i for i in inputs if i.employee_id == employee).values.get(indicator) or IndicatorInput()
                changes[employee] = {indicator: IndicatorInput(new_value, old.counts, old.ratings, old.sample_size,
                                                               old.period_fraction)}
    override = None
    if threshold_ind or threshold:
        override, problem = _with_threshold(scheme, threshold_ind, threshold)
        if problem:
            problems.append(problem)
    result = None if problems else distribution_what_if(scheme, inputs, changes, override)
    names = {s.employee.code: s.employee.name for s in group}
    return render(request, "reports/whatif.html", {
        "base_template": _base_template(), "cycle": cycle, "scheme": scheme, "snapshot_id": snapshot_id,
        "schemes": [(k, v[0].scheme.scheme_id) for k, v in by_scheme.items()], "indicators": indicator_ids,
        "employees": sorted(names.items()), "problems": problems, "result": result, "names": names,
        "form": request.GET,
    }, status=422 if problems else 200)


def _with_threshold(scheme: Scheme, indicator_id: str, value: str) -> tuple[Scheme | None, str | None]:
    """The scheme with one indicator's threshold / target changed (the kind's `what_if_field`)."""
    try:
        new = decimal_param(value, "threshold")
    except BadParameter:
        return None, f"门槛 {value!r} 不是数字 / threshold {value!r} is not a number"
    content = scheme.model_dump(mode="json")
    for cat in content["categories"]:
        for ind in cat["indicators"]:
            if ind["id"] == indicator_id:
                rule = ind["rule"]
                key = get_kind(rule["type"]).what_if_field
                if key is None:
                    return None, f"指标 {indicator_id} 的规则没有单一门槛 / the rule of {indicator_id} has no single threshold"
                rule[key] = str(new)
                return Scheme.model_validate(content), None
    return None, f"指标 {indicator_id} 不在方案中 / indicator {indicator_id} is not in the scheme"


def _score_sheet_for(request: HttpRequest, sheet_id: int, surface: str = "report") -> tuple[Sheet, Any]:
    sheet = get_object_or_404(Sheet.objects.select_related("employee__department", "employee__position", "cycle",
                                                           "scheme", "current_score"), pk=sheet_id)
    require_surface(request.user, sheet, surface)  # the score sheet is a result: permissions.VISIBILITY
    if sheet.current_score is None or not sheet.current_score.result:
        raise Http404("not scored yet")
    scheme = sheet.scheme.scheme()
    result = data.sheet_result_from_json(sheet.current_score.result)
    emp = sheet.employee
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    header = SheetHeader(emp.code, emp.name, emp.position.name_zh, emp.department.name, sheet.cycle.label)
    doc = build_score_sheet(scheme, result, header, build_inputs(sheet, scheme), lang)
    # A calibrated or appeal-adjusted version changes the total and grade, not the items.
    doc = dataclasses.replace(doc, total=data.stored_total(sheet), grade=sheet.current_score.grade or None)
    return sheet, doc


@refusals
def sheet_page(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet, doc = _score_sheet_for(request, sheet_id)
    # Only values computed from operational records have records to drill into.
    items = [i.id for c in sheet.scheme.scheme().categories for i in c.indicators
             if isinstance(i.source, KpiSource | CountsSource)]
    links = {ind: data.kpi_link(sheet, ind) for ind in items} if can(request.user, "view_kpi_records", sheet) else {}
    rows = [{"row": row, "link": links.get(row.indicator_id) if row.indicator_id else None} for row in doc.rows]
    return render(request, "reports/sheet.html", {"base_template": _base_template(), "sheet": sheet, "doc": doc,
                                                  "rows": rows, "workflow_link": data.workflow_link(sheet)})


@refusals
def sheet_xlsx(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet, doc = _score_sheet_for(request, sheet_id, "xlsx")
    buf = io.BytesIO()
    write_sheet_xlsx(doc, buf, "en" if (get_language() or "").startswith("en") else "zh")
    return _download(buf.getvalue(), f"kaohe-{sheet.cycle.label}-{sheet.employee.code}.xlsx")


@refusals
def sheet_pdf(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet, doc = _score_sheet_for(request, sheet_id, "pdf")
    pdf = sheet_pdf_bytes(doc, "en" if (get_language() or "").startswith("en") else "zh")
    return _download(pdf, f"kaohe-{sheet.cycle.label}-{sheet.employee.code}.pdf", "application/pdf")


@refusals
def results_application(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Promotion, position-change warnings, plans needed, training needs; and the payroll file (HR).

    The payroll needs what Kaohe does not hold (each person's base and attendance): HR
    uploads it as a file, gets every bad cell listed at once, or the payroll back.
    """
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    reports = application_reports(request.user, cycle)
    may_pay = can(request.user, "export_payroll", cycle)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if not may_pay:
            raise Forbidden("只有绩效管理员可以生成工资表", "Only HR may produce the payroll file")
        upload = request.FILES.get("file")
        lang = "en" if (get_language() or "").startswith("en") else "zh"
        if upload is None:
            problems.append("Choose a file" if lang == "en" else "请选择文件")
        else:
            policy = load_policy()
            sheets = data.scored_sheets(request.user, cycle)
            employees = {s.employee.code: PayEmployee(s.employee.name, s.current_score.grade or None,
                                                      s.employee.department.name, s.employee.position.name_zh)
                         for s in sheets}
            schemes = {s.employee.code: s.scheme.scheme() for s in sheets}
            try:
                lines = payroll(read_pay_inputs(upload.read(), upload.name or "", policy, employees), policy, schemes)
            except PayImportError as exc:
                problems.extend(p.format(lang) for p in exc.problems)
            except PayError as exc:
                problems.extend(exc.problems)
            else:
                table = payroll_table(lines, title="Performance pay" if lang == "en" else "绩效工资发放表", lang=lang)
                if request.POST.get("format") == "csv":
                    return _download(("\ufeff" + csv_text(table, lang)).encode("utf-8"),
                                     f"payroll-{cycle.label}.csv", "text/csv; charset=utf-8")
                return _download(xlsx_bytes([table], lang), f"payroll-{cycle.label}.xlsx")
        status = 422
    return render(request, "reports/application.html", {
        "base_template": _base_template(), "cycle": cycle, "may_pay": may_pay, "problems": problems,
        "reports": [{"r": r, "rows": _rows(r)} for r in reports],
        "kinds": load_policy().attendance.labels, "english": (get_language() or "").startswith("en"),
    }, status=status)


@refusals
def plans_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Improvement plans of a cycle: open one for a C/D sheet, move items along, close with the next grade."""
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    require(request.user, "view_team", cycle)
    today = timezone.localdate()
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "open":
                sheet = get_object_or_404(Sheet, pk=int_param(request.POST.get("sheet"), "sheet"), cycle=cycle)
                rows = list(zip(request.POST.getlist("item_action"), request.POST.getlist("item_owner"),
                                request.POST.getlist("item_due"), strict=False))
                plan_services.open_plan(sheet, request.user, goal=request.POST.get("goal", ""), items=rows,
                                        today=today)
            elif action == "item":
                item = get_object_or_404(PlanItem, pk=int_param(request.POST.get("item"), "item"),
                                         plan__sheet__cycle=cycle)
                plan_services.set_item_status(item, request.user, request.POST.get("status", ""), today)
            elif action == "close":
                plan = get_object_or_404(ImprovementPlan, pk=int_param(request.POST.get("plan"), "plan"),
                                         sheet__cycle=cycle)
                plan_services.close_plan(plan, request.user, today)
            else:
                raise Http404(action)
            return redirect("reports:plans", cycle_id=cycle.pk)
        except InvalidInput as exc:
            problems = [f"{p.field}{f'（第 {p.row} 行）' if p.row else ''}：{p.message_zh} / {p.message_en}"
                        for p in exc.report.problems]
            status = 422
    plans, candidates = plan_services.cycle_plans(request.user, cycle)
    policy = load_policy()
    shown = []
    for plan in plans:
        pure = plan_services.as_rules(plan)
        shown.append({"plan": plan, "state": rules_plans.plan_state(pure, today, policy),
                      "overdue": {o.item_id for o in rules_plans.overdue_items([pure], today)},
                      "may_edit": plan_services.may_edit(request.user, plan.sheet)})
    return render(request, "reports/plans.html", {
        "base_template": _base_template(), "cycle": cycle, "plans": shown, "problems": problems,
        "candidates": [s for s in candidates if plan_services.may_edit(request.user, s)],
        "statuses": PlanItem.Status.choices, "item_rows": range(3),
    }, status=status)
