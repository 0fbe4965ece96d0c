"""A company's own rule kind, registered from this test module, works everywhere a built-in does.

The kind below ("streak": points for each consecutive month on target, the recipe of
CONTRIBUTING.md "A rule kind") is registered exactly as a built-in registers itself; the
test then loads a scheme that uses it, scores it, lints it, describes it in Chinese and
English, exports a score sheet and asks the JSON Schema and the editor for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import pytest
from hypothesis import given
from openpyxl import load_workbook
from pydantic import Field

from kaohe.results.rule_text import describe_rule
from kaohe.results.sheet import SheetHeader, build_score_sheet
from kaohe.results.sheet_xlsx import write_sheet_xlsx
from kaohe.scheme import SchemeLoadError, load_scheme_text, load_scheme_text_located, scheme_json_schema
from kaohe.scheme.checker import check_scheme
from kaohe.scheme.checks import CheckSpec, Context, Finding, Item
from kaohe.scheme.kinds import EditorParam, RuleInput, RuleKind, RuleModel, all_kinds, get_kind, registered
from kaohe.scheme.models import StepPolicy
from kaohe.scoring import IndicatorInput, SheetInputs, score_sheet
from kaohe.scoring.results import TraceStep
from kaohe.scoring.rules import RuleContext, RuleOutcome, clamp

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


class StreakRule(RuleModel):
    type: Literal["streak"]
    per_month: Decimal = Field(gt=0)
    max: Decimal = Field(gt=0)


class StreakKind(RuleKind[StreakRule]):
    type = "streak"
    model = StreakRule
    title_zh, title_en = "连续达标", "streak"
    help_zh = "每连续达标一个月得若干分，有上限"
    help_en = "points for each consecutive month on target, up to a maximum"
    params = (
        EditorParam("per_month", "decimal", "每月得分", "points per month", unit="score"),
        EditorParam("max", "decimal", "最高分", "highest score", unit="score"),
    )
    check_rules = (CheckSpec("X901", "warning", "连续达标上限过低", "streak maximum too low",
                             "让上限至少等于一个月的分数", "make the maximum at least one month's points"),)

    def evaluate(self, rule: StreakRule, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        score, notes = clamp(inp.value * rule.per_month, Decimal(0), rule.max)
        zh = f"{ctx.name_zh} 连续达标 {inp.value} 个月，得 {score} 分"
        en = f"{ctx.name_en}: {inp.value} months on target: score {score}"
        return RuleOutcome(score, zh, en, [TraceStep(zh, en), *notes])

    def best(self, rule: StreakRule, policy: StepPolicy) -> Decimal | None:
        return rule.max

    def describe(self, rule: StreakRule, unit: str, lang: str) -> str:
        if lang == "en":
            return f"{rule.per_month} per month on target, at most {rule.max}"
        return f"每连续达标一个月 {rule.per_month} 分，最高 {rule.max} 分"

    def check(self, rule: StreakRule, item: Item, ctx: Context) -> Iterator[Finding]:
        if rule.max < rule.per_month:
            yield Finding(item.path + ("rule", "max"), "上限低于一个月的分数", "max is below one month", rule_id="X901")

    def strategy(self) -> SearchStrategy[StreakRule]:
        from hypothesis import strategies as st

        return st.builds(StreakRule, type=st.just("streak"), per_month=st.decimals(1, 50, places=1),
                         max=st.decimals(1, 100, places=1))


SCHEME = """\
id: streak_demo
name: {zh: 连续达标示例, en: Streak example}
position: call_center_agent
level: specialist
period: monthly
categories:
  - id: performance
    name: {zh: 业绩, en: Performance}
    weight: 100
    indicators:
      - id: on_target
        name: {zh: 连续达标, en: Months on target}
        weight: 100
        unit: 月
        direction: higher
        target: 5
        source: {kind: kpi, kpi: qa_avg}
        rule: {type: streak, per_month: 25, max: %s}
        explanation: {definition: 连续达标月数, formula: 月数, data_source: 质检, frequency: 每月}
