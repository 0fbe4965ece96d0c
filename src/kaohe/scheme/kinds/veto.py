"""veto: 一票否决 — any occurrence (count ≥ threshold) vetoes the item, the sheet, or caps the grade."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from kaohe.scheme.checks import Context, Finding, Item
from kaohe.scheme.kinds.base import EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import RuleModel, register
from kaohe.scheme.models import StepPolicy
from kaohe.scoring.explain import num
from kaohe.scoring.results import TraceStep
from kaohe.scoring.rules import RuleContext, RuleOutcome

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

EFFECT_ZH = {"item_zero": "本项记 0 分", "sheet_zero": "总分记 0 分", "cap_grade": "等级封顶"}


class VetoRule(RuleModel):
    type: Literal["veto"]
    effect: Literal["item_zero", "sheet_zero", "cap_grade"] = "item_zero"
    cap_grade: str | None = None
    threshold: int = Field(default=1, ge=1)
    clear_score: Decimal = Decimal(0)  # the item's score when nothing happened


class VetoKind(RuleKind[VetoRule]):
    type = "veto"
    model = VetoRule
    title_zh, title_en = "一票否决", "veto"
    help_zh = "发生次数达到门槛时否决本项、整张表或限制最高等级"
    help_en = "when occurrences reach the threshold: the item or the sheet scores 0, or the grade is capped"
    reads_counts = True
    veto = True
    all_or_nothing = True
    params = (
        EditorParam("effect", "choice", "否决效果", "effect", required=False, default="item_zero",
                    choices=("item_zero", "sheet_zero", "cap_grade")),
        EditorParam("cap_grade", "text", "封顶等级", "capped at grade", "效果为 cap_grade 时必填",
                    "required when the effect is cap_grade", required=False),
        EditorParam("threshold", "integer", "触发次数", "threshold", unit="count", required=False, default="1"),
        EditorParam("clear_score", "decimal", "未触发得分", "score when clear", unit="score", required=False,
                    default="0"),
    )

    def evaluate(self, rule: VetoRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        """Vetoed when the occurrences of all the item's counts together reach the threshold."""
        counts = inp.counts or {"value": inp.value}
        total = sum(counts.values(), Decimal(0))
        if total < rule.threshold:
            zh = f"{ctx.name_zh} 发生 {num(total)} 次，未触发一票否决，得 {num(rule.clear_score)} 分"
            en = f"{ctx.name_en}: {num(total)} occurrences, no veto: score {num(rule.clear_score)}"
            return RuleOutcome(rule.clear_score, zh, en, [TraceStep(zh, en)])
        if rule.effect == "sheet_zero":
            what_zh, what_en = "整张考核表计 0 分", "the whole sheet scores 0"
        elif rule.effect == "cap_grade":
            what_zh = f"等级最高为 {rule.cap_grade}"
            what_en = f"the grade is capped at {rule.cap_grade}"
        else:
            what_zh, what_en = "本项计 0 分", "this item scores 0"
        zh = f"{ctx.name_zh} 发生 {num(total)} 次，触发一票否决：{what_zh}"
        en = f"{ctx.name_en}: {num(total)} occurrences trigger the veto: {what_en}"
        cap = rule.cap_grade if rule.effect == "cap_grade" else None
        return RuleOutcome(Decimal(0), zh, en, [TraceStep(zh, en)], veto=rule.effect, cap_grade=cap)

    def best(self, rule: VetoRule, policy: StepPolicy) -> Decimal | None:
        return rule.clear_score

    def describe(self, rule: VetoRule, unit: str, lang: str) -> str:
        if lang == "en":
            effect = {"item_zero": "item scores 0", "sheet_zero": "sheet scores 0",
                      "cap_grade": f"grade capped at {rule.cap_grade}"}[rule.effect]
            return f"veto at ≥{rule.threshold} occurrence(s): {effect}"
        effect = EFFECT_ZH[rule.effect] + (f"（{rule.cap_grade}）" if rule.cap_grade else "")
        return f"发生 {rule.threshold} 次及以上：{effect}"

    def check(self, rule: VetoRule, item: Item, ctx: Context) -> Iterator[Finding]:
        if rule.effect != "cap_grade":
            return
        grading = ctx.scheme.grading
        known = {b.grade for b in grading.bands} if grading else set()
        # without grading of its own, the scheme takes the company's: only a missing cap is sure
        if rule.cap_grade is None or (grading is not None and rule.cap_grade not in known):
            yield Finding(
                item.path + ("rule", "cap_grade"),
                f"否决项「{item.indicator.name.zh}」封顶等级 {rule.cap_grade!r} 未定义",
                f"veto {item.indicator.id!r} caps at undefined grade {rule.cap_grade!r}",
                rule_id="K022",
            )

    def strategy(self) -> SearchStrategy[VetoRule]:
        from hypothesis import strategies as st

        from kaohe.scheme.kinds.strategies import decimals

        return st.builds(
            VetoRule, type=st.just("veto"), effect=st.sampled_from(["item_zero", "sheet_zero", "cap_grade"]),
            cap_grade=st.none() | st.just("C"), threshold=st.integers(1, 5), clear_score=decimals,
        )


register(VetoKind())
