"""Grades: bands on the total, caps from vetoes, forced distribution, grade effects.

Bands are read from the best grade down: the first band whose `min` the total reaches
(total ≥ min) gives the grade. A total below every band gets no grade.

Forced distribution (e.g. S/A/B/C/D = 10/20/40/20/10 %) over the n complete sheets:
1. quotas q_g = n × p_g ÷ Σp; each grade gets floor(q_g) places; the places left over go
   one each to the grades with the largest remainders (largest-remainder method); equal
   remainders favour the grade listed first in `grades_order` (the better grade);
2. sheets are ranked by `rank_key`: higher total first, then higher points of the
   scheme's first category (业绩 on most forms; its share of the total), then employee
   id ascending, so equal
   inputs always give the same grades whatever order they arrive in;
3. grades are handed out down the ranking; a sheet capped by a veto keeps its place in
   the ranking but receives at best its cap grade.
Incomplete sheets (no total) are not ranked and get no grade.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal

from kaohe.scheme.models import GradeEffect, Scheme

from .results import SheetResult

_WORST = Decimal("Infinity")


def grade_order(scheme: Scheme) -> list[str]:
    """The scheme's grades from best to worst (by band minimum, highest first)."""
    if scheme.grading is None:
        return []
    return [b.grade for b in sorted(scheme.grading.bands, key=lambda b: b.min, reverse=True)]


def band_grade(scheme: Scheme, total: Decimal | None) -> str | None:
    if total is None or scheme.grading is None:
        return None
    for band in sorted(scheme.grading.bands, key=lambda b: b.min, reverse=True):
        if total >= band.min:
            return band.grade
    return None


def cap(grade: str | None, cap_grade: str | None, order: Sequence[str]) -> str | None:
    """The worse of `grade` and `cap_grade` in `order` (best first)."""
    if grade is None or cap_grade is None or cap_grade not in order or grade not in order:
        return grade
    return grade if order.index(grade) >= order.index(cap_grade) else cap_grade


def grade_for(scheme: Scheme, total: Decimal | None, cap_grade: str | None = None) -> str | None:
    """The band grade of a total, capped at `cap_grade` when a veto set one."""
    return cap(band_grade(scheme, total), cap_grade, grade_order(scheme))


def effects_for(scheme: Scheme, grade: str | None) -> GradeEffect | None:
    """What a grade brings (bonus coefficient, salary adjustment), from the scheme's table."""
    if scheme.grading is None or grade is None:
        return None
    for effect in scheme.grading.effects:
        if effect.grade == grade:
            return effect
    return None


def rank_key(result: SheetResult) -> tuple[Decimal, Decimal, str]:
    """Sort key, best first: −total, −first category's points, employee id."""
    total = -result.total if result.total is not None else _WORST
    first = result.categories[0].points if result.categories else None
    return total, (-first if first is not None else _WORST), result.employee_id


def forced_sizes(n: int, distribution: Mapping[str, Decimal], grades_order: Sequence[str]) -> dict[str, int]:
    """How many people each grade gets, by the largest-remainder method."""
    grades = [g for g in grades_order if g in distribution]
    grades += sorted(g for g in distribution if g not in grades_order)
    share_total = sum((distribution[g] for g in grades), Decimal(0))
    if n == 0 or share_total <= 0:
        return {g: 0 for g in grades}
    quotas = {g: Decimal(n) * distribution[g] / share_total for g in grades}
    sizes = {g: int(q.to_integral_value(rounding=ROUND_FLOOR)) for g, q in quotas.items()}
    left = n - sum(sizes.values())
    by_remainder = sorted(grades, key=lambda g: (-(quotas[g] - sizes[g]), grades.index(g)))
    for g in by_remainder[:left]:
        sizes[g] += 1
    return sizes


def assign_forced_distribution(
    results: Sequence[SheetResult],
    distribution: Mapping[str, Decimal],
    grades_order: Sequence[str],
) -> dict[str, str]:
    """employee_id → grade for every complete sheet (see the module doc for the rules)."""
    ranked = sorted((r for r in results if r.total is not None), key=rank_key)
    sizes = forced_sizes(len(ranked), distribution, grades_order)
    order = [g for g in grades_order if g in sizes] + [g for g in sizes if g not in grades_order]
    slots = [g for g in order for _ in range(sizes[g])]
    return {r.employee_id: cap(slot, r.grade_cap, grades_order) or slot for r, slot in zip(ranked, slots, strict=True)}
