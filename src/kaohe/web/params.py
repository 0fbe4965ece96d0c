"""Parsing request parameters: every id, offset and number a URL or form carries is parsed here and
refused with 400 (one bilingual message naming the parameter) instead of crashing with 500.

    int_param(request.GET.get("offset"), "offset", lo=0, default=0)
    decimal_param(request.GET.get("value"), "value")       # no NaN, no infinity, no 10^40
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from kaohe.web.errors import KaoheError

MAX_ID = 2**31 - 1  # ids beyond this overflow SQLite's and PostgreSQL's integers
MAX_OFFSET = 10**9
MAX_ABS_NUMBER = Decimal(10) ** 15


class BadParameter(KaoheError):
    """A URL or form parameter that is not what it must be (a whole number, a finite number …)."""

    code = "bad_parameter"
    http_status = 400


def int_param(raw: object, name: str, *, lo: int = 1, hi: int = MAX_ID, default: int | None = None) -> int:
    """`raw` as a whole number in [lo, hi]; missing → `default` (or refused when there is none)."""
    text = "" if raw is None else str(raw).strip()
    if text == "":
        if default is not None:
            return default
        raise BadParameter(f"缺少参数 {name}", f"The parameter {name} is missing", parameter=name)
    if not text.isascii() or not text.isdigit() or len(text) > 12 or not lo <= int(text) <= hi:
        raise BadParameter(f"参数 {name} 须为 {lo}–{hi} 之间的整数（收到 {text[:40]!r}）",
                           f"The parameter {name} must be a whole number from {lo} to {hi} (got {text[:40]!r})",
                           parameter=name)
    return int(text)


def decimal_param(raw: object, name: str) -> Decimal:
    """`raw` as a finite decimal number of reasonable size (NaN, infinity and 1e40 are refused)."""
    text = "" if raw is None else str(raw).strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) > MAX_ABS_NUMBER or len(text) > 40:
        raise BadParameter(f"参数 {name} 须为有限的数字（收到 {text[:40]!r}）",
                           f"The parameter {name} must be a finite number (got {text[:40]!r})", parameter=name)
    return value
