"""Indicator → category → sheet total, on both scales of the seed forms.

- POINTS (表9-23): the rule gives points out of the indicator's weight; the category
  score is the sum of those points.
- PERCENT (表9-26): the rule gives 0–100; item points = score × weight ÷ 100; the
  category score is the sum of item points.

Sheet total = Σ category score × category weight ÷ 100 + bonus points.

Excluded items (missing or low sample under EXCLUDE) drop out and the remaining weights of
their category are scaled up to the category's original weight sum; a category whose
weighted items all dropped out is left out and the remaining category weights are scaled
up the same way. Rounding follows `scheme.rounding`: the rule score, then item points,
then the total (category figures are exact sums).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kaohe.scheme.kinds.registry import kind_of
from kaohe.scheme.models import Category, Indicator, Scale, Scheme

from .applicability import check_applies
from .explain import num, short
from .grading import grade_for, grade_order
from .items import ItemOutcome, Prepared, prepare, score_item
from .results import (
    CategoryResult,
    IndicatorInput,
    ItemResult,
    ScoreIssue,
    SheetInputs,
    SheetResult,
    Trace,
    TraceStep,
    Words,
)
from .rounding import round_score

HUNDRED = Decimal(100)


def _scale(scheme: Scheme, category: Category) -> Scale:
    return category.scale or scheme.scale


@dataclass(frozen=True)
class _Entry:
    """One indicator of the scheme, with what every sheet needs of it."""

    indicator: Indicator
    scale: Scale
    prepared: Prepared
    extra: bool  # a bonus (or other extra) item, outside the weights
    weighted: bool  # counts in its category's weights
    max_high: Decimal  # the top of its score range for `max_points`
    # sheets share what depends only on the item's input or its category's renormalisation (see `_scored`)
    outcomes: dict[Hashable, ItemOutcome] = field(default_factory=dict, compare=False)
    weights: dict[tuple[str, str], tuple[Decimal, Decimal]] = field(default_factory=dict, compare=False)
    points: dict[Hashable, tuple[Decimal, Decimal, Decimal, tuple[TraceStep, ...]]] = field(
        default_factory=dict, compare=False)

    def weights_for(self, factor: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
        """The effective weight and the most points of a scored item under a renormalisation factor."""
        key = (str(factor[0]), str(factor[1]))  # by their text: 10 and 10.0 give 10 and 10.0 below
        known = self.weights.get(key)
        if known is None:
            eff_w = self.indicator.weight * factor[0] / factor[1]
            high = self.max_high
            most = high * factor[0] / factor[1] if self.scale is Scale.POINTS else high * eff_w / HUNDRED
            known = self.weights[key] = (eff_w, most)
        return known


@dataclass(frozen=True)
class Plan:
    """A scheme made ready to score many sheets: the rule kinds, bounds, contexts and grade order are
    worked out once instead of on every sheet. It holds the scheme, so it is made for one scheme (and
    one version of it) and dropped with it; `score_sheets` makes one per call."""

    scheme: Scheme
    categories: list[tuple[Category, list[_Entry]]]  # in the scheme's order, as sheets list them
    known: frozenset[str]
    order: list[str]


def plan_for(scheme: Scheme) -> Plan:
    categories = []
    for cat in scheme.categories:
        scale = _scale(scheme, cat)
        entries = []
        for ind in cat.indicators:
            scale_max = _scale_max(scheme, cat, ind)
            kind = kind_of(ind.rule)
            high = kind.bounds(ind.rule, HUNDRED if kind.extra else scale_max)[1]
            entries.append(_Entry(ind, scale, prepare(scheme, ind, scale_max), kind.extra,
                                  not kind.extra and ind.weight > 0, high))
        categories.append((cat, entries))
    known = frozenset(ind.id for cat in scheme.categories for ind in cat.indicators)
    return Plan(scheme, categories, known, grade_order(scheme))


Outcomes = list[tuple[Category, list[ItemOutcome]]]
ONE = (Decimal(1), Decimal(1))


@dataclass
class _Tally:
    """What scoring the sheet gathers on the way: issues, trace lines, vetoes, points."""

    issues: list[ScoreIssue] = field(default_factory=list)
    trace_zh: list[str] = field(default_factory=list)
    trace_en: list[str] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    categories: list[CategoryResult] = field(default_factory=list)
    vetoes: list[str] = field(default_factory=list)
    caps: list[str] = field(default_factory=list)
    bonus: Decimal = Decimal(0)
    errors: bool = False
    exact_total: Decimal = Decimal(0)

    def say(self, zh: str, en: str) -> None:
        self.trace_zh.append(zh)
        self.trace_en.append(en)


@dataclass(frozen=True)
class _Factors:
    """Renormalisation, kept as (numerator, denominator): multiply first, divide last (30 × 100 / 30 = 100)."""

    items: dict[str, tuple[Decimal, Decimal]]
    dropped: set[str]
    all_cw: Decimal
    kept_cw: Decimal

    @property
    def categories(self) -> tuple[Decimal, Decimal]:
        return (self.all_cw, self.kept_cw) if self.kept_cw > 0 else (Decimal(0), Decimal(1))


def score_sheet(scheme: Scheme, inputs: SheetInputs) -> SheetResult:
    """Score one employee's sheet. Pure: the same scheme and inputs give the same result."""
    return score_planned(plan_for(scheme), inputs)


