"""Salary-adjustment suggestions from a merit matrix: grade × position in the pay range.

    position = (salary − range_min) / (range_max − range_min)
    band     = the first policy band whose `upto` is above position (the last has none)
    raise    = matrix[grade][band]
    new      = round_money(salary × (1 + raise)), at most range_max when the policy caps it

Someone low in the range with a good grade gets more than someone already near the
top with the same grade: the matrix moves people towards the market rate of the job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kaohe.results.money import round_money
from kaohe.results.policy import PolicyError, ResultsPolicy


@dataclass(frozen=True)
class SalaryInput:
    employee_id: str
    name: str
    grade: str | None
    salary: Decimal
    range_min: Decimal
    range_max: Decimal


@dataclass(frozen=True)
class SalarySuggestion:
    employee_id: str
    name: str
    grade: str
    salary: Decimal
    position_in_range: Decimal  # exact; 0 at the minimum, 1 at the maximum
    band: str
    raise_pct: Decimal  # as a fraction: 0.05 is 5 %
    suggested: Decimal
    increase: Decimal
    capped: bool


def range_band(position: Decimal, policy: ResultsPolicy) -> str:
    for band in policy.salary.bands:
        if band.upto is None or position < band.upto:
            return band.name
    raise AssertionError("unreachable: the policy validator makes the last band open")


def suggest_salary(item: SalaryInput, policy: ResultsPolicy) -> SalarySuggestion:
    if item.grade is None:
        raise ValueError(f"{item.employee_id}: no grade")
    if item.range_max <= item.range_min:
        raise ValueError(f"{item.employee_id}: pay range {item.range_min}–{item.range_max} is empty")
    if item.grade not in policy.salary.matrix:
        raise PolicyError([f"salary.matrix has no row for grade {item.grade!r}"])
    position = (item.salary - item.range_min) / (item.range_max - item.range_min)
    band = range_band(position, policy)
    pct = policy.salary.matrix[item.grade][band]
    suggested = round_money(item.salary * (1 + pct), policy.money)
    capped = False
    if policy.salary.cap_at_range_max and suggested > item.range_max:
        suggested, capped = max(item.range_max, item.salary), True
    return SalarySuggestion(
        employee_id=item.employee_id,
        name=item.name,
        grade=item.grade,
        salary=item.salary,
        position_in_range=position,
        band=band,
        raise_pct=pct,
        suggested=suggested,
        increase=suggested - item.salary,
        capped=capped,
    )


def suggest_salaries(items: Sequence[SalaryInput], policy: ResultsPolicy) -> list[SalarySuggestion]:
    out, problems = [], []
    for item in items:
        try:
            out.append(suggest_salary(item, policy))
        except (ValueError, PolicyError) as exc:
            problems.append(str(exc))
    if problems:
        raise ValueError("\n".join(problems))
    return out
