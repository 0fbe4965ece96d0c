"""HR setup: the employee directory, one employee (add, edit, move, leave), logins and roles;
and everyone's own password change (required at the first login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from kaohe.web.errors import InvalidInput
from kaohe.web.org import setup as svc
from kaohe.web.org.models import Employee, RoleAssignment

from ..refusals import page
from ..setup_forms import (
    ChangePasswordForm,
    EmployeeForm,
    GrantRoleForm,
    LeaveForm,
    LoginForm,
    MoveForm,
    ResetPasswordForm,
    RevokeForm,
)
from ..setup_tables import EmployeeFilter, EmployeeTable, RoleTable
from ._common import message_of, one_change, put_on_form
from .setup_org import setup_company_of


@page
def employee_directory(request: HttpRequest) -> HttpResponse:
    company = setup_company_of(request)
    qs = Employee.objects.filter(company=company).select_related("position", "department", "team", "manager", "user")
    filters = EmployeeFilter(request.GET or None, queryset=qs, company=company)
    table = EmployeeTable(filters.qs.order_by("code"))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(request, "ui/setup/employees.html", {"company": company, "filter": filters, "table": table,
                                                       "total": qs.count()})


def _employee(request: HttpRequest, pk: int) -> tuple[Employee, object]:
    company = setup_company_of(request)
    e = get_object_or_404(Employee.objects.select_related("position", "department", "team", "manager", "user",
                                                          "company"), pk=pk, company=company)
    return e, company


@page
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    e, company = _employee(request, pk)
    roles = RoleAssignment.objects.filter(user=e.user).select_related("team__department", "department", "company") \
        if e.user_id else RoleAssignment.objects.none()
    from kaohe.web.org.models import LoginState

    must_change = bool(e.user_id and LoginState.objects.filter(user=e.user, must_change_password=True).exists())
    return render(request, "ui/setup/employee.html", {
        "company": company, "e": e, "roles": roles, "must_change": must_change,
        "reports": Employee.objects.filter(manager=e, leave_date__isnull=True).order_by("name")})


@page
def employee_add(request: HttpRequest) -> HttpResponse:
    company = setup_company_of(request)
    form = EmployeeForm(request.POST or None, company=company,
                        initial={"department": request.GET.get("department"), "team": request.GET.get("team")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, "employee-new"):
                e = svc.add_employee(request.user, company, code=d["code"], name=d["name"],
                                     department=d["department"], team=d["team"], position=d["position"],
                                     level=d["level"], manager=d["manager"], hire_date=d["hire_date"])
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("%(name)s added. Create a login next, so they can sign in.")
                             % {"name": e.name})
            return redirect("ui:setup_employee", pk=e.pk)
    return render(request, "ui/setup/simple_form.html", {
        "company": company, "form": form, "token": "employee-new", "title": _("Add an employee"),
        "back": "ui:setup_employees", "testid": "employee-form"})


@page
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    e, company = _employee(request, pk)
    form = EmployeeForm(request.POST or None, company=company, with_placement=False, employee=e, initial={
        "name": e.name, "code": e.code, "position": e.position_id, "level": e.level, "hire_date": e.hire_date})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, f"employee-{pk}-edit"):
                svc.edit_employee(request.user, e, code=d["code"], name=d["name"], position=d["position"],
                                  level=d["level"], hire_date=d["hire_date"])
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("ui:setup_employee", pk=e.pk)
    return render(request, "ui/setup/simple_form.html", {
        "company": company, "form": form, "token": f"employee-{pk}-edit", "employee": e,
        "title": _("Edit %(name)s") % {"name": e.name}, "back_employee": e, "testid": "employee-form"})


@page
def employee_move(request: HttpRequest, pk: int) -> HttpResponse:
    e, company = _employee(request, pk)
    form = MoveForm(request.POST or None, company=company, employee=e, initial={
        "department": e.department_id, "team": e.team_id, "manager": e.manager_id})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, f"employee-{pk}-move"):
                svc.move_employee(request.user, e, department=d["department"], team=d["team"], manager=d["manager"],
                                  reason=d["reason"])
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("%(name)s moved.") % {"name": e.name})
            return redirect("ui:setup_employee", pk=e.pk)
    return render(request, "ui/setup/simple_form.html", {
        "company": company, "form": form, "token": f"employee-{pk}-move",
        "title": _("Move %(name)s: department, team, manager") % {"name": e.name}, "back_employee": e,
        "testid": "move-form"})


@page
def employee_leave(request: HttpRequest, pk: int) -> HttpResponse:
    e, company = _employee(request, pk)
    form = LeaveForm(request.POST or None, initial={"leave_date": e.leave_date, "disable_login": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, f"employee-{pk}-leave"):
                svc.record_leave(request.user, e, leave_date=d["leave_date"], reason=d["reason"],
                                 disable_login=d["disable_login"])
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            messages.success(request, _("The leave of %(name)s is recorded.") % {"name": e.name})
            return redirect("ui:setup_employee", pk=e.pk)
    return render(request, "ui/setup/simple_form.html", {
        "company": company, "form": form, "token": f"employee-{pk}-leave",
        "title": _("%(name)s leaves") % {"name": e.name}, "back_employee": e, "testid": "leave-form",
        "danger": True})


@page
def employee_login(request: HttpRequest, pk: int) -> HttpResponse:
    """Create the employee's login, or reset its password when it exists."""
    e, company = _employee(request, pk)
    creating = e.user_id is None
    form: LoginForm | ResetPasswordForm
    if creating:
        form = LoginForm(request.POST or None, initial={"username": e.code.lower()})
    else:
        form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, f"employee-{pk}-login"):
                if creating:
                    user, password = svc.create_login(request.user, e, username=d["username"], password=d["password"])
                else:
                    password = svc.reset_password(request.user, e, password=d["password"])
                    user = e.user
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            return render(request, "ui/setup/password_issued.html", {
                "company": company, "e": e, "username": user.get_username(), "password": password,
                "created": creating})
    return render(request, "ui/setup/simple_form.html", {
        "company": company, "form": form, "token": f"employee-{pk}-login", "back_employee": e,
        "title": (_("Create a login for %(name)s") if creating else _("Reset the password of %(name)s"))
        % {"name": e.name}, "testid": "login-form"})


