"""Step counting: how many `per`-sized steps a deviation makes.

The scheme chooses the policy (`step_policy`), never the code:

- WHOLE counts complete steps only: floor(deviation / per). 3 s over a 2 s step → 1.
- STARTED counts every started step: ceil(deviation / per). 3 s over a 2 s step → 2.

A step's `limit` is a value on the indicator's axis (表9-26: the ACW reward stops at
25 s); the deviation counted never goes beyond the distance from the reference to it.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from kaohe.scheme.models import Step, StepPolicy


def count_steps(deviation: Decimal, per: Decimal, policy: StepPolicy) -> Decimal:
    """Number of steps in a non-negative deviation, as an integral Decimal."""
    if deviation <= 0:
        return Decimal(0)
    ratio = deviation / per
    rounding = ROUND_FLOOR if policy is StepPolicy.WHOLE else ROUND_CEILING
    return ratio.to_integral_value(rounding=rounding)


def capped_deviation(deviation: Decimal, reference: Decimal, step: Step) -> tuple[Decimal, bool]:
    """The deviation counted under the step's limit, and whether the limit bit."""
    if step.limit is None:
        return deviation, False
    most = abs(step.limit - reference)
    if deviation > most:
        return most, True
    return deviation, False
