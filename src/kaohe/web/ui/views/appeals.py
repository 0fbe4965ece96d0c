"""The feedback interview and appeals: the employee files, HR assigns a re-reviewer,
the re-reviewer upholds the result or adjusts it as a new score version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Appeal, Interview
from kaohe.web.errors import InvalidInput, NotFound
from kaohe.web.org.models import Employee
from kaohe.web.permissions import can, require, visible_sheets

from .. import sheetview
from ..formatting import text_of, with_unit
from ..forms import AppealDecisionForm, AppealForm, AssignReviewerForm, InterviewForm
from ..refusals import page
from ._common import load_sheet, one_change, posted_version, put_on_form


@page
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = load_sheet(request, pk)
    record = Interview.objects.filter(sheet=sheet).first()
    may_record = can(request.user, "record_interview", sheet)
    may_confirm = can(request.user, "confirm_interview", sheet) and record is not None
    initial = {"version": sheet.version, "held_on": timezone.localdate()}
    if record:
        initial.update(held_on=record.held_on, strengths=record.strengths, gaps=record.gaps,
                       improvement_plan=record.improvement_plan)
    form = InterviewForm(request.POST if "record" in request.POST else None, initial=initial)
    if request.method == "POST" and "confirm" in request.POST:
        with one_change(request, f"interview-{sheet.pk}-confirm"):
            svc.confirm_interview(sheet, request.user, expected_version=posted_version(request))
        messages.success(request, _("You confirmed the interview record."))
        return redirect("ui:sheet", pk=sheet.pk)
    if request.method == "POST" and "record" in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            with one_change(request, f"interview-{sheet.pk}-record"):
                svc.record_interview(sheet, request.user, held_on=data["held_on"], strengths=data["strengths"],
                                     gaps=data["gaps"], improvement_plan=data["improvement_plan"],
                                     expected_version=data["version"])
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("Interview recorded. The employee is asked to confirm it."))
            return redirect("ui:sheet", pk=sheet.pk)
    return render(request, "ui/appeals/interview.html", {
        "sheet": sheet, "record": record, "form": form, "may_record": may_record, "may_confirm": may_confirm})


@page
def appeal_list(request: HttpRequest) -> HttpResponse:
    appeals = Appeal.objects.filter(Q(sheet__in=visible_sheets(request.user)) | Q(filed_by=request.user)) \
        .select_related("sheet__employee", "sheet__cycle", "re_reviewer").distinct().order_by("-filed_at")
    return render(request, "ui/appeals/list.html", {"appeals": appeals})


@page
def file_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = load_sheet(request, pk, "appeal")
    names = {i["id"]: i["name"] for c in sheetview.scored_categories(sheet) for i in c["items"]}
    by_kpi = {kpi: ind for ind, kpi in sheetview.kpi_indicators(sheet).items()}
    choices = [(str(kv.pk), f"{names.get(by_kpi.get(kv.kpi, ''), kv.kpi)} = {with_unit(kv.value, kv.unit)}")
               for kv in svc.kpi_values_for(sheet, request.user)]
    form = AppealForm(request.POST or None, request.FILES or None, indicator_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evidence = [{"kind": "text", "note": data["evidence"]}] if data["evidence"].strip() else []
        evidence += [{"kind": "kpi", "kpi_value_id": int(v), "note": ""} for v in data["indicators"]]
        try:
            with one_change(request, f"appeal-{sheet.pk}"):
                appeal = svc.file_appeal(sheet, request.user, data["reason"], evidence,
                                         expected_version=posted_version(request),
                                         files=request.FILES.getlist("files"))
        except InvalidInput as error:
            put_on_form(form, error, {"evidence": "evidence", "files": "files"})
        else:
            messages.success(request, _("Your appeal was filed. HR will assign a re-reviewer."))
            return redirect("ui:appeal", pk=appeal.pk)
    return render(request, "ui/appeals/file.html", {"sheet": sheet, "form": form})


@page
def appeal_for_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = load_sheet(request, pk)
    appeal = Appeal.objects.filter(sheet=sheet).order_by("-filed_at").first()
    if appeal is None:
        raise NotFound("该考核表没有申诉", "This sheet has no appeal")
    return redirect("ui:appeal", pk=appeal.pk)


def _candidates(appeal: Appeal) -> list[tuple[int, str]]:
    """People HR may pick: those holding a supervising, reviewing or HR role in the company,
    other than the employee and their direct supervisor (the service checks this too)."""
    emp = appeal.sheet.employee
    excluded = {emp.user_id, emp.manager.user_id if emp.manager else None}
    users = get_user_model().objects.filter(
        Q(kaohe_roles__company=emp.company, kaohe_roles__role__in=["hr", "reviewer", "supervisor", "director"])
        | Q(employee__company=emp.company, employee__reports__isnull=False)).distinct().order_by("username")
    people = {e.user_id: e for e in Employee.objects.filter(company=emp.company, user__in=users)
              .select_related("position", "department")}
    out = []
    for u in users:
        if u.pk in excluded:
            continue
        e = people.get(u.pk)
        label = f"{e.name} · {text_of(e.position, 'name')} · {e.department.name}" if e else (
            u.get_full_name() or u.get_username())
        out.append((u.pk, label))
    return sorted(out, key=lambda pair: pair[1])


@page
def appeal_file(request: HttpRequest, pk: int) -> HttpResponse:
    """One evidence file of an appeal, to those who may see the sheet."""
    from django.http import FileResponse

    from kaohe.web.appraisal.models import AppealFile

    f = get_object_or_404(AppealFile.objects.select_related("appeal__sheet__employee", "appeal__sheet__cycle"),
                          pk=pk)
    require(request.user, "view_sheet", f.appeal.sheet)
    response = FileResponse(open(f.stored_path, "rb"), content_type=f.content_type, as_attachment=True,  # noqa: SIM115 (FileResponse closes it)
                            filename=f.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@page
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(Appeal.objects.select_related("sheet__employee__manager", "sheet__cycle__company",
                                                             "sheet__scheme", "re_reviewer"), pk=pk)
    sheet = appeal.sheet
    require(request.user, "view_sheet", sheet)
    may_assign = appeal.outcome == "pending" and can(request.user, "assign_re_reviewer", sheet)
    may_resolve = appeal.outcome == "pending" and appeal.re_reviewer_id is not None and \
        can(request.user, "resolve_appeal", sheet)
    assign_form = AssignReviewerForm(request.POST if "assign" in request.POST else None,
                                     reviewers=_candidates(appeal) if may_assign else [])
    decide_form = AppealDecisionForm(request.POST if "decide" in request.POST else None,
                                     grades=sheetview.grades(sheet))
    if request.method == "POST" and "assign" in request.POST and assign_form.is_valid():
        user = get_user_model().objects.get(pk=assign_form.cleaned_data["reviewer"])
        try:
            with one_change(request, f"appeal-{appeal.pk}-assign"):
                svc.assign_re_reviewer(appeal, request.user, user)
        except InvalidInput as error:
            put_on_form(assign_form, error, {"re_reviewer": "reviewer"})
        else:
            messages.success(request, _("Re-reviewer assigned."))
            return redirect("ui:appeal", pk=appeal.pk)
    if request.method == "POST" and "decide" in request.POST and decide_form.is_valid():
        data = decide_form.cleaned_data
        adjust = data["decision"] == AppealDecisionForm.ADJUST
        try:
            with one_change(request, f"appeal-{appeal.pk}-decide"):
                svc.resolve_appeal(appeal, request.user, decision=data["reason"],
                                   adjusted_total=data["total"] if adjust else None,
                                   adjusted_grade=(data["grade"] or None) if adjust else None,
                                   expected_version=posted_version(request))
        except InvalidInput as error:
            put_on_form(decide_form, error, {"decision": "reason"})
        else:
            messages.success(request, _("The appeal is resolved."))
            return redirect("ui:appeal", pk=appeal.pk)
    return render(request, "ui/appeals/detail.html", {
        "appeal": appeal, "sheet": sheet, "assign_form": assign_form, "decide_form": decide_form,
        "may_assign": may_assign, "may_resolve": may_resolve, "kpi_to_indicator": {k: i for i, k in sheetview.kpi_indicators(sheet).items()}})
