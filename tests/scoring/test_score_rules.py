"""Each rule type, hand-computed, on both scales, with its bilingual trace."""

from __future__ import annotations

import re

import pytest
from scoring_helpers import (
    ATTENDANCE,
    CSAT_TIERS,
    FIVE_LEVELS,
    GRADING,
    QA_GATE,
    D,
    category,
    counts_source,
    indicator,
    manual_source,
    one_item_scheme,
    scheme,
    sheet,
    value,
)

from kaohe.scheme.models import (
    BonusRule,
    Direction,
    FormulaRule,
    GateRule,
    LinearRule,
    ManualRule,
    RaterRole,
    RatioRule,
    Step,
    Tier,
    TiersRule,
    VetoRule,
)
from kaohe.scoring import IndicatorInput, score_sheet

CJK = re.compile(r"[\u4e00-\u9fff]")


def only(ind, inp, **extra):
    result = score_sheet(one_item_scheme(ind, **extra), sheet(**{ind.id: inp}))
    return result, result.item(ind.id)


# --- gate -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("avg", "score"), [(80, 100), (95, 100), ("79.99", 0), (0, 0)])
def test_the_qa_gate_passes_at_80_or_more(avg, score):
    _, item = only(indicator("qa", QA_GATE, 40), value(avg))
    assert item.score == D(score)
    assert item.points == D(score) * D("0.4")


def test_a_strict_gate_fails_at_the_threshold():
    rule = GateRule(type="gate", threshold=D(80), op=">", pass_score=D(100), fail_score=D(20))
    assert only(indicator("qa", rule), value(80))[1].score == D(20)
    assert only(indicator("qa", rule), value(81))[1].score == D(100)


def test_a_gate_trace_says_whether_the_standard_was_met():
    _, item = only(indicator("qa", QA_GATE, zh="监听分值", en="QA score", unit="分"), value(75))
    assert item.trace.summary_zh == "监听分值 75 分，未达到标准 ≥ 80 分，得 0 分"
    assert item.trace.summary_en == "QA score 75 points misses ≥ 80 points: score 0"


# --- tiers ------------------------------------------------------------------------------------


def test_tiers_score_points_out_of_the_weight_on_the_points_scale():
    _, item = only(indicator("csat", CSAT_TIERS, 20), value(86), scale="points")
    assert (item.score, item.points, item.max_points) == (D(10), D(10), D(20))


def test_tiers_on_the_percent_scale_are_weighted():
    rule = TiersRule(type="tiers", tiers=[Tier(min=D(90), score=D(100)), Tier(max=D(90), score=D(60))])
    _, item = only(indicator("csat", rule, 20), value(91))
    assert (item.score, item.points) == (D(100), D(20))


def test_a_value_in_no_tier_is_an_error_not_a_zero():
    # 表9-23 客服流程体系: ≥ 90 → 20, ≥ 85 → 10, < 80 → 0 leaves 80–85 uncovered
    rule = TiersRule(
        type="tiers",
        tiers=[Tier(min=D(90), score=D(20)), Tier(min=D(85), max=D(90), score=D(10)), Tier(max=D(80), score=D(0))],
    )
    result, item = only(indicator("process", rule, 20), value(82), scale="points")
    assert item.status == "missing_error"
    assert item.points is None
    assert result.total is None and not result.complete
    assert [i.code for i in result.issues] == ["uncovered_value"]


def test_an_otherwise_score_covers_values_in_no_tier():
    rule = TiersRule(type="tiers", tiers=[Tier(min=D(90), score=D(20))], otherwise=D(4))
    assert only(indicator("x", rule, 20), value(50), scale="points")[1].score == D(4)


def test_tier_bounds_respect_their_inclusive_flags():
    rule = TiersRule(
        type="tiers",
        tiers=[Tier(min=D(90), min_inclusive=False, score=D(100)), Tier(max=D(90), max_inclusive=True, score=D(50))],
    )
    assert only(indicator("x", rule), value(90))[1].score == D(50)
    assert only(indicator("x", rule), value("90.01"))[1].score == D(100)


