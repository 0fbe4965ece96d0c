"""Missing values, minimum samples, proration, raters and rounding: the scheme decides, the sheet says."""

from __future__ import annotations

import pytest
from scoring_helpers import (
    ATTENDANCE,
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
    AbsentRaterPolicy,
    Direction,
    LowSamplePolicy,
    ManualRule,
    MinSample,
    MissingPolicy,
    RaterRole,
    RaterWeight,
    Rounding,
    RoundingMode,
)
from kaohe.scoring import IndicatorInput, score_sheet

MANUAL = ManualRule(type="manual", max=D(100))


def two_items(missing=MissingPolicy.ERROR, **extra):
    """qa (gate, 40 %) and csat (manual, 60 %) in one category."""
    return scheme(
        [category("perf", 100, [indicator("qa", QA_GATE, 40), indicator("csat", MANUAL, 60)])],
        missing=missing,
        **extra,
    )


# --- missing values -------------------------------------------------------------------------


def test_a_missing_value_under_error_leaves_the_sheet_without_a_total():
    result = score_sheet(two_items(MissingPolicy.ERROR), sheet(csat=value(80)))
    item = result.item("qa")
    assert item.status == "missing_error" and item.points is None
    assert result.total is None and not result.complete and result.grade is None
    assert result.categories[0].score is None
    assert [(i.code, i.level) for i in result.issues] == [("missing_value", "error")]


def test_a_missing_value_under_zero_scores_zero_and_says_so():
    result = score_sheet(two_items(MissingPolicy.ZERO), sheet(csat=value(80)))
    assert result.item("qa").status == "missing_zero"
    assert result.item("qa").points == D(0)
    assert result.total == D(48)
    assert [i.code for i in result.issues] == ["missing_value"]
    assert "计 0 分" in result.issues[0].message_zh


def test_a_missing_value_under_exclude_renormalises_its_category():
    result = score_sheet(two_items(MissingPolicy.EXCLUDE), sheet(csat=value(80)))
    assert result.item("qa").status == "excluded"
    assert result.item("csat").effective_weight == D(100)
    assert result.item("csat").points == D(80)
    assert result.total == D(80)
    assert [i.code for i in result.issues] == ["missing_value"]


def test_the_indicator_policy_overrides_the_scheme_default():
    s = scheme(
        [
            category(
                "perf",
                100,
                [indicator("qa", QA_GATE, 40, missing=MissingPolicy.ZERO), indicator("csat", MANUAL, 60)],
            )
        ],
        missing=MissingPolicy.ERROR,
    )
    assert score_sheet(s, sheet(csat=value(50))).total == D(30)
    assert score_sheet(s, sheet(qa=value(90))).total is None


def test_a_category_that_drops_out_hands_its_weight_to_the_others():
    s = scheme(
        [
            category("perf", 70, [indicator("qa", QA_GATE, 100)]),
            category("attitude", 30, [indicator("csat", MANUAL, 100)]),
        ],
        missing=MissingPolicy.EXCLUDE,
    )
    result = score_sheet(s, sheet(csat=value(80)))
    assert result.categories[0].excluded and result.categories[0].score is None
    assert result.categories[1].effective_weight == D(100)
    assert result.total == D(80)


def test_nothing_to_score_gives_no_total():
    result = score_sheet(two_items(MissingPolicy.EXCLUDE), sheet())
    assert result.total is None
    assert "nothing_scored" in [i.code for i in result.issues]


def test_renormalisation_on_the_points_scale_scales_points_up():
    s = scheme(
        [category("perf", 100, [indicator("a", MANUAL.model_copy(update={"max": D(40)}), 40), indicator("b", MANUAL.model_copy(update={"max": D(60)}), 60)])],
        scale="points",
        missing=MissingPolicy.EXCLUDE,
    )
    result = score_sheet(s, sheet(b=value(30)))
    assert result.item("b").points == D("50.00")  # 30 of 60 is half of the whole category
    assert result.total == D(50)


# --- minimum sample ---------------------------------------------------------------------------


def csat_with_min(action):
    return two_items(MissingPolicy.ERROR).model_copy(
        update={
            "categories": [
                category(
                    "perf",
                    100,
                    [indicator("qa", QA_GATE, 40), indicator("csat", MANUAL, 60, min_sample=MinSample(size=10, action=action))],
                )
            ]
        }
    )


def test_a_small_sample_is_flagged_but_scored_under_flag():
    result = score_sheet(csat_with_min(LowSamplePolicy.FLAG), sheet(qa=value(90), csat=value(80, sample_size=6)))
    assert result.item("csat").status == "low_sample"
    assert result.item("csat").points == D(48)
    assert result.total == D(88)
    assert [i.code for i in result.issues] == ["low_sample"]


