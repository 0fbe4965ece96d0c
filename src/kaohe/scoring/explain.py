"""Helpers that write traces in Chinese and English, and render a sheet as text.

Numbers are written without trailing zeros (186, not 186.00) so a trace reads like the
sentence an HR officer would write by hand.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from kaohe.scheme.models import Indicator

from .results import SheetResult

# The unit as written in a scheme → (Chinese, English). Unknown units are shown as written.
_UNITS: dict[str, tuple[str, str]] = {
    "s": ("秒", "s"),
    "sec": ("秒", "s"),
    "秒": ("秒", "s"),
    "min": ("分钟", "min"),
    "分钟": ("分钟", "min"),
    "h": ("小时", "h"),
    "小时": ("小时", "h"),
    "day": ("天", "days"),
    "days": ("天", "days"),
    "天": ("天", "days"),
    "%": ("%", "%"),
    "分": ("分", "points"),
    "points": ("分", "points"),
    "次": ("次", "times"),
    "times": ("次", "times"),
    "count": ("次", "times"),
    "个": ("个", ""),
    "课时": ("课时", "class hours"),
    "元": ("元", "CNY"),
    "level": ("级", "level"),
    "级": ("级", "level"),
}


def num(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 70.00 → "70", 1E+2 → "100"."""
    if value.is_nan():
        return format(value, "f")
    return _num(value)


@lru_cache(maxsize=8192)
def _num(value: Decimal) -> str:
    # Traces print the same weights, bounds and targets on every sheet: the text is kept. Equal
    # Decimals (70, 70.00, 7E+1) share one entry, and their text is the same, since it is normalised.
    if value == 0:
        return "0"  # also for −0
    return format(value.normalize(), "f")


def short(value: Decimal) -> str:
    """A value for display in a trace step, to at most 4 places (the score itself stays exact)."""
    if abs(value) >= Decimal("1E+20"):
        return num(value)  # quantizing would exceed the context's precision
    return num(value.quantize(Decimal("0.0001")))


def unit_names(unit: str) -> tuple[str, str]:
    return _UNITS.get(unit.strip(), (unit.strip(), unit.strip()))


def with_unit(value: Decimal, unit: str) -> str:
    """186 with 秒 → "186 秒"; 90 with % → "90%"."""
    if not unit:
        return num(value)
    if unit == "%":
        return f"{num(value)}%"
    return f"{num(value)} {unit}"


def names(indicator: Indicator) -> tuple[str, str]:
    return indicator.name.zh, indicator.name.en or indicator.id


def signed(delta: Decimal) -> str:
    """+4 / −10 (a real minus sign, as printed on forms)."""
    return f"+{num(delta)}" if delta >= 0 else f"−{num(-delta)}"


def render_sheet(result: SheetResult, language: str = "zh") -> str:
    """A plain-text sheet: one line per item with its summary, then the total and issues."""
    zh = language == "zh"
    lines = [f"{result.employee_id} · {result.scheme_id}"]
    for item in result.items:
        points = "—" if item.points is None else num(item.points)
        summary = item.trace.summary_zh if zh else item.trace.summary_en
        lines.append(f"  {item.name_zh if zh else item.name_en}: {points}  ({summary})")
    lines.extend("  " + line for line in (result.trace_zh if zh else result.trace_en))
    total = "—" if result.total is None else num(result.total)
    label = "总分" if zh else "Total"
    lines.append(f"  {label}: {total}" + (f"  {result.grade}" if result.grade else ""))
    for issue in result.issues:
        lines.append("  ! " + (issue.message_zh if zh else issue.message_en))
    return "\n".join(lines)
