"""Every checker rule is fed a scheme that has its problem, and a clean one that has not."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.scheme import load_scheme_located
from kaohe.scheme.checker import RULES, check_scheme

from .conftest import BOOK, build, category, indicator, scheme_data

KPIS = {"qa_avg", "avg_talk_time", "attendance_late", "attendance_absent", "csat_score100"}


def ids_of(data: dict[str, Any], level: str | None = None) -> list[str]:
    problems = check_scheme(build(data), kpi_ids=KPIS)
    return [p.rule_id for p in problems if level is None or p.level == level]


def one(*indicators: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return scheme_data(category("perf", 100, list(indicators)), **overrides)


FILLER = indicator("filler", 70)


def tiers(*rows: dict[str, Any], otherwise: Any = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"type": "tiers", "tiers": list(rows)}
    if otherwise is not None:
        rule["otherwise"] = otherwise
    return rule


def test_a_clean_scheme_has_no_problems() -> None:
    assert ids_of(scheme_data()) == []


def test_every_rule_has_a_stable_unique_id_and_bilingual_hint() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(rule.hint_zh and rule.hint_en and rule.title_zh and rule.title_en for rule in RULES)


# K001
def test_it_rejects_category_weights_not_summing_to_100() -> None:
    data = scheme_data(
        category("ability", 85, [indicator("a", 100)]), category("attitude", 25, [indicator("b", 100)])
    )
    [problem] = check_scheme(build(data), kpi_ids=KPIS)
    assert problem.rule_id == "K001" and problem.level == "error"
    assert "110" in problem.message_en and "85% + 25%" in problem.message_zh


# K002
def test_it_rejects_indicator_weights_not_summing_to_100() -> None:
    assert ids_of(one(indicator("a", 60), indicator("b", 30))) == ["K002"]


def test_bonus_and_veto_only_items_stay_outside_the_100() -> None:
    bonus = indicator(
        "bonus",
        0,
        rule={"type": "bonus", "points": 2, "max_points": 10},
        source={"kind": "counts", "counts": {"praise": {"entered_by": "supervisor"}}},
    )
    veto = indicator(
        "veto",
        0,
        rule={"type": "veto", "effect": "sheet_zero"},
        source={"kind": "counts", "counts": {"fraud": {"entered_by": "supervisor"}}},
    )
    assert ids_of(one(indicator("a", 100), bonus, veto), "error") == []


# K003
def test_in_points_scale_it_rejects_a_rule_scoring_above_the_weight() -> None:
    item = indicator("a", 100, rule={"type": "gate", "threshold": 80, "pass_score": 120})
    assert ids_of(one(item, scale="points"), "error") == ["K003"]


def test_in_points_scale_it_warns_when_full_marks_are_out_of_reach() -> None:
    item = indicator("a", 100, rule={"type": "ratio", "target": 100, "full": 90, "cap": 90})
    assert ids_of(one(item, scale="points")) == ["K003"]
    assert ids_of(one(item, scale="points"), "warning") == ["K003"]


def test_in_percent_scale_it_warns_when_100_is_out_of_reach() -> None:
    item = indicator(
        "a",
        100,
        rule={"type": "linear", "target": 40, "base": 70, "better": {"points": 2, "limit": 30}},
        direction="lower",
    )
    assert ids_of(one(item), "warning") == ["K003"]


# K004
def test_it_finds_the_uncovered_band_between_tiers() -> None:
    rule = tiers({"min": 90, "score": 100}, {"min": 85, "max": 90, "score": 50}, {"max": 80, "score": 0})
    problems = check_scheme(build(one(indicator("a", 100, rule=rule))), kpi_ids=KPIS)
    assert [p.rule_id for p in problems] == ["K004"]
    assert "[80, 85)" in problems[0].message_en


def test_it_finds_values_above_the_top_tier_uncovered() -> None:
    rule = tiers({"min": 0, "max": 50, "score": 0}, {"min": 50, "max": 100, "score": 100})
    problems = check_scheme(build(one(indicator("a", 100, rule=rule))), kpi_ids=KPIS)
    assert [p.message_en.split("cover ")[1].split(" %")[0] for p in problems] == ["[100, +∞)"]


def test_a_single_uncovered_point_is_a_gap() -> None:
    rule = tiers({"min": 100, "min_inclusive": False, "score": 100}, {"max": 100, "score": 0})
    assert ids_of(one(indicator("a", 100, rule=rule))) == ["K004"]


def test_otherwise_closes_every_gap() -> None:
    rule = tiers({"min": 90, "score": 100}, {"max": 80, "score": 0}, otherwise=50)
    assert ids_of(one(indicator("a", 100, rule=rule))) == []


# K005
def test_it_rejects_overlapping_tiers() -> None:
    rule = tiers({"min": 90, "score": 100}, {"min": 85, "score": 50}, {"max": 85, "score": 0})
    assert ids_of(one(indicator("a", 100, rule=rule))) == ["K005"]


def test_it_rejects_an_empty_tier() -> None:
    rule = tiers({"min": 90, "score": 100}, {"min": 95, "max": 90, "score": 50}, {"max": 90, "score": 0})
    assert ids_of(one(indicator("a", 100, rule=rule))) == ["K005"]


# K006
def test_it_rejects_a_gate_no_percentage_can_meet() -> None:
    item = indicator("a", 30, rule={"type": "gate", "threshold": 120, "pass_score": 100})
    assert ids_of(one(item, FILLER)) == ["K006"]


def test_it_rejects_a_below_zero_gate_on_a_non_negative_unit() -> None:
    item = indicator(
        "a",
        30,
        unit="s",
        direction="lower",
        rule={"type": "gate", "threshold": 0, "op": "<", "pass_score": 100},
    )
    assert ids_of(one(item, FILLER)) == ["K006"]


def test_it_warns_about_a_gate_whose_pass_scores_no_more_than_fail() -> None:
    item = indicator("a", 30, rule={"type": "gate", "threshold": 80, "pass_score": 100, "fail_score": 100})
    assert ids_of(one(item, FILLER), "warning") == ["K006"]
    assert ids_of(one(item, FILLER), "error") == []


# K007
BAND = {
    "type": "band",
    "low": 40,
    "high": 180,
    "inside": 100,
    "below": {"per": 2, "points": 10},
    "above": {"per": 2, "points": 10},
    "floor": 0,
}


def test_it_rejects_a_band_whose_low_is_above_high() -> None:
    item = indicator("a", 100, unit="s", direction="band", rule={**BAND, "low": 200})
    assert ids_of(one(item)) == ["K007"]


def test_it_rejects_band_step_limits_on_the_wrong_side() -> None:
    rule = {
        **BAND,
        "below": {"per": 2, "points": 10, "limit": 50},
        "above": {"per": 2, "points": 10, "limit": 100},
    }
    assert ids_of(one(indicator("a", 100, unit="s", direction="band", rule=rule))) == ["K007", "K007"]


def test_it_warns_about_a_band_rule_on_an_indicator_that_is_not_banded() -> None:
    assert ids_of(one(indicator("a", 100, unit="s", direction="higher", rule=BAND)), "warning") == ["K007"]


# K008
ACW = {
    "type": "linear",
    "target": 40,
    "base": 70,
    "better": {"per": 1, "points": 2, "limit": 25},
    "worse": {"per": 1, "points": 5},
    "floor": 0,
}


def test_the_book_acw_rule_is_consistent() -> None:
    assert ids_of(one(indicator("acw", 100, unit="s", direction="lower", rule=ACW))) == []


def test_it_rejects_a_step_limit_on_the_wrong_side_of_the_target() -> None:
    rule = {**ACW, "better": {"per": 1, "points": 2, "limit": 55}}
    assert "K008" in ids_of(one(indicator("acw", 100, unit="s", direction="lower", rule=rule)), "error")


def test_it_rejects_a_linear_base_above_its_cap() -> None:
    rule = {**ACW, "cap": 60}
    assert "K008" in ids_of(one(indicator("acw", 100, unit="s", direction="lower", rule=rule)), "error")


def test_it_rejects_a_linear_rule_without_a_better_side() -> None:
    assert ids_of(one(indicator("acw", 100, unit="s", direction="band", rule=ACW))) == ["K008"]


# K009
def test_it_rejects_manual_bounds_that_are_reversed() -> None:
    item = indicator(
        "a",
        100,
        source={"kind": "manual"},
        rule={"type": "manual", "min": 100, "max": 0},
        standard="满分 100",
    )
    assert "K009" in ids_of(one(item, raters=[{"role": "supervisor", "weight": 100}]))


def test_it_warns_about_a_bonus_that_cannot_be_awarded_once() -> None:
    bonus = indicator(
        "bonus",
        0,
        rule={"type": "bonus", "points": 5, "max_points": 2},
        source={"kind": "counts", "counts": {"praise": {"entered_by": "supervisor"}}},
    )
    assert ids_of(one(indicator("a", 100), bonus), "warning") == ["K009"]


# K010
def _levels(*pairs: tuple[int, int]) -> dict[str, Any]:
    return {
        "type": "levels",
        "levels": [{"level": lv, "score": sc, "anchor": {"zh": f"第{lv}级"}} for lv, sc in pairs],
    }


def test_it_rejects_a_level_listed_twice() -> None:
    item = indicator(
        "a",
        100,
        source={"kind": "manual", "raters": [{"role": "supervisor", "weight": 100}]},
        rule=_levels((1, 50), (1, 60), (2, 100)),
    )
    assert ids_of(one(item), "error") == ["K010"]


def test_it_warns_when_a_higher_level_scores_less() -> None:
    item = indicator(
        "a",
        100,
        source={"kind": "manual", "raters": [{"role": "supervisor", "weight": 100}]},
        rule=_levels((1, 100), (2, 50)),
    )
    assert ids_of(one(item), "warning") == ["K010"]


# K011
def test_it_rejects_a_count_with_neither_kpi_nor_rater() -> None:
    item = indicator(
        "a",
        100,
        source={"kind": "counts", "counts": {"late": {}}},
        rule={"type": "per_occurrence", "base": 100, "deductions": [{"count": "late", "points": 20}]},
    )
    assert ids_of(one(item)) == ["K011"]


def test_it_rejects_a_deduction_whose_count_is_not_in_the_source() -> None:
    item = indicator(
        "a",
        100,
        source={"kind": "counts", "counts": {"late": {"kpi": "attendance_late"}}},
        rule={"type": "per_occurrence", "base": 100, "deductions": [{"count": "absent", "points": 50}]},
    )
    assert ids_of(one(item)) == ["K011"]


def test_it_rejects_an_occurrence_rule_without_counts() -> None:
    item = indicator(
        "a",
        100,
        rule={"type": "per_occurrence", "base": 100, "deductions": [{"count": "late", "points": 20}]},
    )
    assert ids_of(one(item)) == ["K011"]


def test_it_rejects_a_counts_source_listing_nothing() -> None:
    item = indicator(
        "a", 100, source={"kind": "counts", "counts": {}}, rule={"type": "formula", "expr": "100"}
    )
    assert ids_of(one(item)) == ["K011"]


# K012
def test_it_rejects_a_manual_indicator_with_no_rater_anywhere() -> None:
    item = indicator("a", 100, source={"kind": "manual"}, rule=_levels((1, 50), (2, 100)))
    assert ids_of(one(item)) == ["K012"]


def test_a_scheme_default_rater_is_enough() -> None:
    item = indicator("a", 100, source={"kind": "manual"}, rule=_levels((1, 50), (2, 100)))
    assert ids_of(one(item, raters=[{"role": "supervisor", "weight": 100}])) == []


# K013
def test_it_rejects_a_kpi_not_in_the_catalog() -> None:
    item = indicator("a", 100, source={"kind": "kpi", "kpi": "happiness_index"})
    problems = check_scheme(build(one(item)), kpi_ids=KPIS)
    assert [p.rule_id for p in problems] == ["K013"]
    assert problems[0].path == "categories[0].indicators[0].source.kpi"


def test_it_checks_the_kpis_behind_counts_too() -> None:
    item = indicator(
        "a",
        100,
        source={"kind": "counts", "counts": {"late": {"kpi": "lateness"}}},
        rule={"type": "per_occurrence", "base": 100, "deductions": [{"count": "late", "points": 20}]},
    )
    assert ids_of(one(item)) == ["K013"]


def test_a_broken_catalog_is_an_error_not_a_skipped_check(monkeypatch: pytest.MonkeyPatch) -> None:
    import kaohe.metrics.catalog.registry as registry

    def broken() -> list[object]:
        raise RuntimeError("the KPI catalog is broken")

    monkeypatch.setattr(registry, "list_kpis", broken)
    with pytest.raises(RuntimeError, match="catalog is broken"):
        check_scheme(build(scheme_data()))


def test_by_default_it_uses_the_metrics_catalog() -> None:
    from kaohe.scheme.checker import catalog_kpi_ids

    known = catalog_kpi_ids()
    assert {"avg_talk_time", "avg_acw_time", "qa_avg"} <= known
    item = indicator("a", 100, source={"kind": "kpi", "kpi": "happiness_index"})
    assert [p.rule_id for p in check_scheme(build(one(item)))] == ["K013"]


# K014
def test_it_warns_about_more_than_ten_indicators() -> None:
    items = [indicator(f"i{k}", 100 if k == 0 else 0) for k in range(11)]
    for item in items[1:]:
        item["rule"] = {"type": "bonus", "points": 1, "max_points": 1}
        item["source"] = {"kind": "counts", "counts": {"n": {"entered_by": "supervisor"}}}
    assert ids_of(one(*items)) == ["K014"]
    assert ids_of(one(*items[:10])) == []


# K015
def test_it_rejects_duplicate_indicator_ids() -> None:
    assert ids_of(one(indicator("a", 50), indicator("a", 50)), "error") == ["K015"]


def test_it_rejects_duplicate_category_ids() -> None:
    data = scheme_data(
        category("perf", 50, [indicator("a", 100)]), category("perf", 50, [indicator("b", 100)])
    )
    assert ids_of(data) == ["K015"]


# K016
def test_it_warns_about_duplicate_indicator_names() -> None:
    a, b = indicator("a", 50), indicator("b", 50)
    b["name"] = dict(a["name"])
    assert ids_of(one(a, b)) == ["K016"]


# K017
def test_it_rejects_a_formula_using_a_target_that_is_not_set() -> None:
    item = indicator("a", 100, rule={"type": "formula", "expr": "clamp(100 * value / target, 0, 100)"})
    assert ids_of(one(item)) == ["K017"]
    item["target"] = 80
    assert ids_of(one(item)) == []


def test_it_warns_about_an_indicator_with_neither_target_nor_standard() -> None:
    assert ids_of(one(indicator("a", 100, standard=""))) == ["K017"]


def test_it_warns_about_a_manual_item_whose_standard_has_no_number() -> None:
    item = indicator(
        "a",
        100,
        source={"kind": "manual"},
        rule={"type": "manual", "max": 100},
        standard="1. 及时掌握客户情况 2. 了解客户需求",
    )
    assert ids_of(one(item, raters=[{"role": "supervisor", "weight": 100}])) == ["K017"]
    item["standard"] = "每 15 天回访一次"
    assert ids_of(one(item, raters=[{"role": "supervisor", "weight": 100}])) == []


# K018
def test_it_warns_about_a_gate_carrying_more_than_30_percent() -> None:
    gate = {"type": "gate", "threshold": 80, "pass_score": 100}
    assert ids_of(one(indicator("a", 40, rule=gate), indicator("b", 60))) == ["K018"]
    assert ids_of(one(indicator("a", 30, rule=gate), indicator("b", 70))) == []
    # the share is of the whole sheet: 40 % of a category weighing 50 % is 20 %
    data = scheme_data(
        category("p", 50, [indicator("a", 40, rule=gate), indicator("b", 60)]),
        category("q", 50, [indicator("c", 100)]),
    )
    assert ids_of(data) == []


# K019
def test_it_rejects_rater_weights_not_summing_to_100() -> None:
    item = indicator(
        "a",
        100,
        source={
            "kind": "manual",
            "raters": [{"role": "self", "weight": 20}, {"role": "supervisor", "weight": 50}],
        },
        rule={"type": "manual", "max": 100},
        standard="达到 100 分",
    )
    assert ids_of(one(item)) == ["K019"]


def test_it_rejects_a_rater_role_listed_twice() -> None:
    data = scheme_data(raters=[{"role": "supervisor", "weight": 50}, {"role": "supervisor", "weight": 50}])
    assert ids_of(data) == ["K019"]


# K020
def test_it_rejects_grade_bands_not_descending() -> None:
    grading = {"bands": [{"grade": "A", "min": 80}, {"grade": "B", "min": 90}, {"grade": "C", "min": 0}]}
    assert ids_of(scheme_data(grading=grading)) == ["K020"]


def test_it_rejects_a_grade_listed_twice() -> None:
    grading = {"bands": [{"grade": "A", "min": 80}, {"grade": "A", "min": 60}]}
    assert ids_of(scheme_data(grading=grading)) == ["K020"]


# K021
def test_it_rejects_a_forced_distribution_not_summing_to_100() -> None:
    grading = {
        "bands": [{"grade": "A", "min": 80}, {"grade": "B", "min": 0}],
        "forced_distribution": {"A": 30, "B": 60},
    }
    assert ids_of(scheme_data(grading=grading)) == ["K021"]


def test_it_rejects_a_forced_distribution_with_an_undefined_grade() -> None:
    grading = {
        "bands": [{"grade": "A", "min": 80}, {"grade": "B", "min": 0}],
        "forced_distribution": {"A": 30, "Z": 70},
    }
    assert ids_of(scheme_data(grading=grading)) == ["K021"]


# K022
def test_it_rejects_a_veto_capping_at_an_undefined_grade() -> None:
    veto = indicator(
        "veto",
        0,
        rule={"type": "veto", "effect": "cap_grade", "cap_grade": "Q"},
        source={"kind": "counts", "counts": {"fraud": {"entered_by": "supervisor"}}},
    )
    grading = {"bands": [{"grade": "A", "min": 80}, {"grade": "B", "min": 0}]}
    assert ids_of(one(indicator("a", 100), veto, grading=grading)) == ["K022"]


def test_it_rejects_an_effect_for_an_undefined_grade() -> None:
    grading = {"bands": [{"grade": "A", "min": 0}], "effects": [{"grade": "S", "bonus_coefficient": 1.5}]}
    assert ids_of(scheme_data(grading=grading)) == ["K022"]


# K023
def test_it_rejects_a_formula_with_an_unknown_variable_built_in_python() -> None:
    # the loader already refuses this in a file; schemes built in code are checked here
    item = indicator("a", 100, rule={"type": "formula", "expr": "value + bonus_points"})
    assert ids_of(one(item)) == ["K023"]


# K024
def test_it_rejects_a_weighted_category_without_indicators() -> None:
    data = scheme_data(category("perf", 100, [indicator("a", 100)]), category("empty", 0, []))
    assert ids_of(data) == []
    data = scheme_data(category("perf", 60, [indicator("a", 100)]), category("empty", 40, []))
    assert ids_of(data) == ["K024"]


# K025
def test_it_warns_when_the_stated_target_is_not_the_scored_one() -> None:
    item = indicator("acw", 100, unit="s", direction="lower", rule=ACW, target=45)
    assert ids_of(one(item)) == ["K025"]


# locations
def test_problems_carry_file_line_and_path_when_loaded_from_a_file() -> None:
    located = load_scheme_located(BOOK / "table_9_23_24_cs_manager.yaml")
    problems = check_scheme(located.scheme, located=located)
    gap = next(p for p in problems if p.rule_id == "K004")
    assert gap.file and gap.file.endswith("table_9_23_24_cs_manager.yaml")
    assert gap.path == "categories[0].indicators[4].rule.tiers"
    lines = (BOOK / "table_9_23_24_cs_manager.yaml").read_text(encoding="utf-8").splitlines()
    assert gap.line is not None and lines[gap.line - 1].strip().startswith("tiers:")


def test_a_veto_cap_is_not_judged_when_the_grading_comes_from_elsewhere() -> None:
    veto = indicator(
        "veto",
        0,
        rule={"type": "veto", "effect": "cap_grade", "cap_grade": "C"},
        source={"kind": "counts", "counts": {"fraud": {"entered_by": "supervisor"}}},
    )
    assert ids_of(one(indicator("a", 100), veto)) == []
    veto["rule"] = {"type": "veto", "effect": "cap_grade"}
    assert ids_of(one(indicator("a", 100), veto)) == ["K022"]


def test_it_warns_that_a_bonus_items_weight_is_ignored() -> None:
    bonus = indicator(
        "bonus",
        5,
        rule={"type": "bonus", "points": 2, "max_points": 10},
        source={"kind": "counts", "counts": {"praise": {"entered_by": "supervisor"}}},
    )
    assert ids_of(one(indicator("a", 100), bonus)) == ["K002"]
    assert ids_of(one(indicator("a", 100), bonus), "warning") == ["K002"]
