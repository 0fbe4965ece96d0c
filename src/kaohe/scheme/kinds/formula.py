"""formula: a formula in Kaohe's small expression language, parsed and type-checked at load.

Variables: `value`, `target`, the indicator's count names, and `sample`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.formula import Formula, FormulaError, compile_formula, formula_variables
from kaohe.scheme.kinds.base import EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.kinds.words import n
from kaohe.scheme.models import CountsSource, Indicator, StepPolicy
from kaohe.scoring.explain import num
from kaohe.scoring.results import TraceStep, Words
from kaohe.scoring.rules import RuleContext, RuleOutcome, clamp, rule_error

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class FormulaRule(RuleModel):
    type: Literal["formula"]
    expr: str = Field(min_length=1)
    min: Decimal | None = None
    max: Decimal | None = None


def indicator_variables(indicator: Indicator) -> frozenset[str]:
    """The variables the indicator's formula may use: value, target, sample and its counts."""
    source = indicator.source
    return formula_variables(set(source.counts) if isinstance(source, CountsSource) else set())


@lru_cache(maxsize=1024)
def compiled(expr: str, variables: frozenset[str]) -> Formula:
    """The formula parsed once: the parse depends only on its text and the variables allowed, so the
    same text in any scheme (or any version of one) shares it. A formula that does not parse raises each
    time, as `compile_formula` does; nothing is kept for it."""
    return compile_formula(expr, variables)


class FormulaKind(RuleKind[FormulaRule]):
    type = "formula"
    model = FormulaRule
    title_zh, title_en = "公式", "formula"
    help_zh = "用公式计算得分，可用 value、target、sample 和本指标的计数名称"
    help_en = "a formula of value, target, sample and the indicator's count names"
    params = (
        EditorParam("expr", "formula", "公式", "formula", "例如 clamp(100 - 2 * (target - value), 0, 100)",
                    "for example clamp(100 - 2 * (target - value), 0, 100)"),
        EditorParam("min", "decimal", "最低分", "lowest score", unit="score", required=False),
        EditorParam("max", "decimal", "最高分", "highest score", unit="score", required=False),
    )

    def evaluate(self, rule: FormulaRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        env = inp.env()
        try:
            raw: Decimal = compiled(rule.expr, indicator_variables(ctx.indicator)).evaluate(env)
        except FormulaError as exc:  # a formula that fails on these inputs is reported, not raised
            return rule_error(
                "formula_error",
                f"{ctx.name_zh} 的公式 {rule.expr} 无法计算：{exc.message_zh}",
                f"{ctx.name_en}: the formula {rule.expr} could not be evaluated: {exc}",
            )
        score, notes = clamp(raw, rule.min, rule.max)
        words = Words(_words, ctx, rule, env, score)
        return RuleOutcome.later(score, words, [TraceStep.later(words), *notes])

    def best(self, rule: FormulaRule, policy: StepPolicy) -> Decimal | None:
        return rule.max

    def stated_max(self, rule: FormulaRule) -> Decimal | None:
        return rule.max

    def describe(self, rule: FormulaRule, unit: str, lang: str) -> str:
        return f"formula: {rule.expr}" if lang == "en" else f"公式：{rule.expr}"

    def check(self, rule: FormulaRule, item: Item, ctx: Context) -> Iterator[Finding]:
        indicator = item.indicator
        try:
            variables = compile_formula(rule.expr, indicator_variables(indicator)).variables
        except FormulaError as exc:
            yield Finding(item.path + ("rule", "expr"), f"公式错误：{exc.message_zh}", f"formula error: {exc}",
                          rule_id="K023")
            return
        if indicator.target is None and "target" in variables:
            yield Finding(
                item.path + ("target",),
                f"指标「{indicator.name.zh}」的公式用到 target，但没有设定目标值",
                f"the formula of {indicator.id!r} uses target but the indicator has none",
                rule_id="K017",
            )
        if rule.min is not None and rule.max is not None and rule.min > rule.max:
            yield Finding(
                item.path + ("rule", "min"),
                f"指标「{indicator.name.zh}」min {n(rule.min)} 高于 max {n(rule.max)}",
                f"{indicator.id!r}: min {n(rule.min)} is above max {n(rule.max)}",
                rule_id="K009",
            )

    def strategy(self) -> SearchStrategy[FormulaRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals

        return st.builds(
            FormulaRule, type=st.just("formula"),
            expr=st.sampled_from(["value", "clamp(100 - 2 * (target - value), 0, 100)", "if(value >= 80, 100, 0)"]),
            min=st.none() | decimals, max=st.none() | decimals,
        )


register(FormulaKind())


def _words(ctx: RuleContext, rule: FormulaRule, env: dict[str, Decimal], score: Decimal) -> tuple[str, str]:
    shown = "，".join(f"{k} = {num(v)}" for k, v in sorted(env.items()))
    zh = f"{ctx.name_zh} 按公式 {rule.expr} 计算（{shown}），得 {num(score)} 分"
    en = f"{ctx.name_en} by the formula {rule.expr} ({shown.replace('，', ', ')}): score {num(score)}"
    return zh, en
