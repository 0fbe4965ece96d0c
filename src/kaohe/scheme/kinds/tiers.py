"""tiers: a tier table (表9-23 客户满意度: ≥ 90 → 20, ≥ 85 → 10, ≥ 80 → 5, else 0).

`otherwise` scores a value that falls in no tier; when it is absent such a value is an
error on the sheet, and the checker reports the uncovered range up front (K004).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.kinds.base import EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.kinds.words import n, range_zh
from kaohe.scheme.models import Model, StepPolicy
from kaohe.scheme.rules_support import (
    NON_NEGATIVE_UNITS,
    gaps,
    interval_text,
    is_empty,
    overlaps,
    tier_bounds,
)
from kaohe.scoring.explain import num
from kaohe.scoring.results import TraceStep, Words
from kaohe.scoring.rules import RuleContext, RuleOutcome, rule_error

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class Tier(Model):
    """One row of a tier table; a value belongs to it when it lies within [min, max)."""

    score: Decimal
    min: Decimal | None = None
    max: Decimal | None = None
    min_inclusive: bool = True
    max_inclusive: bool = False
    label: str = ""


class TiersRule(RuleModel):
    type: Literal["tiers"]
    tiers: list[Tier] = Field(min_length=1)
    otherwise: Decimal | None = None


def tier_contains(tier: Tier, value: Decimal) -> bool:
    if tier.min is not None and not (value > tier.min or (tier.min_inclusive and value == tier.min)):
        return False
    return tier.max is None or value < tier.max or (tier.max_inclusive and value == tier.max)


def _in_tier_words(ctx: RuleContext, tier: Tier, value: Decimal) -> tuple[str, str]:
    rzh, ren = _tier_range(tier, ctx)
    label = f"（{tier.label}）" if tier.label else ""
    zh = f"{ctx.name_zh} {ctx.zh(value)}，落在 {rzh} 档{label}，得 {num(tier.score)} 分"
    en = f"{ctx.name_en} {ctx.en(value)} falls in the tier {ren}: score {num(tier.score)}"
    return zh, en


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


class TiersKind(RuleKind[TiersRule]):
    type = "tiers"
    model = TiersRule
    title_zh, title_en = "分档", "tiers"
    help_zh = "数值落在哪一档就得该档的分；都不在时得 otherwise 的分"
    help_en = "the score of the tier the value falls in; `otherwise` for a value in no tier"
    params = (
        EditorParam(
            "tiers", "list", "档位", "tiers", "按顺序匹配，第一个包含该值的档位计分",
            "matched in order; the first tier that contains the value scores",
            items=(
                EditorParam("min", "decimal", "下限", "from", unit="value", required=False),
                EditorParam("max", "decimal", "上限", "below", unit="value", required=False),
                EditorParam("min_inclusive", "boolean", "含下限", "includes from", required=False, default="true"),
                EditorParam("max_inclusive", "boolean", "含上限", "includes the upper bound", required=False,
                            default="false"),
                EditorParam("score", "decimal", "得分", "score", unit="score"),
                EditorParam("label", "text", "说明", "label", required=False, default=""),
            ),
        ),
        EditorParam("otherwise", "decimal", "其他情况得分", "otherwise", "不在任何档位时的得分（可空）",
                    "the score of a value in no tier (optional)", unit="score", required=False),
    )

    def evaluate(self, rule: TiersRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        """The first tier (in the scheme's order) that contains the value gives the score."""
        value = inp.value
        for tier in rule.tiers:
            if tier_contains(tier, value):
                words = Words(_in_tier_words, ctx, tier, value)
                return RuleOutcome.later(tier.score, words, [TraceStep.later(words)])
        if rule.otherwise is not None:
            zh = f"{ctx.name_zh} {ctx.zh(value)}，不在任何档位内，按其他情况得 {num(rule.otherwise)} 分"
            en = f"{ctx.name_en} {ctx.en(value)} is in no tier: the 'otherwise' score {num(rule.otherwise)}"
            return RuleOutcome(rule.otherwise, zh, en, [TraceStep(zh, en)])
        return rule_error(
            "uncovered_value",
            f"{ctx.name_zh} {ctx.zh(value)} 不在任何档位内，且方案未规定其他情况的得分，无法计分",
            f"{ctx.name_en} {ctx.en(value)} is in no tier and the scheme gives no 'otherwise' score",
        )

    def best(self, rule: TiersRule, policy: StepPolicy) -> Decimal | None:
        scores = [tier.score for tier in rule.tiers]
        return max(scores + ([rule.otherwise] if rule.otherwise is not None else []))

    def describe(self, rule: TiersRule, unit: str, lang: str) -> str:
        if lang == "en":
            parts = []
            for t in rule.tiers:
                bounds = [f"≥{n(t.min)}" if t.min is not None else "", f"<{n(t.max)}" if t.max is not None else ""]
                parts.append(f"{' and '.join(b for b in bounds if b)} → {n(t.score)}")
            if rule.otherwise is not None:
                parts.append(f"otherwise → {n(rule.otherwise)}")
            return "; ".join(parts)
        rows = [f"{range_zh(t.min, t.max)}{unit}：{n(t.score)} 分" for t in rule.tiers]
        if rule.otherwise is not None:
            rows.append(f"其他：{n(rule.otherwise)} 分")
        return "；".join(rows)

    def check(self, rule: TiersRule, item: Item, ctx: Context) -> Iterator[Finding]:
        yield from _gaps(rule, item)
        yield from _overlaps(rule, item)

    def strategy(self) -> SearchStrategy[TiersRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals, texts

        tiers = st.builds(
            Tier,
            score=decimals,
            min=st.none() | decimals,
            max=st.none() | decimals,
            min_inclusive=st.booleans(),
            max_inclusive=st.booleans(),
            label=st.just("") | texts,
        )
        return st.builds(
            TiersRule, type=st.just("tiers"), tiers=st.lists(tiers, min_size=1, max_size=4),
            otherwise=st.none() | decimals,
        )


def _gaps(rule: TiersRule, item: Item) -> Iterator[Finding]:
    if rule.otherwise is not None:
        return
    low = Decimal(0) if item.indicator.unit.strip() in NON_NEGATIVE_UNITS else None
    intervals = [tier_bounds(t.min, t.min_inclusive, t.max, t.max_inclusive) for t in rule.tiers]
    for gap in gaps(intervals, low):
        text = interval_text(*gap)
        unit = item.indicator.unit
        yield Finding(
            item.path + ("rule", "tiers"),
            f"指标「{item.indicator.name.zh}」的分档没有覆盖 {text}{unit}：落在这里的值无法计分",
            f"the tiers of {item.indicator.id!r} do not cover {text} {unit}: such a value cannot be scored",
            rule_id="K004",
        )


def _overlaps(rule: TiersRule, item: Item) -> Iterator[Finding]:
    bounds = [tier_bounds(t.min, t.min_inclusive, t.max, t.max_inclusive) for t in rule.tiers]
    for index, bound in enumerate(bounds):
        if is_empty(*bound):
            yield Finding(
                item.path + ("rule", "tiers", index),
                f"第 {index + 1} 档 {interval_text(*bound)} 不包含任何值",
                f"tier {index + 1} {interval_text(*bound)} contains no value",
                rule_id="K005",
            )
    for a in range(len(bounds)):
        for b in range(a + 1, len(bounds)):
            if not is_empty(*bounds[a]) and not is_empty(*bounds[b]) and overlaps(bounds[a], bounds[b]):
                yield Finding(
                    item.path + ("rule", "tiers", b),
                    f"指标「{item.indicator.name.zh}」第 {a + 1} 档 {interval_text(*bounds[a])} 与第 {b + 1} 档 "
                    f"{interval_text(*bounds[b])} 重叠",
                    f"tiers {a + 1} {interval_text(*bounds[a])} and {b + 1} {interval_text(*bounds[b])} "
                    f"of {item.indicator.id!r} overlap",
                    rule_id="K005",
                )


register(TiersKind())
