"""linear: deviation from a target with separate slopes on each side.

The better side is given by the indicator's direction. 表9-26 话后处理时间: base 70 at
40 s; better: +2 per second down to 25 s; worse: −5 per second; floor 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.kinds.base import STEP_ITEMS, EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.kinds.words import n, step_en
from kaohe.scheme.models import Direction, Step, StepPolicy
from kaohe.scheme.rules_support import steps
from kaohe.scoring.explain import num, signed
from kaohe.scoring.results import TraceStep, Words
from kaohe.scoring.rules import RuleContext, RuleOutcome, Stepped, clamp, step_by

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class LinearRule(RuleModel):
    type: Literal["linear"]
    target: Decimal
    base: Decimal
    better: Step | None = None
    worse: Step | None = None
    floor: Decimal | None = None
    cap: Decimal | None = None


class LinearKind(RuleKind[LinearRule]):
    type = "linear"
    model = LinearRule
    title_zh, title_en = "线性加减分", "linear"
    help_zh = "达到目标得基础分；每好一个步长加分，每差一个步长扣分"
    help_en = "the base score at the target; points added per step better, taken per step worse"
    what_if_field = "target"
    params = (
        EditorParam("target", "decimal", "目标", "target", unit="value"),
        EditorParam("base", "decimal", "基础分", "base score", "恰好达到目标时的得分", "the score at the target",
                    unit="score"),
        EditorParam("better", "step", "更好一侧", "better side", "每好一步加的分（可空）",
                    "points per step better (optional)", required=False, items=STEP_ITEMS),
        EditorParam("worse", "step", "更差一侧", "worse side", "每差一步扣的分（可空）",
                    "points per step worse (optional)", required=False, items=STEP_ITEMS),
        EditorParam("floor", "decimal", "保底分", "floor", unit="score", required=False),
        EditorParam("cap", "decimal", "封顶分", "cap", unit="score", required=False),
    )

    def evaluate(self, rule: LinearRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        """Base score at the target; the better side adds, the worse side takes away.

        The better side is below the target when the indicator's direction is LOWER, above it
        otherwise.
        """
        value = inp.value
        lower_better = ctx.indicator.direction is Direction.LOWER
        deviation = abs(value - rule.target)
        above = value > rule.target
        better = deviation > 0 and (above != lower_better)
        step = rule.better if better else rule.worse
        if deviation == 0 or step is None:
            score, notes = clamp(rule.base, rule.floor, rule.cap)
            words = Words(_level_words, ctx, rule, value, above, better, deviation, score)
            return RuleOutcome.later(score, words, [TraceStep.later(words), *notes])
        st = step_by(step, deviation, rule.target, ctx.step_policy)
        delta = st.points if better else -st.points
        score, notes = clamp(rule.base + delta, rule.floor, rule.cap)
        applied = score - rule.base
        words = Words(_stepped_words, ctx, rule, value, above, better, deviation, score, step, st, applied)
        return RuleOutcome.later(score, words, [TraceStep.later(words, applied), *notes])

    def best(self, rule: LinearRule, policy: StepPolicy) -> Decimal | None:
        if rule.cap is not None:
            return rule.cap
        if rule.better is None or rule.better.points == 0:
            return rule.base
        if rule.better.limit is None:
            return None
        gain = steps(abs(rule.better.limit - rule.target), rule.better.per, policy) * rule.better.points
        return rule.base + gain

    def stated_max(self, rule: LinearRule) -> Decimal | None:
        return rule.cap

    def target(self, rule: LinearRule) -> Decimal | None:
        return rule.target

    def describe(self, rule: LinearRule, unit: str, lang: str) -> str:
        if lang == "en":
            bits = [f"{n(rule.base)} at target {n(rule.target)}{unit}", step_en(rule.better, "+", unit),
                    step_en(rule.worse, "−", unit)]
            return ", ".join(b for b in bits if b)
        text = f"达到 {n(rule.target)}{unit} 得 {n(rule.base)} 分"
        if rule.better:
            text += f"；每好 {n(rule.better.per)}{unit} 加 {n(rule.better.points)} 分"
            if rule.better.limit is not None:
                text += f"（至 {n(rule.better.limit)}{unit} 为止）"
        if rule.worse:
            text += f"；每差 {n(rule.worse.per)}{unit} 扣 {n(rule.worse.points)} 分"
        if rule.cap is not None:
            text += f"；最高 {n(rule.cap)} 分"
        if rule.floor is not None:
            text += f"；最低 {n(rule.floor)} 分"
        return text

    def check(self, rule: LinearRule, item: Item, ctx: Context) -> Iterator[Finding]:
        indicator = item.indicator
        path, name = item.path + ("rule",), indicator.name.zh
        if indicator.direction not in (Direction.HIGHER, Direction.LOWER):
            yield Finding(
                item.path + ("direction",),
                f"指标「{name}」使用线性规则，但方向为 {indicator.direction.value}，无法判断哪一侧更好",
                f"{indicator.id!r} uses a linear rule but its direction is {indicator.direction.value}",
                rule_id="K008",
            )
            return
        sign = Decimal(1) if indicator.direction == Direction.HIGHER else Decimal(-1)
        for side, step, wanted in (("better", rule.better, sign), ("worse", rule.worse, -sign)):
            if step is not None and step.limit is not None and (step.limit - rule.target) * wanted <= 0:
                yield Finding(
                    path + (side, "limit"),
                    f"指标「{name}」{side} 一侧的界限 {n(step.limit)} 落在目标 {n(rule.target)} 的另一侧",
                    f"{indicator.id!r}: the {side} limit {n(step.limit)} is on the wrong side of target "
                    f"{n(rule.target)}",
                    rule_id="K008",
                )
        if rule.cap is not None and rule.base > rule.cap:
            yield Finding(
                path + ("base",),
                f"指标「{name}」基础分 {n(rule.base)} 高于封顶分 {n(rule.cap)}",
                f"{indicator.id!r}: base {n(rule.base)} is above cap {n(rule.cap)}",
                rule_id="K008",
            )
        if rule.floor is not None and rule.base < rule.floor:
            yield Finding(
                path + ("base",),
                f"指标「{name}」基础分 {n(rule.base)} 低于保底分 {n(rule.floor)}",
                f"{indicator.id!r}: base {n(rule.base)} is below floor {n(rule.floor)}",
                rule_id="K008",
            )
        if rule.floor is not None and rule.cap is not None and rule.floor > rule.cap:
            yield Finding(
                path + ("floor",),
                f"指标「{name}」保底分 {n(rule.floor)} 高于封顶分 {n(rule.cap)}",
                f"{indicator.id!r}: floor {n(rule.floor)} is above cap {n(rule.cap)}",
                rule_id="K008",
            )

    def strategy(self) -> SearchStrategy[LinearRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals
        from kaohe.scheme.kinds.strategies import steps as step_models

        return st.builds(
            LinearRule, type=st.just("linear"), target=decimals, base=decimals, better=st.none() | step_models,
            worse=st.none() | step_models, floor=st.none() | decimals, cap=st.none() | decimals,
        )


register(LinearKind())


def _head(ctx: RuleContext, value: Decimal, above: bool) -> tuple[str, str, str, str]:
    return (f"{ctx.name_zh} {ctx.zh(value)}", f"{ctx.name_en} {ctx.en(value)}", "高于" if above else "低于",
            "above" if above else "below")


def _level_words(ctx: RuleContext, rule: LinearRule, value: Decimal, above: bool, better: bool, deviation: Decimal,
                 score: Decimal) -> tuple[str, str]:
    """At the target, or off it on a side without a step."""
    head_zh, head_en, side_zh, side_en = _head(ctx, value, above)
    if deviation == 0:
        zh = f"{head_zh}，等于目标 {ctx.zh(rule.target)}，得基准 {num(score)} 分"
        en = f"{head_en} equals the target {ctx.en(rule.target)}: base score {num(score)}"
    else:
        word_zh = "不加分" if better else "不扣分"
        word_en = "no bonus on this side" if better else "no deduction on this side"
        zh = f"{head_zh}，{side_zh}目标 {ctx.zh(rule.target)}，{word_zh}，得 {num(score)} 分"
        en = f"{head_en} is {side_en} the target {ctx.en(rule.target)}, {word_en}: score {num(score)}"
    return zh, en


def _stepped_words(ctx: RuleContext, rule: LinearRule, value: Decimal, above: bool, better: bool,
                   deviation: Decimal, score: Decimal, step: Step, st: Stepped, applied: Decimal) -> tuple[str, str]:
    head_zh, head_en, side_zh, side_en = _head(ctx, value, above)
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
    return zh, en
