"""What HR does to set up and keep the organisation, as services the setup pages call.

Departments and teams (the org tree), employees (add, edit, move, leave), logins
(create for an employee, reset the password, the first-login change), role
assignments (grant, revoke) and the company's settings. Every function checks
`manage_org` on the company, reports every problem of its input at once
(`InvalidInput`, in Chinese and English) and writes one audit record per change.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.web.audit.services import record
from kaohe.web.errors import InvalidInput, ValidationReport
from kaohe.web.org.models import (
    Company,
    Department,
    Employee,
    Level,
    Position,
    Role,
    RoleAssignment,
    Scope,
    Team,
)
from kaohe.web.permissions import forget_cached_roles, require


def _fail(report: ValidationReport) -> None:
    if not report.ok:
        raise InvalidInput(report)


def _slug_ok(code: str) -> bool:
    return bool(code) and all(c.isalnum() or c in "-_" for c in code) and code.isascii()


# --- the org tree ------------------------------------------------------------------------


def _check_department(company: Company, code: str, name: str, parent: Department | None,
                      pk: int | None = None) -> ValidationReport:
    report = ValidationReport()
    if not _slug_ok(code):
        report.add("code", "编码只能用字母、数字、- 和 _", "The code may only hold letters, digits, - and _", value=code)
    elif Department.objects.filter(company=company, code=code).exclude(pk=pk).exists():
        report.add("code", "已有部门使用此编码", "Another department has this code", value=code)
    if not name.strip():
        report.add("name", "请填写名称", "The name is required")
    if parent is not None:
        if parent.company_id != company.pk:
            report.add("parent", "上级部门不属于本公司", "The parent department belongs to another company")
        elif pk is not None and parent.pk in Department.objects.get(pk=pk).descendant_ids():
            report.add("parent", "上级部门不能是本部门或其下级", "A department cannot sit under itself or below it")
    return report


def create_department(actor: Any, company: Company, *, code: str, name: str,
                      parent: Department | None = None) -> Department:
    require(actor, "manage_org", company)
    _fail(_check_department(company, code, name, parent))
    with transaction.atomic():
        dept = Department.objects.create(company=company, code=code, name=name.strip(), parent=parent)
        record(actor, "org.create_department", dept, after={"code": code, "name": dept.name,
                                                            "parent": getattr(parent, "name", None)},
               company_id=company.pk)
    return dept


def update_department(actor: Any, dept: Department, *, code: str, name: str,
                      parent: Department | None) -> Department:
    require(actor, "manage_org", dept.company)
    _fail(_check_department(dept.company, code, name, parent, pk=dept.pk))
    before = {"code": dept.code, "name": dept.name, "parent": getattr(dept.parent, "name", None)}
    with transaction.atomic():
        dept.code, dept.name, dept.parent = code, name.strip(), parent
        dept.save()
        record(actor, "org.update_department", dept, before=before,
               after={"code": code, "name": dept.name, "parent": getattr(parent, "name", None)},
               company_id=dept.company_id)
    return dept


def _check_team(department: Department | None, code: str, name: str, pk: int | None = None) -> ValidationReport:
    report = ValidationReport()
    if department is None:
        report.add("department", "请选择部门", "Choose a department")
    if not _slug_ok(code):
        report.add("code", "编码只能用字母、数字、- 和 _", "The code may only hold letters, digits, - and _", value=code)
    elif department is not None and Team.objects.filter(department=department, code=code).exclude(pk=pk).exists():
        report.add("code", "该部门已有班组使用此编码", "Another team of this department has this code", value=code)
    if not name.strip():
        report.add("name", "请填写名称", "The name is required")
    return report


def create_team(actor: Any, company: Company, department: Department | None, *, code: str, name: str) -> Team:
    require(actor, "manage_org", company)
    report = _check_team(department, code, name)
    if department is not None and department.company_id != company.pk:
        report.add("department", "部门不属于本公司", "The department belongs to another company")
    _fail(report)
    assert department is not None
    with transaction.atomic():
        team = Team.objects.create(department=department, code=code, name=name.strip())
        record(actor, "org.create_team", team, after={"code": code, "name": team.name,
                                                      "department": department.name},
               company_id=department.company_id)
    return team


def update_team(actor: Any, team: Team, *, department: Department | None, code: str, name: str) -> Team:
    require(actor, "manage_org", team.department.company)
    report = _check_team(department, code, name, pk=team.pk)
    if department is not None and department.company_id != team.department.company_id:
        report.add("department", "部门不属于本公司", "The department belongs to another company")
    _fail(report)
    before = {"code": team.code, "name": team.name, "department": team.department.name}
    with transaction.atomic():
        team.department, team.code, team.name = department, code, name.strip()
        team.save()
        assert department is not None
        record(actor, "org.update_team", team, before=before,
               after={"code": code, "name": team.name, "department": department.name},
               company_id=department.company_id)
    return team


# --- employees ----------------------------------------------------------------------------


EMPLOYEE_FIELDS = ("code", "name", "department", "team", "position", "level", "manager", "hire_date")


def _describe(e: Employee) -> dict[str, Any]:
    return {"code": e.code, "name": e.name, "department": e.department.name if e.department_id else None,
            "team": e.team.name if e.team_id else None, "position": e.position.name_zh if e.position_id else None,
            "level": e.level, "manager": e.manager.name if e.manager_id else None,
            "hire_date": e.hire_date.isoformat() if e.hire_date else None,
            "leave_date": e.leave_date.isoformat() if e.leave_date else None}


def _check_placement(company: Company, report: ValidationReport, department: Department | None,
                     team: Team | None, manager: Employee | None, employee: Employee | None = None) -> None:
    if department is None:
        report.add("department", "请选择部门", "Choose a department")
    elif department.company_id != company.pk:
        report.add("department", "部门不属于本公司", "The department belongs to another company")
    if team is not None and department is not None and team.department_id != department.pk:
        report.add("team", "该班组不在所选部门下", "The team is not in the chosen department", value=team.name)
    if manager is not None:
        if manager.company_id != company.pk:
            report.add("manager", "上级不属于本公司", "The manager belongs to another company")
        elif employee is not None:
            seen, m = set(), manager
            while m is not None and m.pk not in seen:  # a reporting line must not loop back
                if m.pk == employee.pk:
                    report.add("manager", "上级不能是本人或本人的下属", "The manager cannot be the employee or one of "
                               "their reports", value=manager.name)
                    break
                seen.add(m.pk)
                m = m.manager


def add_employee(actor: Any, company: Company, *, code: str, name: str, department: Department | None,
                 team: Team | None, position: Position | None, level: str, manager: Employee | None,
                 hire_date: dt.date | None) -> Employee:
    require(actor, "manage_org", company)
    report = ValidationReport()
    code, name = code.strip(), name.strip()
    if not code:
        report.add("code", "请填写工号", "The employee code is required")
    elif Employee.objects.filter(company=company, code=code).exists():
        report.add("code", "已有员工使用此工号", "Another employee has this code", value=code)
    if not name:
        report.add("name", "请填写姓名", "The name is required")
    if position is None:
        report.add("position", "请选择岗位", "Choose a position")
    if level not in Level.values:
        report.add("level", "请选择级别", "Choose a level", value=level)
    if hire_date is None:
        report.add("hire_date", "请填写入职日期（YYYY-MM-DD）", "Enter the hire date (YYYY-MM-DD)")
    _check_placement(company, report, department, team, manager)
    _fail(report)
    with transaction.atomic():
        e = Employee.objects.create(company=company, code=code, name=name, department=department, team=team,
                                    position=position, level=level, manager=manager, hire_date=hire_date)
        record(actor, "org.add_employee", e, after=_describe(e), company_id=company.pk)
    return e


def edit_employee(actor: Any, e: Employee, *, code: str, name: str, position: Position | None, level: str,
                  hire_date: dt.date | None) -> Employee:
    require(actor, "manage_org", e.company)
    report = ValidationReport()
    code, name = code.strip(), name.strip()
    if not code:
        report.add("code", "请填写工号", "The employee code is required")
    elif Employee.objects.filter(company=e.company, code=code).exclude(pk=e.pk).exists():
        report.add("code", "已有员工使用此工号", "Another employee has this code", value=code)
    if not name:
        report.add("name", "请填写姓名", "The name is required")
    if position is None:
        report.add("position", "请选择岗位", "Choose a position")
    if level not in Level.values:
        report.add("level", "请选择级别", "Choose a level", value=level)
    if hire_date is None:
        report.add("hire_date", "请填写入职日期（YYYY-MM-DD）", "Enter the hire date (YYYY-MM-DD)")
    elif e.leave_date and hire_date > e.leave_date:
        report.add("hire_date", "入职日期晚于离职日期", "The hire date is after the leave date")
    _fail(report)
    before = _describe(e)
    with transaction.atomic():
        e.code, e.name, e.position, e.level, e.hire_date = code, name, position, level, hire_date
        e.save()
        record(actor, "org.edit_employee", e, before=before, after=_describe(e), company_id=e.company_id)
    return e


def move_employee(actor: Any, e: Employee, *, department: Department | None, team: Team | None,
                  manager: Employee | None, reason: str = "") -> Employee:
    """A transfer: another department, team or manager (the reporting line)."""
    require(actor, "manage_org", e.company)
    report = ValidationReport()
    _check_placement(e.company, report, department, team, manager, employee=e)
    _fail(report)
    before = _describe(e)
    with transaction.atomic():
        e.department, e.team, e.manager = department, team, manager
        e.save()
        record(actor, "org.move_employee", e, before=before, after=_describe(e), reason=reason,
               company_id=e.company_id)
    return e


def record_leave(actor: Any, e: Employee, *, leave_date: dt.date | None, reason: str = "",
                 disable_login: bool = True) -> Employee:
    """The employee leaves on `leave_date` (inclusive); their login stops working, their sheets stay."""
    require(actor, "manage_org", e.company)
    report = ValidationReport()
    if leave_date is None:
        report.add("leave_date", "请填写离职日期（YYYY-MM-DD）", "Enter the leave date (YYYY-MM-DD)")
    elif leave_date < e.hire_date:
        report.add("leave_date", "离职日期早于入职日期", "The leave date is before the hire date",
                   value=leave_date.isoformat())
    if Employee.objects.filter(manager=e, leave_date__isnull=True).exists():
        n = Employee.objects.filter(manager=e, leave_date__isnull=True).count()
        report.add("manager", f"仍有 {n} 名员工向其汇报，请先调整他们的上级",
                   f"{n} employees still report to this person; give them another manager first")
    _fail(report)
    before = _describe(e)
    with transaction.atomic():
        e.leave_date = leave_date
        e.save(update_fields=["leave_date"])
        if disable_login and e.user_id is not None:
            e.user.is_active = False
            e.user.save(update_fields=["is_active"])
        record(actor, "org.record_leave", e, before=before, after={**_describe(e), "login_disabled": disable_login
                                                                   and e.user_id is not None},
               reason=reason, company_id=e.company_id)
    return e


# --- logins -------------------------------------------------------------------------------


def temporary_password() -> str:
    """Twelve characters of letters and digits (with at least one of each), easy to read aloud."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def _check_password(report: ValidationReport, password: str, user: Any = None, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            report.add(field, f"密码不符合要求：{message}", f"The password is not accepted: {message}")


