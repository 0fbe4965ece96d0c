"""The payroll file: one row per employee, as CSV (UTF-8 with BOM, for Excel) and xlsx."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from kaohe.results.pay import PayLine
from kaohe.results.tables import Column, Table, csv_text, write_xlsx

PAYROLL_COLUMNS = (
    Column("employee_id", "工号", "Employee ID"),
    Column("name", "姓名", "Name"),
    Column("department", "部门", "Department"),
    Column("position", "岗位", "Position"),
    Column("grade", "考核等级", "Grade"),
    Column("base", "绩效工资基数", "Base", "0.00"),
    Column("coefficient", "绩效系数", "Coefficient", "0.00"),
    Column("attendance_share", "出勤折算比例", "Attendance share", "0.0000"),
    Column("deducted_days", "扣减天数", "Deducted days", "0.0"),
    Column("amount", "绩效工资", "Performance pay", "0.00"),
    Column("note", "备注", "Note"),
)


def payroll_table(lines: Sequence[PayLine], title: str = "绩效工资发放表", lang: str = "zh") -> Table:
    rows = [
        [
            line.employee_id,
            line.name,
            line.department,
            line.position,
            line.grade,
            line.base,
            line.coefficient,
            line.attendance_share.quantize(Decimal("0.0001")),
            line.deducted_days,
            line.amount,
            line.note_en if lang == "en" else line.note_zh,
        ]
        for line in lines
    ]
    total = sum((line.amount for line in lines), Decimal(0))
    return Table(title, PAYROLL_COLUMNS, rows, notes=(f"合计 / Total: {total}",))


def write_payroll_csv(lines: Sequence[PayLine], path: Path | str, lang: str = "zh") -> Path:
    path = Path(path)
    # BOM so that Excel on a Chinese Windows opens the UTF-8 file with the right encoding.
    path.write_text("\ufeff" + csv_text(payroll_table(lines, lang=lang), lang), encoding="utf-8", newline="")
    return path


def write_payroll_xlsx(lines: Sequence[PayLine], path: Path | str, lang: str = "zh") -> Path:
    path = Path(path)
    write_xlsx([payroll_table(lines, lang=lang)], path, lang)
    return path
