"""The organisation: company, department tree, teams, positions, employees, roles.

Roles are assignments with a scope (self / team / department / company) rather than
Django groups, because the same person can be a supervisor of one team and a
reviewer of one department; permissions (`kaohe.web.permissions`) read them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Level(models.TextChoices):
    # the scheme language's levels (kaohe.scheme.models.Level)
    DIRECTOR = "director", "总监 Director"
    MANAGER = "manager", "经理 Manager"
    SUPERVISOR = "supervisor", "主管 Supervisor"
    SPECIALIST = "specialist", "专员 Specialist"


class Company(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64, default="Asia/Shanghai")
    # 360 feedback is shown to the employee only from at least this many peer raters.
    min_peer_raters = models.PositiveSmallIntegerField(default=3)
    # working days after the employee acknowledges the result, during which they may appeal
    appeal_window_days = models.PositiveSmallIntegerField(default=5)
    # grade → target percent of people, e.g. {"A": 10, "B": 20, "C": 60, "D": 10}; empty: none
    grade_distribution_target = models.JSONField(default=dict, blank=True)
    # switches that schemes' `applies_when: {setting: …}` read, e.g. {"appraise_effective_work_rate": false}
    # for a project company with little call volume (表9-26); a setting not stored here is on
    scoring_settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "公司 Company"
        verbose_name_plural = "公司 Companies"

    def __str__(self) -> str:
        return self.name


class WorkdayOverride(models.Model):
    """A company's own working-day exception, or a statutory date HR imports for a year
    the calendar package does not cover yet."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="workday_overrides")
    date = models.DateField()
    is_workday = models.BooleanField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        unique_together = [("company", "date")]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'off'}"


class Department(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="departments")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)

    class Meta:
        unique_together = [("company", "code")]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> set[int]:
        """This department and all below it (the tree is small: one query per level)."""
        found = {self.pk}
        frontier = {self.pk}
        while frontier:
            frontier = set(Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
            found |= frontier
        return found


class Team(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="teams")
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)

    class Meta:
        unique_together = [("department", "code")]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A position of the library (its id and level), as used by this company."""

    code = models.SlugField(max_length=64, unique=True)  # the library's position id
    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=16, choices=Level.choices)
    # a job outside the library (e.g. the general manager a director reports to): not appraised here
    external = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Employee(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="employees")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="employee")
    code = models.CharField(max_length=64)  # the employee_id / agent_id used in operational records
    name = models.CharField(max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="employees")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="employees")
    level = models.CharField(max_length=16, choices=Level.choices)
    manager = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    hire_date = models.DateField()
    leave_date = models.DateField(null=True, blank=True)

    class Meta:
        unique_together = [("company", "code")]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_active_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.hire_date <= day and (self.leave_date is None or self.leave_date >= day)


class Role(models.TextChoices):
    HR = "hr", "绩效管理员 HR"
    SUPERVISOR = "supervisor", "考核人 Supervisor"
    REVIEWER = "reviewer", "审核人 Reviewer"
    EMPLOYEE = "employee", "被考核人 Employee"
    QA = "qa", "质检员 QA"
    DIRECTOR = "director", "客服总监 Director"
    AUDITOR = "auditor", "审计 Auditor"


class Scope(models.TextChoices):
    SELF = "self", "本人 Self"
    TEAM = "team", "班组 Team"
    DEPARTMENT = "department", "部门 Department"
    COMPANY = "company", "公司 Company"


class RoleAssignment(models.Model):
    """`user` holds `role` over `scope`: a team, a department (and everything below it), or the company."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kaohe_roles")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=16, choices=Role.choices)
    scope = models.CharField(max_length=16, choices=Scope.choices)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True)
    department = models.ForeignKey(Department, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="role_scope_target",
                condition=(
                    models.Q(scope="team", team__isnull=False, department__isnull=True)
                    | models.Q(scope="department", department__isnull=False, team__isnull=True)
                    | models.Q(scope__in=["self", "company"], team__isnull=True, department__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        target = self.team or self.department or self.company
        return f"{self.user} {self.role} @ {self.scope}:{target}"


class LoginState(models.Model):
    """What Kaohe keeps about a login besides Django's user: a password HR set (a new login or a
    reset) must be changed by its owner at the next login."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kaohe_login")
    must_change_password = models.BooleanField(default=False)