def _must_change(user: Any, required: bool) -> None:
    from kaohe.web.org.models import LoginState

    LoginState.objects.update_or_create(user=user, defaults={"must_change_password": required})


def create_login(actor: Any, e: Employee, *, username: str, password: str = "") -> tuple[Any, str]:
    """A login for the employee with a temporary password (generated when none is given), to be
    changed at the first login. Returns (user, the temporary password) — shown once to HR."""
    require(actor, "manage_org", e.company)
    users = get_user_model()
    report = ValidationReport()
    username = username.strip()
    if e.user_id is not None:
        report.add("username", "该员工已有登录账号，请使用“重置密码”", "This employee already has a login; reset its "
                   "password instead")
    if not username:
        report.add("username", "请填写登录名", "The login name is required")
    elif not all(c.isalnum() or c in "@.+-_" for c in username) or len(username) > 150:
        report.add("username", "登录名只能用字母、数字和 @ . + - _", "The login name may only hold letters, digits "
                   "and @ . + - _", value=username)
    elif users.objects.filter(username=username).exists():
        report.add("username", "此登录名已被使用", "This login name is taken", value=username)
    password = password or temporary_password()
    _check_password(report, password, users(username=username))
    _fail(report)
    with transaction.atomic():
        user = users.objects.create_user(username=username, password=password)
        user.first_name = e.name[:150]
        user.save(update_fields=["first_name"])
        e.user = user
        e.save(update_fields=["user"])
        _must_change(user, True)
        record(actor, "org.create_login", e, after={"username": username, "must_change_password": True},
               company_id=e.company_id)
    return user, password