@page
def roles(request: HttpRequest) -> HttpResponse:
    company = setup_company_of(request)
    form = GrantRoleForm(request.POST or None, company=company, initial={"employee": request.GET.get("employee")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, "grant-role"):
                employee = d["employee"]
                svc.grant_role(request.user, company, user=employee.user if employee else None, role=d["role"],
                               scope=d["scope"], team=d["team"], department=d["department"])
        except InvalidInput as error:
            put_on_form(form, error, {"user": "employee"})
        else:
            messages.success(request, _("Role granted to %(name)s.") % {"name": employee.name})
            return redirect("ui:setup_roles")
    qs = RoleAssignment.objects.filter(company=company).select_related(
        "user__employee", "team__department", "department", "company").order_by("user__username", "role")
    table = RoleTable(qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "ui/setup/roles.html", {"company": company, "form": form, "table": table})


@page
def revoke_role(request: HttpRequest, pk: int) -> HttpResponse:
    company = setup_company_of(request)
    ra = get_object_or_404(RoleAssignment.objects.select_related("user", "company"), pk=pk, company=company)
    if request.method != "POST":
        return redirect("ui:setup_roles")
    form = RevokeForm(request.POST)
    form.is_valid()
    try:
        with one_change(request, f"revoke-{pk}"):
            svc.revoke_role(request.user, ra, reason=form.cleaned_data.get("reason", ""))
    except InvalidInput as error:
        for problem in error.report.problems:
            messages.error(request, message_of(problem))
    else:
        messages.success(request, _("Role revoked."))
    return redirect("ui:setup_roles")


@page
def change_password(request: HttpRequest) -> HttpResponse:
    """Anyone's own password change; the first login after HR set a password lands here."""
    form = ChangePasswordForm(request.POST or None)
    forced = svc.must_change_password(request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with one_change(request, "change-password"):
                svc.change_own_password(request.user, old=d["old_password"], new=d["new_password1"],
                                        again=d["new_password2"])
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            update_session_auth_hash(request, request.user)  # stay logged in with the new password
            messages.success(request, _("Your password is changed."))
            return redirect("ui:home")
    return render(request, "ui/setup/change_password.html", {"form": form, "forced": forced})
