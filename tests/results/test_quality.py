from decimal import Decimal

from kaohe.results.policy import load_policy
from kaohe.results.quality import Rating, indicator_findings, quality_report, rater_findings

from .helpers import item, sheet

D = Decimal
POLICY = load_policy()  # min_sheets 5, spread 1 %, |r| ≥ 0.8, raters: ≥ 5 ratings, ≥ 5 % deviation


def _sheets():
    # Five employees. easy: everyone 10/10. hard: nobody reaches 20. flat: 15/20 for
    # all. a and b move together (b = a/2 + 1 → r = 1). c is unrelated to a.
    a = [4, 8, 12, 16, 20]
    c = [12, 4, 20, 4, 12]
    return [
        sheet(f"E{i}", [
            item("easy", "10", "10"),
            item("hard", str(10 + i), "20"),
            item("flat", "15", "20"),
            item("a", str(a[i]), "20"),
            item("b", str(a[i] / 2 + 1), "20"),
            item("c", str(c[i]), "20"),
        ])
        for i in range(5)
    ]


def test_it_finds_full_marks_for_all_nobody_at_full_and_no_spread():
    found = {(f.kind, f.subject) for f in indicator_findings(_sheets(), POLICY)}
    assert ("all_full", "easy") in found
    assert ("none_full", "hard") in found and ("none_full", "flat") in found
    assert ("no_spread", "flat") in found
    assert ("no_spread", "easy") not in found  # already reported as all full
    assert ("no_spread", "hard") not in found  # std of 50,55,60,65,70 % is 7.07 %


def test_it_finds_strongly_correlated_indicators_and_only_those():
    found = [f for f in indicator_findings(_sheets(), POLICY) if f.kind == "correlated"]
    assert [(f.subject, round(f.measure, 6)) for f in found] == [("a|b", 1.0), ("a|hard", 1.0), ("b|hard", 1.0)]
    assert "合并" in found[0].advice_zh


def test_it_finds_an_indicator_moving_with_customer_satisfaction():
    csat = {"E0": D(60), "E1": D(70), "E2": D(80), "E3": D(90), "E4": D(100)}  # r = 1 with a
    subjects = {f.subject for f in indicator_findings(_sheets(), POLICY, csat) if f.kind == "correlated_csat"}
    assert subjects == {"a", "b", "hard"}


def test_too_few_sheets_give_no_findings():
    assert indicator_findings(_sheets()[:4], POLICY) == []


def test_a_rater_above_peers_on_the_same_sheets_is_lenient_and_one_below_strict():
    ratings = []
    for s in range(5):
        # on each sheet: sup rates 90, rev 80, peer 70 → sup +15, rev 0, peer −15 (vs the mean of the others)
        for rater, score in (("sup", 90), ("rev", 80), ("peer", 70)):
            ratings.append(Rating(f"S{s}", "initiative", rater, D(score)))
    found = {(f.kind, f.subject, f.measure, f.count) for f in rater_findings(ratings, POLICY)}
    assert found == {("lenient", "sup", 15.0, 5), ("strict", "peer", -15.0, 5)}


def test_a_rater_with_fewer_ratings_than_the_minimum_is_not_judged():
    ratings = [Rating(f"S{s}", "x", r, D(v)) for s in range(4) for r, v in (("sup", 90), ("rev", 60))]
    assert rater_findings(ratings, POLICY) == []


def test_ratings_on_other_scales_are_compared_as_shares_of_their_maximum():
    # 20/25 = 80 % vs 60/100 = 60 %: +20 and −20 points of percent
    ratings = [
        r for s in range(5)
        for r in (Rating(f"S{s}", "x", "a", D(20), D(25)), Rating(f"S{s}", "x", "b", D(60), D(100)))
    ]
    assert {(f.subject, f.measure) for f in quality_report([], ratings, POLICY)} == {("a", 20.0), ("b", -20.0)}