# --- linear with the higher-is-better direction -------------------------------------------


@pytest.mark.parametrize(("rate", "score"), [(50, 100), (47, 94), (60, 100), (0, 0), ("49.5", 100)])
def test_occupancy_loses_two_points_per_percent_below_50(rate, score):
    rule = LinearRule(type="linear", target=D(50), base=D(100), worse=Step(per=D(1), points=D(2)), floor=D(0))
    assert only(indicator("occ", rule), value(rate))[1].score == D(score)


def test_a_linear_cap_stops_the_reward():
    rule = LinearRule(type="linear", target=D(90), base=D(80), better=Step(points=D(5)), cap=D(95))
    assert only(indicator("sl", rule), value(92))[1].score == D(90)
    assert only(indicator("sl", rule), value(99))[1].score == D(95)


# --- per occurrence -------------------------------------------------------------------------


def attendance_indicator():
    return indicator(
        "att", ATTENDANCE, 10, direction=Direction.LOWER, source=counts_source("late", "early_leave", "absence")
    )


def test_each_late_arrival_and_absence_is_deducted():
    _, item = only(attendance_indicator(), IndicatorInput(counts={"late": 1, "early_leave": 0, "absence": 1}))
    assert item.score == D(30)  # 100 − 20 − 50
    assert [s.delta for s in item.trace.steps[:3]] == [D(-20), D(0), D(-50)]
    assert "迟到 1 次 × 20 分，扣 20 分" in item.trace.steps[0].zh
    assert item.trace.summary_zh == "att：迟到 1 次扣 20 分，旷工 1 次扣 50 分，基准 100 分共扣 70 分，得 30 分"
    assert item.trace.summary_en == "att: late 1 × 20, absence 1 × 50; base 100, −70: score 30"


def test_negative_counts_are_refused():
    result, item = only(attendance_indicator(), IndicatorInput(counts={"late": -1, "early_leave": 0, "absence": 0}))
    assert item.status == "missing_error"
    assert [i.code for i in result.issues] == ["out_of_bounds"]


def test_deductions_stop_at_the_floor():
    _, item = only(attendance_indicator(), IndicatorInput(counts={"late": 0, "early_leave": 0, "absence": 3}))
    assert item.score == D(0)
    assert "扣完为止" in item.trace.summary_zh


def test_a_missing_count_is_not_taken_as_zero():
    result, item = only(attendance_indicator(), IndicatorInput(counts={"late": 1}))
    assert item.status == "missing_error"
    assert result.issues[0].code == "missing_value"
    assert "early_leave" in result.issues[0].message_en


def test_a_single_count_may_arrive_as_the_value():
    complaints = indicator(
        "complaints",
        ATTENDANCE.model_copy(update={"deductions": ATTENDANCE.deductions[:1]}),
        source=counts_source("late"),
    )
    assert only(complaints, value(2))[1].score == D(60)


# --- veto -----------------------------------------------------------------------------------


def veto_scheme(effect, cap_grade=None):
    rule = VetoRule(type="veto", effect=effect, cap_grade=cap_grade)
    return scheme(
        [
            category(
                "perf",
                100,
                [indicator("qa", QA_GATE, 100), indicator("incident", rule, 0, source=counts_source("incident"))],
            )
        ],
        grading=GRADING,
    )


def test_a_veto_that_did_not_fire_leaves_the_sheet_alone():
    result = score_sheet(veto_scheme("sheet_zero"), sheet(qa=value(90), incident=IndicatorInput(counts={"incident": 0})))
    assert result.total == D(100) and result.vetoes == [] and result.grade == "S"


