"""Scoring one indicator: find its value, apply the scheme's policies, run its rule.

Order: period fraction check → value (KPI value, counts, or combined ratings) →
missing-value policy → minimum sample → proration → rule → bounds. Weighting and
rounding happen later, in `aggregate`, because renormalisation needs the whole category.
The rule itself is evaluated by its kind (`kaohe.scheme.kinds`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kaohe.scheme.kinds.base import RuleInput, RuleKind
from kaohe.scheme.kinds.registry import kind_of
from kaohe.scheme.models import Indicator, ManualSource, MissingPolicy, Scheme

from .explain import names, num
from .missing import (
    Decision,
    bad_fraction_decision,
    low_sample_decision,
    missing_decision,
    missing_policy,
    prorate,
)
from .raters import ROLE_NAMES, combine_ratings
from .results import IndicatorInput, ItemStatus, ScoreIssue, TraceStep, Words
from .rules import RuleContext, RuleOutcome


@dataclass(frozen=True)
class ItemOutcome:
    """An item before weighting: its status, its (clamped, unrounded) rule score, its trace."""

    indicator: Indicator
    status: ItemStatus
    value: Decimal | None
    score: Decimal | None
    rule_type: str
    summary: Words  # the rule's summary, or why the item was not scored
    steps: list[TraceStep] = field(default_factory=list)
    issues: list[ScoreIssue] = field(default_factory=list)
    veto: str | None = None
    cap_grade: str | None = None


@dataclass(frozen=True)
class Prepared:
    """What scoring an indicator needs that is the same on every sheet of a scheme, worked out once."""

    policy: MissingPolicy
    ctx: RuleContext
    kind: RuleKind[Any]
    bounds: tuple[Decimal, Decimal]  # see `score_bounds`


def prepare(scheme: Scheme, indicator: Indicator, scale_max: Decimal) -> Prepared:
    kind = kind_of(indicator.rule)
    return Prepared(missing_policy(scheme, indicator), RuleContext(indicator, scheme.step_policy, scale_max), kind,
                    kind.bounds(indicator.rule, scale_max))


@dataclass(frozen=True)
class _Item:
    """What every step of scoring one item needs to know."""

    scheme: Scheme
    indicator: Indicator
    inp: IndicatorInput
    policy: MissingPolicy
    ctx: RuleContext
    kind: RuleKind[Any]
    bounds: tuple[Decimal, Decimal]


@dataclass
class _Resolved:
    """The item's value once counts or ratings have been turned into one number."""

    value: Decimal
    counts: dict[str, Decimal] | None = None
    value_is_count: bool = False  # True when the value is the sum of the counts
    level_outcomes: list[RuleOutcome] = field(default_factory=list)
    pre_steps: list[TraceStep] = field(default_factory=list)
    issues: list[ScoreIssue] = field(default_factory=list)


def score_bounds(indicator: Indicator, scale_max: Decimal) -> tuple[Decimal, Decimal]:
    """The range an item's score is kept in (see `RuleKind.bounds`).

    0 up to the scale's maximum (100, or the weight on the points scale); bonus items
    0 up to `max_points`. A rule that states its own cap above the maximum (ratio and
    linear `cap`, manual and formula `max`) may go up to it: the scheme said so.
    """
    bounds: tuple[Decimal, Decimal] = kind_of(indicator.rule).bounds(indicator.rule, scale_max)
    return bounds


def _decided(indicator: Indicator, decision: Decision, value: Decimal | None, extra: list[ScoreIssue]) -> ItemOutcome:
    step = TraceStep(decision.zh, decision.en)
    return ItemOutcome(
        indicator, decision.status, value, decision.score, indicator.rule.type, Words.of(decision.zh, decision.en),
        [step],
        [*extra, decision.issue],
    )


def _failed(item: _Item, value: Decimal | None, zh: str, en: str, steps: list[TraceStep] | None,
            issues: list[ScoreIssue]) -> ItemOutcome:
    """An item that cannot be scored: status missing_error, the reason as its summary."""
    shown = steps if steps is not None else [TraceStep(zh, en)]
    return ItemOutcome(item.indicator, "missing_error", value, None, item.indicator.rule.type, Words.of(zh, en), shown,
                       issues)


_NO_INPUT = IndicatorInput()


