"""The HR setup pages' forms: plain Django forms whose cleaned data the org setup services take.

Choices are limited to the company being set up; labels are in the page's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.web.org.models import Company, Department, Employee, Level, Position, Role, Scope, Team
from kaohe.web.org.scoring_settings import ScoringSetting

from .formatting import is_english, lang_label, text_of


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _level_choices() -> list[tuple[str, str]]:
    return [(v, lang_label(label)) for v, label in Level.choices]


class _Labelled(forms.ModelChoiceField):
    def __init__(self, *args: Any, labeller: Any = str, **kwargs: Any) -> None:
        self._labeller = labeller
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self._labeller(obj)


def department_label(d: Department) -> str:
    return f"{d.name} ({d.code})"


def team_label(t: Team) -> str:
    return f"{t.department.name} / {t.name}"


def employee_label(e: Employee) -> str:
    return f"{e.name} · {e.code} · {text_of(e.position, 'name')}"


def position_label(p: Position) -> str:
    return text_of(p, "name")


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    code = forms.CharField(label=_("Code"), max_length=64, required=False, help_text=_("Letters, digits, - and _; used in files."))
    parent = _Labelled(queryset=Department.objects.none(), required=False, label=_("Parent department"),
                       empty_label=_("(top level)"), labeller=department_label)

    def __init__(self, *args: Any, company: Company, exclude: Department | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Department.objects.filter(company=company)
        if exclude is not None:
            qs = qs.exclude(pk__in=exclude.descendant_ids())
        self.fields["parent"].queryset = qs


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    code = forms.CharField(label=_("Code"), max_length=64, required=False, help_text=_("Letters, digits, - and _; used in files."))
    department = _Labelled(queryset=Department.objects.none(), label=_("Department"), labeller=department_label,
                           required=False, empty_label="—")

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(company=company)


class _Placement(forms.Form):
    department = _Labelled(queryset=Department.objects.none(), label=_("Department"), labeller=department_label,
                           required=False, empty_label="—")
    team = _Labelled(queryset=Team.objects.none(), required=False, label=_("Team"), empty_label=_("(no team)"),
                     labeller=team_label)
    manager = _Labelled(queryset=Employee.objects.none(), required=False, label=_("Reports to"),
                        empty_label=_("(nobody)"), labeller=employee_label)

    def _limit(self, company: Company, employee: Employee | None = None) -> None:
        self.fields["department"].queryset = Department.objects.filter(company=company)
        self.fields["team"].queryset = Team.objects.filter(department__company=company).select_related("department")
        managers = Employee.objects.filter(company=company, leave_date__isnull=True).select_related("position")
        if employee is not None:
            managers = managers.exclude(pk=employee.pk)
        self.fields["manager"].queryset = managers


class EmployeeForm(_Placement):
    # nothing required here: the service reports every missing or wrong field at once
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    code = forms.CharField(label=_("Employee code"), max_length=64, required=False,
                           help_text=_("The id used in operational records (agent id)."))
    position = _Labelled(queryset=Position.objects.none(), label=_("Position"), labeller=position_label,
                         required=False, empty_label="—")
    level = forms.ChoiceField(label=_("Level"), choices=[], required=False)
    hire_date = forms.DateField(label=_("Hire date"), widget=DateInput(), required=False)

    field_order = ["name", "code", "position", "level", "department", "team", "manager", "hire_date"]

    def __init__(self, *args: Any, company: Company, with_placement: bool = True, employee: Employee | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(external=False)
        self.fields["level"].choices = [("", "—"), *_level_choices()]
        self._limit(company, employee)
        if not with_placement:
            for name in ("department", "team", "manager"):
                del self.fields[name]


class MoveForm(_Placement):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, company: Company, employee: Employee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit(company, employee)


class LeaveForm(forms.Form):
    leave_date = forms.DateField(label=_("Last working day"), widget=DateInput(), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    disable_login = forms.BooleanField(label=_("Disable the login"), required=False, initial=True)


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Login name"), max_length=150, required=False)
    password = forms.CharField(label=_("Temporary password"), required=False, widget=forms.PasswordInput(
        render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to generate one. The employee must change it at the first login."))


class ResetPasswordForm(forms.Form):
    password = forms.CharField(label=_("Temporary password"), required=False, widget=forms.PasswordInput(
        render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to generate one. The employee must change it at the next login."))


class ChangePasswordForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))


class GrantRoleForm(forms.Form):
    employee = _Labelled(queryset=Employee.objects.none(), label=_("Person"), labeller=employee_label,
                         required=False, empty_label="—", help_text=_("Only employees with a login are listed."))
    role = forms.ChoiceField(label=_("Role"), choices=[])
    scope = forms.ChoiceField(label=_("Scope"), choices=[])
    department = _Labelled(queryset=Department.objects.none(), required=False, label=_("Department (for a "
                           "department scope)"), labeller=department_label, empty_label="—")
    team = _Labelled(queryset=Team.objects.none(), required=False, label=_("Team (for a team scope)"),
                     labeller=team_label, empty_label="—")

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.filter(
            company=company, user__isnull=False, leave_date__isnull=True).select_related("position")
        self.fields["role"].choices = [(v, lang_label(label)) for v, label in Role.choices if v != "employee"]
        self.fields["scope"].choices = [(v, lang_label(label)) for v, label in Scope.choices]
        self.fields["department"].queryset = Department.objects.filter(company=company)
        self.fields["team"].queryset = Team.objects.filter(department__company=company).select_related("department")


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, required=False, help_text=_("For example Asia/Shanghai."))
    min_peer_raters = forms.IntegerField(label=_("Fewest peer raters before 360 feedback is shown"), required=False)
    appeal_window_days = forms.IntegerField(label=_("Working days to appeal after publication"), required=False)
    grade_distribution = forms.CharField(
        label=_("Target grade distribution"), required=False,
        help_text=_("Grade and percent, separated by commas, adding up to 100: A=10, B=20, C=60, D=10. "
                    "Empty: no target."))

    SETTING_PREFIX = "setting__"

    def __init__(self, *args: Any, switches: Sequence[ScoringSetting] = (), **kwargs: Any) -> None:
        """`switches`: the scoring settings schemes name (表9-26's low-volume exemption), one
        checkbox each; a switch never set is on."""
        super().__init__(*args, **kwargs)
        for switch in switches:
            label = switch.label_en if is_english() else switch.label_zh
            self.fields[self.SETTING_PREFIX + switch.id] = forms.BooleanField(
                label=label, required=False, initial=True,
                help_text=_("Untick for a company where this item is not appraised; its weight goes to the other "
                            "items of its category."))

    def scoring_settings(self) -> dict[str, bool]:
        """The switches as ticked: setting → on/off."""
        return {name[len(self.SETTING_PREFIX):]: bool(value) for name, value in self.cleaned_data.items()
                if name.startswith(self.SETTING_PREFIX)}

    def clean_grade_distribution(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("grade_distribution") or "").replace("，", ",").replace("＝", "=")
        out: dict[str, Any] = {}
        problems = []
        for part in [p.strip() for p in text.split(",") if p.strip()]:
            grade, _sep, share = part.partition("=")
            grade, share = grade.strip(), share.strip().rstrip("%")
            try:
                value = Decimal(share)
            except InvalidOperation:
                problems.append(part)
                continue
            if not grade or grade in out:
                problems.append(part)
                continue
            out[grade] = int(value) if value == value.to_integral_value() else float(value)
        if problems:
            raise forms.ValidationError(_("Write each grade as GRADE=PERCENT; not understood: %(parts)s")
                                        % {"parts": ", ".join(problems)})
        return out


def distribution_text(target: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in (target or {}).items())