def test_a_sheet_zero_veto_makes_the_total_zero():
    result = score_sheet(veto_scheme("sheet_zero"), sheet(qa=value(90), incident=IndicatorInput(counts={"incident": 1})))
    assert result.total == D(0)
    assert result.vetoes == ["incident"]
    assert result.grade == "D"
    assert [i.code for i in result.issues] == ["veto"]
    assert any("一票否决" in line for line in result.trace_zh)


def test_an_item_zero_veto_zeroes_the_item():
    rule = VetoRule(type="veto", effect="item_zero", clear_score=D(100))
    ind = indicator("safety", rule, 20, source=counts_source("breach"))
    s = scheme([category("perf", 100, [indicator("qa", QA_GATE, 80), ind])])
    clear = score_sheet(s, sheet(qa=value(90), safety=IndicatorInput(counts={"breach": 0})))
    fired = score_sheet(s, sheet(qa=value(90), safety=IndicatorInput(counts={"breach": 2})))
    assert (clear.item("safety").points, clear.total) == (D(20), D(100))
    assert (fired.item("safety").points, fired.total) == (D(0), D(80))
    assert fired.vetoes == ["safety"]


def test_a_cap_grade_veto_caps_the_grade_but_not_the_total():
    result = score_sheet(veto_scheme("cap_grade", "C"), sheet(qa=value(90), incident=IndicatorInput(counts={"incident": 1})))
    assert result.total == D(100)
    assert result.grade == "C"
    assert result.grade_cap == "C"


# --- levels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "points"), [(1, 5), (2, 10), (3, 15), (4, 20), (5, 25)])
def test_levels_of_table_9_24_map_to_points(level, points):
    _, item = only(indicator("initiative", FIVE_LEVELS, 25), value(level), scale="points")
    assert item.points == D(points)
    assert f"{level} 级" in item.trace.summary_zh


def test_a_single_raters_level_is_explained_as_that_level():
    ind = indicator("initiative", FIVE_LEVELS, 25, source=manual_source(supervisor=100), zh="主动性")
    _, item = only(ind, IndicatorInput(ratings={RaterRole.SUPERVISOR: D(4)}), scale="points")
    assert item.trace.summary_zh == "主动性 评为 4 级（4级行为），得 20 分"
    assert item.points == D(20)


def test_a_level_not_in_the_table_is_an_error():
    result, item = only(indicator("initiative", FIVE_LEVELS, 25), value(6), scale="points")
    assert item.status == "missing_error"
    assert [i.code for i in result.issues] == ["unknown_level"]
    assert result.total is None


def test_several_raters_levels_are_converted_before_weighting():
    ind = indicator("initiative", FIVE_LEVELS, 25, source=manual_source(self=20, supervisor=80))
    inp = IndicatorInput(ratings={RaterRole.SELF: D(5), RaterRole.SUPERVISOR: D(3)})
    _, item = only(ind, inp, scale="points")
    assert item.score == D(17)  # 25 × 20 % + 15 × 80 %


# --- ratio ------------------------------------------------------------------------------------


def test_a_ratio_scores_in_proportion_to_the_target():
    rule = RatioRule(type="ratio", target=D(200), full=D(100))
    assert only(indicator("calls", rule, 50), value(150))[1].points == D("37.50")


def test_a_ratio_cap_lets_overachievement_count_up_to_the_cap():
    rule = RatioRule(type="ratio", target=D(100), full=D(100), cap=D(120))
    assert only(indicator("calls", rule), value(110))[1].score == D(110)
    assert only(indicator("calls", rule), value(150))[1].score == D(120)


def test_a_ratio_without_a_cap_stays_within_the_maximum():
    rule = RatioRule(type="ratio", target=D(100), full=D(100))
    _, item = only(indicator("calls", rule), value(150))
    assert item.score == D(100)
    assert any("限定" in s.zh for s in item.trace.steps)


