"""The worked examples printed in seed 002 (表9-26, 表9-23, 表9-24) come out exactly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scoring_helpers import (
    AFTER_CALL_WORK,
    TALK_TIME,
    D,
    agent_scheme,
    indicator,
    manager_scheme,
    one_item_scheme,
    sheet,
    value,
)

from kaohe.scheme.models import Direction, StepPolicy
from kaohe.scoring import IndicatorInput, score_sheet

SHARED = Path(os.environ.get("KAOHE_SHARED_DIR") or Path(__file__).resolve().parents[2] / ".." / "shared")
SEEDS = SHARED / "seeds"


def aht_scheme(policy: StepPolicy = StepPolicy.WHOLE):
    ind = indicator("aht", TALK_TIME, 100, direction=Direction.BAND, unit="秒", zh="平均通话时间", en="Average talk time")
    return one_item_scheme(ind, step_policy=policy)


def acw_scheme():
    ind = indicator("acw", AFTER_CALL_WORK, 100, direction=Direction.LOWER, unit="秒", zh="话后处理时间", en="After-call work")
    return one_item_scheme(ind)


@pytest.mark.parametrize(("seconds", "score"), [(182, 90), (178, 100), (186, 70), (180, 100), (40, 100), (38, 90), (30, 50)])
def test_average_talk_time_follows_the_band_of_table_9_26(seconds, score):
    result = score_sheet(aht_scheme(), sheet(aht=value(seconds)))
    assert result.item("aht").score == D(score)
    assert result.total == D(score)


def test_average_talk_time_186_seconds_is_explained_in_chinese_and_english():
    item = score_sheet(aht_scheme(), sheet(aht=value(186))).item("aht")
    assert item.trace.rule_type == "band"
    assert item.trace.summary_zh == "平均通话时间 186 秒，超出上限 180 秒 3 个 2 秒步长，扣 30 分，得 70 分"
    assert item.trace.summary_en == "Average talk time 186 s: 3 steps of 2 s above the upper limit 180 s, −30 points: score 70"
    assert item.trace.steps[0].delta == D(-30)


def test_average_talk_time_far_outside_the_band_stops_at_zero():
    item = score_sheet(aht_scheme(), sheet(aht=value(400))).item("aht")
    assert item.score == D(0)
    assert "扣完为止" in item.trace.summary_zh


def test_a_partial_step_counts_only_under_the_started_policy():
    assert score_sheet(aht_scheme(StepPolicy.WHOLE), sheet(aht=value(183))).item("aht").score == D(90)
    assert score_sheet(aht_scheme(StepPolicy.STARTED), sheet(aht=value(183))).item("aht").score == D(80)
    assert score_sheet(aht_scheme(StepPolicy.WHOLE), sheet(aht=value(181))).item("aht").score == D(100)
    assert score_sheet(aht_scheme(StepPolicy.STARTED), sheet(aht=value(181))).item("aht").score == D(90)


@pytest.mark.parametrize(
    ("seconds", "score"),
    [(42, 60), (38, 74), (40, 70), (25, 100), (20, 100), (0, 100), (26, 98), (54, 0), (90, 0), ("39.5", 70)],
)
def test_after_call_work_follows_the_linear_rule_of_table_9_26(seconds, score):
    assert score_sheet(acw_scheme(), sheet(acw=value(seconds))).item("acw").score == D(score)


def test_after_call_work_traces_name_the_steps():
    item = score_sheet(acw_scheme(), sheet(acw=value(42))).item("acw")
    assert item.trace.summary_zh == "话后处理时间 42 秒，高于目标 40 秒 2 秒，计 2 个 1 秒步长，在基准 70 分上扣 10 分，得 60 分"
    assert "−10 on the base 70" in item.trace.summary_en
    better = score_sheet(acw_scheme(), sheet(acw=value(20))).item("acw")
    assert "计至 25 秒为止" in better.trace.summary_zh


def test_the_agent_sheet_of_table_9_26_totals_by_hand():
    # qa 85 → 85 × 40 % = 34; attendance 1 late → 80 × 10 % = 8; occupancy 47 % → 94 × 10 % = 9.4;
    # talk time 186 s → 70 × 15 % = 10.5; ACW 38 s → 74 × 10 % = 7.4; knowledge 75 → 0.
    # Out of 95: the weights as printed in 表9-26.
    inputs = sheet(
        qa_score=value(85),
        attendance=IndicatorInput(counts={"late": 1, "early_leave": 0, "absence": 0}),
        occupancy=value(47),
        aht=value(186),
        acw=value(38),
        knowledge=value(75),
    )
    result = score_sheet(agent_scheme(), inputs)
    points = {i.indicator_id: i.points for i in result.items}
    assert points == {
        "qa_score": D("34.00"),
        "attendance": D("8.00"),
        "occupancy": D("9.40"),
        "aht": D("10.50"),
        "acw": D("7.40"),
        "knowledge": D("0.00"),
    }
    assert result.categories[0].score == D("69.30")
    assert result.total == D("69.30")
    assert result.complete
    assert result.issues == []


def test_the_manager_sheet_of_tables_9_23_and_9_24_totals_by_hand_on_the_points_scale():
    # ability: revisits 95 % → 3, one unmet complaint requirement → 20, CSAT 87 → 10, 12 h training → 5: 38
    # attitude: levels 3, 4, 5, 2 → 15 + 20 + 25 + 10 = 70
    # total = 38 × 85 % + 70 × 25 % = 32.3 + 17.5 = 49.8 (the form's weights add up to 110 %)
    inputs = sheet(
        revisit=value(95),
        complaints=IndicatorInput(counts={"unmet": 1}),
        csat=value(87),
        training=value(12),
        initiative=value(3),
        customer_focus=value(4),
        thoroughness=value(5),
        ownership=value(2),
    )
    result = score_sheet(manager_scheme(), inputs)
    assert [c.score for c in result.categories] == [D(38), D(70)]
    assert result.item("csat").points == D(10)
    assert result.item("csat").max_points == D(20)
    assert result.total == D("49.80")


@pytest.mark.parametrize(("csat", "points"), [(95, 20), (90, 20), ("89.99", 10), (85, 10), (80, 5), (79, 0)])
def test_customer_satisfaction_tiers_of_table_9_23(csat, points):
    result = score_sheet(manager_scheme(), sheet(csat=value(csat)))
    assert result.item("csat").points == D(points)


def test_the_seed_still_prints_the_worked_examples_used_here():
    # keeps the expectations above honest against the source they come from
    text = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
    assert "182秒" in text and "178秒" in text
    assert "42秒" in text and "38秒" in text
