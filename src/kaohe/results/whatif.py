"""What-if at the level of a whole cycle, before anything is published.

Given a cycle's inputs, changed indicator inputs for some employees and/or a changed
scheme (weights, thresholds, grade bands), score every sheet both ways and compare
totals, grades and the grade distribution against the scheme's target distribution.
Scoring itself is `kaohe.scoring.score_sheet`; nothing here changes stored data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kaohe.scheme.models import Scheme
from kaohe.scoring.results import IndicatorInput, SheetInputs, SheetResult

Scorer = Callable[[Scheme, SheetInputs], SheetResult]
UNGRADED = "—"  # a sheet that could not be graded (missing data): counted, never dropped


@dataclass(frozen=True)
class EmployeeChange:
    employee_id: str
    before_total: Decimal | None
    after_total: Decimal | None
    delta: Decimal | None
    before_grade: str | None
    after_grade: str | None


@dataclass(frozen=True)
class GradeCount:
    grade: str
    before: int
    after: int
    target_pct: Decimal | None  # the scheme's forced distribution, percent of people
    target_count: Decimal | None  # target_pct × headcount / 100, unrounded


@dataclass(frozen=True)
class DistributionWhatIf:
    before: list[SheetResult]
    after: list[SheetResult]
    employees: list[EmployeeChange]
    distribution: list[GradeCount]

    @property
    def changed(self) -> list[EmployeeChange]:
        return [e for e in self.employees if e.delta != 0 or e.before_grade != e.after_grade]


def _default_scorer() -> Scorer:
    from kaohe.scoring import score_sheet

    return score_sheet


def apply_changes(inputs: SheetInputs, changes: Mapping[str, IndicatorInput]) -> SheetInputs:
    return SheetInputs(inputs.employee_id, {**inputs.values, **changes})


def grade_order(scheme: Scheme) -> list[str]:
    return [b.grade for b in scheme.grading.bands] if scheme.grading else []


def grade_distribution(
    results: Sequence[SheetResult], grades: Sequence[str]
) -> dict[str, int]:
    counts = Counter(r.grade if r.grade is not None else UNGRADED for r in results)
    out = {g: counts.get(g, 0) for g in grades}
    for g, n in counts.items():  # grades outside the order (should not happen) still show
        out.setdefault(g, n)
    return out


def distribution_what_if(
    scheme: Scheme,
    inputs: Sequence[SheetInputs],
    changes: Mapping[str, Mapping[str, IndicatorInput]] | None = None,
    scheme_override: Scheme | None = None,
    scorer: Scorer | None = None,
) -> DistributionWhatIf:
    """`changes`: employee_id → indicator_id → the new input for that indicator."""
    score = scorer or _default_scorer()
    changes = changes or {}
    unknown = sorted(set(changes) - {i.employee_id for i in inputs})
    if unknown:
        raise KeyError(f"changes for employees not in the cycle: {unknown}")
    after_scheme = scheme_override or scheme
    before = [score(scheme, i) for i in inputs]
    after = [score(after_scheme, apply_changes(i, changes.get(i.employee_id, {}))) for i in inputs]
    employees = [
        EmployeeChange(
            b.employee_id, b.total, a.total,
            a.total - b.total if a.total is not None and b.total is not None else None,
            b.grade, a.grade,
        )
        for b, a in zip(before, after, strict=True)
    ]
    grades = grade_order(after_scheme) or grade_order(scheme)
    db, da = grade_distribution(before, grades), grade_distribution(after, grades)
    target = (after_scheme.grading.forced_distribution if after_scheme.grading else None) or {}
    n = len(inputs)
    distribution = [
        GradeCount(
            g, db.get(g, 0), da.get(g, 0), target.get(g),
            target[g] * n / 100 if g in target else None,
        )
        for g in dict.fromkeys([*grades, *db, *da])
    ]
    return DistributionWhatIf(before, after, employees, distribution)