def score_planned(plan: Plan, inputs: SheetInputs) -> SheetResult:
    """`score_sheet` with the scheme's plan made beforehand (`plan_for`), for many sheets."""
    scheme = plan.scheme
    tally = _Tally(issues=_input_issues(plan, inputs))
    outcomes: Outcomes = [
        (cat, [_score_if_applies(scheme, e, inputs) for e in entries])
        for cat, entries in plan.categories
    ]
    factors = _renormalise(plan, outcomes, tally)
    for (cat, outs), (_, entries) in zip(outcomes, plan.categories, strict=True):
        _tally_category(plan, cat, outs, entries, factors, tally)
    if factors.dropped and factors.kept_cw > 0:
        tally.say(f"类别权重按比例调整：× {short(factors.all_cw / factors.kept_cw)}",
                  f"category weights scaled by {short(factors.all_cw / factors.kept_cw)}")
    total = _total(scheme, outcomes, factors, tally)
    order = plan.order
    grade_cap = max(tally.caps, key=lambda g: order.index(g) if g in order else -1) if tally.caps else None
    grade = grade_for(scheme, total, grade_cap)
    if grade_cap is not None:
        tally.say(f"一票否决：等级最高为 {grade_cap}", f"veto: the grade is at best {grade_cap}")
    return SheetResult(
        employee_id=inputs.employee_id,
        scheme_id=scheme.id,
        items=tally.items,
        categories=tally.categories,
        bonus=round_score(tally.bonus, scheme.rounding),
        total=total,
        grade=grade,
        vetoes=tally.vetoes,
        issues=tally.issues,
        complete=total is not None,
        grade_cap=grade_cap,
        trace_zh=tally.trace_zh,
        trace_en=tally.trace_en,
    )


def _score_if_applies(scheme: Scheme, entry: _Entry, inputs: SheetInputs) -> ItemOutcome:
    """Score the item, or leave it out (status excluded) when its `applies_when` does not hold."""
    ind = entry.indicator
    verdict = check_applies(ind, inputs.context, inputs.settings)
    if verdict.applies:
        outcome = _scored(scheme, entry, inputs.values.get(ind.id))
        return replace(outcome, steps=[*verdict.steps, *outcome.steps]) if verdict.steps else outcome
    issue = verdict.issue
    assert issue is not None
    return ItemOutcome(ind, "excluded", None, None, ind.rule.type, Words.of(issue.message_zh, issue.message_en),
                       verdict.steps, [issue])


def _scale_max(scheme: Scheme, cat: Category, ind: Indicator) -> Decimal:
    return ind.weight if _scale(scheme, cat) is Scale.POINTS else HUNDRED


def _input_issues(plan: Plan, inputs: SheetInputs) -> list[ScoreIssue]:
    """Inputs for indicators the scheme does not have, and a part-period employee."""
    issues: list[ScoreIssue] = []
    scheme = plan.scheme
    for unknown in sorted(set(inputs.values) - plan.known):
        issues.append(
            ScoreIssue(
                unknown,
                "unknown_indicator",
                f"输入中的指标 {unknown} 不在方案 {scheme.id} 中，已忽略",
                f"the input indicator {unknown} is not in the scheme {scheme.id}; ignored",
                "warning",
            )
        )
    for fraction in sorted({v.period_fraction for v in inputs.values.values() if v.period_fraction < 1}):
        issues.append(
            ScoreIssue(
                None,
                "partial_period",
                f"本期只在岗 {num(fraction)} 个考核期（新入职或长期休假）",
                f"employed for {num(fraction)} of the period (new hire or long leave)",
                "info",
            )
        )
    return issues