def test_a_lower_is_better_ratio_inverts():
    rule = RatioRule(type="ratio", target=D(4), full=D(100), cap=D(120))
    ind = lambda: indicator("complaint_rate", rule, direction=Direction.LOWER)  # noqa: E731
    assert only(ind(), value(5))[1].score == D(80)
    assert only(ind(), value(2))[1].score == D(120)
    assert only(ind(), value(0))[1].score == D(120)


# --- bonus ----------------------------------------------------------------------------------


def bonus_scheme():
    bonus = BonusRule(type="bonus", per=D(1), points=D(2), max_points=D(5))
    return scheme([category("perf", 100, [indicator("qa", QA_GATE, 100), indicator("praise", bonus, 0)])])


def test_bonus_points_lift_the_total_above_100():
    result = score_sheet(bonus_scheme(), sheet(qa=value(90), praise=value(2)))
    assert result.bonus == D(4)
    assert result.total == D(104)
    assert result.item("praise").is_bonus
    assert result.categories[0].score == D(100)


def test_bonus_points_are_capped():
    result = score_sheet(bonus_scheme(), sheet(qa=value(90), praise=value(7)))
    assert result.bonus == D(5) and result.total == D(105)


# --- manual ---------------------------------------------------------------------------------


def test_a_manual_score_within_bounds_is_taken_as_given():
    rule = ManualRule(type="manual", max=D(100))
    assert only(indicator("att", rule, 30), value("87.5"))[1].points == D("26.25")


def test_a_manual_score_out_of_bounds_is_an_error():
    rule = ManualRule(type="manual", max=D(100))
    result, item = only(indicator("att", rule, 30), value(120))
    assert item.status == "missing_error"
    assert [i.code for i in result.issues] == ["out_of_bounds"]


# --- formula (the scheme's expression language) ---------------------------------------------


def test_a_formula_rule_is_evaluated_by_the_formula_language():
    rule = FormulaRule(type="formula", expr="min(100, value / target * 100)", max=D(100))
    ind = indicator("fcr", rule, 50, target=D(80))
    assert only(ind, value(60))[1].score == D(75)
    assert only(ind, value(90))[1].score == D(100)


def test_a_formula_sees_the_counts():
    rule = FormulaRule(type="formula", expr="100 - 5 * late - 10 * absence")
    ind = indicator("att", rule, 100, source=counts_source("late", "absence"))
    assert only(ind, IndicatorInput(counts={"late": 2, "absence": 1}))[1].score == D(80)


def test_a_formula_that_cannot_be_evaluated_is_reported():
    rule = FormulaRule(type="formula", expr="value / sample")
    result, item = only(indicator("x", rule), value(5))  # no sample size given
    assert item.status == "missing_error"
    assert [i.code for i in result.issues] == ["formula_error"]


# --- traces for every rule type ---------------------------------------------------------------

EVERY_RULE = [
    (indicator("a", QA_GATE), value(85)),
    (indicator("b", CSAT_TIERS, 20), value(87)),
    (indicator("c", RatioRule(type="ratio", target=D(10), full=D(100))), value(8)),
    (indicator("d", FIVE_LEVELS, 25), value(3)),
    (indicator("e", ManualRule(type="manual", max=D(100))), value(70)),
    (indicator("f", BonusRule(type="bonus", points=D(1), max_points=D(3)), 0), value(2)),
    (indicator("g", VetoRule(type="veto"), 0, source=counts_source("x")), IndicatorInput(counts={"x": 1})),
    (indicator("h", FormulaRule(type="formula", expr="value * 2")), value(30)),
    (attendance_indicator(), IndicatorInput(counts={"late": 1, "early_leave": 1, "absence": 0})),
    (
        indicator("i", LinearRule(type="linear", target=D(5), base=D(60), better=Step(points=D(4))), unit="s"),
        value(9),
    ),
]


