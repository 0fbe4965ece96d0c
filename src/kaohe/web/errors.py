"""Domain exceptions of the web application, each with a bilingual message.

Views and the API translate these into a refusal page or the one JSON error shape;
they never show a traceback. `code` is stable and may be matched by callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True)
class FieldProblem:
    """One bad field or cell: `row` is the row number as the user sees it (header = 1)."""

    field: str
    message_zh: str
    message_en: str
    row: int | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "value": self.value,
                "message_zh": self.message_zh, "message_en": self.message_en}


@dataclass
class ValidationReport:
    """All problems found in one input, reported at once."""

    problems: list[FieldProblem] = field(default_factory=list)
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