def test_a_small_sample_is_left_out_under_exclude():
    result = score_sheet(csat_with_min(LowSamplePolicy.EXCLUDE), sheet(qa=value(90), csat=value(80, sample_size=6)))
    assert result.item("csat").status == "excluded"
    assert result.total == D(100)
    assert [i.code for i in result.issues] == ["low_sample"]


def test_a_small_sample_stops_the_sheet_under_error():
    result = score_sheet(csat_with_min(LowSamplePolicy.ERROR), sheet(qa=value(90), csat=value(80, sample_size=9)))
    assert result.item("csat").status == "missing_error"
    assert result.total is None


def test_a_large_enough_sample_raises_nothing():
    result = score_sheet(csat_with_min(LowSamplePolicy.ERROR), sheet(qa=value(90), csat=value(80, sample_size=10)))
    assert result.total == D(88) and result.issues == []


def test_an_unknown_sample_size_counts_as_too_small():
    result = score_sheet(csat_with_min(LowSamplePolicy.FLAG), sheet(qa=value(90), csat=value(80)))
    assert result.item("csat").status == "low_sample"
    assert "no sample size" in result.issues[0].message_en


# --- proration --------------------------------------------------------------------------------


def attendance_scheme(prorate):
    ind = indicator(
        "att",
        ATTENDANCE,
        100,
        direction=Direction.LOWER,
        source=counts_source("late", "early_leave", "absence"),
        prorate=prorate,
    )
    return one_item_scheme(ind)


def test_counts_of_a_partial_period_are_scaled_to_a_full_period():
    inp = IndicatorInput(counts={"late": 1, "early_leave": 0, "absence": 0}, period_fraction=D("0.5"))
    result = score_sheet(attendance_scheme(True), sheet(att=inp))
    assert result.item("att").score == D(60)  # one late arrival in half a month counts as two
    assert {i.code for i in result.issues} == {"partial_period"}
    assert any("÷ 0.5" in s.zh for s in result.item("att").trace.steps)


def test_a_partial_period_is_recorded_even_without_proration():
    inp = IndicatorInput(counts={"late": 1, "early_leave": 0, "absence": 0}, period_fraction=D("0.5"))
    result = score_sheet(attendance_scheme(False), sheet(att=inp))
    assert result.item("att").score == D(80)
    assert [(i.code, i.indicator_id, i.level) for i in result.issues] == [("partial_period", None, "info")]


def test_a_kpi_value_marked_for_proration_is_scaled():
    from kaohe.scheme.models import RatioRule

    ind = indicator("calls", RatioRule(type="ratio", target=D(1000), full=D(100)), 100, prorate=True)
    result = score_sheet(one_item_scheme(ind), sheet(calls=value(400, period_fraction=D("0.5"))))
    assert result.item("calls").score == D(80)
    assert result.item("calls").value == D(400)


@pytest.mark.parametrize("fraction", ["0", "-0.5", "1.5"])
def test_an_impossible_period_fraction_is_an_error(fraction):
    result = score_sheet(attendance_scheme(True), sheet(att=IndicatorInput(counts={}, period_fraction=D(fraction))))
    assert result.total is None
    assert "bad_period_fraction" in [i.code for i in result.issues]


# --- raters -----------------------------------------------------------------------------------


def rated_scheme(policy=AbsentRaterPolicy.RENORMALISE, source=None, raters=()):
    ind = indicator("attitude", MANUAL, 100, source=source or manual_source(supervisor=60, reviewer=40))
    return one_item_scheme(ind, absent_rater=policy, raters=list(raters))


def test_ratings_are_weighted_by_rater_role():
    inp = IndicatorInput(ratings={RaterRole.SUPERVISOR: D(80), RaterRole.REVIEWER: D(90)})
    assert score_sheet(rated_scheme(), sheet(attitude=inp)).total == D(84)


def test_an_absent_rater_is_renormalised_away_with_an_issue():
    inp = IndicatorInput(ratings={RaterRole.SUPERVISOR: D(80), RaterRole.REVIEWER: None})
    result = score_sheet(rated_scheme(), sheet(attitude=inp))
    assert result.total == D(80)
    assert [i.code for i in result.issues] == ["absent_rater"]
    assert result.item("attitude").status == "scored"


def test_an_absent_rater_stops_the_item_under_error():
    inp = IndicatorInput(ratings={RaterRole.SUPERVISOR: D(80)})
    result = score_sheet(rated_scheme(AbsentRaterPolicy.ERROR), sheet(attitude=inp))
    assert result.item("attitude").status == "missing_error"
    assert result.total is None
    assert [(i.code, i.level) for i in result.issues] == [("absent_rater", "error")]