def reset_password(actor: Any, e: Employee, *, password: str = "") -> str:
    """A new temporary password for the employee's login, to be changed at the next login."""
    require(actor, "manage_org", e.company)
    report = ValidationReport()
    if e.user_id is None:
        report.add("username", "该员工还没有登录账号", "This employee has no login yet")
        _fail(report)
    password = password or temporary_password()
    _check_password(report, password, e.user)
    _fail(report)
    with transaction.atomic():
        e.user.set_password(password)
        e.user.is_active = e.leave_date is None or e.leave_date >= timezone.localdate()
        e.user.save(update_fields=["password", "is_active"])
        _must_change(e.user, True)
        record(actor, "org.reset_password", e, after={"username": e.user.get_username(),
                                                      "must_change_password": True}, company_id=e.company_id)
    return password


def change_own_password(user: Any, *, old: str, new: str, again: str) -> None:
    """The person's own change (the first login's, or any later one); audited without the password."""
    report = ValidationReport()
    if not user.check_password(old):
        report.add("old_password", "当前密码不正确", "The current password is not correct")
    if new != again:
        report.add("new_password2", "两次输入的新密码不一致", "The two new passwords differ")
    if new and new == old:
        report.add("new_password1", "新密码不能与当前密码相同", "The new password must differ from the current one")
    _check_password(report, new, user, field="new_password1")
    _fail(report)
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        _must_change(user, False)
        employee = Employee.objects.filter(user=user).first()
        record(user, "org.change_password", employee or user, after={"username": user.get_username()},
               company_id=getattr(employee, "company_id", None))


