"""Manual ratings: the employee's self-rating and the supervisor's rating of the
manual items, each with "save" and "save and submit"."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Rating, Sheet
from kaohe.web.appraisal.workflow import ACTION_STATES
from kaohe.web.errors import Forbidden, IllegalTransition, InvalidInput, StaleObject
from kaohe.web.org.models import Employee
from kaohe.web.permissions import can

from ..formatting import number
from ..forms import RatingsForm, RequestRatingsForm
from ..refusals import page
from ..roles import roles_of
from ._common import load_sheet, message_of, one_change, put_on_form

# role → (permission to rate, workflow step that hands the sheet on, title)
ROLES = {
    "self": ("rate_self", svc.submit_self_review),
    "supervisor": ("rate_supervisor", svc.submit_supervisor_review),
    "reviewer": ("rate_reviewer", None),  # the reviewer rates, then approves on the review page
    # 360 raters and QA only rate; they do not move the sheet along
    "peer": ("rate_peer", None),
    "customer": ("rate_customer", None),
    "qa": ("rate_qa", None),
}
# Where each rater goes back to after saving.
BACK = {"self": "ui:sheet", "supervisor": "ui:sheet", "reviewer": "ui:review_sheet"}
SUBMIT_LABELS = {"self": lambda: _("Save and submit the self-review"),
                 "supervisor": lambda: _("Save and submit to the reviewer"),
                 "reviewer": lambda: _("Save my rating"), "peer": lambda: _("Save my rating"),
                 "customer": lambda: _("Save my rating"), "qa": lambda: _("Save my rating")}


def _items(request: HttpRequest, sheet: Sheet, role: str) -> list[dict]:
    """Each item as its rule asks to be rated: levels with their anchors, points or percentages with
    their range and step, counts as whole numbers."""
    en = request.LANGUAGE_CODE.startswith("en")
    items = []
    for m in svc.manual_items(sheet):
        if role not in m.roles:
            continue
        item = {"id": m.indicator, "label": (m.name_en or m.name_zh) if en else m.name_zh, "min": m.min,
                "max": m.max, "counts": list(m.counts), "step": m.step, "unit": m.unit}
        if m.levels:
            item["levels"] = [{"level": lv, "text": f"{lv} · {(a_en if en else a_zh)}"}
                              for lv, a_zh, a_en, _score in m.levels]
            item["help"] = _("Choose the level whose description fits best.")
        else:
            unit = with_unit_label(m.unit)
            item["help"] = _("From %(min)s to %(max)s%(unit)s, in steps of %(step)s") % {
                "min": number(m.min), "max": number(m.max), "unit": f" {unit}" if unit else "",
                "step": number(m.step)}
        items.append(item)
    return items


def with_unit_label(unit: str) -> str:
    if unit in ("%", ""):
        return unit
    return {"分": _("points"), "points": _("points"), "s": _("seconds"), "秒": _("seconds")}.get(unit, "")


def _saved(sheet: Sheet, role: str, user) -> dict[str, Rating]:  # type: ignore[no-untyped-def]
    return {r.indicator: r for r in Rating.objects.filter(sheet=sheet, role=role, rater=user)}


def _initial(saved: dict[str, Rating], sheet: Sheet) -> dict:
    initial: dict = {"version": sheet.version}
    for indicator, r in saved.items():
        initial[f"score_{indicator}"] = None if r.score is None else (
            str(int(r.score)) if r.score == r.score.to_integral_value() else r.score.normalize())
        initial[f"comment_{indicator}"] = r.comment
        for name, n in (r.counts or {}).items():
            initial[f"count_{indicator}__{name}"] = n
    return initial


def _save(request: HttpRequest, sheet: Sheet, role: str, form: RatingsForm, submit: bool) -> None:
    version = form.cleaned_data["version"]
    comments = form.comments()
    with one_change(request, f"ratings-{sheet.pk}-{role}"):
        for i, (indicator, value) in enumerate(form.ratings().items()):
            if i:
                sheet.refresh_from_db()  # each rating moves the version on; the first one checked ours
            svc.submit_rating(sheet, request.user, role=role, indicator=indicator, score=value,
                              counts=form.counts().get(indicator), comment=comments[indicator],
                              expected_version=version if i == 0 else None)
        if submit and ROLES[role][1] is not None:
            sheet.refresh_from_db()
            ROLES[role][1](sheet, request.user, expected_version=None if form.items else version)


def rating_page(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    sheet = load_sheet(request, pk, ROLES[role][0])
    items = _items(request, sheet, role)
    saved = _saved(sheet, role, request.user)
    form = RatingsForm(request.POST or None, items=items, initial=_initial(saved, sheet))
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST or "submit_next" in request.POST
        try:
            _save(request, sheet, role, form, submit)
        except InvalidInput as error:
            put_on_form(form, error, {f: f"score_{f}" for f in (i["id"] for i in items)})
        except StaleObject as error:
            # Keep what the user typed; show what is saved now; let them decide and save again.
            sheet.refresh_from_db()
            saved = _saved(sheet, role, request.user)
            form = RatingsForm(_with_version(request, sheet.version), items=items)
            form.is_valid()
            form.add_error(None, message_of(error) + " " + _(
                "Your entries are kept below; the values saved now are shown next to each field."))
        else:
            messages.success(request, _("Submitted.") if submit else _("Saved."))
            if role == "supervisor" and "submit_next" in request.POST:
                following = _next_in_queue(request, sheet)
                if following is not None:
                    return redirect("ui:supervisor_rating", pk=following.pk)
                messages.info(request, _("Every sheet of your team is rated."))
                return redirect("ui:my_team")
            if role in BACK:
                return redirect(BACK[role], pk=sheet.pk)
            return redirect("ui:rating_requests")
    queue = _queue(request, sheet) if role == "supervisor" else []
    return render(request, "ui/sheets/ratings.html", {
        "sheet": sheet, "form": form, "role": role, "saved": saved, "back": BACK.get(role),
        "submit_label": SUBMIT_LABELS[role](), "queue_left": len([s for s in queue if s.pk != sheet.pk]),
        "side": _side_panel(request, sheet) if role in ("supervisor", "reviewer") else None})


def _queue(request: HttpRequest, sheet: Sheet) -> list[Sheet]:
    """The supervisor's sheets of this cycle still waiting for their rating, in employee order."""
    from kaohe.web.appraisal.models import SheetState
    from kaohe.web.permissions import visible_sheets

    return [s for s in visible_sheets(request.user, sheet.cycle).filter(state=SheetState.SUPERVISOR_REVIEW)
            .select_related("employee__manager").order_by("employee__code")
            if can(request.user, "rate_supervisor", s)]