def score_item(
    scheme: Scheme, indicator: Indicator, given: IndicatorInput | None, scale_max: Decimal,
    prepared: Prepared | None = None,
) -> ItemOutcome:
    """`prepared` is `prepare(scheme, indicator, scale_max)`, when the caller scores many sheets."""
    inp = given or _NO_INPUT
    p = prepared or prepare(scheme, indicator, scale_max)
    item = _Item(scheme, indicator, inp, p.policy, p.ctx, p.kind, p.bounds)
    bad = bad_fraction_decision(indicator, inp.period_fraction)
    if bad is not None:
        return _decided(indicator, bad, inp.value, [])
    resolved = _resolve(item)
    if isinstance(resolved, ItemOutcome):
        return resolved
    return _score_resolved(item, resolved)


# --- the value ------------------------------------------------------------------------------


def _resolve(item: _Item) -> _Resolved | ItemOutcome:
    inp, indicator = item.inp, item.indicator
    if item.kind.reads_counts or (inp.counts is not None and inp.value is None):
        # the rule reads counts, or the value is given as counts (a tier table on complaints)
        return _from_counts(item)
    if inp.counts is not None:
        counts = {k: Decimal(v) for k, v in inp.counts.items()}  # for a formula's variables
        if inp.value is None:
            return _missing(item, "未提供数值", "no value was given")
        return _Resolved(inp.value, counts)
    if inp.ratings is not None and (isinstance(indicator.source, ManualSource) or inp.value is None):
        return _from_ratings(item)
    if inp.value is None:
        return _missing(item, "未提供数值", "no value was given")
    return _Resolved(inp.value)


def _missing(item: _Item, zh: str, en: str, issues: list[ScoreIssue] | None = None) -> ItemOutcome:
    d = missing_decision(item.indicator, item.policy, zh, en)
    return _decided(item.indicator, d, None, issues or [])


def _from_counts(item: _Item) -> _Resolved | ItemOutcome:
    inp, indicator = item.inp, item.indicator
    wanted = item.kind.count_names(indicator.rule, indicator)
    counts: dict[str, Decimal] | None = None
    if inp.counts is not None:
        lacking = [n for n in wanted if n not in inp.counts]
        if lacking:
            return _missing(item, "缺少计数 " + "、".join(lacking), "no count for " + ", ".join(lacking))
        counts = {k: Decimal(v) for k, v in inp.counts.items()}
        negative = sorted(k for k, v in counts.items() if v < 0)
        if negative:
            name_zh, name_en = names(indicator)
            zh = f"{name_zh} 的计数不能为负：" + "、".join(negative)
            en = f"{name_en}: counts cannot be negative: " + ", ".join(negative)
            return _failed(item, None, zh, en, None, [ScoreIssue(indicator.id, "out_of_bounds", zh, en, "error")])
    elif inp.value is not None and len(wanted) <= 1:
        # a single count may arrive as the item's value (one CSV column per indicator)
        counts = {(wanted[0] if wanted else "value"): inp.value}
    if counts is None:
        return _missing(item, "未提供计数", "no counts were given")
    return _Resolved(sum(counts.values(), Decimal(0)), counts, value_is_count=True)


def _from_ratings(item: _Item) -> _Resolved | ItemOutcome:
    inp, indicator, scheme = item.inp, item.indicator, item.scheme
    assert inp.ratings is not None
    source_raters = indicator.source.raters if isinstance(indicator.source, ManualSource) else []
    ratings = dict(inp.ratings)
    level_steps: list[TraceStep] = []
    level_outcomes: list[RuleOutcome] = []
    if item.kind.rates_each:
        # each rater's rating becomes a score first: a mean of levels (3.5) is no level
        for role, level in inp.ratings.items():
            if level is None:
                continue
            out = item.kind.evaluate(indicator.rule, item.ctx, RuleInput(level))
            if out.score is None:
                assert out.error is not None
                rzh, ren = ROLE_NAMES[role]
                err = ScoreIssue(indicator.id, out.error.code, f"{rzh}：{out.error.message_zh}",
                                 f"{ren}: {out.error.message_en}", "error")
                return _failed(item, level, out.summary_zh, out.summary_en, out.steps, [err])
            level_steps.extend(out.steps)
            level_outcomes.append(out)
            ratings[role] = out.score
    combined = combine_ratings(indicator.id, ratings, source_raters or scheme.raters, scheme.absent_rater)
    issues = list(combined.issues)
    if combined.blocked:
        return _failed(item, None, issues[-1].message_zh, issues[-1].message_en, None, issues)
    if combined.value is None:
        return _missing(item, "没有评分人评分", "no rater has rated", issues)
    return _Resolved(combined.value, None, False, level_outcomes, [*level_steps, *combined.steps], issues)


