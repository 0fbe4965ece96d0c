"""One guard for every cell Kaohe writes into a spreadsheet or CSV.

A text beginning with = + - @ (or a tab / carriage return, which some spreadsheet
programs skip before looking for those) is read as a formula when a user opens the
file: a name such as "=HYPERLINK(...)" typed into an employee record would run on
the HR officer's machine. Such text gets a leading apostrophe, so it is shown as
typed and never evaluated. Numbers, dates and booleans pass through unchanged.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"

Cell = str | int | float | Decimal | date | datetime | bool | None


def safe_cell(value: object) -> Cell:
    """The value to write into a cell: text neutralised, other scalars as they are."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return PREFIX + text
    return text
