"""manual: a score entered by raters directly, within bounds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.kinds.base import EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.kinds.words import n
from kaohe.scheme.models import StepPolicy
from kaohe.scoring.explain import num
from kaohe.scoring.results import TraceStep
from kaohe.scoring.rules import RuleContext, RuleOutcome, rule_error

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

_NUMBERING = re.compile(r"(^|\s|[;；。])\s*\d+\s*[.、．)]")


class ManualRule(RuleModel):
    type: Literal["manual"]
    min: Decimal = Decimal(0)
    max: Decimal


class ManualKind(RuleKind[ManualRule]):
    type = "manual"
    model = ManualRule
    title_zh, title_en = "人工评分", "manual"
    help_zh = "评分人直接给分，须在上下限之间"
    help_en = "raters enter the score directly, within the bounds"
    params = (
        EditorParam("min", "decimal", "最低分", "lowest score", unit="score", required=False, default="0"),
        EditorParam("max", "decimal", "最高分", "highest score", unit="score"),
    )

    def evaluate(self, rule: ManualRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        value = inp.value
        if not rule.min <= value <= rule.max:
            return rule_error(
                "out_of_bounds",
                f"{ctx.name_zh} 的评分 {num(value)} 超出 {num(rule.min)}–{num(rule.max)} 的范围",
                f"{ctx.name_en}: the rating {num(value)} is outside {num(rule.min)}–{num(rule.max)}",
            )
        zh = f"{ctx.name_zh} 评分 {num(value)} 分（范围 {num(rule.min)}–{num(rule.max)}），得 {num(value)} 分"
        en = f"{ctx.name_en} rated {num(value)} (range {num(rule.min)}–{num(rule.max)}): score {num(value)}"
        return RuleOutcome(value, zh, en, [TraceStep(zh, en)])

    def best(self, rule: ManualRule, policy: StepPolicy) -> Decimal | None:
        return rule.max

    def stated_max(self, rule: ManualRule) -> Decimal | None:
        return rule.max

    def rating_range(self, rule: ManualRule) -> tuple[Decimal, Decimal] | None:
        return rule.min, rule.max

    def describe(self, rule: ManualRule, unit: str, lang: str) -> str:
        if lang == "en":
            return f"rated {n(rule.min)}–{n(rule.max)}"
        return f"评分人直接给分，{n(rule.min)}–{n(rule.max)} 分"

    def check(self, rule: ManualRule, item: Item, ctx: Context) -> Iterator[Finding]:
        indicator = item.indicator
        if rule.min > rule.max:
            yield Finding(
                item.path + ("rule", "min"),
                f"指标「{indicator.name.zh}」min {n(rule.min)} 高于 max {n(rule.max)}",
                f"{indicator.id!r}: min {n(rule.min)} is above max {n(rule.max)}",
                rule_id="K009",
            )
        if (
            indicator.target is None
            and indicator.standard.strip()
            and not re.search(r"[\d%％零]", _NUMBERING.sub(" ", indicator.standard))
        ):
            yield Finding(
                item.path + ("standard",),
                f"人工评分指标「{indicator.name.zh}」的标准中没有任何数量要求，评分容易凭印象",
                f"manual indicator {indicator.id!r} has a standard with no number in it",
                "warning",
                rule_id="K017",
            )

    def strategy(self) -> SearchStrategy[ManualRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals

        return st.builds(ManualRule, type=st.just("manual"), min=decimals, max=decimals)


register(ManualKind())