@pytest.mark.parametrize(("ind", "inp"), EVERY_RULE, ids=lambda x: getattr(x, "id", ""))
def test_every_rule_type_explains_itself_in_both_languages(ind, inp):
    _, item = only(ind, inp)
    assert item.status == "scored"
    assert item.trace.rule_type == ind.rule.type
    assert CJK.search(item.trace.summary_zh)
    assert item.trace.summary_en and not CJK.search(item.trace.summary_en)
    for step in item.trace.steps:
        assert step.zh and step.en and not CJK.search(step.en)


def test_a_tier_table_can_read_counts():
    # 表9-23 流失数: no customer lost → 5, any lost → 0
    rule = TiersRule(type="tiers", tiers=[Tier(max=D(1), score=D(5)), Tier(min=D(1), score=D(0))])
    ind = indicator("churn", rule, 5, direction=Direction.LOWER, source=counts_source("lost"))
    assert only(ind, IndicatorInput(counts={"lost": 0}), scale="points")[1].score == D(5)
    assert only(ind, IndicatorInput(counts={"lost": 2}), scale="points")[1].score == D(0)


def test_the_max_points_of_an_item_follow_its_weight_and_scale():
    _, item = only(indicator("csat", CSAT_TIERS, 20), value(95), scale="points")
    assert item.max_points == D(20)
    _, item = only(indicator("qa", QA_GATE, 40), value(95))
    assert item.max_points == D(40)
    _, item = only(indicator("calls", RatioRule(type="ratio", target=D(10), full=D(100), cap=D(120)), 50), value(12))
    assert (item.points, item.max_points) == (D(60), D(60))


def test_the_strictest_of_several_grade_caps_wins_and_sheet_zero_ignores_bonus():
    caps = [
        indicator("v1", VetoRule(type="veto", effect="cap_grade", cap_grade="B"), 0, source=counts_source("n")),
        indicator("v2", VetoRule(type="veto", effect="cap_grade", cap_grade="C"), 0, source=counts_source("n")),
        indicator("bonus", BonusRule(type="bonus", points=D(5), max_points=D(5)), 0),
    ]
    s = scheme([category("perf", 100, [indicator("qa", QA_GATE, 100), *caps])], grading=GRADING)
    fired = {"v1": IndicatorInput(counts={"n": 1}), "v2": IndicatorInput(counts={"n": 1}), "bonus": value(1)}
    result = score_sheet(s, sheet(qa=value(90), **fired))
    assert (result.total, result.grade, result.grade_cap, result.vetoes) == (D(105), "C", "C", ["v1", "v2"])

    zero = indicator("fraud", VetoRule(type="veto", effect="sheet_zero"), 0, source=counts_source("n"))
    s = scheme([category("perf", 100, [indicator("qa", QA_GATE, 100), zero, caps[2]])], grading=GRADING)
    result = score_sheet(s, sheet(qa=value(90), fraud=IndicatorInput(counts={"n": 1}), bonus=value(1)))
    assert (result.total, result.grade) == (D(0), "D")


def test_several_raters_mean_level_is_scored_in_proportion_between_anchors():
    # three customers rate 3, 4 and 4: the mean level 11/3 lies between 3 (15) and 4 (20) → 15 + 5 × 2/3
    result, item = only(indicator("initiative", FIVE_LEVELS, 25), value(D(11) / D(3)), scale="points")
    assert item.status == "scored"
    assert item.score.quantize(D("0.01")) == D("18.33")
    assert "3 级" in item.trace.summary_zh and "4 级" in item.trace.summary_zh


def test_a_whole_level_missing_from_the_table_stays_an_error():
    from kaohe.scheme.kinds.levels import LevelAnchor, LevelRule
    from kaohe.scheme.models import Text

    sparse = LevelRule(type="levels", levels=[LevelAnchor(level=1, score=D(0), anchor=Text(zh="差")),
                                              LevelAnchor(level=3, score=D(100), anchor=Text(zh="好"))])
    result, item = only(indicator("x", sparse, 100), value(2))
    assert [i.code for i in result.issues] == ["unknown_level"]
