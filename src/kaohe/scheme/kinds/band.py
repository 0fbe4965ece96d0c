"""band: a band of best values (表9-26 平均通话时间: 40–180 s → 100, −10 per 2 s outside)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.kinds.base import STEP_ITEMS, EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.kinds.words import n, step_en
from kaohe.scheme.models import Direction, Step, StepPolicy
from kaohe.scoring.explain import num
from kaohe.scoring.results import TraceStep, Words
from kaohe.scoring.rules import RuleContext, RuleOutcome, Stepped, clamp, step_by

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class BandRule(RuleModel):
    type: Literal["band"]
    low: Decimal
    high: Decimal
    inside: Decimal
    below: Step | None = None
    above: Step | None = None
    floor: Decimal | None = None


class BandKind(RuleKind[BandRule]):
    type = "band"
    model = BandRule
    title_zh, title_en = "区间", "band"
    help_zh = "数值在区间内得满分，区间外每一步扣分"
    help_en = "the inside score within the band, points taken per step outside it"
    params = (
        EditorParam("low", "decimal", "下限", "low", unit="value"),
        EditorParam("high", "decimal", "上限", "high", unit="value"),
        EditorParam("inside", "decimal", "区间内得分", "inside score", unit="score"),
        EditorParam("below", "step", "低于下限", "below the band", "每低一步扣的分（可空）",
                    "points per step below (optional)", required=False, items=STEP_ITEMS),
        EditorParam("above", "step", "高于上限", "above the band", "每高一步扣的分（可空）",
                    "points per step above (optional)", required=False, items=STEP_ITEMS),
        EditorParam("floor", "decimal", "保底分", "floor", unit="score", required=False),
    )

    def evaluate(self, rule: BandRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        """`inside` within [low, high]; outside, each step below or above takes points away."""
        value = inp.value
        if rule.low <= value <= rule.high:
            words = Words(_inside_words, ctx, rule, value)
            return RuleOutcome.later(rule.inside, words, [TraceStep.later(words)])
        above = value > rule.high
        edge = rule.high if above else rule.low
        step = rule.above if above else rule.below
        deviation = abs(value - edge)
        if step is None:
            words = Words(_no_step_words, ctx, rule, value, above, edge)
            return RuleOutcome.later(rule.inside, words, [TraceStep.later(words)])
        st = step_by(step, deviation, edge, ctx.step_policy)
        if st.steps == 0:
            words = Words(_short_words, ctx, rule, value, above, edge, deviation, step)
            return RuleOutcome.later(rule.inside, words, [TraceStep.later(words)])
        score, notes = clamp(rule.inside - st.points, rule.floor, None)
        taken = rule.inside - score
        words = Words(_stepped_words, ctx, value, above, edge, step, st, taken, score, bool(notes))
        return RuleOutcome.later(score, words, [TraceStep.later(words, -taken), *notes])

    def best(self, rule: BandRule, policy: StepPolicy) -> Decimal | None:
        return rule.inside

    def describe(self, rule: BandRule, unit: str, lang: str) -> str:
        if lang == "en":
            bits = [f"{n(rule.inside)} within {n(rule.low)}–{n(rule.high)}{unit}",
                    ("below: " + step_en(rule.below, "−", unit)) if rule.below else "",
                    ("above: " + step_en(rule.above, "−", unit)) if rule.above else ""]
            return ", ".join(b for b in bits if b)
        text = f"{n(rule.low)}–{n(rule.high)}{unit} 得 {n(rule.inside)} 分"
        if rule.below:
            text += f"；低于下限每 {n(rule.below.per)}{unit} 扣 {n(rule.below.points)} 分"
        if rule.above:
            text += f"；高于上限每 {n(rule.above.per)}{unit} 扣 {n(rule.above.points)} 分"
        return text

    def check(self, rule: BandRule, item: Item, ctx: Context) -> Iterator[Finding]:
        name, iid = item.indicator.name.zh, item.indicator.id
        path = item.path + ("rule",)
        if rule.low > rule.high:
            yield Finding(
                path + ("low",),
                f"指标「{name}」区间下限 {n(rule.low)} 高于上限 {n(rule.high)}",
                f"{iid!r}: band low {n(rule.low)} is above high {n(rule.high)}",
                rule_id="K007",
            )
        if rule.below and rule.below.limit is not None and rule.below.limit >= rule.low:
            yield Finding(
                path + ("below", "limit"),
                f"指标「{name}」低于下限的扣分界限 {n(rule.below.limit)} 不在下限 {n(rule.low)} 以下",
                f"{iid!r}: below.limit {n(rule.below.limit)} is not under low {n(rule.low)}",
                rule_id="K007",
            )
        if rule.above and rule.above.limit is not None and rule.above.limit <= rule.high:
            yield Finding(
                path + ("above", "limit"),
                f"指标「{name}」高于上限的扣分界限 {n(rule.above.limit)} 不在上限 {n(rule.high)} 以上",
                f"{iid!r}: above.limit {n(rule.above.limit)} is not over high {n(rule.high)}",
                rule_id="K007",
            )
        if rule.floor is not None and rule.floor > rule.inside:
            yield Finding(
                path + ("floor",),
                f"指标「{name}」保底分 {n(rule.floor)} 高于区间内得分 {n(rule.inside)}",
                f"{iid!r}: floor {n(rule.floor)} is above the inside score {n(rule.inside)}",
                rule_id="K007",
            )
        if item.indicator.direction != Direction.BAND:
            yield Finding(
                item.path + ("direction",),
                f"指标「{name}」使用区间规则，方向应为 band",
                f"{iid!r} uses a band rule; its direction should be band",
                "warning",
                rule_id="K007",
            )

    def strategy(self) -> SearchStrategy[BandRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals
        from kaohe.scheme.kinds.strategies import steps as step_models

        return st.builds(
            BandRule, type=st.just("band"), low=decimals, high=decimals, inside=decimals,
            below=st.none() | step_models, above=st.none() | step_models, floor=st.none() | decimals,
        )


register(BandKind())


def _head(ctx: RuleContext, value: Decimal) -> tuple[str, str]:
    return f"{ctx.name_zh} {ctx.zh(value)}", f"{ctx.name_en} {ctx.en(value)}"


def _edge(ctx: RuleContext, above: bool, edge: Decimal) -> tuple[str, str]:
    edge_zh = f"超出上限 {ctx.zh(edge)}" if above else f"低于下限 {ctx.zh(edge)}"
    edge_en = f"above the upper limit {ctx.en(edge)}" if above else f"below the lower limit {ctx.en(edge)}"
    return edge_zh, edge_en


def _inside_words(ctx: RuleContext, rule: BandRule, value: Decimal) -> tuple[str, str]:
    head_zh, head_en = _head(ctx, value)
    zh = f"{head_zh}，在 {num(rule.low)}–{ctx.zh(rule.high)} 范围内，得 {num(rule.inside)} 分"
    en = f"{head_en} is within {num(rule.low)}–{ctx.en(rule.high)}: score {num(rule.inside)}"
    return zh, en


def _no_step_words(ctx: RuleContext, rule: BandRule, value: Decimal, above: bool, edge: Decimal) -> tuple[str, str]:
    head_zh, head_en = _head(ctx, value)
    edge_zh, edge_en = _edge(ctx, above, edge)
    zh = f"{head_zh}，{edge_zh}，此侧不扣分，得 {num(rule.inside)} 分"
    en = f"{head_en} is {edge_en}; no deduction on this side: score {num(rule.inside)}"
    return zh, en


def _short_words(ctx: RuleContext, rule: BandRule, value: Decimal, above: bool, edge: Decimal, deviation: Decimal,
                 step: Step) -> tuple[str, str]:
    head_zh, head_en = _head(ctx, value)
    edge_zh, edge_en = _edge(ctx, above, edge)
    zh = (f"{head_zh}，{edge_zh} {ctx.zh(deviation)}，不足一个 {ctx.zh(step.per)}步长，不扣分，"
          f"得 {num(rule.inside)} 分")
    en = (f"{head_en}: {ctx.en(deviation)} {edge_en}, less than one step of {ctx.en(step.per)}: "
          f"score {num(rule.inside)}")
    return zh, en


def _stepped_words(ctx: RuleContext, value: Decimal, above: bool, edge: Decimal, step: Step, st: Stepped,
                   taken: Decimal, score: Decimal, floored: bool) -> tuple[str, str]:
    head_zh, head_en = _head(ctx, value)
    edge_zh, edge_en = _edge(ctx, above, edge)
    stop_zh = "（扣完为止）" if floored else ""
    stop_en = f" (stops at the floor {num(score)})" if floored else ""
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
    return zh, en
