"""Domain exceptions of the web application, each with a bilingual message.

Views and the API translate these into the one refusal page (`kaohe.web.ui.refusals`) or
the one JSON error shape (`kaohe.web.api`); they never show a traceback. `code` is
stable and may be matched by callers. Bad fields and rows are `kaohe.problems.Problem`s,
the same type the scheme loader, the checker and the importers report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kaohe.problems import Problem


class KaoheError(Exception):
    """Base of every refusal Kaohe explains to its user."""

    code = "error"
    http_status = 400

    def __init__(self, message_zh: str, message_en: str, **details: Any) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details

    def message(self, language: str = "zh-hans") -> str:
        return self.message_en if language.startswith("en") else self.message_zh

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en,
                "details": self.details}


class Forbidden(KaoheError):
    """The user's role or place in the org tree does not allow the action."""

    code = "forbidden"
    http_status = 403


class NotFound(KaoheError):
    code = "not_found"
    http_status = 404


class IllegalTransition(KaoheError):
    """The sheet's state does not allow the step (an illegal workflow step)."""

    code = "illegal_transition"
    http_status = 409


class StaleObject(KaoheError):
    """Someone else saved the sheet since the caller read it (optimistic locking)."""

    code = "stale"
    http_status = 409


class ReadOnly(KaoheError):
    """The object is published or closed and can change only through the appeal path."""

    code = "read_only"
    http_status = 409


def FieldProblem(  # noqa: N802 — the name callers already use
    field: str, message_zh: str, message_en: str, row: int | None = None, value: str | None = None,
    *, code: str = "invalid", file: str | None = None, sheet: str | None = None,
) -> Problem:
    """One bad field or cell as a `kaohe.problems.Problem`: `row` as the user sees it (header = 1)."""
    # a cell of a table has a row and a column; a form field has a path
    return Problem(code, "error", file=file, sheet=sheet, row=row, column=field if row is not None else None,
                   path="" if row is not None else field, value=value, message_zh=message_zh, message_en=message_en)


@dataclass
class ValidationReport:
    """All problems found in one input, reported at once."""

    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, field_name: str, zh: str, en: str, *, row: int | None = None, value: object = None) -> None:
        self.problems.append(FieldProblem(field_name, zh, en, row, None if value is None else str(value)))

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows_read": self.rows_read, "problems": [p.as_dict() for p in self.problems]}


class InvalidInput(KaoheError):
    """A form, upload or import with bad fields; `report` lists every one of them."""

    code = "invalid"
    http_status = 422

    def __init__(self, report: ValidationReport, message_zh: str = "输入有误，未作任何更改",
                 message_en: str = "The input has errors; nothing was changed") -> None:
        super().__init__(message_zh, message_en, problems=[p.as_dict() for p in report.problems])
        self.report = report

    def __str__(self) -> str:
        lines = [f"row {p.row}, {p.field}: {p.message_en}" if p.row else f"{p.field}: {p.message_en}"
                 for p in self.report.problems[:10]]
        return super().__str__() + "".join("\n  " + line for line in lines)