def must_change_password(user: Any) -> bool:
    from kaohe.web.org.models import LoginState

    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_kaohe_must_change", None)
    if cached is None:
        cached = LoginState.objects.filter(user=user, must_change_password=True).exists()
        user._kaohe_must_change = cached
    return cached


# --- roles --------------------------------------------------------------------------------


def grant_role(actor: Any, company: Company, *, user: Any, role: str, scope: str, team: Team | None = None,
               department: Department | None = None) -> RoleAssignment:
    """Give a role over a scope; the same grant twice is refused rather than stored twice."""
    from kaohe.web.org.services import assign_role

    require(actor, "manage_org", company)
    report = ValidationReport()
    if user is None:
        report.add("user", "请选择有登录账号的员工", "Choose an employee with a login")
    if role not in Role.values:
        report.add("role", "请选择角色", "Choose a role", value=role)
    if scope not in Scope.values:
        report.add("scope", "请选择范围", "Choose a scope", value=scope)
    if scope == "team" and team is None:
        report.add("team", "班组范围须指定班组", "A team scope needs a team")
    if scope == "department" and department is None:
        report.add("department", "部门范围须指定部门", "A department scope needs a department")
    if team is not None and team.department.company_id != company.pk:
        report.add("team", "班组不属于本公司", "The team belongs to another company")
    if department is not None and department.company_id != company.pk:
        report.add("department", "部门不属于本公司", "The department belongs to another company")
    if report.ok and RoleAssignment.objects.filter(
            user=user, company=company, role=role, scope=scope, team=team if scope == "team" else None,
            department=department if scope == "department" else None).exists():
        report.add("role", "此人已有该角色和范围", "This person already holds this role over this scope")
    _fail(report)
    return assign_role(actor, user, role, company=company, scope=scope, team=team, department=department)


