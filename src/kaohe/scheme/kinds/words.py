"""Small wording helpers the rule kinds share: plain numbers, steps, ranges."""

from __future__ import annotations

from decimal import Decimal

from kaohe.scheme.models import Step
from kaohe.scheme.rules_support import plain_number


def n(value: Decimal | int | None) -> str:
    """A number as people write it (85, 2.5); "—" for nothing."""
    if value is None:
        return "—"
    return plain_number(Decimal(value))


def range_zh(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is not None:
        return f"<{n(high)}"
    if high is None and low is not None:
        return f"≥{n(low)}"
    return f"{n(low)}–{n(high)}"


def step_en(step: Step | None, verb: str, unit: str) -> str:
    if step is None:
        return ""
    limit = f" (up to {n(step.limit)}{unit})" if step.limit is not None else ""
    return f"{verb}{n(step.points)} per {n(step.per)}{unit}{limit}"
