"""HR setup: the overview, the org tree (departments, teams, reporting lines) and the company settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.web.errors import Forbidden, InvalidInput
from kaohe.web.org import setup as svc
from kaohe.web.org.models import Company, Department, Employee, Team
from kaohe.web.org.scoring_settings import known_settings, settings_of
from kaohe.web.permissions import _assignments, can

from ..refusals import page
from ..setup_forms import CompanyForm, DepartmentForm, TeamForm, distribution_text
from ._common import one_change, put_on_form


def hr_companies(user: Any) -> list[Company]:
    """Companies whose organisation the user may set up (HR with a company scope)."""
    seen: dict[int, Company] = {}
    for ra in _assignments(user):
        if ra.role == "hr" and ra.company_id not in seen and can(user, "manage_org", ra.company):
            seen[ra.company_id] = ra.company
    return list(seen.values())


def setup_company_of(request: HttpRequest) -> Company:
    """The company being set up: ?company=<code> among the user's, else their first; refused for others."""
    companies = hr_companies(request.user)
    if not companies:
        raise Forbidden("只有绩效管理员可以维护组织架构", "Only HR officers set up the organisation",
                        action="manage_org")
    wanted = request.GET.get("company") or request.POST.get("company_code")
    for c in companies:
        if c.code == wanted:
            return c
    return companies[0]


def _tree(company: Company) -> list[dict[str, Any]]:
    """Departments as a nested list, each with its teams, head count and managers."""
    today = timezone.localdate()
    active = Q(employees__leave_date__isnull=True) | Q(employees__leave_date__gte=today)
    depts = list(Department.objects.filter(company=company).annotate(
        n=Count("employees", filter=active, distinct=True)).order_by("name"))
    teams: dict[int, list[Team]] = {}
    team_rows = Team.objects.filter(department__company=company).annotate(
        n=Count("members", filter=Q(members__leave_date__isnull=True) | Q(members__leave_date__gte=today),
                distinct=True)).order_by("name")
    leaders: dict[int, list[str]] = {}
    for e in Employee.objects.filter(company=company, team__isnull=False, reports__team_id__isnull=False,
                                     leave_date__isnull=True).values("name", "reports__team_id").distinct():
        leaders.setdefault(e["reports__team_id"], []).append(e["name"])
    for t in team_rows:
        t.leaders = sorted(set(leaders.get(t.pk, [])))  # type: ignore[attr-defined]
        teams.setdefault(t.department_id, []).append(t)
    children: dict[int | None, list[Department]] = {}
    for d in depts:
        children.setdefault(d.parent_id, []).append(d)

    def walk(parent: int | None, depth: int) -> list[dict[str, Any]]:
        return [{"dept": d, "depth": depth, "teams": teams.get(d.pk, []), "children": walk(d.pk, depth + 1)}
                for d in children.get(parent, [])]

    return walk(None, 0)


def _reporting_lines(company: Company) -> list[dict[str, Any]]:
    """Who reports to whom, from the top: [{"e": employee, "reports": [...]}]."""
    people = list(Employee.objects.filter(company=company, leave_date__isnull=True)
                  .select_related("position", "team").order_by("name"))
    by_manager: dict[int | None, list[Employee]] = {}
    ids = {e.pk for e in people}
    for e in people:
        by_manager.setdefault(e.manager_id if e.manager_id in ids else None, []).append(e)

    def walk(pk: int | None, seen: frozenset[int]) -> list[dict[str, Any]]:
        return [{"e": e, "reports": walk(e.pk, seen | {e.pk})} for e in by_manager.get(pk, []) if e.pk not in seen]

    # only managers and their reports: a person reporting to nobody and managing nobody is listed apart
    return walk(None, frozenset())


