"""The employee-import report as the HR officer reads it, on the page and in the terminal.

`kaohe.web.org.services.import_employees` collects every problem of a workbook in a
ValidationReport; this module only orders those problems by row and gives each the
four things the officer needs to fix the file: row, column, value and problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaohe.web.errors import ValidationReport


@dataclass(frozen=True)
class ReportLine:
    row: int | None  # as Excel numbers it (the header is row 1); None for a problem of the whole file
    column: str  # the header as written in the file, or the field name of a missing column
    value: str
    problem_zh: str
    problem_en: str

    def problem(self, language: str) -> str:
        return self.problem_en if language.startswith("en") else self.problem_zh


def report_lines(report: ValidationReport) -> list[ReportLine]:
    """Problems sorted by row (whole-file problems first); the service's order within a row."""
    lines = [ReportLine(p.row, p.field, p.value or "", p.message_zh, p.message_en) for p in report.problems]
    return sorted(lines, key=lambda line: line.row or 0)


def report_text(report: ValidationReport) -> list[str]:
    """The report as plain text lines, both languages on each line (for the command line)."""
    out = [f"行 row\t列 column\t值 value\t问题 problem ({len(report.problems)})"]
    for line in report_lines(report):
        row = "—" if line.row is None else str(line.row)
        out.append(f"{row}\t{line.column}\t{line.value}\t{line.problem_zh} / {line.problem_en}")
    return out
