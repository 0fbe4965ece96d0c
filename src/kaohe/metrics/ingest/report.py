"""What an import tells its user: every bad row, every known data defect, what was loaded."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kaohe.metrics.ingest.messages import translate
from kaohe.problems import Problem

# Keep at most this many individual row errors in memory; beyond it only counts per
# (column, reason) grow, and the report says how many were left out.
MAX_ROW_ERRORS = 200_000


def RowError(  # noqa: N802 — the name every reader and adapter already calls
    file: str,
    row: int | None,
    column: str | None,
    reason: str,
    value: str | None = None,
    *,
    reason_zh: str | None = None,
    code: str | None = None,
) -> Problem:
    """One import problem as a `kaohe.problems.Problem`, in English and Chinese.

    `row` is the row number as the user sees it (header = row 1; None for the whole file).
    The Chinese text comes from `kaohe.metrics.ingest.messages` unless given.
    """
    known_code, zh = translate(reason)
    return Problem(code or known_code, "error", file=file, row=row, column=column, value=value,
                   message_zh=reason_zh or zh, message_en=reason)


@dataclass
class Defect:
    """A known defect of a vendor export, handled as the mapping says and reported."""

    id: str
    description: str
    count: int = 0
    sample_rows: list[int] = field(default_factory=list)

    def add(self, rows: list[int]) -> None:
        self.count += len(rows)
        room = 10 - len(self.sample_rows)
        if room > 0:
            self.sample_rows.extend(rows[:room])


@dataclass
class ImportReport:
    file: str
    table: str
    batch_id: str | None = None
    file_sha256: str | None = None
    encoding: str | None = None
    mapping: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_already_present: int = 0
    errors: list[Problem] = field(default_factory=list)
    errors_total: int = 0
    error_counts: Counter[tuple[str | None, str]] = field(default_factory=Counter)
    skipped_rows: list[int] = field(default_factory=list)
    defects: dict[str, Defect] = field(default_factory=dict)
    skip_bad_rows: bool = False
    already_imported_batch: str | None = None
    committed: bool = False
    # import with correct=True: older batch id -> rows of it the file's rows replace
    superseded: dict[str, int] = field(default_factory=dict)
    rows_replaced: int = 0

    def add_error(self, err: Problem, category: str | None = None) -> None:
        self.errors_total += 1
        self.error_counts[(None if err.column is None else str(err.column), category or err.message_en)] += 1
        if len(self.errors) < MAX_ROW_ERRORS:
            self.errors.append(err)

    @property
    def ok(self) -> bool:
        return self.errors_total == 0 or (self.skip_bad_rows and self.committed)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    def defect(self, id_: str, description: str) -> Defect:
        if id_ not in self.defects:
            self.defects[id_] = Defect(id_, description)
        return self.defects[id_]

    def summary(self) -> str:
        lines = [f"{self.file} → {self.table}"]
        if self.already_imported_batch:
            lines.append(f"  already imported as batch {self.already_imported_batch}; nothing added")
            return "\n".join(lines)
        lines.append(f"  rows read {self.rows_read}, loaded {self.rows_loaded}, "
                     f"already present {self.rows_already_present}, bad {len(self.bad_rows)}")
        if self.rows_replaced:
            batches = ", ".join(f"{b}: {n}" for b, n in sorted(self.superseded.items()))
            lines.append(f"  {self.rows_replaced} 行更正了已导入的记录 / {self.rows_replaced} rows corrected records "
                         f"already loaded (batch: rows {batches})")
        for d in self.defects.values():
            lines.append(f"  defect {d.id}: {d.count} rows — {d.description} (e.g. rows {d.sample_rows[:5]})")
        for e in self.errors[:50]:
            lines.append(f"  ERROR {e}")
        if self.errors_total > 50:
            lines.append(f"  … {self.errors_total - 50} more errors")
        if self.skipped_rows:
            lines.append(f"  skipped rows: {self.skipped_rows[:200]}" + (" …" if len(self.skipped_rows) > 200 else ""))
        if self.errors_total and not self.committed:
            lines.append("  nothing was loaded (use --skip-bad-rows to load the good rows)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "table": self.table, "batch_id": self.batch_id,
            "file_sha256": self.file_sha256, "encoding": self.encoding, "mapping": self.mapping,
            "rows_read": self.rows_read, "rows_loaded": self.rows_loaded,
            "rows_already_present": self.rows_already_present,
            "rows_replaced": self.rows_replaced, "superseded": dict(self.superseded),
            "errors_total": self.errors_total,
            "errors": [{"file": e.file, "row": e.row, "column": e.column, "reason": e.message_en, "value": e.value,
                        "code": e.code, "message_zh": e.message_zh, "message_en": e.message_en}
                       for e in self.errors],
            "skipped_rows": self.skipped_rows,
            "defects": {k: {"count": d.count, "description": d.description, "sample_rows": d.sample_rows}
                        for k, d in self.defects.items()},
            "already_imported_batch": self.already_imported_batch, "committed": self.committed,
        }


class ImportFailed(Exception):
    """Raised by import_file when nothing was loaded because of errors; carries the full report."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(report.summary())
