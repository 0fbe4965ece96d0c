"""The toolkit rule kinds evaluate with, and the one call that evaluates any rule.

Each rule kind (`kaohe.scheme.kinds.<type>`) turns a resolved value into a score and its
bilingual trace with the pieces here. The evaluators know nothing about weights, raters,
missing values or rounding; those belong to `items` and `aggregate`. A value the rule
cannot score (a level not in the table, a value in no tier, a manual score out of
bounds) comes back as an error outcome with `score=None`, so that the sheet reports it
instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kaohe.scheme.kinds.base import RuleInput
from kaohe.scheme.kinds.registry import kind_of
from kaohe.scheme.models import Indicator, Step, StepPolicy

from .explain import names, num, unit_names, with_unit
from .results import TraceStep, Words
from .steps import capped_deviation, count_steps

__all__ = ["RuleContext", "RuleError", "RuleInput", "RuleOutcome", "Stepped", "clamp", "evaluate", "rule_error",
           "step_by"]


@dataclass(frozen=True)
class RuleContext:
    indicator: Indicator
    step_policy: StepPolicy
    scale_max: Decimal  # 100 on the percent scale, the weight on the points scale

    @property
    def name_zh(self) -> str:
        return names(self.indicator)[0]

    @property
    def name_en(self) -> str:
        return names(self.indicator)[1]

    def zh(self, value: Decimal) -> str:
        return with_unit(value, unit_names(self.indicator.unit)[0])

    def en(self, value: Decimal) -> str:
        return with_unit(value, unit_names(self.indicator.unit)[1])


@dataclass(frozen=True)
class RuleError:
    code: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class RuleOutcome:
    score: Decimal | None
    summary_zh: str
    summary_en: str
    steps: list[TraceStep] = field(default_factory=list)
    error: RuleError | None = None
    veto: str | None = None  # the veto effect when a veto rule fired
    cap_grade: str | None = None  # the grade a fired veto caps the sheet at

    @staticmethod
    def later(score: Decimal, summary: Words, steps: list[TraceStep]) -> RuleOutcome:
        """A scored outcome whose summary is written when it is read (see `Words`)."""
        return _LaterOutcome(score, summary, steps)

    @property
    def summary(self) -> Words:
        """The summary in both languages, as `Words` (written only when read, for a `later` outcome)."""
        return Words.of(self.summary_zh, self.summary_en)


class _LaterOutcome(RuleOutcome):
    def __init__(self, score: Decimal, summary: Words, steps: list[TraceStep]) -> None:
        object.__setattr__(self, "score", score)
        object.__setattr__(self, "_summary", summary)
        object.__setattr__(self, "steps", steps)

    @property
    def summary_zh(self) -> str:
        return self.summary.zh

    @property
    def summary_en(self) -> str:
        return self.summary.en

    @property
    def summary(self) -> Words:
        words: Words = self.__dict__["_summary"]
        return words


def rule_error(code: str, zh: str, en: str) -> RuleOutcome:
    """An outcome that cannot be scored, with the reason in both languages."""
    return RuleOutcome(None, zh, en, [TraceStep(zh, en)], RuleError(code, zh, en))


def evaluate(ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
    """Run the indicator's rule through its kind."""
    rule = ctx.indicator.rule
    outcome: RuleOutcome = kind_of(rule).evaluate(rule, ctx, inp)
    return outcome


@dataclass(frozen=True)
class Stepped:
    deviation: Decimal
    counted: Decimal
    limited: bool
    steps: Decimal
    points: Decimal


def step_by(step: Step, deviation: Decimal, reference: Decimal, policy: StepPolicy) -> Stepped:
    """How many steps a deviation makes (up to the step's limit), and their points."""
    counted, limited = capped_deviation(deviation, reference, step)
    steps = count_steps(counted, step.per, policy)
    return Stepped(deviation, counted, limited, steps, steps * step.points)


def clamp(raw: Decimal, floor: Decimal | None, cap: Decimal | None) -> tuple[Decimal, list[TraceStep]]:
    """The score kept between floor and cap, with a trace step for each bound that bit."""
    notes: list[TraceStep] = []
    score = raw
    if cap is not None and score > cap:
        notes.append(TraceStep.later(Words(_capped_words, cap), cap - score))
        score = cap
    if floor is not None and score < floor:
        notes.append(TraceStep.later(Words(_floor_words, floor), floor - score))
        score = floor
    return score, notes


def _capped_words(cap: Decimal) -> tuple[str, str]:
    return f"封顶 {num(cap)} 分", f"capped at {num(cap)}"


def _floor_words(floor: Decimal) -> tuple[str, str]:
    return f"扣完为止，保底 {num(floor)} 分", f"stops at the floor {num(floor)}"
