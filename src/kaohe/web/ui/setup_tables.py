"""The HR directories as django-tables2 tables with django-filter filter sets (search, filters, paging)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaohe.web.org.models import Department, Employee, Position, RoleAssignment, Team

from .formatting import lang_label, text_of

BOOTSTRAP = "django_tables2/bootstrap5-responsive.html"


class EmployeeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.none(), label=_("Department"),
                                                  method="in_department")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.none(), label=_("Team"))
    position = django_filters.ModelChoiceFilter(queryset=Position.objects.none(), label=_("Position"))
    status = django_filters.ChoiceFilter(label=_("Status"), method="by_status", empty_label=_("Any"),
                                         choices=[("active", _("Working")), ("left", _("Left"))])
    login = django_filters.ChoiceFilter(label=_("Login"), method="by_login", empty_label=_("Any"),
                                        choices=[("yes", _("Has a login")), ("no", _("No login"))])

    class Meta:
        model = Employee
        fields: list[str] = []

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.filters
        f["department"].queryset = Department.objects.filter(company=company)
        f["department"].field.label_from_instance = lambda d: d.name
        f["team"].queryset = Team.objects.filter(department__company=company).select_related("department")
        f["team"].field.label_from_instance = lambda t: f"{t.department.name} / {t.name}"
        f["position"].queryset = Position.objects.filter(employees__company=company).distinct()
        f["position"].field.label_from_instance = lambda p: text_of(p, "name")
        for name in ("department", "team", "position"):
            f[name].field.empty_label = _("Any")

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(user__username__icontains=value))

    def in_department(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        return qs.filter(department_id__in=value.descendant_ids()) if value else qs

    def by_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "active":
            return qs.filter(Q(leave_date__isnull=True) | Q(leave_date__gte=today))
        if value == "left":
            return qs.filter(leave_date__lt=today)
        return qs

    def by_login(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return qs.filter(user__isnull=False)
        if value == "no":
            return qs.filter(user__isnull=True)
        return qs


class EmployeeTable(tables.Table):
    name = tables.Column(verbose_name=_("Full name"), linkify=lambda record: reverse("ui:setup_employee", args=[record.pk]),
                         attrs={"a": {"data-testid": "employee-link"}})
    code = tables.Column(verbose_name=_("Employee code"))
    position = tables.Column(verbose_name=_("Position"), order_by=("position__name_zh",))
    department = tables.Column(verbose_name=_("Department"), order_by=("department__name",))
    team = tables.Column(verbose_name=_("Team"), order_by=("team__name",), default="—")
    manager = tables.Column(verbose_name=_("Reports to"), order_by=("manager__name",), default="—")
    login = tables.Column(verbose_name=_("Login"), accessor="user", orderable=False, default="—")
    status = tables.Column(verbose_name=_("Status"), accessor="leave_date", orderable=True, default="")

    class Meta:
        model = Employee
        fields = ("name", "code", "position", "department", "team", "manager", "login", "status")
        template_name = BOOTSTRAP
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "employee-table"}
        empty_text = _("No employee matches.")
        per_page = 25

    def render_position(self, value: Any) -> str:
        return text_of(value, "name")

    def render_department(self, value: Any) -> str:
        return value.name

    def render_team(self, value: Any) -> str:
        return value.name

    def render_manager(self, value: Any) -> str:
        return value.name

    def render_login(self, value: Any) -> str:
        if not value.is_active:
            return format_html('{} <span class="badge text-bg-secondary">{}</span>', value.get_username(),
                               _("disabled"))
        return value.get_username()

    def render_status(self, value: Any) -> str:
        if value is not None and value < timezone.localdate():
            return format_html('<span class="badge text-bg-secondary">{}</span>',
                               _("Left on %(day)s") % {"day": value.isoformat()})
        if value is not None:
            return format_html('<span class="badge text-bg-warning">{}</span>',
                               _("Leaves on %(day)s") % {"day": value.isoformat()})
        return format_html('<span class="badge text-bg-success">{}</span>', _("Working"))


class RoleTable(tables.Table):
    person = tables.Column(verbose_name=_("Person"), accessor="user", order_by=("user__username",))
    role = tables.Column(verbose_name=_("Role"), attrs={"td": {"class": "text-nowrap"}})
    scope = tables.Column(verbose_name=_("Scope"), attrs={"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}})
    over = tables.Column(verbose_name=_("Over"), accessor="pk", orderable=False)
    actions = tables.TemplateColumn(template_name="ui/setup/_revoke.html", verbose_name="", orderable=False)

    class Meta:
        model = RoleAssignment
        fields = ("person", "role", "scope", "over", "actions")
        template_name = BOOTSTRAP
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "role-table"}
        empty_text = _("No role granted yet.")
        per_page = 50

    def render_person(self, value: Any, record: Any) -> str:
        employee = getattr(value, "employee", None)
        name = employee.name if employee is not None else (value.get_full_name() or value.get_username())
        return f"{name} ({value.get_username()})"

    def render_role(self, record: Any) -> str:
        return lang_label(record.get_role_display())

    def render_scope(self, record: Any) -> str:
        return lang_label(record.get_scope_display())

    def render_over(self, record: Any) -> str:
        if record.scope == "team" and record.team_id:
            return f"{record.team.department.name} / {record.team.name}"
        if record.scope == "department" and record.department_id:
            return record.department.name
        if record.scope == "company":
            return record.company.name
        return "—"
