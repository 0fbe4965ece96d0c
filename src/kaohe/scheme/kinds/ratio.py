"""ratio: score proportional to achievement against target, with a cap (e.g. 120 % of full)."""

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
from kaohe.scoring.rules import RuleContext, RuleOutcome, clamp

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class RatioRule(RuleModel):
    type: Literal["ratio"]
    target: Decimal = Field(gt=0)
    full: Decimal  # the score when the target is met exactly
    cap: Decimal | None = None
    floor: Decimal = Decimal(0)


class RatioKind(RuleKind[RatioRule]):
    type = "ratio"
    model = RatioRule
    title_zh, title_en = "按完成比例", "ratio"
    help_zh = "得分 = 满分 × 实际 ÷ 目标（越低越好时为 目标 ÷ 实际），可封顶"
    help_en = "score = full × actual ÷ target (target ÷ actual when lower is better), optionally capped"
    what_if_field = "target"
    params = (
        EditorParam("target", "decimal", "目标", "target", unit="value"),
        EditorParam("full", "decimal", "满分", "full score", "恰好达到目标时的得分", "the score at the target",
                    unit="score"),
        EditorParam("cap", "decimal", "封顶分", "cap", unit="score", required=False),
        EditorParam("floor", "decimal", "保底分", "floor", unit="score", required=False, default="0"),
    )

    def evaluate(self, rule: RatioRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        """full × actual / target (target / actual when lower is better), capped and floored."""
        value = inp.value
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
        score, notes = clamp(raw, rule.floor, rule.cap)
        zh = f"{head_zh}，{how_zh}，得 {num(score)} 分"
        en = f"{head_en}: {how_en}: score {num(score)}"
        return RuleOutcome(score, zh, en, [TraceStep(zh, en), *notes])

    def best(self, rule: RatioRule, policy: StepPolicy) -> Decimal | None:
        return rule.cap

    def stated_max(self, rule: RatioRule) -> Decimal | None:
        return rule.cap

    def target(self, rule: RatioRule) -> Decimal | None:
        return rule.target

    def describe(self, rule: RatioRule, unit: str, lang: str) -> str:
        if lang == "en":
            cap = f", at most {n(rule.cap)}" if rule.cap is not None else ""
            return f"{n(rule.full)} at target {n(rule.target)}{unit}, proportional{cap}"
        cap = f"，最高 {n(rule.cap)} 分" if rule.cap is not None else ""
        return f"实际 ÷ {n(rule.target)}{unit} × {n(rule.full)} 分{cap}"

    def check(self, rule: RatioRule, item: Item, ctx: Context) -> Iterator[Finding]:
        if rule.cap is not None and rule.floor > rule.cap:
            yield Finding(
                item.path + ("rule", "floor"),
                f"指标「{item.indicator.name.zh}」floor {n(rule.floor)} 高于 cap {n(rule.cap)}",
                f"{item.indicator.id!r}: floor {n(rule.floor)} is above cap {n(rule.cap)}",
                rule_id="K009",
            )

    def strategy(self) -> SearchStrategy[RatioRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals, positive

        return st.builds(
            RatioRule, type=st.just("ratio"), target=positive, full=decimals, cap=st.none() | decimals,
            floor=decimals,
        )


register(RatioKind())