def test_no_rater_at_all_is_a_missing_value():
    inp = IndicatorInput(ratings={RaterRole.SUPERVISOR: None, RaterRole.REVIEWER: None})
    result = score_sheet(rated_scheme(), sheet(attitude=inp))
    assert result.total is None
    assert [i.code for i in result.issues] == ["missing_value"]
    assert "no rater has rated" in result.issues[0].message_en


def test_the_scheme_raters_apply_when_the_indicator_names_none():
    scheme_raters = [RaterWeight(role=RaterRole.SELF, weight=D(30)), RaterWeight(role=RaterRole.SUPERVISOR, weight=D(70))]
    s = rated_scheme(source=manual_source(), raters=scheme_raters)
    inp = IndicatorInput(ratings={RaterRole.SELF: D(100), RaterRole.SUPERVISOR: D(60)})
    assert score_sheet(s, sheet(attitude=inp)).total == D(72)


def test_a_rating_from_an_unweighted_role_is_left_out_with_an_issue():
    inp = IndicatorInput(ratings={RaterRole.SUPERVISOR: D(80), RaterRole.REVIEWER: D(90), RaterRole.PEER: D(10)})
    result = score_sheet(rated_scheme(), sheet(attitude=inp))
    assert result.total == D(84)
    assert [i.code for i in result.issues] == ["unexpected_rater"]


def test_without_any_rater_weights_ratings_count_equally():
    s = rated_scheme(source=manual_source())
    inp = IndicatorInput(ratings={RaterRole.SELF: D(70), RaterRole.SUPERVISOR: D(90)})
    assert score_sheet(s, sheet(attitude=inp)).total == D(80)


# --- rounding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "points"),
    [(RoundingMode.HALF_UP, "7.25"), (RoundingMode.HALF_EVEN, "7.24"), (RoundingMode.DOWN, "7.24"), (RoundingMode.UP, "7.25")],
)
def test_item_points_round_as_the_scheme_says(mode, points):
    s = scheme([category("perf", 100, [indicator("m", MANUAL, 10)])], rounding=Rounding(places=2, mode=mode))
    result = score_sheet(s, sheet(m=value("72.45")))  # 72.45 × 10 % = 7.245
    assert result.item("m").points == D(points)
    assert str(result.item("m").points) == points


def test_the_total_is_rounded_to_the_scheme_places():
    s = scheme(
        [category("a", 50, [indicator("m", MANUAL, 100)]), category("b", 50, [indicator("n", MANUAL, 100)])],
        rounding=Rounding(places=0),
    )
    result = score_sheet(s, sheet(m=value(81), n=value(80)))  # 40.5 + 40 = 80.5 → 81 half-up
    assert result.total == D(81) and str(result.total) == "81"


def test_scores_are_never_floats():
    result = score_sheet(two_items(), sheet(qa=value(90), csat=value("77.7")))
    for item in result.items:
        assert all(type(x) is type(D(0)) for x in (item.score, item.points, item.contribution))
    assert type(result.total) is type(D(0))


# --- input hygiene --------------------------------------------------------------------------


def test_an_unknown_indicator_in_the_inputs_is_reported():
    result = score_sheet(two_items(), sheet(qa=value(90), csat=value(80), ghost=value(1)))
    assert result.total == D(88)
    assert [(i.code, i.indicator_id) for i in result.issues] == [("unknown_indicator", "ghost")]


def test_inputs_refuse_floats_and_accept_whole_numbers():
    with pytest.raises(TypeError, match="never floats"):
        IndicatorInput(value=0.1)
    with pytest.raises(TypeError, match="never floats"):
        IndicatorInput(ratings={RaterRole.SELF: 80.5})
    assert IndicatorInput(value=80).value == D(80)
    assert IndicatorInput(ratings={RaterRole.SELF: 3, RaterRole.PEER: None}).ratings == {RaterRole.SELF: D(3), RaterRole.PEER: None}


def test_proration_scales_a_formula_value_and_its_counts_alike():
    from kaohe.scheme.models import FormulaRule

    rule = FormulaRule(type="formula", expr="value - 10 * late")
    ind = indicator("x", rule, 100, source=counts_source("late"), prorate=True)
    inp = IndicatorInput(value=D(40), counts={"late": 1}, period_fraction=D("0.5"))
    result = score_sheet(one_item_scheme(ind), sheet(x=inp))
    assert result.item("x").score == D(60)  # value 80, late 2 over a full period
