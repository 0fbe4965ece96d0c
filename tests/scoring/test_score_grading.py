"""Grade bands, grade effects, forced distribution and its tie-breaking, what-if."""

from __future__ import annotations

import itertools
import random

import pytest
from scoring_helpers import (
    FORCED,
    GRADING,
    QA_GATE,
    D,
    agent_scheme,
    category,
    indicator,
    scheme,
    sheet,
    value,
)

from kaohe.scheme.models import Grading, ManualRule
from kaohe.scoring import (
    assign_forced_distribution,
    effects_for,
    forced_sizes,
    grade_for,
    rank_key,
    render_sheet,
    score_sheet,
    score_sheets,
    what_if,
)

ORDER = ["S", "A", "B", "C", "D"]
MANUAL = ManualRule(type="manual", max=D(100))


def graded(forced=None):
    grading = GRADING.model_copy(update={"forced_distribution": forced})
    return scheme(
        [
            category("performance", 60, [indicator("p", MANUAL, 100)]),
            category("attitude", 40, [indicator("a", MANUAL, 100)]),
        ],
        grading=grading,
    )


@pytest.mark.parametrize(
    ("total", "grade"), [("100", "S"), ("90", "S"), ("89.99", "A"), ("80", "A"), ("70", "B"), ("60", "C"), ("59.99", "D"), ("0", "D")]
)
def test_a_total_takes_the_first_band_it_reaches(total, grade):
    assert grade_for(graded(), D(total)) == grade


def test_a_total_below_every_band_or_no_total_has_no_grade():
    s = graded().model_copy(update={"grading": Grading(bands=GRADING.bands[:4])})
    assert grade_for(s, D(10)) is None
    assert grade_for(graded(), None) is None


def test_a_grade_is_capped_by_a_veto_cap():
    assert grade_for(graded(), D(95), cap_grade="B") == "B"
    assert grade_for(graded(), D(65), cap_grade="B") == "C"


def test_grade_effects_are_looked_up_by_grade():
    effect = effects_for(graded(), "A")
    assert effect is not None and effect.bonus_coefficient == D("1.2")
    assert effects_for(graded(), "Z") is None


@pytest.mark.parametrize(
    ("n", "sizes"),
    [
        (10, [1, 2, 4, 2, 1]),
        (20, [2, 4, 8, 4, 2]),
        (7, [1, 1, 3, 1, 1]),  # quotas .7 1.4 2.8 1.4 .7: floors 0 1 2 1 0, remainders go to B, then S and D
        (3, [0, 1, 1, 1, 0]),  # quotas .3 .6 1.2 .6 .3: the two places left go to A and C
        (1, [0, 0, 1, 0, 0]),
        (0, [0, 0, 0, 0, 0]),
    ],
)
def test_forced_distribution_sizes_use_the_largest_remainder(n, sizes):
    result = forced_sizes(n, FORCED, ORDER)
    assert [result[g] for g in ORDER] == sizes
    assert sum(result.values()) == n


def test_equal_remainders_favour_the_better_grade():
    assert forced_sizes(2, {"A": D(50), "B": D(50)}, ["A", "B"]) == {"A": 1, "B": 1}
    assert forced_sizes(1, {"A": D(50), "B": D(50)}, ["A", "B"]) == {"A": 1, "B": 0}


def population():
    # totals: e1 84 (p 90, a 75), e2 84 (p 80, a 90), e3 84 (p 90, a 75), e4 70, … 10 people
    rows = [("e1", 90, 75), ("e2", 80, 90), ("e3", 90, 75), ("e4", 70, 70), ("e5", 100, 100)]
    rows += [(f"e{i}", 50 + i, 50) for i in range(6, 11)]
    return [sheet(emp, p=value(p), a=value(a)) for emp, p, a in rows]


