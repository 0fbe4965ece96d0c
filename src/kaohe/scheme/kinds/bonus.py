"""bonus: 加分项 — points on top of the weighted total, which may lift it above 100.

Without `target` the quantity is the value itself (每采纳 1 条建议加 2 分). With `target` the
quantity is how far the value is better than the target by the indicator's direction
(001 表13-1 "预算控制率每高于目标 %，加 分": per point better than the target); at or
worse than the target nothing is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.kinds.base import EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.kinds.words import n
from kaohe.scheme.models import Direction, StepPolicy
from kaohe.scoring.explain import num
from kaohe.scoring.results import TraceStep
from kaohe.scoring.rules import RuleContext, RuleOutcome
from kaohe.scoring.steps import count_steps

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class BonusRule(RuleModel):
    type: Literal["bonus"]
    per: Decimal = Field(default=Decimal(1), gt=0)
    points: Decimal = Field(gt=0)
    max_points: Decimal = Field(gt=0)
    target: Decimal | None = None


class BonusKind(RuleKind[BonusRule]):
    type = "bonus"
    model = BonusRule
    title_zh, title_en = "加分项", "bonus"
    help_zh = "每达到一个数量加分，计入总分之外，有上限"
    help_en = "points per quantity on top of the weighted total, up to a maximum"
    extra = True
    params = (
        EditorParam("per", "decimal", "每多少", "per", "每达到多少数量加一次分", "the quantity per award",
                    unit="value", required=False, default="1"),
        EditorParam("points", "decimal", "每次加分", "points each", unit="score"),
        EditorParam("max_points", "decimal", "最多加分", "at most", unit="score"),
        EditorParam("target", "decimal", "目标", "target", "填写时只对好于目标的部分加分",
                    "when given, only the part better than the target earns points", unit="value",
                    required=False),
    )

    def evaluate(self, rule: BonusRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        """steps × points, at most max_points; added on top of the weighted total."""
        quantity = inp.value
        over_zh = over_en = ""
        if rule.target is not None:
            lower_better = ctx.indicator.direction is Direction.LOWER
            better = rule.target - quantity if lower_better else quantity - rule.target
            over_zh = f"，好于目标 {ctx.zh(rule.target)} {ctx.zh(max(better, Decimal(0)))}"
            over_en = f", {ctx.en(max(better, Decimal(0)))} better than the target {ctx.en(rule.target)}"
            quantity = max(better, Decimal(0))
        steps = count_steps(quantity, rule.per, ctx.step_policy)
        raw = steps * rule.points
        score = min(raw, rule.max_points)
        cap_zh = f"，封顶 {num(rule.max_points)} 分" if raw > rule.max_points else ""
        cap_en = f", capped at {num(rule.max_points)}" if raw > rule.max_points else ""
        zh = (
            f"{ctx.name_zh} {ctx.zh(inp.value)}{over_zh}，每 {ctx.zh(rule.per)} 加 {num(rule.points)} 分，"
            f"计 {num(steps)} 次{cap_zh}，加 {num(score)} 分"
        )
        en = (
            f"{ctx.name_en} {ctx.en(inp.value)}{over_en}: +{num(rule.points)} per {ctx.en(rule.per)}, "
            f"{num(steps)} steps{cap_en}: +{num(score)}"
        )
        return RuleOutcome(score, zh, en, [TraceStep(zh, en, score)])

    def best(self, rule: BonusRule, policy: StepPolicy) -> Decimal | None:
        return rule.max_points

    def target(self, rule: BonusRule) -> Decimal | None:
        return rule.target

    def bounds(self, rule: BonusRule, scale_max: Decimal) -> tuple[Decimal, Decimal]:
        return Decimal(0), rule.max_points

    def describe(self, rule: BonusRule, unit: str, lang: str) -> str:
        if lang == "en":
            head = f"beyond the target {n(rule.target)}{unit}, " if rule.target is not None else ""
            return f"{head}+{n(rule.points)} per {n(rule.per)}, at most {n(rule.max_points)}"
        head = f"好于目标 {n(rule.target)}{unit} 的部分，" if rule.target is not None else ""
        return f"{head}每 {n(rule.per)}{unit} 加 {n(rule.points)} 分，最多加 {n(rule.max_points)} 分"

    def check(self, rule: BonusRule, item: Item, ctx: Context) -> Iterator[Finding]:
        name, iid = item.indicator.name.zh, item.indicator.id
        if item.indicator.weight != 0:
            yield Finding(
                item.path + ("weight",),
                f"加分项「{name}」的权重 {n(item.indicator.weight)}% 不起作用，应写 0",
                f"bonus item {iid!r} has weight {n(item.indicator.weight)} %, which is ignored; write 0",
                "warning",
                rule_id="K002",
            )
        if rule.max_points < rule.points:
            yield Finding(
                item.path + ("rule", "max_points"),
                f"加分项「{name}」上限 {n(rule.max_points)} 小于单次加分 {n(rule.points)}，一次也加不满",
                f"bonus {iid!r}: max_points {n(rule.max_points)} is below one award of {n(rule.points)}",
                "warning",
                rule_id="K009",
            )

    def strategy(self) -> SearchStrategy[BonusRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals, positive

        return st.builds(BonusRule, type=st.just("bonus"), per=positive, points=positive, max_points=positive,
                         target=st.none() | decimals)


register(BonusKind())
