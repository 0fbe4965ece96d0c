"""The score sheet as an Excel workbook: values only (no formulas), every text through safe_cell.

Layout (1-based rows): 1 title; 2 scheme; 3–4 employee fields; 6 column header;
then one row per SheetRow; then 加分 / 总分 / 等级 / 否决 / 说明; then the
signature lines. `SHEET_LAYOUT` names the fixed rows so tests and readers agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from kaohe.results.safe import safe_cell
from kaohe.results.sheet import COLUMNS, SIGNATURES, ScoreSheet

HEADER_ROW = 6
FIRST_DATA_ROW = 7
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WIDTHS = (6, 18, 7, 28, 34, 10, 7, 7, 7, 8, 8)


def write_sheet_xlsx(sheet: ScoreSheet, target: Path | str | IO[bytes], lang: str = "zh") -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "考核表" if lang == "zh" else "Sheet"
    h = sheet.header
    ncols = len(COLUMNS)
    zh = lang == "zh"

    def put(row: int, col: int, value: object, bold: bool = False) -> None:
        cell = ws.cell(row=row, column=col, value=safe_cell(value))
        if bold:
            cell.font = Font(bold=True)

    put(1, 1, h.title_zh if zh else h.title_en, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    put(2, 1, "考核方案" if zh else "Scheme")
    put(2, 2, sheet.scheme_name)
    fields = (
        (("姓名", "Name"), h.name, ("工号", "Employee ID"), h.employee_id),
        (("岗位", "Position"), h.position, ("部门", "Department"), h.department),
    )
    for r, (l1, v1, l2, v2) in enumerate(fields, start=3):
        put(r, 1, l1[0] if zh else l1[1])
        put(r, 2, v1)
        put(r, 4, l2[0] if zh else l2[1])
        put(r, 5, v2)
    put(5, 1, "考核期间" if zh else "Period")
    put(5, 2, h.period)

    for c, (czh, cen) in enumerate(COLUMNS, start=1):
        put(HEADER_ROW, c, czh if zh else cen, bold=True)
    row = FIRST_DATA_ROW
    for sheet_row in sheet.rows:
        for c, value in enumerate(sheet_row.cells(), start=1):
            put(row, c, value, bold=sheet_row.kind == "category")
        row += 1
    for r in range(HEADER_ROW, row):
        for c in range(1, ncols + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    footer = (
        (("加分", "Bonus"), sheet.bonus),
        (("总分", "Total"), sheet.total),
        (("等级", "Grade"), sheet.grade),
        (("否决项", "Vetoes"), "；".join(sheet.vetoes)),
        (("说明", "Notes"), "；".join(sheet.issues)),
    )
    row += 1
    for (lzh, len_), value in footer:
        put(row, 1, lzh if zh else len_, bold=True)
        put(row, 2, value)
        row += 1
    row += 1
    for lzh, len_ in SIGNATURES:
        put(row, 1, lzh if zh else len_)
        put(row, 4, "日期" if zh else "Date")
        row += 1
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    wb.save(target)
