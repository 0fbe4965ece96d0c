"""Grade → bonus coefficient → performance pay, prorated for attendance.

    share = max(0, required_days − Σ_k weight_k × days_k) / required_days
    share = 0 when share < policy.attendance.minimum_share
    pay   = round_money(base × coefficient × share)

Only the final amount is rounded (policy.money, cents by default); the share and
the product stay exact so that no intermediate rounding moves a cent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kaohe.results.money import round_money
from kaohe.results.policy import PolicyError, ResultsPolicy
from kaohe.scheme.models import Scheme


@dataclass(frozen=True)
class PayInput:
    employee_id: str
    name: str
    grade: str | None
    base: Decimal  # the period's target performance pay (绩效工资基数)
    required_days: Decimal  # working days the employee was scheduled for
    absence_days: Mapping[str, Decimal] = field(default_factory=dict)  # kind → days
    department: str = ""
    position: str = ""


@dataclass(frozen=True)
class PayLine:
    employee_id: str
    name: str
    department: str
    position: str
    grade: str
    base: Decimal
    coefficient: Decimal
    coefficient_source: str  # "scheme" or "policy"
    attendance_share: Decimal
    deducted_days: Decimal
    amount: Decimal
    note_zh: str = ""
    note_en: str = ""


class PayError(Exception):
    """Every employee whose pay cannot be computed, with the reason, at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def bonus_coefficient(grade: str, policy: ResultsPolicy, scheme: Scheme | None = None) -> tuple[Decimal, str]:
    """The coefficient for a grade, and where it came from ("scheme" or "policy")."""
    if scheme is not None and scheme.grading is not None and policy.bonus.scheme_effects_win:
        for effect in scheme.grading.effects:
            if effect.grade == grade:
                return effect.bonus_coefficient, "scheme"
    if grade not in policy.bonus.coefficients:
        raise PolicyError([f"no bonus coefficient for grade {grade!r}"])
    return policy.bonus.coefficients[grade], "policy"


def attendance_share(
    required_days: Decimal, absence_days: Mapping[str, Decimal], policy: ResultsPolicy
) -> tuple[Decimal, Decimal]:
    """(share of the period that earns pay, weighted days deducted). Exact, not rounded."""
    if required_days <= 0:
        raise ValueError(f"required_days must be positive, got {required_days}")
    unknown = sorted(set(absence_days) - set(policy.attendance.deductible))
    if unknown:
        raise PolicyError([f"absence kinds not in attendance.deductible: {unknown}"])
    negative = sorted(k for k, d in absence_days.items() if d < 0)
    if negative:
        raise ValueError(f"negative absence days for {negative}")
    deducted = sum(
        (policy.attendance.deductible[kind] * days for kind, days in absence_days.items()), Decimal(0)
    )
    share = max(Decimal(0), required_days - deducted) / required_days
    if share < policy.attendance.minimum_share:
        share = Decimal(0)
    return share, deducted


def performance_pay(pay_input: PayInput, policy: ResultsPolicy, scheme: Scheme | None = None) -> PayLine:
    if pay_input.grade is None:
        raise PayError([f"{pay_input.employee_id}: no grade (sheet incomplete or unpublished)"])
    if pay_input.base < 0:
        raise PayError([f"{pay_input.employee_id}: negative base {pay_input.base}"])
    coefficient, source = bonus_coefficient(pay_input.grade, policy, scheme)
    share, deducted = attendance_share(pay_input.required_days, pay_input.absence_days, policy)
    amount = round_money(pay_input.base * coefficient * share, policy.money)
    note_zh = note_en = ""
    if share == 0 and deducted > 0:
        note_zh = f"出勤不足应出勤天数的 {policy.attendance.minimum_share:%}，本期无绩效工资"
        note_en = f"attendance below {policy.attendance.minimum_share:%} of required days: no performance pay"
    return PayLine(
        employee_id=pay_input.employee_id,
        name=pay_input.name,
        department=pay_input.department,
        position=pay_input.position,
        grade=pay_input.grade,
        base=pay_input.base,
        coefficient=coefficient,
        coefficient_source=source,
        attendance_share=share,
        deducted_days=deducted,
        amount=amount,
        note_zh=note_zh,
        note_en=note_en,
    )


def payroll(
    inputs: Sequence[PayInput], policy: ResultsPolicy, schemes: Mapping[str, Scheme] | None = None
) -> list[PayLine]:
    """Pay lines for a whole cycle; reports every employee that cannot be paid at once.

    `schemes` maps employee_id → the scheme the employee was appraised on (for its
    grade effects); employees absent from it use the policy table.
    """
    lines: list[PayLine] = []
    problems: list[str] = []
    for item in inputs:
        try:
            lines.append(performance_pay(item, policy, (schemes or {}).get(item.employee_id)))
        except PayError as exc:
            problems.extend(exc.problems)
        except (PolicyError, ValueError) as exc:
            problems.append(f"{item.employee_id}: {exc}")
    if problems:
        raise PayError(problems)
    return lines
