"""Scoring one indicator: find its value, apply the scheme's policies, run its rule.

Order: period fraction check → value (KPI value, counts, or combined ratings) →
missing-value policy → minimum sample → proration → rule → bounds. Weighting and
rounding happen later, in `aggregate`, because renormalisation needs the whole category.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from kaohe.scheme.models import (
    BandRule,
    BonusRule,
    CountsSource,
    FormulaRule,
    GateRule,
    Indicator,
    LevelRule,
    LinearRule,
    ManualRule,
    ManualSource,
    PerOccurrenceRule,
    RatioRule,
    Scheme,
    TiersRule,
    VetoRule,
)

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
from .results import IndicatorInput, ItemStatus, ScoreIssue, TraceStep
from .rules import (
    RuleContext,
    RuleOutcome,
    eval_band,
    eval_bonus,
    eval_formula,
    eval_gate,
    eval_level,
    eval_linear,
    eval_manual,
    eval_per_occurrence,
    eval_ratio,
    eval_tiers,
    eval_veto,
)


@dataclass(frozen=True)
class ItemOutcome:
    """An item before weighting: its status, its (clamped, unrounded) rule score, its trace."""

    indicator: Indicator
    status: ItemStatus
    value: Decimal | None
    score: Decimal | None
    rule_type: str
    summary_zh: str
    summary_en: str
    steps: list[TraceStep] = field(default_factory=list)
    issues: list[ScoreIssue] = field(default_factory=list)
    veto: str | None = None


def score_bounds(indicator: Indicator, scale_max: Decimal) -> tuple[Decimal, Decimal]:
    """The range an item's score is kept in.

    0 up to the scale's maximum (100, or the weight on the points scale); bonus items
    0 up to `max_points`. A rule that states its own cap above the maximum (ratio and
    linear `cap`, manual and formula `max`) may go up to it: the scheme said so.
    """
    rule = indicator.rule
    if isinstance(rule, BonusRule):
        return Decimal(0), rule.max_points
    high = scale_max
    stated: Decimal | None = None
    if isinstance(rule, RatioRule | LinearRule):
        stated = rule.cap
    elif isinstance(rule, ManualRule | FormulaRule):
        stated = rule.max
    if stated is not None and stated > high:
        high = stated
    return Decimal(0), high


def _count_names(indicator: Indicator) -> list[str]:
    rule = indicator.rule
    if isinstance(rule, PerOccurrenceRule):
        return sorted({d.count for d in rule.deductions})
    if isinstance(indicator.source, CountsSource):
        return sorted(indicator.source.counts)
    return []


def _decided(indicator: Indicator, decision: Decision, value: Decimal | None, extra: list[ScoreIssue]) -> ItemOutcome:
    step = TraceStep(decision.zh, decision.en)
    return ItemOutcome(
        indicator,
        decision.status,
        value,
        decision.score,
        indicator.rule.type,
        decision.zh,
        decision.en,
        [step],
        [*extra, decision.issue],
    )


def score_item(
    scheme: Scheme, indicator: Indicator, given: IndicatorInput | None, scale_max: Decimal
) -> ItemOutcome:
    inp = given or IndicatorInput()
    issues: list[ScoreIssue] = []
    pre_steps: list[TraceStep] = []
    policy = missing_policy(scheme, indicator)
    ctx = RuleContext(indicator, scheme.step_policy, scale_max)
    rule = indicator.rule

    bad = bad_fraction_decision(indicator, inp.period_fraction)
    if bad is not None:
        return _decided(indicator, bad, inp.value, issues)

    # --- the value ----------------------------------------------------------------------
    counts: dict[str, Decimal] | None = None
    value: Decimal | None = inp.value
    level_steps: list[TraceStep] = []
    level_outcomes: list[RuleOutcome] = []
    value_is_count = False  # True when the value is the sum of the counts
    count_rule = isinstance(rule, PerOccurrenceRule | VetoRule)
    if count_rule or (inp.counts is not None and inp.value is None):
        # the rule reads counts, or the value is given as counts (a tier table on complaints)
        wanted = _count_names(indicator)
        if inp.counts is not None:
            lacking = [n for n in wanted if n not in inp.counts]
            if lacking:
                d = missing_decision(indicator, policy, "缺少计数 " + "、".join(lacking), "no count for " + ", ".join(lacking))
                return _decided(indicator, d, None, issues)
            counts = {k: Decimal(v) for k, v in inp.counts.items()}
            negative = sorted(k for k, v in counts.items() if v < 0)
            if negative:
                name_zh, name_en = names(indicator)
                zh = f"{name_zh} 的计数不能为负：" + "、".join(negative)
                en = f"{name_en}: counts cannot be negative: " + ", ".join(negative)
                err = ScoreIssue(indicator.id, "out_of_bounds", zh, en, "error")
                return ItemOutcome(indicator, "missing_error", None, None, rule.type, zh, en, [TraceStep(zh, en)], [err])
        elif inp.value is not None and len(wanted) <= 1:
            # a single count may arrive as the item's value (one CSV column per indicator)
            counts = {(wanted[0] if wanted else "value"): inp.value}
        if counts is None:
            d = missing_decision(indicator, policy, "未提供计数", "no counts were given")
            return _decided(indicator, d, None, issues)
        value = sum(counts.values(), Decimal(0))
        value_is_count = True
    elif inp.counts is not None:
        counts = {k: Decimal(v) for k, v in inp.counts.items()}  # for a formula's variables
    elif inp.ratings is not None and (isinstance(indicator.source, ManualSource) or inp.value is None):
        source_raters = indicator.source.raters if isinstance(indicator.source, ManualSource) else []
        weights = source_raters or scheme.raters
        ratings = dict(inp.ratings)
        if isinstance(rule, LevelRule):
            # each rater's level becomes a score first: a mean of levels (3.5) is no level
            for role, level in inp.ratings.items():
                if level is None:
                    continue
                out = eval_level(rule, ctx, level)
                if out.score is None:
                    assert out.error is not None
                    rzh, ren = ROLE_NAMES[role]
                    err = ScoreIssue(indicator.id, out.error.code, f"{rzh}：{out.error.message_zh}", f"{ren}: {out.error.message_en}", "error")
                    return ItemOutcome(indicator, "missing_error", level, None, rule.type, out.summary_zh, out.summary_en, out.steps, [*issues, err])
                level_steps.extend(out.steps)
                level_outcomes.append(out)
                ratings[role] = out.score
        combined = combine_ratings(indicator.id, ratings, weights, scheme.absent_rater)
        issues.extend(combined.issues)
        if combined.blocked:
            zh, en = combined.issues[-1].message_zh, combined.issues[-1].message_en
            return ItemOutcome(indicator, "missing_error", None, None, rule.type, zh, en, [TraceStep(zh, en)], issues)
        pre_steps.extend([*level_steps, *combined.steps])
        value = combined.value
        if value is None:
            d = missing_decision(indicator, policy, "没有评分人评分", "no rater has rated")
            return _decided(indicator, d, None, issues)
    if value is None:
        d = missing_decision(indicator, policy, "未提供数值", "no value was given")
        return _decided(indicator, d, None, issues)

    # --- sample and period ----------------------------------------------------------------
    flagged = False
    low = low_sample_decision(indicator, inp.sample_size)
    if low is not None:
        if low.status != "low_sample":
            return _decided(indicator, low, value, issues)
        flagged = True
        issues.append(low.issue)
        pre_steps.append(TraceStep(low.zh, low.en))
    shown_value = value
    if inp.period_fraction < 1:
        name_zh, name_en = names(indicator)
        frac = num(inp.period_fraction)
        if indicator.prorate and not isinstance(indicator.source, ManualSource):
            if counts is not None:
                counts = {k: prorate(v, inp.period_fraction) for k, v in counts.items()}
            value = sum(counts.values(), Decimal(0)) if counts and value_is_count else prorate(value, inp.period_fraction)
            zh = f"{name_zh} 按在岗比例 {frac} 折算为全期：{num(shown_value)} ÷ {frac} = {num(value)}"
            en = f"{name_en} scaled to a full period by the fraction {frac}: {num(shown_value)} ÷ {frac} = {num(value)}"
            issues.append(ScoreIssue(indicator.id, "partial_period", zh, en, "info"))
            pre_steps.append(TraceStep(zh, en))

    # --- the rule -----------------------------------------------------------------------------
    if len(level_outcomes) == 1 and not issues:
        out = RuleOutcome(value, level_outcomes[0].summary_zh, level_outcomes[0].summary_en)
    elif level_outcomes:
        # the weighted score of the raters' levels is already the rule's score
        out = RuleOutcome(
            value,
            f"{ctx.name_zh} 各评分人的等级折算为分数后加权，得 {num(value)} 分",
            f"{ctx.name_en}: each rater's level converted to a score, then weighted: score {num(value)}",
        )
    else:
        out = _run_rule(indicator, ctx, value, counts, inp)
    steps = [*pre_steps, *out.steps]
    if out.score is None:
        assert out.error is not None
        issues.append(ScoreIssue(indicator.id, out.error.code, out.error.message_zh, out.error.message_en, "error"))
        return ItemOutcome(indicator, "missing_error", shown_value, None, rule.type, out.summary_zh, out.summary_en, steps, issues)
    low_b, high_b = score_bounds(indicator, scale_max)
    score = out.score
    if score > high_b or score < low_b:
        kept = min(max(score, low_b), high_b)
        steps.append(
            TraceStep(
                f"得分限定在 {num(low_b)}–{num(high_b)} 分之间，计 {num(kept)} 分",
                f"score kept within {num(low_b)}–{num(high_b)}: {num(kept)}",
                kept - score,
            )
        )
        score = kept
    if out.veto is not None:
        issues.append(ScoreIssue(indicator.id, "veto", out.summary_zh, out.summary_en, "warning"))
    status: ItemStatus = "low_sample" if flagged else "scored"
    return ItemOutcome(
        indicator, status, shown_value, score, rule.type, out.summary_zh, out.summary_en, steps, issues, out.veto
    )


def _run_rule(
    indicator: Indicator,
    ctx: RuleContext,
    value: Decimal,
    counts: Mapping[str, Decimal] | None,
    inp: IndicatorInput,
) -> RuleOutcome:
    rule = indicator.rule
    if isinstance(rule, GateRule):
        return eval_gate(rule, ctx, value)
    if isinstance(rule, TiersRule):
        return eval_tiers(rule, ctx, value)
    if isinstance(rule, LinearRule):
        return eval_linear(rule, ctx, value)
    if isinstance(rule, BandRule):
        return eval_band(rule, ctx, value)
    if isinstance(rule, PerOccurrenceRule):
        return eval_per_occurrence(rule, ctx, counts or {})
    if isinstance(rule, VetoRule):
        return eval_veto(rule, ctx, counts or {"value": value})
    if isinstance(rule, LevelRule):
        return eval_level(rule, ctx, value)
    if isinstance(rule, RatioRule):
        return eval_ratio(rule, ctx, value)
    if isinstance(rule, BonusRule):
        return eval_bonus(rule, ctx, value)
    if isinstance(rule, ManualRule):
        return eval_manual(rule, ctx, value)
    env: dict[str, Decimal] = {"value": value}
    if indicator.target is not None:
        env["target"] = indicator.target
    if inp.sample_size is not None:
        env["sample"] = Decimal(inp.sample_size)
    if counts is not None:
        env.update(counts)
    return eval_formula(rule, ctx, env)
