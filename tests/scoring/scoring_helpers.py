"""Small schemes built in Python for the scoring tests (no YAML loader involved).

`agent_scheme()` follows 表9-26 (percent scale) and `manager_scheme()` follows 表9-23 /
表9-24 (points scale) closely enough for hand-computed totals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaohe.scheme.models import (
    BandRule,
    Category,
    CountRef,
    CountsSource,
    Direction,
    Explanation,
    FormulaRule,
    GateRule,
    GradeBand,
    GradeEffect,
    Grading,
    Indicator,
    KpiSource,
    LevelAnchor,
    LevelRule,
    LinearRule,
    ManualSource,
    PerOccurrenceRule,
    RaterWeight,
    Scheme,
    Step,
    Text,
    Tier,
    TiersRule,
)
from kaohe.scoring import IndicatorInput, SheetInputs

EXPLANATION = Explanation(definition="test", formula="test", data_source="test", frequency="monthly")


def D(x: Any) -> Decimal:  # noqa: N802 - reads like the literal it stands for
    return Decimal(str(x))


def indicator(
    id: str,
    rule: Any,
    weight: Any = 10,
    *,
    direction: Direction = Direction.HIGHER,
    source: Any = None,
    unit: str = "",
    zh: str | None = None,
    en: str | None = None,
    **extra: Any,
) -> Indicator:
    return Indicator(
        id=id,
        name=Text(zh=zh or id, en=en or id),
        weight=D(weight),
        unit=unit,
        direction=direction,
        source=source or KpiSource(kind="kpi", kpi=id),
        rule=rule,
        explanation=EXPLANATION,
        **extra,
    )


def counts_source(*names: str) -> CountsSource:
    return CountsSource(kind="counts", counts={n: CountRef(kpi=n) for n in names})


def manual_source(**weights: Any) -> ManualSource:
    return ManualSource(kind="manual", raters=[RaterWeight(role=r, weight=D(w)) for r, w in weights.items()])


def category(id: str, weight: Any, indicators: list[Indicator], scale: Any = None) -> Category:
    return Category(id=id, name=Text(zh=id, en=id), weight=D(weight), scale=scale, indicators=indicators)


def scheme(categories: list[Category], **extra: Any) -> Scheme:
    base: dict[str, Any] = {
        "id": "test_scheme",
        "name": Text(zh="测试方案", en="test scheme"),
        "position": "agent",
        "level": "specialist",
        "period": "monthly",
    }
    base.update(extra)
    return Scheme(categories=categories, **base)


def one_item_scheme(ind: Indicator, **extra: Any) -> Scheme:
    """A scheme with one category of weight 100 holding `ind` (percent scale unless told)."""
    return scheme([category("perf", 100, [ind])], **extra)


def value(x: Any = None, **extra: Any) -> IndicatorInput:
    return IndicatorInput(value=None if x is None else D(x), **extra)


def sheet(employee_id: str = "e1", **values: IndicatorInput) -> SheetInputs:
    return SheetInputs(employee_id=employee_id, values=values)


# --- rules from the seed forms -------------------------------------------------------------

TALK_TIME = BandRule(
    type="band",
    low=D(40),
    high=D(180),
    inside=D(100),
    below=Step(per=D(2), points=D(10)),
    above=Step(per=D(2), points=D(10)),
    floor=D(0),
)
AFTER_CALL_WORK = LinearRule(
    type="linear",
    target=D(40),
    base=D(70),
    better=Step(per=D(1), points=D(2), limit=D(25)),
    worse=Step(per=D(1), points=D(5)),
    floor=D(0),
)
QA_GATE = GateRule(type="gate", threshold=D(80), pass_score=D(100))
# 表9-26 "低于标准分，则该项计0分" (QA and the knowledge test alike): the value itself from 80 up, else 0.
# The same reading as the book sample and docs/scoring.md; see the notes of
# src/kaohe/library/book_samples/table_9_26_call_center_agent.yaml for why.
KEEP_FROM_80 = FormulaRule(type="formula", expr="if(value >= 80, value, 0)", min=D(0), max=D(100))
CSAT_TIERS = TiersRule(
    type="tiers",
    tiers=[
        Tier(min=D(90), score=D(20)),
        Tier(min=D(85), max=D(90), score=D(10)),
        Tier(min=D(80), max=D(85), score=D(5)),
        Tier(max=D(80), score=D(0)),
    ],
)
ATTENDANCE = PerOccurrenceRule.model_validate(
    {
        "type": "per_occurrence",
        "base": 100,
        "deductions": [
            {"count": "late", "points": 20, "label": {"zh": "迟到", "en": "late"}},
            {"count": "early_leave", "points": 20, "label": {"zh": "早退", "en": "early leave"}},
            {"count": "absence", "points": 50, "label": {"zh": "旷工", "en": "absence"}},
        ],
    }
)
FIVE_LEVELS = LevelRule(
    type="levels",
    levels=[LevelAnchor(level=n, score=D(5 * n), anchor=Text(zh=f"{n}级行为", en=f"level {n} behaviour")) for n in range(1, 6)],
)


def agent_scheme(**extra: Any) -> Scheme:
    """表9-26 on the percent scale, read as the book sample reads it: weights 40 / 10 / 10 / 15 / 10 / 10.

    The printed weights add up to 95 %; nothing is invented to reach 100 (the checker reports it).
    """
    return scheme(
        [
            category(
                "kpi",
                100,
                [
                    indicator("qa_score", KEEP_FROM_80, 40, unit="分", zh="监听分值", en="QA score"),
                    indicator(
                        "attendance",
                        ATTENDANCE,
                        10,
                        direction=Direction.LOWER,
                        source=counts_source("late", "early_leave", "absence"),
                        zh="上级考评",
                        en="supervisor's assessment",
                    ),
                    indicator(
                        "occupancy",
                        LinearRule(type="linear", target=D(50), base=D(100), worse=Step(per=D(1), points=D(2)), floor=D(0)),
                        10,
                        unit="%",
                        zh="有效工作率",
                        en="occupancy",
                    ),
                    indicator("aht", TALK_TIME, 15, direction=Direction.BAND, unit="秒", zh="平均通话时间", en="Average talk time"),
                    indicator(
                        "acw", AFTER_CALL_WORK, 10, direction=Direction.LOWER, unit="秒", zh="平均话后处理时间", en="After-call work"
                    ),
                    indicator("knowledge", KEEP_FROM_80, 10, unit="分", zh="业务知识考核", en="product knowledge test"),
                ],
            )
        ],
        **extra,
    )


def manager_scheme(**extra: Any) -> Scheme:
    """表9-23 / 表9-24 on the points scale, ability 85 % and attitude 25 % as printed."""
    revisit = TiersRule(
        type="tiers",
        tiers=[Tier(min=D(100), score=D(5)), Tier(min=D(90), max=D(100), score=D(3)), Tier(max=D(90), score=D(0))],
    )
    training = TiersRule(
        type="tiers",
        tiers=[Tier(min=D(10), score=D(5)), Tier(min=D(6), max=D(10), score=D(3)), Tier(max=D(6), score=D(0))],
    )
    complaints = PerOccurrenceRule.model_validate(
        {"type": "per_occurrence", "base": 30, "deductions": [{"count": "unmet", "points": 10}]}
    )
    ability = category(
        "ability",
        85,
        [
            indicator("revisit", revisit, 5, unit="%", zh="客户回访", en="customer revisits"),
            indicator("complaints", complaints, 30, source=counts_source("unmet"), zh="客户投诉处理", en="complaint handling"),
            indicator("csat", CSAT_TIERS, 20, unit="分", zh="客户满意度", en="customer satisfaction"),
            indicator("training", training, 5, unit="课时", zh="客服培训", en="service training"),
        ],
    )
    attitude = category(
        "attitude",
        25,
        [
            indicator(name, FIVE_LEVELS, 25, direction=Direction.NONE, source=manual_source(supervisor=100), zh=zh, en=name)
            for name, zh in [("initiative", "主动性"), ("customer_focus", "以客户为中心"), ("thoroughness", "服务细致"), ("ownership", "承担责任")]
        ],
    )
    return scheme([ability, attitude], scale="points", level="manager", **extra)


GRADING = Grading(
    bands=[
        GradeBand(grade="S", min=D(90)),
        GradeBand(grade="A", min=D(80)),
        GradeBand(grade="B", min=D(70)),
        GradeBand(grade="C", min=D(60)),
        GradeBand(grade="D", min=D(0)),
    ],
    effects=[
        GradeEffect(grade="S", bonus_coefficient=D("1.5")),
        GradeEffect(grade="A", bonus_coefficient=D("1.2")),
        GradeEffect(grade="B", bonus_coefficient=D("1.0")),
        GradeEffect(grade="C", bonus_coefficient=D("0.8")),
        GradeEffect(grade="D", bonus_coefficient=D("0")),
    ],
)
FORCED = {"S": D(10), "A": D(20), "B": D(40), "C": D(20), "D": D(10)}
