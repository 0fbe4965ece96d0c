"""Reading a year schedule from xlsx or CSV, and the blank template to fill in.

Columns (either language): ``date`` / 日期 (YYYY-MM-DD), ``kind`` / 类型 (holiday 节假日 or
workday 调休上班), ``note`` / 说明 (optional). Row 1 is the header.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kaohe.web.errors import ValidationReport

from .services import ScheduleRow

COLUMNS = {"date": {"date", "日期"}, "kind": {"kind", "类型"}, "note": {"note", "说明", "备注"}}
REQUIRED = ("date", "kind")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _column_of(header: object) -> str | None:
    words = str(header or "").strip().lower().replace("（", " ").replace("(", " ").replace(")", " ").replace(
        "）", " ").split()
    for name, names in COLUMNS.items():
        if any(w in names for w in words):
            return name
    return None


def read_schedule(name: str, data: bytes) -> tuple[list[ScheduleRow], ValidationReport]:
    """The rows of the file and a report of the file's own problems (unreadable, missing columns)."""
    report = ValidationReport()
    suffix = Path(name).suffix.lower()
    table: list[list[object]] = []
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            ws = wb.worksheets[0]
            table = [list(r) for r in ws.iter_rows(values_only=True)]
            wb.close()
        elif suffix == ".csv":
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
            table = [list(r) for r in csv.reader(io.StringIO(text))]
        else:
            report.add("file", "文件须为 .xlsx 或 .csv", "The file must be .xlsx or .csv", value=name)
            return [], report
    except Exception:  # noqa: BLE001 (any unreadable file is one problem of the file)
        report.add("file", "无法读取该文件：不是有效的 xlsx 或 CSV", "The file cannot be read as xlsx or CSV", value=name)
        return [], report
    while table and all(c is None or str(c).strip() == "" for c in table[-1]):
        table.pop()
    if not table:
        report.add("file", "文件是空的", "The file is empty", value=name)
        return [], report
    header = {i: _column_of(h) for i, h in enumerate(table[0])}
    where = {col: i for i, col in reversed(list(header.items())) if col is not None}
    for col in REQUIRED:
        if col not in where:
            report.add(col, f"缺少列 {col}（{'日期' if col == 'date' else '类型'}）",
                       f"The column {col} is missing", row=1)
    if not report.ok:
        return [], report
    rows: list[ScheduleRow] = []
    for n, raw in enumerate(table[1:], start=2):
        if all(c is None or str(c).strip() == "" for c in raw):
            continue

        def cell(col: str, raw: list[object] = raw) -> object:
            i = where.get(col)
            return raw[i] if i is not None and i < len(raw) else None

        rows.append(ScheduleRow(n, cell("date"), cell("kind"), cell("note") or ""))
    return rows, report


def _example_note(lang: str) -> str:
    return "New Year's Day" if lang == "en" else "元旦 New Year's Day"


def template_csv(year: int, lang: str = "zh") -> bytes:
    return (f"date,kind,note\n{year}-01-01,holiday,{_example_note(lang)}\n").encode("utf-8-sig")


def template_xlsx(year: int, lang: str = "zh") -> bytes:
    """The holiday file to fill in, with its help sheet in the page's language (zh: both languages)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = str(year)
    ws.append(["date", "kind", "note"])
    ws.append([f"{year}-01-01", "holiday", _example_note(lang)])
    for col, width in (("A", 14), ("B", 12), ("C", 30)):
        ws.column_dimensions[col].width = width
    help_ws = wb.create_sheet("Help" if lang == "en" else "说明 Help")
    zh_lines = (
        f"{year} 年国务院办公厅节假日安排：每个放假日一行 kind=holiday，每个调休上班的周末一行 kind=workday。",
        "日期写作 YYYY-MM-DD。文件中没有列出的日期：周一至周五上班，周六周日休息。",
        "导入时检查整个文件，有任何错误则列出每一行每一列，且不作任何更改。",
    )
    en_lines = (
        f"One row per day off (kind=holiday) and per make-up working weekend day (kind=workday) of {year}.",
        "Dates are YYYY-MM-DD. Dates not listed: Monday–Friday work, Saturday–Sunday rest.",
        "The whole file is checked first; any error is listed by row and column and nothing is changed.",
    )
    for line in en_lines if lang == "en" else zh_lines + en_lines:
        help_ws.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