def _next_in_queue(request: HttpRequest, sheet: Sheet) -> Sheet | None:
    rest = [s for s in _queue(request, sheet) if s.pk != sheet.pk]
    later = [s for s in rest if s.employee.code > sheet.employee.code]
    return (later or rest or [None])[0]


def _side_panel(request: HttpRequest, sheet: Sheet) -> dict:
    """Beside the form: the employee's KPI values this cycle and their totals over earlier cycles."""
    from kaohe.web.appraisal.models import Sheet as SheetModel
    from kaohe.web.permissions import sheet_visibility

    from .cycles import kpi_title

    kpis = []
    if can(request.user, "view_kpi_records", sheet):
        for kv in svc.kpi_values_for(sheet, request.user):
            if kv.scope == "self":
                kpis.append({"name": kpi_title(kv.kpi), "value": kv.value, "unit": kv.unit})
    trend = []
    earlier = (SheetModel.objects.filter(employee=sheet.employee, cycle__period=sheet.cycle.period,
                                         cycle__start__lt=sheet.cycle.start, current_score__isnull=False)
               .select_related("cycle", "current_score").order_by("-cycle__start")[:6])
    for s in reversed(list(earlier)):
        if can(request.user, "view_sheet", s) and sheet_visibility(request.user, s).totals:
            trend.append({"label": s.cycle.label, "total": s.current_score.total, "grade": s.current_score.grade})
    return {"kpis": kpis, "trend": trend}


