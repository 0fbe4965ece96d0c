"""Request and response bodies of the integration API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, StringConstraints

# Typed, ranged input (issue 12): a pushed cell is a short text without control characters, a
# whole number, a finite number, true/false or null — never an object, a list, NaN or 1e308.
NO_NUL = r"^[^\x00]*$"
CellText = Annotated[str, StringConstraints(max_length=4000, pattern=NO_NUL)]
CellInt = Annotated[StrictInt, Field(ge=-10**15, le=10**15)]
CellNumber = Annotated[float, Field(ge=-1e15, le=1e15, allow_inf_nan=False)]
ColumnName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")]
Cell = CellInt | CellNumber | StrictBool | CellText | None


class ErrorDetail(Schema):
    code: str
    status: int
    message_zh: str
    message_en: str
    details: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorDetail


class RecordsIn(Schema):
    rows: list[dict[ColumnName, Cell]] = Field(
        ..., min_length=1, max_length=50_000,
        description="canonical columns of the table, one object a row; a cell is text (no NUL, at most "
                    "4,000 characters), a number (finite, |x| ≤ 10^15), true/false or null")


class RecordsOut(Schema):
    table: str
    rows_received: int
    rows_loaded: int
    already_imported: bool
    batch_id: str | None


class CycleOut(Schema):
    id: int
    name: str
    period: str
    label: str
    start: date
    end: date
    status: str


class KpiValueOut(Schema):
    id: int
    employee: str
    kpi: str
    params: str
    scope: str
    value: Decimal | None
    sample_size: int | None
    unit: str
    computation: int
    computed_at: datetime


class SheetOut(Schema):
    id: int
    cycle: int
    employee: str
    employee_name: str
    position: str
    state: str
    version: int
    total: Decimal | None
    grade: str | None
    appeal_deadline: date | None = None
    # set when the deadline counts Monday–Friday through a year with no holiday schedule loaded yet
    appeal_deadline_provisional: bool = False
    appeal_deadline_note_zh: str | None = None
    appeal_deadline_note_en: str | None = None


class SheetDetailOut(SheetOut):
    scheme_id: str
    items: list[dict[str, Any]]


class ResultOut(Schema):
    sheet: int
    employee: str
    employee_name: str
    cycle: int
    total: Decimal | None
    grade: str | None
    score_version: int | None
    published_at: datetime | None


class AuditEventOut(Schema):
    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: Any = None
    after: Any = None
    reason: str
    hash: str


class RatingIn(Schema):
    role: str = Field(..., pattern="^(self|supervisor|reviewer|peer|customer|qa)$")
    indicator: str = Field(..., min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")
    score: Decimal | None = Field(None, ge=-1000, le=1000, max_digits=12, decimal_places=4, allow_inf_nan=False)
    counts: dict[ColumnName, Annotated[StrictInt, Field(ge=0, le=1_000_000)]] | None = Field(None, max_length=50)
    comment: str = Field("", max_length=4000, pattern=NO_NUL)
    # the sheet version the caller read (GET /sheets/{id} → version): a write without it could
    # silently overwrite someone else's change, so it is required (409 when it is stale)
    expected_version: int = Field(..., ge=1, le=2**31 - 1)


class RatingOut(Schema):
    id: int
    sheet: int
    indicator: str
    role: str
    score: Decimal | None
    counts: dict[str, int] | None
    submitted_at: datetime | None
    sheet_version: int


class Page(Schema):
    count: int
    limit: int
    offset: int