def _renormalise(plan: Plan, outcomes: Outcomes, tally: _Tally) -> _Factors:
    """Items left out scale up their category's other items; a category with none left drops out."""
    item_factor: dict[str, tuple[Decimal, Decimal]] = {}
    dropped: set[str] = set()
    for (cat, outs), (_, entries) in zip(outcomes, plan.categories, strict=True):
        weighted = [o for o, e in zip(outs, entries, strict=True) if e.weighted]
        full = sum((o.indicator.weight for o in weighted), Decimal(0))
        kept = sum((o.indicator.weight for o in weighted if o.status != "excluded"), Decimal(0))
        if not any(o.status == "excluded" for o in weighted):
            continue
        if kept == 0:
            dropped.add(cat.id)
            tally.say(f"类别 {cat.name.zh} 的指标全部不计入，该类别不计入，其他类别权重按比例调整",
                      f"every item of {cat.name.en or cat.id} was left out; the category drops out")
        else:
            item_factor[cat.id] = (full, kept)
            tally.say(f"类别 {cat.name.zh} 有指标不计入，其余指标权重 × {short(full / kept)}",
                      f"items of {cat.name.en or cat.id} were left out; the others' weights × {short(full / kept)}")
    all_cw = sum((c.weight for c, _ in outcomes), Decimal(0))
    kept_cw = sum((c.weight for c, _ in outcomes if c.id not in dropped), Decimal(0))
    return _Factors(item_factor, dropped, all_cw, kept_cw)


def _tally_category(plan: Plan, cat: Category, outs: list[ItemOutcome], entries: list[_Entry], factors: _Factors,
                    tally: _Tally) -> None:
    scheme = plan.scheme
    cat_factor = factors.categories
    eff_cw = Decimal(0) if cat.id in factors.dropped else cat.weight * cat_factor[0] / cat_factor[1]
    cat_score = Decimal(0)
    cat_error = False
    factor = factors.items.get(cat.id, ONE)
    for o, entry in zip(outs, entries, strict=True):
        tally.issues.extend(o.issues)
        result = _item_result(scheme, cat, o, entry, factor, eff_cw)
        tally.items.append(result)
        if o.veto is not None:
            tally.vetoes.append(o.indicator.id)
            tally.say(o.summary.zh, o.summary.en)
            if o.cap_grade:
                tally.caps.append(o.cap_grade)
        if o.status == "missing_error":
            tally.errors = cat_error = True
        elif result.is_bonus:
            tally.bonus += result.points or Decimal(0)
        elif result.points is not None:
            cat_score += result.points
    excluded = cat.id in factors.dropped
    score = None if (cat_error or excluded) else cat_score
    points = None if score is None else score * eff_cw / HUNDRED
    if points is not None:
        tally.exact_total += points
    tally.categories.append(
        CategoryResult(
            cat.id,
            cat.name.zh,
            cat.name.en or cat.id,
            cat.weight,
            eff_cw,
            score,
            None if points is None else round_score(points, scheme.rounding),
            excluded,
        )
    )


def _total(scheme: Scheme, outcomes: Outcomes, factors: _Factors, tally: _Tally) -> Decimal | None:
    total: Decimal | None
    if tally.errors:
        total = None
    elif factors.dropped and factors.kept_cw == 0:  # every category dropped out: a bonus alone is no result
        total = None
        tally.issues.append(
            ScoreIssue(None, "nothing_scored", "没有可计分的指标，无法计算总分", "nothing could be scored; no total", "error")
        )
    else:
        total = round_score(tally.exact_total + tally.bonus, scheme.rounding)
        tally.say(f"总分 = Σ 类别得分 × 类别权重 ÷ 100 + 加分 {num(tally.bonus)} = {num(total)}",
                  f"total = Σ category score × category weight ÷ 100 + bonus {num(tally.bonus)} = {num(total)}")
    if total is not None and any(_is_sheet_zero(i, outcomes) for i in tally.vetoes):
        total = round_score(Decimal(0), scheme.rounding)
        tally.say("一票否决：总分计 0 分", "veto: the total is 0")
    return total


MAX_SHARED = 4096  # outcomes kept per indicator for other sheets with the same input


def _scored(scheme: Scheme, entry: _Entry, given: IndicatorInput | None) -> ItemOutcome:
    """The item scored from its input. Scoring is pure, so sheets with the very same input (the same
    counts, the same ratings, the same value written the same way) share one outcome: a population has
    few distinct counts of complaints or level ratings. Outcomes are never changed once made."""
    key = _input_key(given)
    outcome = entry.outcomes.get(key)
    if outcome is None:
        outcome = score_item(scheme, entry.indicator, given, entry.prepared.ctx.scale_max, entry.prepared)
        if len(entry.outcomes) < MAX_SHARED:
            entry.outcomes[key] = outcome
    return outcome


