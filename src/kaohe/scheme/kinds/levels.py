"""levels: level rating with behaviour anchors (表9-24: level 1–5 → 5/10/15/20/25).

Each rater's level becomes a score first (`rates_each`): a mean of levels (3.5) is no level.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.kinds.base import EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.kinds.words import n
from kaohe.scheme.models import Model, StepPolicy, Text
from kaohe.scoring.explain import num
from kaohe.scoring.results import TraceStep
from kaohe.scoring.rules import RuleContext, RuleOutcome, rule_error

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class LevelAnchor(Model):
    level: int = Field(ge=1, le=10)
    score: Decimal
    anchor: Text  # the behaviour that shows this level


class LevelRule(RuleModel):
    type: Literal["levels"]
    levels: list[LevelAnchor] = Field(min_length=2)


class LevelsKind(RuleKind[LevelRule]):
    type = "levels"
    model = LevelRule
    title_zh, title_en = "等级评分", "levels"
    help_zh = "评分人选择一个等级（附行为描述），每级对应一个分数"
    help_en = "raters pick a level, each with a behaviour anchor and a score"
    rates_each = True
    params = (
        EditorParam(
            "levels", "list", "等级", "levels", "至少两级", "two levels or more",
            items=(
                EditorParam("level", "integer", "等级", "level", unit="level"),
                EditorParam("score", "decimal", "得分", "score", unit="score"),
                EditorParam("anchor", "text", "行为描述", "behaviour anchor", "该等级的典型表现（中文、英文）",
                            "the behaviour that shows this level (Chinese, English)"),
            ),
        ),
    )

    def evaluate(self, rule: LevelRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        value = inp.value
        for anchor in rule.levels:
            if value == anchor.level:
                zh = f"{ctx.name_zh} 评为 {anchor.level} 级（{anchor.anchor.zh}），得 {num(anchor.score)} 分"
                desc = anchor.anchor.en or anchor.anchor.zh
                en = f"{ctx.name_en} rated level {anchor.level} ({desc}): score {num(anchor.score)}"
                return RuleOutcome(anchor.score, zh, en, [TraceStep(zh, en)])
        between = _interpolated(rule, value)
        if between is not None:  # several raters of one role: the mean of their levels
            low, high, score = between
            zh = (f"{ctx.name_zh} 多人评分的平均等级 {num(value)}，在 {low.level} 级（{num(low.score)} 分）与 "
                  f"{high.level} 级（{num(high.score)} 分）之间按比例得 {num(score)} 分")
            en = (f"{ctx.name_en}: the raters' mean level {num(value)} lies between level {low.level} "
                  f"({num(low.score)}) and level {high.level} ({num(high.score)}): score {num(score)} in proportion")
            return RuleOutcome(score, zh, en, [TraceStep(zh, en)])
        known = "、".join(str(a.level) for a in rule.levels)
        return rule_error(
            "unknown_level",
            f"{ctx.name_zh} 的等级 {num(value)} 不在等级表（{known}）中，无法计分",
            f"{ctx.name_en}: level {num(value)} is not in the level table ({known.replace('、', ', ')})",
        )

    def best(self, rule: LevelRule, policy: StepPolicy) -> Decimal | None:
        return max(level.score for level in rule.levels)

    def rating_range(self, rule: LevelRule) -> tuple[Decimal, Decimal] | None:
        return Decimal(min(a.level for a in rule.levels)), Decimal(max(a.level for a in rule.levels))

    def describe(self, rule: LevelRule, unit: str, lang: str) -> str:
        if lang == "en":
            return "; ".join(f"level {lv.level}: {n(lv.score)}" for lv in rule.levels)
        return "；".join(f"{lv.level} 级 {n(lv.score)} 分：{lv.anchor.zh}" for lv in rule.levels)

    def check(self, rule: LevelRule, item: Item, ctx: Context) -> Iterator[Finding]:
        path = item.path + ("rule", "levels")
        repeated = sorted(k for k, c in Counter(a.level for a in rule.levels).items() if c > 1)
        if repeated:
            yield Finding(
                path,
                f"指标「{item.indicator.name.zh}」等级 {repeated} 重复",
                f"{item.indicator.id!r}: level(s) {repeated} appear more than once",
                rule_id="K010",
            )
        ordered = sorted(rule.levels, key=lambda a: a.level)
        if any(b.score <= a.score for a, b in zip(ordered, ordered[1:], strict=False)):
            yield Finding(
                path,
                f"指标「{item.indicator.name.zh}」等级越高得分并不越高",
                f"{item.indicator.id!r}: scores do not rise with the level",
                "warning",
                rule_id="K010",
            )

    def strategy(self) -> SearchStrategy[LevelRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals, text_models

        return st.builds(
            LevelRule,
            type=st.just("levels"),
            levels=st.lists(
                st.builds(LevelAnchor, level=st.integers(1, 10), score=decimals, anchor=text_models),
                min_size=2, max_size=4,
            ),
        )


register(LevelsKind())


def _interpolated(rule: LevelRule, value: Decimal | None) -> tuple[LevelAnchor, LevelAnchor, Decimal] | None:
    """A non-whole level between two adjacent anchors (the mean of several raters' levels), scored in proportion.

    Whole levels missing from the table stay errors; so do values outside it.
    """
    if value is None or value == value.to_integral_value():
        return None
    ordered = sorted(rule.levels, key=lambda a: a.level)
    for low, high in zip(ordered, ordered[1:], strict=False):
        if low.level < value < high.level:
            share = (value - low.level) / (high.level - low.level)
            return low, high, low.score + (high.score - low.score) * share
    return None