def _with_version(request: HttpRequest, version: int):  # type: ignore[no-untyped-def]
    data = request.POST.copy()
    data["version"] = str(version)
    return data


@page
def self_rating(request: HttpRequest, pk: int) -> HttpResponse:
    return rating_page(request, pk, "self")


@page
def supervisor_rating(request: HttpRequest, pk: int) -> HttpResponse:
    return rating_page(request, pk, "supervisor")


@page
def reviewer_rating(request: HttpRequest, pk: int) -> HttpResponse:
    return rating_page(request, pk, "reviewer")


@page
def other_rating(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    """A 360 rater's, an internal customer's or a QA officer's rating of one sheet."""
    if role not in ("peer", "customer", "qa"):
        raise Forbidden("没有这种评分", "There is no such rating")
    return rating_page(request, pk, role)


@page
def rating_requests(request: HttpRequest) -> HttpResponse:
    """What the user is asked to rate: open 360 requests, and for QA officers every sheet open to QA scores."""
    tasks = [{"sheet": r.sheet, "role": r.role, "indicator": r.indicator, "deadline": r.deadline}
             for r in svc.pending_ratings(request.user)]
    seen = {(t["sheet"].pk, t["role"]) for t in tasks}
    if "qa" in roles_of(request.user):
        open_to_qa = Sheet.objects.filter(state__in=ACTION_STATES["rate_qa"]).select_related("employee", "cycle")
        for sheet in open_to_qa:
            if (sheet.pk, "qa") in seen or not can(request.user, "rate_qa", sheet):
                continue
            items = [m for m in svc.manual_items(sheet) if "qa" in m.roles]
            if items:
                done = Rating.objects.filter(sheet=sheet, role="qa", submitted_at__isnull=False).exists()
                tasks.append({"sheet": sheet, "role": "qa", "indicator": items[0].indicator,
                              "deadline": sheet.cycle.rating_deadline, "done": done})
                seen.add((sheet.pk, "qa"))
    if not tasks and not roles_of(request.user) & {"qa", "employee"}:
        raise Forbidden("您没有评分任务", "You have no ratings to give")
    return render(request, "ui/sheets/rating_requests.html", {"tasks": tasks})


@page
def request_ratings(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor (or HR) asks colleagues or internal customers to rate the employee."""
    sheet = load_sheet(request, pk, "request_ratings")
    if sheet.state not in ACTION_STATES["rate_peer"]:
        raise IllegalTransition("当前状态下同事已不能评分，无需发出邀请",
                                "Colleagues can no longer rate in this state; there is nothing to ask for")
    emp = sheet.employee
    people = [(e.user_id, f"{e.name} ({e.code})") for e in Employee.objects.filter(
        company=emp.company, user__isnull=False, leave_date__isnull=True).exclude(pk=emp.pk).order_by("code")]
    form = RequestRatingsForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        users = list(get_user_model().objects.filter(pk__in=data["raters"]))
        deadline = None
        if data["deadline"]:
            deadline = datetime.combine(data["deadline"], time(23, 59), timezone.get_current_timezone())
        try:
            with one_change(request, f"request-ratings-{sheet.pk}"):
                svc.request_ratings(sheet, request.user, role=data["role"], raters=users, deadline=deadline)
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("%(n)d raters asked.") % {"n": len(users)})
            return redirect("ui:sheet", pk=sheet.pk)
    return render(request, "ui/sheets/request_ratings.html", {"sheet": sheet, "form": form})
