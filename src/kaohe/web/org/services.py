"""Org services: employee import from Excel, role assignment, and finding a user's employee record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

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

# Column header (Chinese or English) → field. The first row of the sheet holds the headers.
COLUMNS: dict[str, str] = {
    "工号": "code", "code": "code", "姓名": "name", "name": "name", "部门": "department",
    "department": "department", "班组": "team", "team": "team", "岗位": "position", "position": "position",
    "级别": "level", "level": "level", "上级工号": "manager", "manager": "manager", "入职日期": "hire_date",
    "hire_date": "hire_date", "离职日期": "leave_date", "leave_date": "leave_date", "登录名": "username",
    "username": "username",
}
REQUIRED = ("code", "name", "department", "position", "level", "hire_date")
LEVEL_WORDS = {"总监": "director", "经理": "manager", "主管": "supervisor", "专员": "specialist",
               "座席员": "specialist", **{v: v for v in Level.values}}


@dataclass(frozen=True)
class EmployeeImportResult:
    created: int
    updated: int


def employee_for(user: Any) -> Employee | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Employee.objects.filter(user=user).select_related("team", "department", "position", "manager").first()


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps 1001 as 1001.0
    return str(value).strip()


def import_employees(company: Company, actor: Any, path: Path | str) -> EmployeeImportResult:
    """Create or update employees from an .xlsx file.

    Every bad row is reported at once (row as Excel shows it, column header, reason), and
    then nothing is written. Departments and teams are looked up by code or name;
    managers by employee code, in the file or already in Kaohe.
    """
    import openpyxl

    require(actor, "import_employees", company)
    report = ValidationReport()
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one clear problem
        report.add("file", f"无法读取 Excel 文件：{exc}", f"Cannot read the Excel file: {exc}")
        raise InvalidInput(report) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, [])]
    fields: dict[int, str] = {}
    headers_by_field: dict[str, str] = {}
    for i, h in enumerate(header):
        f = COLUMNS.get(h) or COLUMNS.get(h.lower())
        if f:
            fields[i] = f
            headers_by_field[f] = h
        elif h:
            report.add(h, f"未知列“{h}”", f"Unknown column '{h}'", row=1, value=h)
    for f in REQUIRED:
        if f not in headers_by_field:
            report.add(f, f"缺少必需的列 {f}", f"The required column {f} is missing", row=1)
    if not report.ok:
        raise InvalidInput(report)

    depts = {d.code: d for d in Department.objects.filter(company=company)}
    depts.update({d.name: d for d in depts.copy().values()})
    teams = {(t.department_id, k): t for t in Team.objects.filter(department__company=company)
             for k in (t.code, t.name)}
    positions = {p.code: p for p in Position.objects.all()}
    positions.update({p.name_zh: p for p in positions.copy().values()})
    known_codes = set(Employee.objects.filter(company=company).values_list("code", flat=True))
    users = get_user_model()
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(rows, start=2):
        data = {fields[i]: v for i, v in enumerate(raw) if i in fields}
        if all(v is None or _text(v) == "" for v in data.values()):
            continue
        report.rows_read += 1

        def bad(f: str, zh: str, en: str, value: Any = None, n: int = n) -> None:
            report.add(headers_by_field.get(f, f), zh, en, row=n, value=value)

        row: dict[str, Any] = {}
        for f in REQUIRED:
            if _text(data.get(f)) == "":
                bad(f, "必填项为空", "This field is required")
        code = _text(data.get("code"))
        if code:
            if code in seen:
                bad("code", f"工号与第 {seen[code]} 行重复", f"Same code as row {seen[code]}", code)
            seen[code] = n
        row["code"], row["name"] = code, _text(data.get("name"))
        dept = depts.get(_text(data.get("department")))
        if _text(data.get("department")) and dept is None:
            bad("department", "未知部门", "Unknown department", data.get("department"))
        row["department"] = dept
        team_name = _text(data.get("team"))
        row["team"] = None
        if team_name and dept is not None:
            row["team"] = teams.get((dept.pk, team_name))
            if row["team"] is None:
                bad("team", "该部门下没有此班组", "No such team in this department", team_name)
        pos = positions.get(_text(data.get("position")))
        if _text(data.get("position")) and pos is None:
            bad("position", "岗位不在岗位库中", "The position is not in the library", data.get("position"))
        row["position"] = pos
        level = LEVEL_WORDS.get(_text(data.get("level")).lower()) or LEVEL_WORDS.get(_text(data.get("level")))
        if _text(data.get("level")) and level is None:
            bad("level", "级别须为 总监/经理/主管/专员", "Level must be director/manager/supervisor/specialist",
                data.get("level"))
        row["level"] = level
        for f in ("hire_date", "leave_date"):
            try:
                row[f] = _date(data.get(f))
            except ValueError:
                bad(f, "日期格式须为 YYYY-MM-DD", "Dates are written YYYY-MM-DD", data.get(f))
                row[f] = None
        if row.get("hire_date") and row.get("leave_date") and row["leave_date"] < row["hire_date"]:
            bad("leave_date", "离职日期早于入职日期", "The leave date is before the hire date", data.get("leave_date"))
        row["manager"] = _text(data.get("manager"))
        row["username"] = _text(data.get("username"))
        if row["username"] and users.objects.filter(username=row["username"]).exclude(
                employee__company=company, employee__code=code).exists():
            bad("username", "登录名已被其他人使用", "The username belongs to someone else", row["username"])
        parsed.append((n, row))
    codes_in_file = {r["code"] for _, r in parsed}
    for n, r in parsed:
        m = r["manager"]
        if m and m not in codes_in_file and m not in known_codes:
            report.add(headers_by_field.get("manager", "manager"), "找不到该上级工号", "No employee with this code",
                       row=n, value=m)
        if m and m == r["code"]:
            report.add(headers_by_field.get("manager", "manager"), "上级不能是本人", "One cannot manage oneself",
                       row=n, value=m)
    if not report.ok:
        raise InvalidInput(report, "员工导入失败，未作任何更改", "The employee import failed; nothing was changed")

    created = updated = 0
    with transaction.atomic():
        by_code: dict[str, Employee] = {}
        for _, r in parsed:
            user = None
            if r["username"]:
                user, new_user = users.objects.get_or_create(username=r["username"])
                if new_user:  # HR sets or resets the password separately; nobody logs in with a blank one
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
            defaults = {"name": r["name"], "department": r["department"], "team": r["team"],
                        "position": r["position"], "level": r["level"], "hire_date": r["hire_date"],
                        "leave_date": r["leave_date"]}
            if user is not None:
                defaults["user"] = user
            emp, was_created = Employee.objects.update_or_create(company=company, code=r["code"], defaults=defaults)
            created += was_created
            updated += not was_created
            by_code[r["code"]] = emp
        for _, r in parsed:
            if r["manager"]:
                manager = by_code.get(r["manager"]) or Employee.objects.get(company=company, code=r["manager"])
                Employee.objects.filter(pk=by_code[r["code"]].pk).update(manager=manager)
        record(actor, "org.import_employees", company, after={"created": created, "updated": updated,
                                                              "rows": report.rows_read}, company_id=company.pk)
    return EmployeeImportResult(created, updated)


def assign_role(actor: Any, user: Any, role: str, *, company: Company, scope: str, team: Team | None = None,
                department: Department | None = None) -> RoleAssignment:
    """Give `user` a role over a scope (HR only; audited)."""
    require(actor, "manage_org", company)
    report = ValidationReport()
    if role not in Role.values:
        report.add("role", f"未知角色 {role}", f"Unknown role {role}", value=role)
    if scope not in Scope.values:
        report.add("scope", f"未知范围 {scope}", f"Unknown scope {scope}", value=scope)
    if scope == "team" and team is None:
        report.add("team", "班组范围须指定班组", "A team scope needs a team")
    if scope == "department" and department is None:
        report.add("department", "部门范围须指定部门", "A department scope needs a department")
    if not report.ok:
        raise InvalidInput(report)
    ra = RoleAssignment.objects.create(user=user, company=company, role=role, scope=scope,
                                       team=team if scope == "team" else None,
                                       department=department if scope == "department" else None)
    record(actor, "org.assign_role", ra, after={"user": user.pk, "role": role, "scope": scope,
                                                "team": getattr(team, "pk", None),
                                                "department": getattr(department, "pk", None)},
           company_id=company.pk)
    forget_cached_roles(user)
    return ra


def import_workdays(company: Company, actor: Any, rows: list[dict[str, Any]]) -> int:
    """Working-day overrides: a company's own exceptions, or a year's statutory schedule HR imports
    before the calendar package has it. Rows: {"date": "2027-01-01", "kind": "holiday" | "workday",
    "note": …}. Every bad row is reported; nothing is written then. Returns the number stored."""
    from kaohe.web.org.models import WorkdayOverride

    require(actor, "manage_org", company)
    report = ValidationReport()
    clean: dict[dt.date, tuple[bool, str]] = {}
    for n, row in enumerate(rows, start=1):
        report.rows_read += 1
        try:
            day = _date(row.get("date"))
        except ValueError:
            day = None
        if day is None:
            report.add("date", "日期格式须为 YYYY-MM-DD", "Dates are written YYYY-MM-DD", row=n, value=row.get("date"))
        kind = str(row.get("kind", "")).strip()
        if kind not in ("holiday", "workday"):
            report.add("kind", "类型须为 holiday 或 workday", "kind must be holiday or workday", row=n, value=kind)
        if day is not None and day in clean:
            report.add("date", "日期重复", "The date appears twice", row=n, value=day)
        if day is not None and kind in ("holiday", "workday"):
            clean[day] = (kind == "workday", str(row.get("note", ""))[:200])
    if not report.ok:
        raise InvalidInput(report)
    with transaction.atomic():
        for day, (is_workday, note) in clean.items():
            WorkdayOverride.objects.update_or_create(company=company, date=day,
                                                     defaults={"is_workday": is_workday, "note": note})
        record(actor, "org.import_workdays", company, after={str(d): v[0] for d, v in sorted(clean.items())},
               company_id=company.pk)
    return len(clean)
