"""per_occurrence: points taken away for each occurrence of a count (each late arrival −20)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.kinds.base import EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.kinds.words import n
from kaohe.scheme.models import CountsSource, Identifier, Indicator, Model, StepPolicy, Text
from kaohe.scoring.explain import num
from kaohe.scoring.results import TraceStep, Words
from kaohe.scoring.rules import RuleContext, RuleOutcome, clamp

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class Deduction(Model):
    """Points taken away for each occurrence of one count (each late arrival −20)."""

    count: Identifier
    points: Decimal = Field(ge=0)
    label: Text | None = None


class PerOccurrenceRule(RuleModel):
    type: Literal["per_occurrence"]
    base: Decimal
    deductions: list[Deduction] = Field(min_length=1)
    floor: Decimal | None = Decimal(0)


class PerOccurrenceKind(RuleKind[PerOccurrenceRule]):
    type = "per_occurrence"
    model = PerOccurrenceRule
    title_zh, title_en = "按次扣分", "per occurrence"
    help_zh = "基础分减去每次发生的扣分，扣完为止"
    help_en = "the base minus points for each occurrence, down to the floor"
    reads_counts = True
    params = (
        EditorParam("base", "decimal", "基础分", "base score", unit="score"),
        EditorParam(
            "deductions", "list", "扣分项", "deductions", "每种计数每次扣的分", "points per occurrence of each count",
            items=(
                EditorParam("count", "text", "计数", "count", "数据来源中的计数名称", "a count name of the source"),
                EditorParam("points", "decimal", "每次扣分", "points each", unit="score"),
                EditorParam("label", "text", "说明", "label", required=False),
            ),
        ),
        EditorParam("floor", "decimal", "保底分", "floor", unit="score", required=False, default="0"),
    )

    def evaluate(self, rule: PerOccurrenceRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        """base − Σ count × points, not below the floor."""
        counts = inp.counts or {}
        steps: list[TraceStep] = []
        charged: list[tuple[Deduction, Decimal, Decimal]] = []
        total = Decimal(0)
        for d in rule.deductions:
            count = counts.get(d.count, Decimal(0))
            taken = count * d.points
            total += taken
            steps.append(TraceStep.later(Words(_deduction_words, d, count, taken), -taken))
            if count:
                charged.append((d, count, taken))
        score, notes = clamp(rule.base - total, rule.floor, None)
        words = Words(_summary_words, ctx, rule, charged, score, bool(notes))
        return RuleOutcome.later(score, words, [*steps, *notes])

    def best(self, rule: PerOccurrenceRule, policy: StepPolicy) -> Decimal | None:
        return rule.base

    def count_names(self, rule: PerOccurrenceRule, indicator: Indicator) -> list[str]:
        return sorted({d.count for d in rule.deductions})

    def describe(self, rule: PerOccurrenceRule, unit: str, lang: str) -> str:
        if lang == "en":
            deductions = ", ".join(f"−{n(d.points)} per {d.label.en if d.label and d.label.en else d.count}"
                                   for d in rule.deductions)
            return f"base {n(rule.base)}, {deductions}"
        parts = [f"{d.label.zh if d.label else d.count}扣 {n(d.points)} 分" for d in rule.deductions]
        return f"基础 {n(rule.base)} 分；" + "，".join(parts)

    def check(self, rule: PerOccurrenceRule, item: Item, ctx: Context) -> Iterator[Finding]:
        source = item.indicator.source
        if isinstance(source, CountsSource):
            for index, d in enumerate(rule.deductions):
                if d.count not in source.counts:
                    yield Finding(
                        item.path + ("rule", "deductions", index, "count"),
                        f"扣分项引用的计数 {d.count} 不在数据来源中",
                        f"deduction count {d.count!r} is not among the source counts",
                        rule_id="K011",
                    )
        if rule.floor is not None and rule.floor > rule.base:
            yield Finding(
                item.path + ("rule", "floor"),
                f"指标「{item.indicator.name.zh}」floor {n(rule.floor)} 高于 base {n(rule.base)}",
                f"{item.indicator.id!r}: floor {n(rule.floor)} is above base {n(rule.base)}",
                rule_id="K009",
            )

    def strategy(self) -> SearchStrategy[PerOccurrenceRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals, ids, non_negative, text_models

        return st.builds(
            PerOccurrenceRule,
            type=st.just("per_occurrence"),
            base=decimals,
            deductions=st.lists(
                st.builds(Deduction, count=ids, points=non_negative, label=st.none() | text_models),
                min_size=1, max_size=3,
            ),
            floor=st.none() | decimals,
        )


register(PerOccurrenceKind())


def _labels(d: Deduction) -> tuple[str, str]:
    return (d.label.zh if d.label else d.count), ((d.label.en or d.label.zh) if d.label else d.count)


def _deduction_words(d: Deduction, count: Decimal, taken: Decimal) -> tuple[str, str]:
    lzh, len_ = _labels(d)
    minus = f"−{num(taken)}" if taken else "0"
    return (f"{lzh} {num(count)} 次 × {num(d.points)} 分，扣 {num(taken)} 分",
            f"{len_}: {num(count)} × {num(d.points)} = {minus}")


def _summary_words(ctx: RuleContext, rule: PerOccurrenceRule, charged: list[tuple[Deduction, Decimal, Decimal]],
                   score: Decimal, floored: bool) -> tuple[str, str]:
    what_zh: list[str] = []
    what_en: list[str] = []
    for d, count, taken in charged:
        lzh, len_ = _labels(d)
        what_zh.append(f"{lzh} {num(count)} 次扣 {num(taken)} 分")
        what_en.append(f"{len_} {num(count)} × {num(d.points)}")
    taken = rule.base - score
    stop_zh = "（扣完为止）" if floored else ""
    stop_en = " (stops at the floor)" if floored else ""
    detail_zh = "，".join(what_zh) if what_zh else "无扣分事项"
    detail_en = ", ".join(what_en) if what_en else "nothing to deduct"
    zh = f"{ctx.name_zh}：{detail_zh}，基准 {num(rule.base)} 分共扣 {num(taken)} 分{stop_zh}，得 {num(score)} 分"
    en = f"{ctx.name_en}: {detail_en}; base {num(rule.base)}, −{num(taken)}{stop_en}: score {num(score)}"
    return zh, en
