"""Does a gate or tier table score the stated standard's boundary the way the standard says?

Forms print a standard in words beside the scoring rule: 表9-23 销售额 says "销售收入不低于
去年同期" (≥ last year) but scores "超过去年同期为5分 / 低于去年同期为0分", so a value equal to
last year's meets the standard and yet scores nothing. This module reads the comparison in
the standard (不低于 / 达到 / 以上 / ≥ …), takes its boundary value from the number written in
the standard or, when the standard names none (去年同期, 目标), from the indicator's target,
and asks the rule what it gives exactly at that boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kaohe.scheme.models import Direction, Indicator

# longest phrases first, so 不低于 is not read as 低于
_PHRASES: list[tuple[str, str]] = [
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("及以上", ">="), ("以上", ">="), ("达到", ">="),
    ("至少", ">="), ("≥", ">="), (">=", ">="),
    ("不高于", "<="), ("不超过", "<="), ("不多于", "<="), ("不大于", "<="), ("以内", "<="), ("以下", "<="),
    ("最多", "<="), ("≤", "<="), ("<=", "<="),
    ("低于", "<"), ("少于", "<"), ("小于", "<"), ("高于", ">"), ("超过", ">"), ("多于", ">"), ("大于", ">"),
]
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class StatedStandard:
    phrase: str  # the words as written, e.g. 不低于
    op: str  # >=, >, <=, <
    boundary: Decimal
    from_target: bool  # the boundary is the indicator's target, not a number in the text


def read_standard(indicator: Indicator) -> StatedStandard | None:
    """The one comparison a standard states, or None when it states none or several."""
    text = indicator.standard
    found: list[tuple[int, str, str]] = []
    taken = [False] * len(text)
    for phrase, op in _PHRASES:
        for match in re.finditer(re.escape(phrase), text):
            span = range(match.start(), match.end())
            if any(taken[i] for i in span):
                continue
            for i in span:
                taken[i] = True
            found.append((match.start(), phrase, op))
    if len(found) != 1 or re.search(r"\d\s*[–~-]\s*\d", text):  # a range is a band, not a boundary
        return None
    _, phrase, op = found[0]
    numbers = _NUMBER.findall(text)
    if len(numbers) == 1:
        try:
            return StatedStandard(phrase, op, Decimal(numbers[0]), False)
        except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
            return None
    if not numbers and indicator.target is not None:
        return StatedStandard(phrase, op, indicator.target, True)
    return None


def _meets(op: str, value: Decimal, boundary: Decimal) -> bool:
    return {">=": value >= boundary, ">": value > boundary, "<=": value <= boundary, "<": value < boundary}[op]


def _tier_score(rule: object, value: Decimal) -> Decimal | None:
    for tier in getattr(rule, "tiers", []):
        low_ok = tier.min is None or (value >= tier.min if tier.min_inclusive else value > tier.min)
        high_ok = tier.max is None or (value <= tier.max if tier.max_inclusive else value < tier.max)
        if low_ok and high_ok:
            return Decimal(tier.score)
    otherwise = getattr(rule, "otherwise", None)
    return None if otherwise is None else Decimal(otherwise)


def _scores(rule: object, value: Decimal) -> tuple[Decimal | None, Decimal, Decimal]:
    """(score at value, best score, worst score) for a gate or tier rule."""
    if getattr(rule, "type", "") == "gate":
        passed = _meets(rule.op, value, rule.threshold)  # type: ignore[attr-defined]
        best, worst = rule.pass_score, rule.fail_score  # type: ignore[attr-defined]
        return (best if passed else worst), best, worst
    scores = [Decimal(t.score) for t in rule.tiers]  # type: ignore[attr-defined]
    return _tier_score(rule, value), max(scores), min(scores)


@dataclass(frozen=True)
class BoundaryProblem:
    standard: StatedStandard
    score: Decimal | None  # what the rule gives at the boundary (None: no tier covers it)
    meets: bool  # whether the standard counts the boundary as met
    best: Decimal


def boundary_problem(indicator: Indicator) -> BoundaryProblem | None:
    """A disagreement between the stated standard and the rule at the standard's boundary."""
    if getattr(indicator.rule, "type", "") not in ("gate", "tiers") or indicator.direction == Direction.BAND:
        return None
    stated = read_standard(indicator)
    if stated is None:
        return None
    meets = stated.op in (">=", "<=")
    score, best, worst = _scores(indicator.rule, stated.boundary)
    if best == worst:
        return None
    if score is None or (meets and score != best) or (not meets and score == best):
        return BoundaryProblem(stated, score, meets, best)
    return None