"""


@pytest.fixture
def streak() -> Iterator[RuleKind[StreakRule]]:
    with registered(StreakKind()) as kind:
        yield kind


def test_a_scheme_with_an_unregistered_kind_fails_at_load_with_line_and_hint() -> None:
    with pytest.raises(SchemeLoadError) as raised:
        load_scheme_text(SCHEME % "100", "streak.yaml")
    [problem] = raised.value.problems
    assert problem.file == "streak.yaml" and problem.line == 18
    assert problem.path == "categories[0].indicators[0].rule"
    assert "streak" in problem.message_zh and "未知的规则类型" in problem.message_zh
    assert "tiers" in problem.hint_en and "CONTRIBUTING.md" in problem.hint_en


def test_the_company_kind_scores_lints_describes_and_exports(streak: RuleKind[StreakRule]) -> None:
    located = load_scheme_text_located(SCHEME % "100", "streak.yaml")
    scheme = located.scheme
    assert get_kind("streak") is streak and streak in all_kinds()

    result = score_sheet(scheme, SheetInputs("E01", {"on_target": IndicatorInput(value=Decimal(3))}))
    assert result.total == Decimal("75.00")  # 3 months × 25, of 100
    assert result.items[0].trace.summary_en == "Months on target: 3 months on target: score 75"

    capped = score_sheet(scheme, SheetInputs("E01", {"on_target": IndicatorInput(value=Decimal(6))}))
    assert capped.total == Decimal("100.00")

    assert [p.rule_id for p in check_scheme(scheme, kpi_ids={"qa_avg"}, located=located)] == []
    low = load_scheme_text_located(SCHEME % "10", "streak.yaml")
    [finding] = [p for p in check_scheme(low.scheme, kpi_ids={"qa_avg"}, located=low) if p.rule_id == "X901"]
    assert finding.level == "warning" and finding.line == 18 and finding.hint_en.startswith("make the maximum")

    indicator = scheme.categories[0].indicators[0]
    assert describe_rule(indicator, "zh") == "每连续达标一个月 25 分，最高 100 分"
    assert describe_rule(indicator, "en") == "25 per month on target, at most 100"

    doc = build_score_sheet(scheme, result, SheetHeader("E01", "张三", "座席员", "一部", "2026-10"), lang="en")
    out = io.BytesIO()
    write_sheet_xlsx(doc, out, "en")
    cells = [str(c) for row in load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert "25 per month on target, at most 100" in cells

    schema = scheme_json_schema()
    assert "StreakRule" in schema["$defs"]
    assert schema["$defs"]["Indicator"]["properties"]["rule"]["discriminator"]["mapping"]["streak"].endswith(
        "StreakRule")
    assert streak.editor()["params"][0]["name"] == "per_month"


def test_the_kind_is_gone_after_the_block() -> None:
    assert "streak" not in [kind.type for kind in all_kinds()]


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.type)
def test_every_builtin_kind_has_words_params_and_a_strategy(kind: RuleKind[RuleModel]) -> None:
    assert kind.title_zh and kind.title_en and kind.help_zh and kind.help_en
    assert kind.params and all(p.label_zh and p.label_en for p in kind.params)
    names = {p.name for p in kind.params}
    assert names <= set(kind.model.model_fields) - {"type"}

    @given(kind.strategy())
    def describes_every_rule(rule: RuleModel) -> None:
        assert kind.describe(rule, "%", "zh") and kind.describe(rule, "%", "en")

    describes_every_rule()


def test_every_module_of_the_kinds_package_is_a_builtin_kind() -> None:
    """Adding a built-in kind is adding its module: no list elsewhere names it."""
    from pathlib import Path

    from kaohe.scheme.kinds.registry import HELPER_MODULES, builtin_modules

    package = Path(__file__).resolve().parents[2] / "src" / "kaohe" / "scheme" / "kinds"
    files = {p.stem for p in package.glob("*.py")} - HELPER_MODULES - {"__init__"}
    assert {m.rsplit(".", 1)[1] for m in builtin_modules()} == files
    assert {type(k).__module__.rsplit(".", 1)[1] for k in all_kinds()} >= files