def revoke_role(actor: Any, ra: RoleAssignment, *, reason: str = "") -> None:
    require(actor, "manage_org", ra.company)
    report = ValidationReport()
    if ra.user_id == getattr(actor, "pk", None) and ra.role == "hr" and not RoleAssignment.objects.filter(
            company=ra.company, role="hr", scope="company").exclude(pk=ra.pk).exists():
        report.add("role", "不能撤销公司最后一位绩效管理员的角色", "The company's last HR officer cannot lose the role")
    _fail(report)
    before = {"user": ra.user_id, "username": ra.user.get_username(), "role": ra.role, "scope": ra.scope,
              "team": ra.team.name if ra.team_id else None,
              "department": ra.department.name if ra.department_id else None}
    with transaction.atomic():
        user = ra.user
        record(actor, "org.revoke_role", ra, before=before, reason=reason, company_id=ra.company_id)
        ra.delete()
    forget_cached_roles(user)


# --- company settings ---------------------------------------------------------------------


def update_company_settings(actor: Any, company: Company, *, name: str, time_zone: str, min_peer_raters: int | None,
                            appeal_window_days: int | None, grade_distribution_target: dict[str, Any],
                            scoring_settings: dict[str, bool] | None = None) -> Company:
    """Save the company's settings; `scoring_settings` (switch → on/off, see
    `kaohe.web.org.scoring_settings`) replaces the stored switches when given."""
    import zoneinfo

    from kaohe.scheme.models import ID_PATTERN

    require(actor, "manage_org", company)
    report = ValidationReport()
    if not name.strip():
        report.add("name", "请填写公司名称", "The company name is required")
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        report.add("time_zone", "未知时区，例如 Asia/Shanghai", "Unknown time zone, e.g. Asia/Shanghai", value=time_zone)
    if min_peer_raters is None or not 1 <= min_peer_raters <= 20:
        report.add("min_peer_raters", "请填写 1 到 20 之间的整数", "Enter a whole number from 1 to 20")
    if appeal_window_days is None or not 1 <= appeal_window_days <= 60:
        report.add("appeal_window_days", "请填写 1 到 60 之间的整数", "Enter a whole number from 1 to 60")
    total = 0
    for grade, share in grade_distribution_target.items():
        if not 0 <= share <= 100:
            report.add("grade_distribution_target", f"等级 {grade} 的比例须在 0 到 100 之间",
                       f"The share of grade {grade} must be between 0 and 100")
        total += share
    if grade_distribution_target and total != 100:
        report.add("grade_distribution_target", f"各等级比例之和为 {total}%，应为 100%",
                   f"The grade shares add up to {total}%, not 100%")
    switches = dict(company.scoring_settings or {}) if scoring_settings is None else dict(scoring_settings)
    for key, on in switches.items():
        if not isinstance(on, bool) or not re.fullmatch(ID_PATTERN, str(key)):
            report.add("scoring_settings", f"计分设置 {key} 须为开或关，名称只用小写字母、数字和下划线",
                       f"The scoring setting {key} must be on or off, named with lower-case letters, digits and _")
    _fail(report)
    before = {"name": company.name, "time_zone": company.time_zone, "min_peer_raters": company.min_peer_raters,
              "appeal_window_days": company.appeal_window_days,
              "grade_distribution_target": company.grade_distribution_target,
              "scoring_settings": company.scoring_settings}
    with transaction.atomic():
        company.name, company.time_zone = name.strip(), time_zone
        company.min_peer_raters, company.appeal_window_days = min_peer_raters, appeal_window_days
        company.grade_distribution_target = grade_distribution_target
        company.scoring_settings = switches
        company.save()
        after = {"name": company.name, "time_zone": time_zone, "min_peer_raters": min_peer_raters,
                 "appeal_window_days": appeal_window_days, "grade_distribution_target": grade_distribution_target,
                 "scoring_settings": switches}
        record(actor, "org.update_settings", company, before=before, after=after, company_id=company.pk)
    return company
