"""The inputs and results of scoring: plain immutable data, no behaviour.

Scores are `Decimal` throughout. A value that could not be scored is `None`, never
zero: the sheet says why in its issues.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from kaohe.scheme.models import RaterRole

ItemStatus = Literal["scored", "missing_zero", "excluded", "missing_error", "low_sample"]
IssueLevel = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class IndicatorInput:
    """What is known about one indicator for one employee in one period.

    `value` is a KPI value or a value entered directly; `counts` feeds per-occurrence,
    veto and bonus rules; `ratings` are manual ratings by rater role (`None` for a rater
    who has not rated); `period_fraction` is the share of the period the employee
    worked, for proration.
    """

    value: Decimal | None = None
    counts: Mapping[str, int] | None = None
    ratings: Mapping[RaterRole, Decimal | None] | None = None
    sample_size: int | None = None
    period_fraction: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        # scores are exact: whole numbers become Decimals, floats are refused outright
        object.__setattr__(self, "value", _exact(self.value, "value"))
        fraction = _exact(self.period_fraction, "period_fraction")
        if fraction is None:
            raise TypeError("period_fraction must be a Decimal, not None")
        object.__setattr__(self, "period_fraction", fraction)
        if self.ratings is not None:
            ratings = {role: _exact(r, f"ratings[{role}]") for role, r in self.ratings.items()}
            object.__setattr__(self, "ratings", ratings)


def _exact(number: object, what: str) -> Decimal | None:
    if number is None or isinstance(number, Decimal):
        return number
    if isinstance(number, int) and not isinstance(number, bool):
        return Decimal(number)
    raise TypeError(f"{what} must be a Decimal (scores are never floats), not {type(number).__name__}")


@dataclass(frozen=True)
class SheetInputs:
    employee_id: str
    values: Mapping[str, IndicatorInput]  # key: indicator id
    # what `applies_when` conditions read: KPI values by `applicability.condition_key`, company settings
    context: Mapping[str, Decimal] = field(default_factory=dict)
    settings: Mapping[str, bool] = field(default_factory=dict)


class Words:
    """A sentence in Chinese and English, written when it is first read.

    Scoring a population writes dozens of trace sentences per sheet that most readers never open; a
    `Words` keeps the function that writes them and its arguments, and writes both languages together
    the first time either is read (then keeps the text). `Words.of` wraps text already written.
    """

    __slots__ = ("_write", "_args", "_zh", "_en")

    def __init__(self, write: Callable[..., tuple[str, str]], *args: Any) -> None:
        self._write: Callable[..., tuple[str, str]] | None = write
        self._args = args
        self._zh = self._en = ""

    @classmethod
    def of(cls, zh: str, en: str) -> Words:
        words = cls.__new__(cls)
        words._write, words._args, words._zh, words._en = None, (), zh, en
        return words

    def _written(self) -> None:
        write = self._write
        if write is not None:
            self._zh, self._en = write(*self._args)
            self._write, self._args = None, ()

    @property
    def zh(self) -> str:
        self._written()
        return self._zh

    @property
    def en(self) -> str:
        self._written()
        return self._en

    def __reduce__(self) -> tuple[Any, ...]:
        return (Words.of, (self.zh, self.en))

    def __repr__(self) -> str:
        return f"Words({self.zh!r}, {self.en!r})"


@dataclass(frozen=True)
class TraceStep:
    zh: str
    en: str
    delta: Decimal | None = None  # points added (+) or taken away (−) by this step

    @staticmethod
    def later(words: Words, delta: Decimal | None = None) -> TraceStep:
        """A step whose text is written when it is read (see `Words`); equal to the written step."""
        return _LaterStep(words, delta)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TraceStep):
            return NotImplemented
        return (self.zh, self.en, self.delta) == (other.zh, other.en, other.delta)

    def __hash__(self) -> int:
        return hash((self.zh, self.en, self.delta))


class _LaterStep(TraceStep):
    """A TraceStep whose `zh` and `en` come from a `Words`. It pickles and copies as a plain TraceStep."""

    def __init__(self, words: Words | None = None, delta: Decimal | None = None, *, zh: str = "",
                 en: str = "") -> None:
        # zh= and en= as `dataclasses.replace` passes them
        object.__setattr__(self, "_words", Words.of(zh, en) if words is None else words)
        object.__setattr__(self, "delta", delta)

    @property
    def zh(self) -> str:
        words: Words = self.__dict__["_words"]
        return words.zh

    @property
    def en(self) -> str:
        words: Words = self.__dict__["_words"]
        return words.en

    def __reduce__(self) -> tuple[Any, ...]:
        return (TraceStep, (self.zh, self.en, self.delta))

    def __repr__(self) -> str:
        return repr(TraceStep(self.zh, self.en, self.delta))


@dataclass(frozen=True)
class Trace:
    rule_type: str
    steps: list[TraceStep]
    summary_zh: str
    summary_en: str

    @staticmethod
    def of(rule_type: str, steps: list[TraceStep], summary: Words) -> Trace:
        """A trace whose summary is written when it is read (see `Words`); equal to the written trace."""
        return _LaterTrace(rule_type, steps, summary)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trace):
            return NotImplemented
        return (self.rule_type, self.steps, self.summary_zh, self.summary_en) == (
            other.rule_type, other.steps, other.summary_zh, other.summary_en)

    __hash__ = None  # type: ignore[assignment]  # it holds a list, as before


class _LaterTrace(Trace):
    """A Trace whose summaries come from a `Words`. It pickles and copies as a plain Trace."""

    def __init__(self, rule_type: str, steps: list[TraceStep], summary: Words | None = None, *,
                 summary_zh: str = "", summary_en: str = "") -> None:
        # summary_zh= and summary_en= as `dataclasses.replace` passes them
        object.__setattr__(self, "rule_type", rule_type)
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "_summary", Words.of(summary_zh, summary_en) if summary is None else summary)

    @property
    def summary_zh(self) -> str:
        summary: Words = self.__dict__["_summary"]
        return summary.zh

    @property
    def summary_en(self) -> str:
        summary: Words = self.__dict__["_summary"]
        return summary.en

    def __reduce__(self) -> tuple[Any, ...]:
        return (Trace, (self.rule_type, self.steps, self.summary_zh, self.summary_en))

    def __repr__(self) -> str:
        return repr(Trace(self.rule_type, self.steps, self.summary_zh, self.summary_en))


@dataclass(frozen=True)
class ScoreIssue:
    """Something the reader of a sheet must know: a missing value, a veto, a low sample …

    Codes: missing_value, low_sample, absent_rater, unexpected_rater, uncovered_value,
    unknown_level, out_of_bounds, veto, partial_period, bad_period_fraction,
    formula_error, unknown_indicator, nothing_scored.
    """

    indicator_id: str | None
    code: str
    message_zh: str
    message_en: str
    level: IssueLevel = "warning"


@dataclass(frozen=True)
class ItemResult:
    """One indicator on one sheet.

    `score` is the rule's output: 0–100 on the percent scale, points out of the weight
    on the points scale. `points` is the item's contribution to its category score
    (score × effective weight / 100 on the percent scale, the score itself — scaled by
    any renormalisation — on the points scale). `contribution` is its share of the
    sheet total (points × effective category weight / 100). Bonus items add `points`
    straight to the total; their `contribution` equals `points`.
    """

    indicator_id: str
    category_id: str
    name_zh: str
    name_en: str
    weight: Decimal  # the weight written in the scheme
    effective_weight: Decimal  # after renormalisation (equal to weight when nothing was excluded)
    value: Decimal | None
    score: Decimal | None
    points: Decimal | None
    contribution: Decimal | None
    max_points: Decimal
    status: ItemStatus
    trace: Trace
    is_bonus: bool = False


@dataclass(frozen=True)
class CategoryResult:
    category_id: str
    name_zh: str
    name_en: str
    weight: Decimal
    effective_weight: Decimal
    score: Decimal | None  # Σ item points (0–100 when the item weights sum to 100)
    points: Decimal | None  # score × effective weight / 100: the share of the sheet total
    excluded: bool = False


@dataclass(frozen=True)
class SheetResult:
    employee_id: str
    scheme_id: str
    items: list[ItemResult]
    categories: list[CategoryResult]
    bonus: Decimal
    total: Decimal | None
    grade: str | None
    vetoes: list[str]
    issues: list[ScoreIssue]
    complete: bool
    grade_cap: str | None = None  # the best grade a cap_grade veto allows
    trace_zh: list[str] = field(default_factory=list)  # sheet-level steps (vetoes, renormalisation)
    trace_en: list[str] = field(default_factory=list)

    def item(self, indicator_id: str) -> ItemResult:
        for item in self.items:
            if item.indicator_id == indicator_id:
                return item
        raise KeyError(indicator_id)


@dataclass(frozen=True)
class ItemDelta:
    indicator_id: str
    before_score: Decimal | None
    after_score: Decimal | None
    before_points: Decimal | None
    after_points: Decimal | None
    delta: Decimal | None  # after − before points; None when either side has no points


@dataclass(frozen=True)
class WhatIf:
    before: SheetResult
    after: SheetResult
    deltas: list[ItemDelta]
    total_delta: Decimal | None
