"""gate: pass/fail against a threshold (表9-26 监听分值: average ≥ 80 → 100, else 0)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.kinds.base import EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.kinds.words import n
from kaohe.scheme.models import StepPolicy
from kaohe.scheme.rules_support import NON_NEGATIVE_UNITS
from kaohe.scoring.explain import num
from kaohe.scoring.results import TraceStep
from kaohe.scoring.rules import RuleContext, RuleOutcome

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class GateRule(RuleModel):
    type: Literal["gate"]
    threshold: Decimal
    op: Literal[">=", ">", "<=", "<"] = ">="
    pass_score: Decimal
    fail_score: Decimal = Decimal(0)


OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": lambda v, t: v >= t,
    ">": lambda v, t: v > t,
    "<=": lambda v, t: v <= t,
    "<": lambda v, t: v < t,
}
SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


class GateKind(RuleKind[GateRule]):
    type = "gate"
    model = GateRule
    title_zh, title_en = "达标线", "pass / fail"
    help_zh = "达到门槛得达标分，否则得未达标分"
    help_en = "the pass score when the value meets the threshold, the fail score otherwise"
    all_or_nothing = True
    what_if_field = "threshold"
    params = (
        EditorParam("threshold", "decimal", "门槛", "threshold", "达标的界限值", "the value to meet", unit="value"),
        EditorParam("op", "choice", "比较", "comparison", "数值与门槛如何比较", "how the value meets the threshold",
                    required=False, default=">=", choices=(">=", ">", "<=", "<")),
        EditorParam("pass_score", "decimal", "达标得分", "pass score", unit="score"),
        EditorParam("fail_score", "decimal", "未达标得分", "fail score", unit="score", required=False, default="0"),
    )

    def evaluate(self, rule: GateRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        value = inp.value
        passed = OPS[rule.op](value, rule.threshold)
        sign = SIGNS[rule.op]
        score = rule.pass_score if passed else rule.fail_score
        if passed:
            zh = f"{ctx.name_zh} {ctx.zh(value)}，达到标准 {sign} {ctx.zh(rule.threshold)}，得 {num(score)} 分"
            en = f"{ctx.name_en} {ctx.en(value)} meets {sign} {ctx.en(rule.threshold)}: score {num(score)}"
        else:
            zh = f"{ctx.name_zh} {ctx.zh(value)}，未达到标准 {sign} {ctx.zh(rule.threshold)}，得 {num(score)} 分"
            en = f"{ctx.name_en} {ctx.en(value)} misses {sign} {ctx.en(rule.threshold)}: score {num(score)}"
        return RuleOutcome(score, zh, en, [TraceStep(zh, en)])

    def best(self, rule: GateRule, policy: StepPolicy) -> Decimal | None:
        return max(rule.pass_score, rule.fail_score)

    def describe(self, rule: GateRule, unit: str, lang: str) -> str:
        if lang == "en":
            return f"{rule.op} {n(rule.threshold)}{unit}: {n(rule.pass_score)}, else {n(rule.fail_score)}"
        return f"{rule.op}{n(rule.threshold)}{unit} 得 {n(rule.pass_score)} 分，否则 {n(rule.fail_score)} 分"

    def check(self, rule: GateRule, item: Item, ctx: Context) -> Iterator[Finding]:
        indicator = item.indicator
        low = Decimal(0) if indicator.unit.strip() in NON_NEGATIVE_UNITS else None
        high = Decimal(100) if indicator.unit.strip() == "%" and rule.op in (">=", ">") else None
        t = rule.threshold
        never = (high is not None and (t > high or (t == high and rule.op == ">"))) or (
            low is not None and (t < low or (t == low and rule.op == "<")) and rule.op in ("<=", "<")
        )
        if never:
            yield Finding(
                item.path + ("rule", "threshold"),
                f"指标「{indicator.name.zh}」要求 {rule.op} {n(t)}{indicator.unit}，不可能达到",
                f"{indicator.id!r} requires {rule.op} {n(t)} {indicator.unit}, which no value can meet",
                rule_id="K006",
            )
        if rule.pass_score <= rule.fail_score:
            yield Finding(
                item.path + ("rule", "pass_score"),
                f"指标「{indicator.name.zh}」达标得分 {n(rule.pass_score)} 不高于未达标得分 {n(rule.fail_score)}",
                f"{indicator.id!r}: passing scores {n(rule.pass_score)}, not more than failing ({n(rule.fail_score)})",
                "warning",
                rule_id="K006",
            )

    def strategy(self) -> SearchStrategy[GateRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals

        return st.builds(
            GateRule,
            type=st.just("gate"),
            threshold=decimals,
            op=st.sampled_from([">=", ">", "<=", "<"]),
            pass_score=decimals,
            fail_score=decimals,
        )


register(GateKind())
