"""Plain tables written to Excel and CSV, every cell through `safe_cell`.

Reports, the payroll file and any other Kaohe table download share this module, so
there is exactly one place where cell text is neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kaohe.results.safe import safe_cell


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str = ""
    number_format: str | None = None  # e.g. "0.00" for money

    def header(self, lang: str = "zh") -> str:
        if lang == "both" and self.en:
            return f"{self.zh} / {self.en}"
        return self.en if lang == "en" and self.en else self.zh


@dataclass(frozen=True)
class Table:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    notes: Sequence[str] = field(default_factory=tuple)  # lines under the table (sources, formulas)
    title_en: str = ""  # the title of an English export (the Chinese one when empty)

    def title_in(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


def _cell_value(value: object) -> object:
    # Excel has no decimal type: a Decimal is written as a number (its exact text
    # stays in the CSV). Percentages and money keep their cents via number formats.
    return float(value) if isinstance(value, Decimal) else safe_cell(value)


def write_xlsx(tables: Sequence[Table], target: Path | str | IO[bytes], lang: str = "zh") -> None:
    """One worksheet per table: the title, a header row, the rows, then the notes."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for index, table in enumerate(tables):
        # Sheet names cannot hold []:*?/\ and are at most 31 characters.
        title = table.title_in(lang)
        name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or f"Sheet{index + 1}"
        ws = wb.create_sheet(name)
        ws.append([safe_cell(title)])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([safe_cell(c.header(lang)) for c in table.columns])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([_cell_value(v) for v in row])
            for col, cell in zip(table.columns, ws[ws.max_row], strict=False):
                if col.number_format and isinstance(cell.value, int | float):
                    cell.number_format = col.number_format
        for note in table.notes:
            ws.append([safe_cell(note)])
        for i, col in enumerate(table.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(col.header(lang)) * 2 + 4))
    wb.save(target)


def xlsx_bytes(tables: Sequence[Table], lang: str = "zh") -> bytes:
    buf = io.BytesIO()
    write_xlsx(tables, buf, lang)
    return buf.getvalue()


def csv_text(table: Table, lang: str = "zh") -> str:
    """CSV with a header row; Decimals keep their exact text. UTF-8 (write with BOM for Excel)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(c.header(lang)) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return buf.getvalue()
