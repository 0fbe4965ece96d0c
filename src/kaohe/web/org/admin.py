from django.contrib import admin

from kaohe.web.org.models import (
    Company,
    Department,
    Employee,
    Position,
    RoleAssignment,
    Team,
    WorkdayOverride,
)


class WorkdayOverrideInline(admin.TabularInline):
    model = WorkdayOverride
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "time_zone", "min_peer_raters", "appeal_window_days")
    inlines = [WorkdayOverrideInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "company", "parent")
    list_filter = ("company",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "level")


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "team", "position", "level", "manager", "hire_date", "leave_date")
    list_filter = ("company", "department", "level")
    search_fields = ("code", "name")
    raw_id_fields = ("manager", "user")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "scope", "company", "department", "team")
    list_filter = ("role", "scope")