@page
def setup_home(request: HttpRequest) -> HttpResponse:
    company = setup_company_of(request)
    today = timezone.localdate()
    employees = Employee.objects.filter(company=company)
    working = employees.filter(Q(leave_date__isnull=True) | Q(leave_date__gte=today))
    counts = {
        "departments": Department.objects.filter(company=company).count(),
        "teams": Team.objects.filter(department__company=company).count(),
        "employees": working.count(),
        "without_login": working.filter(user__isnull=True).count(),
        "without_manager": working.filter(manager__isnull=True).count(),
        "roles": company.role_assignments.count(),
    }
    return render(request, "ui/setup/home.html", {"company": company, "counts": counts,
                                                  "companies": hr_companies(request.user)})


@page
def org_tree(request: HttpRequest) -> HttpResponse:
    company = setup_company_of(request)
    lines = _reporting_lines(company)
    return render(request, "ui/setup/org.html", {"company": company, "tree": _tree(company), "lines": lines})


@page
def department_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    company = setup_company_of(request)
    dept = get_object_or_404(Department, pk=pk, company=company) if pk else None
    initial = {"name": dept.name, "code": dept.code, "parent": dept.parent_id} if dept else {
        "parent": request.GET.get("parent")}
    form = DepartmentForm(request.POST or None, company=company, exclude=dept, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, f"department-{pk or 'new'}"):
                if dept is None:
                    dept = svc.create_department(request.user, company, code=d["code"], name=d["name"],
                                                 parent=d["parent"])
                    messages.success(request, _("Department %(name)s added.") % {"name": dept.name})
                else:
                    svc.update_department(request.user, dept, code=d["code"], name=d["name"], parent=d["parent"])
                    messages.success(request, _("Department %(name)s saved.") % {"name": dept.name})
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            return redirect("ui:setup_org")
    return render(request, "ui/setup/simple_form.html", {
        "company": company, "form": form, "token": f"department-{pk or 'new'}",
        "title": _("Edit department") if dept else _("Add a department"), "back": "ui:setup_org",
        "testid": "department-form"})


@page
def team_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    company = setup_company_of(request)
    team = get_object_or_404(Team, pk=pk, department__company=company) if pk else None
    initial = {"name": team.name, "code": team.code, "department": team.department_id} if team else {
        "department": request.GET.get("department")}
    form = TeamForm(request.POST or None, company=company, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, f"team-{pk or 'new'}"):
                if team is None:
                    team = svc.create_team(request.user, company, d["department"], code=d["code"], name=d["name"])
                    messages.success(request, _("Team %(name)s added.") % {"name": team.name})
                else:
                    svc.update_team(request.user, team, department=d["department"], code=d["code"], name=d["name"])
                    messages.success(request, _("Team %(name)s saved.") % {"name": team.name})
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            return redirect("ui:setup_org")
    return render(request, "ui/setup/simple_form.html", {
        "company": company, "form": form, "token": f"team-{pk or 'new'}",
        "title": _("Edit team") if team else _("Add a team"), "back": "ui:setup_org", "testid": "team-form"})


@page
def company_settings(request: HttpRequest) -> HttpResponse:
    company = setup_company_of(request)
    initial = {"name": company.name, "time_zone": company.time_zone, "min_peer_raters": company.min_peer_raters,
               "appeal_window_days": company.appeal_window_days,
               "grade_distribution": distribution_text(company.grade_distribution_target)}
    switches = known_settings(company)
    stored = settings_of(company)
    initial.update({CompanyForm.SETTING_PREFIX + s.id: stored.get(s.id, True) for s in switches})
    form = CompanyForm(request.POST or None, initial=initial, switches=switches)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, "company-settings"):
                svc.update_company_settings(request.user, company, name=d["name"], time_zone=d["time_zone"].strip(),
                                            min_peer_raters=d["min_peer_raters"],
                                            appeal_window_days=d["appeal_window_days"],
                                            grade_distribution_target=d["grade_distribution"],
                                            scoring_settings={**stored, **form.scoring_settings()})
        except InvalidInput as error:
            put_on_form(form, error, {"grade_distribution_target": "grade_distribution"})
        else:
            messages.success(request, _("Company settings saved."))
            return redirect("ui:setup_company")
    return render(request, "ui/setup/simple_form.html", {
        "company": company, "form": form, "token": "company-settings", "title": _("Company settings"),
        "back": "ui:setup_home", "testid": "company-form", "calendar": True})
