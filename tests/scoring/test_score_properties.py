"""Properties that hold for any scheme and input: bounds, monotony, order does not matter."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_helpers import FORCED, GRADING, D, category, counts_source, indicator, scheme, sheet, value

from kaohe.scheme.models import (
    BandRule,
    BonusRule,
    Direction,
    GateRule,
    LinearRule,
    ManualRule,
    PerOccurrenceRule,
    RatioRule,
    Step,
    StepPolicy,
    Tier,
    TiersRule,
)
from kaohe.scoring import IndicatorInput, score_sheet, score_sheets

# a decorator per test rather than a profile: a loaded profile would change other suites too
PROPERTY = settings(max_examples=60, deadline=None)

decimals = st.decimals(min_value=-500, max_value=500, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.5"), max_value=50, places=1, allow_nan=False, allow_infinity=False)
points = st.decimals(min_value=0, max_value=40, places=1, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=1, max_value=100, places=0, allow_nan=False, allow_infinity=False)
policies = st.sampled_from(list(StepPolicy))
scales = st.sampled_from(["points", "percent"])


@st.composite
def steps(draw):
    limit = draw(st.none() | decimals)
    return Step(per=draw(positive), points=draw(points), limit=limit)


@st.composite
def linear_rules(draw):
    return LinearRule(
        type="linear",
        target=draw(decimals),
        base=draw(st.decimals(min_value=0, max_value=100, places=0)),
        better=draw(st.none() | steps()),
        worse=draw(st.none() | steps()),
        floor=draw(st.none() | st.just(D(0))),
        cap=draw(st.none() | st.decimals(min_value=0, max_value=150, places=0)),
    )


@st.composite
def band_rules(draw):
    low = draw(decimals)
    return BandRule(
        type="band",
        low=low,
        high=low + draw(st.decimals(min_value=0, max_value=300, places=1)),
        inside=draw(st.decimals(min_value=0, max_value=100, places=0)),
        below=draw(st.none() | steps()),
        above=draw(st.none() | steps()),
        floor=draw(st.none() | st.just(D(0))),
    )


@st.composite
def tiers_rules(draw):
    """Increasing thresholds with non-decreasing scores: a higher-is-better tier table."""
    cuts = sorted(set(draw(st.lists(decimals, min_size=1, max_size=5))))
    scores = sorted(draw(st.lists(st.decimals(min_value=0, max_value=100, places=0), min_size=len(cuts) + 1, max_size=len(cuts) + 1)))
    tiers = [Tier(max=cuts[0], score=scores[0])]
    tiers += [Tier(min=lo, max=hi, score=s) for lo, hi, s in zip(cuts, cuts[1:], scores[1:-1], strict=False)]
    tiers.append(Tier(min=cuts[-1], score=scores[-1]))
    return TiersRule(type="tiers", tiers=tiers)


@st.composite
def gate_rules(draw):
    fail = draw(st.decimals(min_value=0, max_value=50, places=0))
    return GateRule(type="gate", threshold=draw(decimals), op=draw(st.sampled_from([">=", ">"])), pass_score=fail + draw(points), fail_score=fail)


@st.composite
def ratio_rules(draw):
    return RatioRule(
        type="ratio",
        target=draw(positive),
        full=draw(st.decimals(min_value=1, max_value=100, places=0)),
        cap=draw(st.none() | st.decimals(min_value=100, max_value=150, places=0)),
    )


value_rules = st.one_of(linear_rules(), band_rules(), tiers_rules(), gate_rules(), ratio_rules())


def score_of(rule, x, *, direction=Direction.HIGHER, weight=D(100), scale="percent", policy=StepPolicy.WHOLE, inp=None):
    ind = indicator("x", rule, weight, direction=direction, source=counts_source("late") if inp is not None else None)
    s = scheme([category("c", 100, [ind])], scale=scale, step_policy=policy)
    return score_sheet(s, sheet(x=inp if inp is not None else value(x))).item("x")


def rule_cap(rule):
    cap = getattr(rule, "cap", None)
    return cap if cap is not None else D(0)


@PROPERTY
@given(value_rules, decimals, weights, scales, policies, st.sampled_from([Direction.HIGHER, Direction.LOWER]))
def test_every_score_stays_within_its_bounds(rule, x, weight, scale, policy, direction):
    item = score_of(rule, x, weight=weight, scale=scale, policy=policy, direction=direction)
    maximum = max(weight if scale == "points" else D(100), rule_cap(rule))
    assert item.status == "scored"
    assert D(0) <= item.score <= maximum
    assert D(0) <= item.points <= (maximum if scale == "points" else maximum * weight / 100)


@PROPERTY
@given(
    st.integers(0, 10), st.integers(0, 10), st.decimals(min_value=Decimal("0.5"), max_value=5, places=1), st.decimals(min_value=1, max_value=30, places=0)
)
def test_a_bonus_stays_between_zero_and_its_maximum(n, _unused, per, max_points):
    rule = BonusRule(type="bonus", per=per, points=D(3), max_points=max_points)
    ind = indicator("b", rule, 0)
    s = scheme([category("c", 100, [indicator("m", ManualRule(type="manual", max=D(100)), 100), ind])])
    result = score_sheet(s, sheet(m=value(50), b=value(n)))
    assert D(0) <= result.bonus <= max_points
    assert result.total == D(50) + result.bonus


@PROPERTY
@given(linear_rules(), decimals, decimals, policies)
def test_a_higher_is_better_linear_rule_never_falls_as_the_value_rises(rule, a, b, policy):
    lo, hi = sorted([a, b])
    assert score_of(rule, lo, policy=policy).score <= score_of(rule, hi, policy=policy).score


@PROPERTY
@given(linear_rules(), decimals, decimals, policies)
def test_a_lower_is_better_linear_rule_never_rises_as_the_value_rises(rule, a, b, policy):
    lo, hi = sorted([a, b])
    low = score_of(rule, lo, direction=Direction.LOWER, policy=policy).score
    high = score_of(rule, hi, direction=Direction.LOWER, policy=policy).score
    assert low >= high


@PROPERTY
@given(st.one_of(tiers_rules(), gate_rules(), ratio_rules()), decimals, decimals)
def test_higher_is_better_tiers_gates_and_ratios_are_monotone(rule, a, b):
    lo, hi = sorted([a, b])
    assert score_of(rule, lo).score <= score_of(rule, hi).score


@PROPERTY
@given(ratio_rules(), st.decimals(min_value=0, max_value=500, places=2), st.decimals(min_value=0, max_value=500, places=2))
def test_a_lower_is_better_ratio_never_rises_as_the_value_rises(rule, a, b):
    lo, hi = sorted([a, b])
    assert score_of(rule, lo, direction=Direction.LOWER).score >= score_of(rule, hi, direction=Direction.LOWER).score


@PROPERTY
@given(band_rules(), decimals, policies)
def test_a_band_scores_best_inside(rule, x, policy):
    inside = score_of(rule, (rule.low + rule.high) / 2, policy=policy).score
    assert score_of(rule, x, policy=policy).score <= inside


@PROPERTY
@given(st.integers(0, 20), st.integers(0, 20), points, st.sampled_from([None, D(0)]))
def test_more_occurrences_never_raise_a_per_occurrence_score(a, b, per, floor):
    rule = PerOccurrenceRule.model_validate({"type": "per_occurrence", "base": 100, "deductions": [{"count": "late", "points": per}], "floor": floor})
    lo, hi = sorted([a, b])
    score_lo = score_of(rule, None, direction=Direction.LOWER, inp=IndicatorInput(counts={"late": lo})).score
    score_hi = score_of(rule, None, direction=Direction.LOWER, inp=IndicatorInput(counts={"late": hi})).score
    assert score_lo >= score_hi >= D(0)


@PROPERTY
@given(st.integers(0, 20), st.integers(0, 20), positive, st.decimals(min_value=1, max_value=30, places=0), policies)
def test_more_bonus_occurrences_never_lower_the_bonus(a, b, per, max_points, policy):
    rule = BonusRule(type="bonus", per=per, points=D(2), max_points=max_points)
    lo, hi = sorted([a, b])
    assert score_of(rule, lo, policy=policy).score <= score_of(rule, hi, policy=policy).score


# --- order does not matter -------------------------------------------------------------------

MANUAL = ManualRule(type="manual", max=D(100))
marks = st.decimals(min_value=0, max_value=100, places=1)


def wide_scheme(order_a, order_b, forced=False):
    a = [indicator(f"a{i}", MANUAL, w) for i, w in enumerate([10, 20, 30, 40])]
    b = [indicator(f"b{i}", MANUAL, w) for i, w in enumerate([25, 25, 50])]
    grading = GRADING.model_copy(update={"forced_distribution": FORCED if forced else None})
    return scheme(
        [category("perf", 70, [a[i] for i in order_a]), category("att", 30, [b[i] for i in order_b])],
        grading=grading,
    )


@PROPERTY
@given(
    st.lists(marks, min_size=7, max_size=7),
    st.permutations(range(4)),
    st.permutations(range(3)),
)
def test_reordering_indicators_within_categories_changes_nothing(marks_, order_a, order_b):
    ids = ["a0", "a1", "a2", "a3", "b0", "b1", "b2"]
    inputs = sheet(**{i: value(m) for i, m in zip(ids, marks_, strict=True)})
    plain = score_sheet(wide_scheme(range(4), range(3)), inputs)
    moved = score_sheet(wide_scheme(order_a, order_b), inputs)
    assert moved.total == plain.total
    assert [c.score for c in moved.categories] == [c.score for c in plain.categories]
    assert {i.indicator_id: i.points for i in moved.items} == {i.indicator_id: i.points for i in plain.items}


@PROPERTY
@given(
    st.lists(st.tuples(marks, marks), min_size=1, max_size=12),
    st.randoms(use_true_random=False),
)
def test_reordering_employees_changes_nothing(people, rng):
    population = [
        sheet(f"e{n:02d}", **{i: value(m) for i, m in zip(["a0", "a1", "a2", "a3", "b0", "b1", "b2"], [p, p, q, q, p, q, p], strict=True)})
        for n, (p, q) in enumerate(people)
    ]
    s = wide_scheme(range(4), range(3), forced=True)
    before = {r.employee_id: (r.total, r.grade) for r in score_sheets(s, population)}
    shuffled = population[:]
    rng.shuffle(shuffled)
    after = {r.employee_id: (r.total, r.grade) for r in score_sheets(s, shuffled)}
    assert after == before
