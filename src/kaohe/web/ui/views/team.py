"""Supervisors' and reviewers' lists: my team, and the sheets waiting for approval,
plus the reviewer's page to approve a sheet or return it with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import SheetState
from kaohe.web.errors import Forbidden, InvalidInput
from kaohe.web.permissions import can, prefetch_relations, relations, sheet_visibility, visible_sheets

from .. import sheetview
from ..forms import ReasonForm
from ..refusals import page
from ..roles import roles_of
from ._common import load_sheet, one_change, posted_version, put_on_form
from .sheets import step_buttons


def _rows(request: HttpRequest, sheets) -> list[dict]:  # type: ignore[no-untyped-def]
    return [{"sheet": s, "state": sheetview.label(s.get_state_display()), "buttons": step_buttons(request, s),
             "rate": can(request.user, "rate_supervisor", s)} for s in sheets]


@page
def my_team(request: HttpRequest) -> HttpResponse:
    if "supervisor" not in roles_of(request.user):
        raise Forbidden("只有考核人有团队页面", "Only supervisors have a team page")
    listed = prefetch_relations(request.user, visible_sheets(request.user).exclude(employee__user=request.user)
                                .select_related("employee__position").order_by("-cycle__start", "employee__code"))
    sheets = [s for s in listed if "supervisor" in relations(request.user, s.employee, s)]
    return render(request, "ui/team/team.html", {"rows": _rows(request, sheets)})


@page
def review_queue(request: HttpRequest) -> HttpResponse:
    if "reviewer" not in roles_of(request.user):
        raise Forbidden("只有审核人有审批页面", "Only reviewers have an approvals page")
    listed = prefetch_relations(request.user, visible_sheets(request.user).filter(state=SheetState.REVIEWER_APPROVAL)
                                .select_related("employee__position"))
    waiting = [s for s in listed if can(request.user, "approve", s)]
    return render(request, "ui/team/review_queue.html", {"rows": _rows(request, waiting)})


@page
def review_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, or return to the supervisor with a reason (the reason is required)."""
    sheet = load_sheet(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and "approve" in request.POST:
        with one_change(request, f"review-{sheet.pk}"):
            svc.approve(sheet, request.user, expected_version=posted_version(request))
        messages.success(request, _("Approved."))
        return redirect("ui:review_queue")
    if request.method == "POST" and form.is_valid():
        try:
            with one_change(request, f"review-{sheet.pk}"):
                svc.return_to_supervisor(sheet, request.user, form.cleaned_data["reason"],
                                         expected_version=posted_version(request))
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("Returned to the supervisor."))
            return redirect("ui:review_queue")
    return render(request, "ui/team/review.html", {
        "sheet": sheet, "form": form, "categories": sheetview.scored_categories(sheet),
        "vis": sheet_visibility(request.user, sheet),
        "may_approve": can(request.user, "approve", sheet),
        "may_rate": can(request.user, "rate_reviewer", sheet) and any(
            "reviewer" in m.roles for m in svc.manual_items(sheet)),
        "may_return": can(request.user, "return_to_supervisor", sheet)})
