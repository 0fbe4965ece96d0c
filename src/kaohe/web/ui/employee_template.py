"""The blank employee list HR downloads, fills in and imports again.

The first sheet holds the header row the importer expects and one example row. The
example takes a real department, team and position of the company, so that its format
is the one that imports cleanly; its code and name say it is an example. A second
sheet explains every column. Every text cell goes through `safe_cell`, because names
typed by users (a department called "=cmd|...") must never become formulas.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import openpyxl
from django.utils import timezone
from openpyxl.styles import Font

from kaohe.results.safe import safe_cell
from kaohe.web.org.models import Company, Employee, Level, Position, Team

HEADER = ["工号", "姓名", "部门", "班组", "岗位", "级别", "上级工号", "入职日期", "离职日期", "登录名"]
# the importer reads these English titles too (kaohe.web.org.services.COLUMNS): the English template uses them
HEADER_EN = ["code", "name", "department", "team", "position", "level", "manager", "hire_date", "leave_date",
             "username"]
LEVEL_ZH = {Level.DIRECTOR: "总监", Level.MANAGER: "经理", Level.SUPERVISOR: "主管", Level.SPECIALIST: "专员"}

# (column, required, what to write in Chinese, in English)
NOTES = [
    ("工号", "是 yes", "员工编号，与业务数据中的座席工号一致；已存在的工号会被更新",
     "Employee code, the same as the agent id in the records; an existing code is updated"),
    ("姓名", "是 yes", "姓名", "Full name"),
    ("部门", "是 yes", "部门编码或名称，须已在组织架构中", "Department code or name, already in the organisation"),
    ("班组", "否 no", "该部门下的班组编码或名称", "Team code or name within that department"),
    ("岗位", "是 yes", "岗位库中的岗位编码或中文名称", "Position code or Chinese name from the position library"),
    ("级别", "是 yes", "总监、经理、主管或专员（或 director/manager/supervisor/specialist）",
     "总监, 经理, 主管 or 专员 (or director/manager/supervisor/specialist)"),
    ("上级工号", "否 no", "直接上级的工号，可以是本文件中或系统中已有的员工",
     "Code of the direct manager, in this file or already in Kaohe"),
    ("入职日期", "是 yes", "日期，格式 YYYY-MM-DD", "A date, written YYYY-MM-DD"),
    ("离职日期", "否 no", "日期，不早于入职日期", "A date, not before the hire date"),
    ("登录名", "否 no", "登录 Kaohe 的用户名；新用户的密码由管理员另行设置",
     "User name for logging in; HR sets a new user's password separately"),
]


def example_row(company: Company, lang: str = "zh") -> list[object]:
    """One row in the company's own terms: a real department, team, position and manager."""
    team = Team.objects.filter(department__company=company).select_related("department") \
        .order_by("department__code", "code").first()
    dept_name = team.department.name if team else "呼入部"
    team_name = team.name if team else "一组"
    colleague = Employee.objects.filter(company=company, team=team, level=Level.SPECIALIST) \
        .select_related("position").first() if team else None
    position = colleague.position if colleague else (
        Position.objects.filter(level=Level.SPECIALIST).order_by("code").first() or Position.objects.order_by("code").first())
    position_code = position.code if position else "call_center_agent"
    if lang == "en":
        level = str(position.level) if position else "specialist"
    else:
        level = LEVEL_ZH.get(position.level, "专员") if position else "专员"  # type: ignore[call-overload]
    manager = Employee.objects.filter(company=company, team=team, level=Level.SUPERVISOR).order_by("code") \
        .values_list("code", flat=True).first() if team else None
    hired = timezone.localdate().replace(day=1)
    code, name = ("EXAMPLE001", "Zhang San (example)") if lang == "en" else ("示例001", "张三（示例）")
    return [code, name, dept_name, team_name, position_code, level, manager or "", hired, None, ""]


def template_bytes(company: Company, lang: str = "zh") -> bytes:
    """The template in the page's language: English titles and notes for English, Chinese (with English notes)
    otherwise."""
    en = lang == "en"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Employees" if en else "员工 Employees"
    ws.append([safe_cell(h) for h in (HEADER_EN if en else HEADER)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append([safe_cell(v) for v in example_row(company, lang)])
    for cell in ws[2]:
        if isinstance(cell.value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJ", (12, 14, 14, 12, 24, 8, 10, 12, 12, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("Notes" if en else "说明 Notes")
    titles = ("Column", "Required", "How to fill it in") if en else ("列 Column", "必填 Required", "填写说明",
                                                                     "How to fill it in")
    notes.append([safe_cell(h) for h in titles])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for (column, required, zh_text, en_text), title_en in zip(NOTES, HEADER_EN, strict=True):
        row = (title_en, required.split()[-1], en_text.replace("总监, 经理, 主管 or 专员 (or ", "").rstrip(")")
               if "总监" in en_text else en_text) if en else (column, required, zh_text, en_text)
        notes.append([safe_cell(v) for v in row])
    notes.append([])
    if not en:
        notes.append([safe_cell("第 2 行是示例，导入前请替换或删除。只读取第一个工作表。")])
    notes.append([safe_cell("Row 2 is an example: replace or delete it before importing. Only the first sheet is read.")])
    for letter, width in zip("ABCD", (12, 14, 48, 60), strict=True):
        notes.column_dimensions[letter].width = width

    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