def test_ties_break_on_the_first_category_then_on_the_employee_id():
    results = [score_sheet(graded(), s) for s in population()]
    ranked = [r.employee_id for r in sorted(results, key=rank_key)]
    assert ranked[:4] == ["e5", "e1", "e3", "e2"]  # e1, e2, e3 all total 84; e2 is weaker in performance
    grades = assign_forced_distribution(results, FORCED, ORDER)
    assert [grades[e] for e in ["e5", "e1", "e3", "e2"]] == ["S", "A", "A", "B"]


def test_equal_inputs_in_any_order_get_the_same_grades():
    results = [score_sheet(graded(), s) for s in population()]
    expected = assign_forced_distribution(results, FORCED, ORDER)
    rng = random.Random(7)
    for _ in range(20):
        shuffled = results[:]
        rng.shuffle(shuffled)
        assert assign_forced_distribution(shuffled, FORCED, ORDER) == expected


def test_identical_sheets_are_ordered_by_employee_id():
    results = [score_sheet(graded(), sheet(e, p=value(80), a=value(80))) for e in ["b", "a", "c"]]
    for perm in itertools.permutations(results):
        assert assign_forced_distribution(list(perm), {"A": D(34), "B": D(66)}, ["A", "B"]) == {
            "a": "A",
            "b": "B",
            "c": "B",
        }


def test_incomplete_sheets_are_not_ranked():
    results = [score_sheet(graded(), s) for s in population()]
    results.append(score_sheet(graded(), sheet("x", p=value(99))))
    grades = assign_forced_distribution(results, FORCED, ORDER)
    assert "x" not in grades and len(grades) == 10


def test_score_sheets_applies_the_forced_distribution():
    results = score_sheets(graded(FORCED), population())
    assert [r.employee_id for r in results] == [s.employee_id for s in population()]
    grades = [r.grade for r in results]
    assert sorted(grades, key=ORDER.index) == ["S", "A", "A", "B", "B", "B", "B", "C", "C", "D"]


def test_forced_distribution_still_honours_a_veto_cap():
    from dataclasses import replace

    results = [score_sheet(graded(), s) for s in population()]
    results[4] = replace(results[4], grade_cap="C")  # e5, the best sheet
    grades = assign_forced_distribution(results, FORCED, ORDER)
    assert grades["e5"] == "C"
    assert grades["e1"] == "A"  # e5 keeps its place; nobody moves up


# --- what-if ------------------------------------------------------------------------------------


def test_what_if_shows_the_effect_of_other_values():
    base = sheet(qa_score=value(85), attendance=value(None), occupancy=value(50), aht=value(186), acw=value(42), knowledge=value(90))
    from kaohe.scoring import IndicatorInput

    base = sheet(**{**base.values, "attendance": IndicatorInput(counts={"late": 0, "early_leave": 0, "absence": 0})})
    result = what_if(agent_scheme(), base, {"aht": value(178), "acw": value(38)})
    deltas = {d.indicator_id: d.delta for d in result.deltas}
    assert deltas["aht"] == D("4.50")  # 70 → 100 at 15 %
    assert deltas["acw"] == D("1.40")  # 60 → 74 at 10 %
    assert deltas["qa_score"] == D(0)
    assert result.total_delta == D("5.90")
    # before: qa 85 → 34, attendance 10, occupancy 10, talk 186 s → 10.5, ACW 42 s → 6, knowledge 90 → 9
    assert result.before.total == D("79.50") and result.after.total == D("85.40")


def test_what_if_can_try_another_scheme():
    s = scheme([category("perf", 100, [indicator("qa", QA_GATE, 100)])])
    stricter = s.model_copy(
        update={"categories": [category("perf", 100, [indicator("qa", QA_GATE.model_copy(update={"threshold": D(90)}), 100)])]}
    )
    result = what_if(s, sheet(qa=value(85)), {}, scheme_override=stricter)
    assert (result.before.total, result.after.total, result.total_delta) == (D(100), D(0), D(-100))


def test_a_sheet_renders_as_text_in_both_languages():
    result = score_sheet(graded(), sheet(p=value(90), a=value(80)))
    assert "总分: 86" in render_sheet(result, "zh")
    assert "Total: 86" in render_sheet(result, "en")
