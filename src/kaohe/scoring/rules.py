"""One evaluator per rule type: a resolved value in, a score and its bilingual trace out.

The evaluators know nothing about weights, raters, missing values or rounding; those
belong to `items` and `aggregate`. A value the rule cannot score (a level not in the
table, a value in no tier, a manual score out of bounds) comes back as an error outcome
with `score=None`, so that the sheet reports it instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from kaohe.scheme.models import (
    BandRule,
    BonusRule,
    Direction,
    FormulaRule,
    GateRule,
    Indicator,
    LevelRule,
    LinearRule,
    ManualRule,
    PerOccurrenceRule,
    RatioRule,
    Step,
    StepPolicy,
    Tier,
    TiersRule,
    VetoRule,
)

from .explain import names, num, signed, unit_names, with_unit
from .results import TraceStep
from .steps import capped_deviation, count_steps


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


def _error(code: str, zh: str, en: str) -> RuleOutcome:
    return RuleOutcome(None, zh, en, [TraceStep(zh, en)], RuleError(code, zh, en))


# --- gate ---------------------------------------------------------------------------------

_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": lambda v, t: v >= t,
    ">": lambda v, t: v > t,
    "<=": lambda v, t: v <= t,
    "<": lambda v, t: v < t,
}
_OP_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def eval_gate(rule: GateRule, ctx: RuleContext, value: Decimal) -> RuleOutcome:
    passed = _OPS[rule.op](value, rule.threshold)
    sign = _OP_SIGNS[rule.op]
    score = rule.pass_score if passed else rule.fail_score
    if passed:
        zh = f"{ctx.name_zh} {ctx.zh(value)}，达到标准 {sign} {ctx.zh(rule.threshold)}，得 {num(score)} 分"
        en = f"{ctx.name_en} {ctx.en(value)} meets {sign} {ctx.en(rule.threshold)}: score {num(score)}"
    else:
        zh = f"{ctx.name_zh} {ctx.zh(value)}，未达到标准 {sign} {ctx.zh(rule.threshold)}，得 {num(score)} 分"
        en = f"{ctx.name_en} {ctx.en(value)} misses {sign} {ctx.en(rule.threshold)}: score {num(score)}"
    return RuleOutcome(score, zh, en, [TraceStep(zh, en)])


# --- tiers --------------------------------------------------------------------------------


def tier_contains(tier: Tier, value: Decimal) -> bool:
    if tier.min is not None and not (value > tier.min or (tier.min_inclusive and value == tier.min)):
        return False
    return tier.max is None or value < tier.max or (tier.max_inclusive and value == tier.max)


def _tier_range(tier: Tier, ctx: RuleContext) -> tuple[str, str]:
    parts_zh: list[str] = []
    parts_en: list[str] = []
    if tier.min is not None:
        sign = "≥" if tier.min_inclusive else ">"
        parts_zh.append(f"{sign} {ctx.zh(tier.min)}")
        parts_en.append(f"{sign} {ctx.en(tier.min)}")
    if tier.max is not None:
        sign = "≤" if tier.max_inclusive else "<"
        parts_zh.append(f"{sign} {ctx.zh(tier.max)}")
        parts_en.append(f"{sign} {ctx.en(tier.max)}")
    if not parts_zh:
        return "任意值", "any value"
    return " 且 ".join(parts_zh), " and ".join(parts_en)


def eval_tiers(rule: TiersRule, ctx: RuleContext, value: Decimal) -> RuleOutcome:
    """The first tier (in the scheme's order) that contains the value gives the score."""
    for tier in rule.tiers:
        if tier_contains(tier, value):
            rzh, ren = _tier_range(tier, ctx)
            label = f"（{tier.label}）" if tier.label else ""
            zh = f"{ctx.name_zh} {ctx.zh(value)}，落在 {rzh} 档{label}，得 {num(tier.score)} 分"
            en = f"{ctx.name_en} {ctx.en(value)} falls in the tier {ren}: score {num(tier.score)}"
            return RuleOutcome(tier.score, zh, en, [TraceStep(zh, en)])
    if rule.otherwise is not None:
        zh = f"{ctx.name_zh} {ctx.zh(value)}，不在任何档位内，按其他情况得 {num(rule.otherwise)} 分"
        en = f"{ctx.name_en} {ctx.en(value)} is in no tier: the 'otherwise' score {num(rule.otherwise)}"
        return RuleOutcome(rule.otherwise, zh, en, [TraceStep(zh, en)])
    return _error(
        "uncovered_value",
        f"{ctx.name_zh} {ctx.zh(value)} 不在任何档位内，且方案未规定其他情况的得分，无法计分",
        f"{ctx.name_en} {ctx.en(value)} is in no tier and the scheme gives no 'otherwise' score",
    )


# --- steps shared by linear and band ------------------------------------------------------


@dataclass(frozen=True)
class _Stepped:
    deviation: Decimal
    counted: Decimal
    limited: bool
    steps: Decimal
    points: Decimal


def _step(step: Step, deviation: Decimal, reference: Decimal, policy: StepPolicy) -> _Stepped:
    counted, limited = capped_deviation(deviation, reference, step)
    steps = count_steps(counted, step.per, policy)
    return _Stepped(deviation, counted, limited, steps, steps * step.points)


def _clamp(raw: Decimal, floor: Decimal | None, cap: Decimal | None) -> tuple[Decimal, list[TraceStep]]:
    notes: list[TraceStep] = []
    score = raw
    if cap is not None and score > cap:
        notes.append(TraceStep(f"封顶 {num(cap)} 分", f"capped at {num(cap)}", cap - score))
        score = cap
    if floor is not None and score < floor:
        notes.append(TraceStep(f"扣完为止，保底 {num(floor)} 分", f"stops at the floor {num(floor)}", floor - score))
        score = floor
    return score, notes


# --- linear -------------------------------------------------------------------------------


def eval_linear(rule: LinearRule, ctx: RuleContext, value: Decimal) -> RuleOutcome:
    """Base score at the target; the better side adds, the worse side takes away.

    The better side is below the target when the indicator's direction is LOWER, above
    it otherwise.
    """
    lower_better = ctx.indicator.direction is Direction.LOWER
    deviation = abs(value - rule.target)
    above = value > rule.target
    better = deviation > 0 and (above != lower_better)
    side_zh = "高于" if above else "低于"
    side_en = "above" if above else "below"
    head_zh = f"{ctx.name_zh} {ctx.zh(value)}"
    head_en = f"{ctx.name_en} {ctx.en(value)}"
    step = rule.better if better else rule.worse
    if deviation == 0 or step is None:
        score, notes = _clamp(rule.base, rule.floor, rule.cap)
        if deviation == 0:
            zh = f"{head_zh}，等于目标 {ctx.zh(rule.target)}，得基准 {num(score)} 分"
            en = f"{head_en} equals the target {ctx.en(rule.target)}: base score {num(score)}"
        else:
            word_zh = "不加分" if better else "不扣分"
            word_en = "no bonus on this side" if better else "no deduction on this side"
            zh = f"{head_zh}，{side_zh}目标 {ctx.zh(rule.target)}，{word_zh}，得 {num(score)} 分"
            en = f"{head_en} is {side_en} the target {ctx.en(rule.target)}, {word_en}: score {num(score)}"
        return RuleOutcome(score, zh, en, [TraceStep(zh, en), *notes])
    st = _step(step, deviation, rule.target, ctx.step_policy)
    delta = st.points if better else -st.points
    score, notes = _clamp(rule.base + delta, rule.floor, rule.cap)
    applied = score - rule.base
    verb_zh = "加" if better else "扣"
    limit_zh = limit_en = ""
    if st.limited and step.limit is not None:
        limit_zh = f"（计至 {ctx.zh(step.limit)}为止）"
        limit_en = f" (counted up to {ctx.en(step.limit)})"
    zh = (
        f"{head_zh}，{side_zh}目标 {ctx.zh(rule.target)} {ctx.zh(deviation)}{limit_zh}，"
        f"计 {num(st.steps)} 个 {ctx.zh(step.per)}步长，在基准 {num(rule.base)} 分上{verb_zh} "
        f"{num(abs(applied))} 分，得 {num(score)} 分"
    )
    en = (
        f"{head_en}: {ctx.en(deviation)} {side_en} the target {ctx.en(rule.target)}{limit_en}, "
        f"{num(st.steps)} steps of {ctx.en(step.per)}, {signed(applied)} on the base {num(rule.base)}: "
        f"score {num(score)}"
    )
    steps = [TraceStep(zh, en, applied), *notes]
    return RuleOutcome(score, zh, en, steps)


# --- band ---------------------------------------------------------------------------------


def eval_band(rule: BandRule, ctx: RuleContext, value: Decimal) -> RuleOutcome:
    """`inside` within [low, high]; outside, each step below or above takes points away."""
    head_zh = f"{ctx.name_zh} {ctx.zh(value)}"
    head_en = f"{ctx.name_en} {ctx.en(value)}"
    if rule.low <= value <= rule.high:
        zh = f"{head_zh}，在 {num(rule.low)}–{ctx.zh(rule.high)} 范围内，得 {num(rule.inside)} 分"
        en = f"{head_en} is within {num(rule.low)}–{ctx.en(rule.high)}: score {num(rule.inside)}"
        return RuleOutcome(rule.inside, zh, en, [TraceStep(zh, en)])
    above = value > rule.high
    edge = rule.high if above else rule.low
    step = rule.above if above else rule.below
    edge_zh = f"超出上限 {ctx.zh(edge)}" if above else f"低于下限 {ctx.zh(edge)}"
    edge_en = f"above the upper limit {ctx.en(edge)}" if above else f"below the lower limit {ctx.en(edge)}"
    deviation = abs(value - edge)
    if step is None:
        zh = f"{head_zh}，{edge_zh}，此侧不扣分，得 {num(rule.inside)} 分"
        en = f"{head_en} is {edge_en}; no deduction on this side: score {num(rule.inside)}"
        return RuleOutcome(rule.inside, zh, en, [TraceStep(zh, en)])
    st = _step(step, deviation, edge, ctx.step_policy)
    if st.steps == 0:
        zh = f"{head_zh}，{edge_zh} {ctx.zh(deviation)}，不足一个 {ctx.zh(step.per)}步长，不扣分，得 {num(rule.inside)} 分"
        en = f"{head_en}: {ctx.en(deviation)} {edge_en}, less than one step of {ctx.en(step.per)}: score {num(rule.inside)}"
        return RuleOutcome(rule.inside, zh, en, [TraceStep(zh, en)])
    score, notes = _clamp(rule.inside - st.points, rule.floor, None)
    taken = rule.inside - score
    stop_zh = "（扣完为止）" if notes else ""
    stop_en = f" (stops at the floor {num(score)})" if notes else ""
    limit_zh = f"（计至 {ctx.zh(step.limit)}为止）" if st.limited and step.limit is not None else ""
    limit_en = f" (counted up to {ctx.en(step.limit)})" if st.limited and step.limit is not None else ""
    zh = (
        f"{head_zh}，{edge_zh}{limit_zh} {num(st.steps)} 个 {ctx.zh(step.per)}步长，"
        f"扣 {num(taken)} 分{stop_zh}，得 {num(score)} 分"
    )
    en = (
        f"{head_en}: {num(st.steps)} steps of {ctx.en(step.per)} {edge_en}{limit_en}, "
        f"−{num(taken)} points{stop_en}: score {num(score)}"
    )
    return RuleOutcome(score, zh, en, [TraceStep(zh, en, -taken), *notes])


# --- counts: per occurrence, veto, bonus ---------------------------------------------------


def eval_per_occurrence(
    rule: PerOccurrenceRule, ctx: RuleContext, counts: Mapping[str, Decimal]
) -> RuleOutcome:
    """base − Σ count × points, not below the floor."""
    steps: list[TraceStep] = []
    what_zh: list[str] = []
    what_en: list[str] = []
    total = Decimal(0)
    for d in rule.deductions:
        count = counts.get(d.count, Decimal(0))
        taken = count * d.points
        total += taken
        lzh = d.label.zh if d.label else d.count
        len_ = (d.label.en or d.label.zh) if d.label else d.count
        minus = f"−{num(taken)}" if taken else "0"
        steps.append(
            TraceStep(
                f"{lzh} {num(count)} 次 × {num(d.points)} 分，扣 {num(taken)} 分",
                f"{len_}: {num(count)} × {num(d.points)} = {minus}",
                -taken,
            )
        )
        if count:
            what_zh.append(f"{lzh} {num(count)} 次扣 {num(taken)} 分")
            what_en.append(f"{len_} {num(count)} × {num(d.points)}")
    score, notes = _clamp(rule.base - total, rule.floor, None)
    taken = rule.base - score
    stop_zh = "（扣完为止）" if notes else ""
    stop_en = " (stops at the floor)" if notes else ""
    detail_zh = "，".join(what_zh) if what_zh else "无扣分事项"
    detail_en = ", ".join(what_en) if what_en else "nothing to deduct"
    zh = f"{ctx.name_zh}：{detail_zh}，基准 {num(rule.base)} 分共扣 {num(taken)} 分{stop_zh}，得 {num(score)} 分"
    en = f"{ctx.name_en}: {detail_en}; base {num(rule.base)}, −{num(taken)}{stop_en}: score {num(score)}"
    return RuleOutcome(score, zh, en, [*steps, *notes])


def eval_veto(rule: VetoRule, ctx: RuleContext, counts: Mapping[str, Decimal]) -> RuleOutcome:
    """Vetoed when the occurrences of all the item's counts together reach the threshold."""
    total = sum(counts.values(), Decimal(0))
    if total < rule.threshold:
        zh = f"{ctx.name_zh} 发生 {num(total)} 次，未触发一票否决，得 {num(rule.clear_score)} 分"
        en = f"{ctx.name_en}: {num(total)} occurrences, no veto: score {num(rule.clear_score)}"
        return RuleOutcome(rule.clear_score, zh, en, [TraceStep(zh, en)])
    if rule.effect == "sheet_zero":
        what_zh, what_en = "整张考核表计 0 分", "the whole sheet scores 0"
    elif rule.effect == "cap_grade":
        what_zh = f"等级最高为 {rule.cap_grade}"
        what_en = f"the grade is capped at {rule.cap_grade}"
    else:
        what_zh, what_en = "本项计 0 分", "this item scores 0"
    zh = f"{ctx.name_zh} 发生 {num(total)} 次，触发一票否决：{what_zh}"
    en = f"{ctx.name_en}: {num(total)} occurrences trigger the veto: {what_en}"
    return RuleOutcome(Decimal(0), zh, en, [TraceStep(zh, en)], veto=rule.effect)


def eval_bonus(rule: BonusRule, ctx: RuleContext, quantity: Decimal) -> RuleOutcome:
    """steps × points, at most max_points; added on top of the weighted total."""
    steps = count_steps(quantity, rule.per, ctx.step_policy)
    raw = steps * rule.points
    score = min(raw, rule.max_points)
    cap_zh = f"，封顶 {num(rule.max_points)} 分" if raw > rule.max_points else ""
    cap_en = f", capped at {num(rule.max_points)}" if raw > rule.max_points else ""
    zh = (
        f"{ctx.name_zh} {ctx.zh(quantity)}，每 {ctx.zh(rule.per)} 加 {num(rule.points)} 分，"
        f"计 {num(steps)} 次{cap_zh}，加 {num(score)} 分"
    )
    en = (
        f"{ctx.name_en} {ctx.en(quantity)}: +{num(rule.points)} per {ctx.en(rule.per)}, "
        f"{num(steps)} steps{cap_en}: +{num(score)}"
    )
    return RuleOutcome(score, zh, en, [TraceStep(zh, en, score)])


# --- levels, ratio, manual ------------------------------------------------------------------


def eval_level(rule: LevelRule, ctx: RuleContext, value: Decimal) -> RuleOutcome:
    for anchor in rule.levels:
        if value == anchor.level:
            zh = f"{ctx.name_zh} 评为 {anchor.level} 级（{anchor.anchor.zh}），得 {num(anchor.score)} 分"
            desc = anchor.anchor.en or anchor.anchor.zh
            en = f"{ctx.name_en} rated level {anchor.level} ({desc}): score {num(anchor.score)}"
            return RuleOutcome(anchor.score, zh, en, [TraceStep(zh, en)])
    known = "、".join(str(a.level) for a in rule.levels)
    return _error(
        "unknown_level",
        f"{ctx.name_zh} 的等级 {num(value)} 不在等级表（{known}）中，无法计分",
        f"{ctx.name_en}: level {num(value)} is not in the level table ({known.replace('、', ', ')})",
    )


def eval_ratio(rule: RatioRule, ctx: RuleContext, value: Decimal) -> RuleOutcome:
    """full × actual / target (target / actual when lower is better), capped and floored."""
    lower = ctx.indicator.direction is Direction.LOWER
    head_zh = f"{ctx.name_zh} {ctx.zh(value)}"
    head_en = f"{ctx.name_en} {ctx.en(value)}"
    if lower and value <= 0:
        # nothing at all of a lower-is-better quantity is the best result there is
        best = rule.cap if rule.cap is not None else ctx.scale_max
        zh = f"{head_zh}，为零，得最高分 {num(best)} 分"
        en = f"{head_en} is zero: the best score {num(best)}"
        return RuleOutcome(best, zh, en, [TraceStep(zh, en)])
    if lower:
        raw = rule.full * rule.target / value
        how_zh = f"目标 {num(rule.target)} ÷ 实际 {num(value)} × 满分 {num(rule.full)}"
        how_en = f"target {num(rule.target)} ÷ actual {num(value)} × full {num(rule.full)}"
    else:
        raw = rule.full * value / rule.target
        how_zh = f"实际 {num(value)} ÷ 目标 {num(rule.target)} × 满分 {num(rule.full)}"
        how_en = f"actual {num(value)} ÷ target {num(rule.target)} × full {num(rule.full)}"
    score, notes = _clamp(raw, rule.floor, rule.cap)
    zh = f"{head_zh}，{how_zh}，得 {num(score)} 分"
    en = f"{head_en}: {how_en}: score {num(score)}"
    return RuleOutcome(score, zh, en, [TraceStep(zh, en), *notes])


def eval_manual(rule: ManualRule, ctx: RuleContext, value: Decimal) -> RuleOutcome:
    if not rule.min <= value <= rule.max:
        return _error(
            "out_of_bounds",
            f"{ctx.name_zh} 的评分 {num(value)} 超出 {num(rule.min)}–{num(rule.max)} 的范围",
            f"{ctx.name_en}: the rating {num(value)} is outside {num(rule.min)}–{num(rule.max)}",
        )
    zh = f"{ctx.name_zh} 评分 {num(value)} 分（范围 {num(rule.min)}–{num(rule.max)}），得 {num(value)} 分"
    en = f"{ctx.name_en} rated {num(value)} (range {num(rule.min)}–{num(rule.max)}): score {num(value)}"
    return RuleOutcome(value, zh, en, [TraceStep(zh, en)])


# --- formula ------------------------------------------------------------------------------


def evaluate_formula_expr(expr: str, variables: frozenset[str], env: Mapping[str, Decimal]) -> Decimal:
    """The one place that calls the scheme's formula language (kept small so tests can swap it)."""
    from kaohe.scheme.formula import compile_formula  # imported late: it is another module's work

    result: Decimal = compile_formula(expr, variables).evaluate(env)
    return result


def formula_variables(indicator: Indicator) -> frozenset[str]:
    from kaohe.scheme.models import CountsSource

    names_ = {"value", "target", "sample"}
    if isinstance(indicator.source, CountsSource):
        names_.update(indicator.source.counts)
    return frozenset(names_)


def eval_formula(rule: FormulaRule, ctx: RuleContext, env: Mapping[str, Decimal]) -> RuleOutcome:
    try:
        raw = evaluate_formula_expr(rule.expr, formula_variables(ctx.indicator), env)
    except Exception as exc:  # a formula that fails on these inputs is reported, not raised
        why_zh = str(getattr(exc, "message_zh", exc))
        return _error(
            "formula_error",
            f"{ctx.name_zh} 的公式 {rule.expr} 无法计算：{why_zh}",
            f"{ctx.name_en}: the formula {rule.expr} could not be evaluated: {exc}",
        )
    score, notes = _clamp(raw, rule.min, rule.max)
    shown = "，".join(f"{k} = {num(v)}" for k, v in sorted(env.items()))
    zh = f"{ctx.name_zh} 按公式 {rule.expr} 计算（{shown}），得 {num(score)} 分"
    en = f"{ctx.name_en} by the formula {rule.expr} ({shown.replace('，', ', ')}): score {num(score)}"
    return RuleOutcome(score, zh, en, [TraceStep(zh, en), *notes])