def _input_key(given: IndicatorInput | None) -> Hashable:
    """Everything scoring reads of an input. Decimals by their text: 1.0 and 1.00 are equal numbers but
    are shown and carried differently."""
    if given is None:
        return None
    value = given.value
    ratings = given.ratings
    return (
        None if value is None else str(value),
        None if given.counts is None else tuple((k, v if type(v) is int else repr(v)) for k, v in given.counts.items()),
        None if ratings is None else tuple((role, None if r is None else str(r)) for role, r in ratings.items()),
        given.sample_size,
        str(given.period_fraction),
    )


def _is_sheet_zero(indicator_id: str, outcomes: Outcomes) -> bool:
    return any(o.indicator.id == indicator_id and o.veto == "sheet_zero" for _, outs in outcomes for o in outs)


def _item_result(
    scheme: Scheme,
    cat: Category,
    o: ItemOutcome,
    entry: _Entry,
    factor: tuple[Decimal, Decimal],
    eff_cw: Decimal,
) -> ItemResult:
    ind = o.indicator
    is_bonus = entry.extra
    steps = list(o.steps)
    excluded = o.status == "excluded"
    eff_w, most = (Decimal(0), Decimal(0)) if excluded else entry.weights_for(factor)
    max_points = entry.max_high if is_bonus else most  # most is 0 for an excluded item
    score = points = contribution = None
    if o.score is not None:
        # the same score under the same weights gives the same points and steps on every sheet
        key = (str(o.score), excluded, str(factor[0]), str(factor[1]), str(eff_cw))
        known = entry.points.get(key)
        if known is None:
            known = _points(scheme, entry, o.score, factor, eff_w, eff_cw)
            if len(entry.points) < MAX_SHARED:
                entry.points[key] = known
        score, points, contribution, more = known
        steps.extend(more)
    trace = Trace.of(o.rule_type, steps, o.summary)
    return ItemResult(
        indicator_id=ind.id,
        category_id=cat.id,
        name_zh=ind.name.zh,
        name_en=ind.name.en or ind.id,
        weight=ind.weight,
        effective_weight=eff_w,
        value=o.value,
        score=score,
        points=points,
        contribution=contribution,
        max_points=max_points,
        status=o.status,
        trace=trace,
        is_bonus=is_bonus,
    )


def _points(scheme: Scheme, entry: _Entry, exact: Decimal, factor: tuple[Decimal, Decimal], eff_w: Decimal,
            eff_cw: Decimal) -> tuple[Decimal, Decimal, Decimal, tuple[TraceStep, ...]]:
    """The rounded score, the item's points, its contribution to the total, and the steps saying so."""
    steps: list[TraceStep] = []
    score = round_score(exact, scheme.rounding)
    if score != exact:
        steps.append(TraceStep.later(Words(_rounded_words, score)))
    if entry.extra:
        steps.append(TraceStep.later(Words(_bonus_words, score), score))
        return score, score, score, tuple(steps)
    points = _weighted_points(scheme, entry.indicator, score, entry.scale, factor, eff_w, steps)
    return score, points, round_score(points * eff_cw / HUNDRED, scheme.rounding), tuple(steps)


def _weighted_points(scheme: Scheme, ind: Indicator, score: Decimal, scale: Scale, factor: tuple[Decimal, Decimal],
                     eff_w: Decimal, steps: list[TraceStep]) -> Decimal:
    """The item's points in its category: out of the weight (points scale) or score × weight ÷ 100."""
    exact = score * factor[0] / factor[1] if scale is Scale.POINTS else score * eff_w / HUNDRED
    points = round_score(exact, scheme.rounding)
    steps.append(TraceStep.later(Words(_points_words, ind.weight, score, scale, factor, eff_w, points), points))
    return points


def _points_words(weight: Decimal, score: Decimal, scale: Scale, factor: tuple[Decimal, Decimal], eff_w: Decimal,
                  points: Decimal) -> tuple[str, str]:
    if scale is Scale.POINTS:
        how_zh = f"计 {num(score)} 分（满分 {num(weight)} 分）"
        how_en = f"{num(score)} of {num(weight)} points"
    else:
        how_zh = f"得分 {num(score)} × 权重 {short(eff_w)}%"
        how_en = f"score {num(score)} × weight {short(eff_w)} %"
    if factor[0] != factor[1]:
        how_zh += f"，权重调整系数 {short(factor[0] / factor[1])}"
        how_en += f", weights renormalised × {short(factor[0] / factor[1])}"
    return f"{how_zh} = {num(points)} 分", f"{how_en} = {num(points)} points"


def _rounded_words(score: Decimal) -> tuple[str, str]:
    return f"得分按规则取整为 {num(score)}", f"score rounded to {num(score)}"


def _bonus_words(score: Decimal) -> tuple[str, str]:
    return f"加分 {num(score)} 分计入总分", f"+{num(score)} added to the total"