# --- sample, period, rule, bounds -------------------------------------------------------------


def _score_resolved(item: _Item, r: _Resolved) -> ItemOutcome:
    indicator, inp = item.indicator, item.inp
    flagged = False
    low = low_sample_decision(indicator, inp.sample_size)
    if low is not None:
        if low.status != "low_sample":
            return _decided(indicator, low, r.value, r.issues)
        flagged = True
        r.issues.append(low.issue)
        r.pre_steps.append(TraceStep(low.zh, low.en))
    shown_value = r.value
    if inp.period_fraction < 1 and indicator.prorate and not isinstance(indicator.source, ManualSource):
        _prorate(item, r)
    out = _run_rule(item, r)
    steps = [*r.pre_steps, *out.steps]
    if out.score is None:
        assert out.error is not None
        r.issues.append(ScoreIssue(indicator.id, out.error.code, out.error.message_zh, out.error.message_en, "error"))
        return _failed(item, shown_value, out.summary_zh, out.summary_en, steps, r.issues)
    score = _kept_in_bounds(item.bounds, out.score, steps)
    if out.veto is not None:
        r.issues.append(ScoreIssue(indicator.id, "veto", out.summary_zh, out.summary_en, "warning"))
    status: ItemStatus = "low_sample" if flagged else "scored"
    return ItemOutcome(
        indicator, status, shown_value, score, indicator.rule.type, out.summary, steps,
        r.issues, out.veto, out.cap_grade,
    )


def _prorate(item: _Item, r: _Resolved) -> None:
    """Scale counts (or the value) of a part-period employee to a full period."""
    fraction = item.inp.period_fraction
    name_zh, name_en = names(item.indicator)
    frac = num(fraction)
    shown = r.value
    if r.counts is not None:
        r.counts = {k: prorate(v, fraction) for k, v in r.counts.items()}
    r.value = sum(r.counts.values(), Decimal(0)) if r.counts and r.value_is_count else prorate(r.value, fraction)
    zh = f"{name_zh} 按在岗比例 {frac} 折算为全期：{num(shown)} ÷ {frac} = {num(r.value)}"
    en = f"{name_en} scaled to a full period by the fraction {frac}: {num(shown)} ÷ {frac} = {num(r.value)}"
    r.issues.append(ScoreIssue(item.indicator.id, "partial_period", zh, en, "info"))
    r.pre_steps.append(TraceStep(zh, en))


def _run_rule(item: _Item, r: _Resolved) -> RuleOutcome:
    ctx = item.ctx
    if len(r.level_outcomes) == 1 and not r.issues:
        return RuleOutcome.later(r.value, r.level_outcomes[0].summary, [])
    if r.level_outcomes:
        # the weighted score of the raters' ratings is already the rule's score
        return RuleOutcome(
            r.value,
            f"{ctx.name_zh} 各评分人的等级折算为分数后加权，得 {num(r.value)} 分",
            f"{ctx.name_en}: each rater's level converted to a score, then weighted: score {num(r.value)}",
        )
    inp = RuleInput(r.value, r.counts, item.indicator.target, item.inp.sample_size)
    outcome: RuleOutcome = item.kind.evaluate(item.indicator.rule, ctx, inp)
    return outcome


def _kept_in_bounds(bounds: tuple[Decimal, Decimal], score: Decimal, steps: list[TraceStep]) -> Decimal:
    low_b, high_b = bounds
    if low_b <= score <= high_b:
        return score
    kept = min(max(score, low_b), high_b)
    steps.append(
        TraceStep(
            f"得分限定在 {num(low_b)}–{num(high_b)} 分之间，计 {num(kept)} 分",
            f"score kept within {num(low_b)}–{num(high_b)}: {num(kept)}",
            kept - score,
        )
    )
    return kept
