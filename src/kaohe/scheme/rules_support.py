"""Small facts about schemes that several checker rules need: walks, maxima, intervals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from kaohe.scheme.kinds.registry import kind_of
from kaohe.scheme.models import Category, CountsSource, Indicator, Scale, Scheme, StepPolicy

PathKey = tuple[str | int, ...]

# Units whose values are never negative: the domain a tier table has to cover starts at 0.
NON_NEGATIVE_UNITS = {
    "%",
    "s",
    "秒",
    "次",
    "h",
    "小时",
    "课时",
    "count",
    "calls",
    "days",
    "天",
    "个",
    "分钟",
    "min",
    "人",
    "件",
}


@dataclass(frozen=True)
class Item:
    category_index: int
    indicator_index: int
    category: Category
    indicator: Indicator
    scale: Scale

    @property
    def path(self) -> PathKey:
        return ("categories", self.category_index, "indicators", self.indicator_index)


def items(scheme: Scheme) -> Iterator[Item]:
    for ci, category in enumerate(scheme.categories):
        for ii, indicator in enumerate(category.indicators):
            yield Item(ci, ii, category, indicator, category.scale or scheme.scale)


def is_bonus(indicator: Indicator) -> bool:
    """An item added on top of the total (its kind is `extra`, e.g. bonus)."""
    return kind_of(indicator.rule).extra


def is_veto_only(indicator: Indicator) -> bool:
    return kind_of(indicator.rule).veto and indicator.weight == 0


def counts_in_weights(indicator: Indicator) -> bool:
    """Bonus items and weightless vetoes stand outside the 100 % of their category."""
    return not (is_bonus(indicator) or is_veto_only(indicator))


def steps(distance: Decimal, per: Decimal, policy: StepPolicy) -> Decimal:
    rounding = ROUND_FLOOR if policy == StepPolicy.WHOLE else ROUND_CEILING
    return (distance / per).to_integral_value(rounding=rounding)


def rule_max(indicator: Indicator, policy: StepPolicy) -> Decimal | None:
    """The highest score the rule can give, or None when it has no upper bound."""
    best: Decimal | None = kind_of(indicator.rule).best(indicator.rule, policy)
    return best


def count_names(indicator: Indicator) -> set[str]:
    source = indicator.source
    return set(source.counts) if isinstance(source, CountsSource) else set()


# --- intervals for tier tables ------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    value: Decimal | None  # None: infinite
    inclusive: bool


def tier_bounds(
    min_: Decimal | None, min_inc: bool, max_: Decimal | None, max_inc: bool
) -> tuple[Bound, Bound]:
    return Bound(min_, min_inc and min_ is not None), Bound(max_, max_inc and max_ is not None)


def is_empty(low: Bound, high: Bound) -> bool:
    if low.value is None or high.value is None:
        return False
    return low.value > high.value or (low.value == high.value and not (low.inclusive and high.inclusive))


def overlaps(a: tuple[Bound, Bound], b: tuple[Bound, Bound]) -> bool:
    low = _later_low(a[0], b[0])
    high = _earlier_high(a[1], b[1])
    return not is_empty(low, high)


def _later_low(a: Bound, b: Bound) -> Bound:
    if a.value is None:
        return b
    if b.value is None:
        return a
    if a.value != b.value:
        return a if a.value > b.value else b
    return Bound(a.value, a.inclusive and b.inclusive)


def _earlier_high(a: Bound, b: Bound) -> Bound:
    if a.value is None:
        return b
    if b.value is None:
        return a
    if a.value != b.value:
        return a if a.value < b.value else b
    return Bound(a.value, a.inclusive and b.inclusive)


def gaps(intervals: list[tuple[Bound, Bound]], domain_low: Decimal | None) -> list[tuple[Bound, Bound]]:
    """Ranges of the domain that no interval covers, as (low, high) bounds."""
    found: list[tuple[Bound, Bound]] = []
    # covered: everything up to `reach` (inclusive or not) is covered
    reach = Bound(domain_low, False) if domain_low is not None else None  # None: nothing yet, from −∞
    started = domain_low is not None

    def key(interval: tuple[Bound, Bound]) -> tuple[int, Decimal, int]:
        low = interval[0]
        return (0, Decimal(0), 0) if low.value is None else (1, low.value, 0 if low.inclusive else 1)

    for low, high in sorted((i for i in intervals if not is_empty(*i)), key=key):
        if not started:
            if low.value is not None:  # nothing covers (−∞, low)
                found.append((Bound(None, False), Bound(low.value, not low.inclusive)))
            started = True
            reach = high
            continue
        assert reach is not None
        if reach.value is None:
            break  # already covered to +∞
        if low.value is not None and (
            low.value > reach.value
            or (low.value == reach.value and not low.inclusive and not reach.inclusive)
        ):
            found.append((Bound(reach.value, not reach.inclusive), Bound(low.value, not low.inclusive)))
        if high.value is None or high.value > reach.value or (high.value == reach.value and high.inclusive):
            reach = high
    if not started:
        found.append((Bound(None, False), Bound(None, False)))
    elif reach is not None and reach.value is not None:
        found.append((Bound(reach.value, not reach.inclusive), Bound(None, False)))
    return found


def interval_text(low: Bound, high: Bound) -> str:
    left = "(-∞" if low.value is None else ("[" if low.inclusive else "(") + plain_number(low.value)
    right = "+∞)" if high.value is None else plain_number(high.value) + ("]" if high.inclusive else ")")
    return f"{left}, {right}"


def plain_number(value: Decimal) -> str:
    """A decimal as people write it: 85, 2.5 (no trailing zeros, no exponent)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
