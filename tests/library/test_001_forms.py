"""001's own rule forms, position by position (seed 001, 表13-1 … 表13-30).

001 gives twelve positions a table of work items whose third column says how each item is
scored: "每低于 %，扣 分" and "每出现一次…扣 分" are per-unit deductions (a `linear` rule
with only a worse side, or `per_occurrence`), "每高于目标 %，加 分" is a bonus on top of the
total, "本项不得分" zeroes that item only. The blanks are Kaohe's default numbers, which HR
edits. This test reads the seed's tables, checks that every row of every table has an
indicator quoting it (`source_text`, the seed's exact words), that each such indicator has
the form the row's words give, and scores one or more items of each position by hand.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from kaohe.library import Library
from kaohe.scheme.kinds.registry import kind_of
from kaohe.scheme.models import Indicator, Scheme
from kaohe.scoring import IndicatorInput
from kaohe.scoring.items import score_item

D = Decimal
SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"

# 001's table → the position's scheme(s)
TABLES = {
    "13-1": ["customer_service_manager_quarterly"],
    "13-4": ["customer_development_supervisor_quarterly"],
    "13-7": ["customer_relations_supervisor_quarterly"],
    "13-10": ["key_account_service_supervisor_quarterly"],
    "13-15": ["after_sales_repair_supervisor_quarterly"],
    "13-17": ["customer_information_supervisor_quarterly"],
    "13-21": ["quality_monitoring_specialist_monthly"],
    "13-22": ["call_center_manager_quarterly", "call_center_manager_annual"],
    "13-23": ["agent_supervisor_quarterly"],
    "13-24": ["call_center_agent_monthly"],
    "13-28": ["scheduling_supervisor_quarterly"],
    "13-30": ["complaint_supervisor_quarterly"],
}

# scheme → indicator → the form 001's words give it
#   deduct: linear with only a worse side (每低于/每高于/每少于 … 扣 分), never above 100
#   per_occurrence: 每出现/每发现/每推迟 … 扣 分
#   bonus: 每高于目标 … 加 分 (weight 0, on top of the total)
#   item_veto: 本项不得分 — this item scores 0, the sheet still counts
FORMS: dict[str, dict[str, str]] = {
    "customer_service_manager_quarterly": {
        "work_plan": "deduct", "service_budget": "bonus", "process_improvement": "deduct", "dept_churn": "deduct",
        "training_pass": "deduct"},
    "customer_development_supervisor_quarterly": {
        "development_tasks": "deduct", "survey_plan": "deduct", "team_callbacks": "deduct",
        "team_callback_complaints": "deduct", "team_csat": "deduct"},
    "customer_relations_supervisor_quarterly": {
        "maintenance_plan": "deduct", "team_churn": "deduct", "team_callbacks": "deduct",
        "team_callback_complaints": "deduct", "team_csat": "deduct", "adopted_suggestions": "deduct"},
    "key_account_service_supervisor_quarterly": {
        "development_tasks": "deduct", "adopted_suggestions": "deduct", "team_key_callbacks": "deduct",
        "missed_followups": "per_occurrence", "team_csat": "deduct"},
    "after_sales_repair_supervisor_quarterly": {
        "repair_budget": "bonus", "process_proposals": "deduct", "team_complaint_resolution": "deduct",
        "repair_report": "per_occurrence"},
    "customer_information_supervisor_quarterly": {
        "system_build": "per_occurrence", "team_info_errors": "deduct", "data_loss_veto": "item_veto",
        "report_quality": "deduct"},
    "quality_monitoring_specialist_monthly": {
        "report_errors": "per_occurrence", "adopted_suggestions": "deduct", "callbacks": "deduct",
        "archive_delay": "per_occurrence"},
    "call_center_manager_quarterly": {
        "ops_plan_completion": "deduct", "ops_budget_control": "deduct", "ops_report_timeliness": "per_occurrence",
        "center_csat": "deduct", "core_staff_retention": "deduct"},
    "agent_supervisor_quarterly": {
        "staffing_plan": "deduct", "ops_report": "per_occurrence", "process_proposals": "deduct",
        "team_substandard_service": "deduct"},
    "call_center_agent_monthly": {
        "task_plan": "deduct", "call_followup": "per_occurrence", "complaints": "per_occurrence",
        "call_records": "per_occurrence"},
    "scheduling_supervisor_quarterly": {
        "roster_timeliness": "deduct", "forecast_accuracy": "deduct", "forecast_bonus": "bonus",
        "seat_utilisation": "deduct", "seat_utilisation_bonus": "bonus"},
    "complaint_supervisor_quarterly": {
        "first_response": "deduct", "resolved_in_time": "deduct", "csat": "deduct", "complaint_callbacks": "deduct"},
}
FORMS["call_center_manager_annual"] = FORMS["call_center_manager_quarterly"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def seed_rows() -> dict[str, list[str]]:
    """表13-x → the third column (指标界定与目标值) of each row, as the seed writes it."""
    text = next(SEED.glob("001_*.txt")).read_text(encoding="utf-8")
    rows: dict[str, list[str]] = {}
    table = None
    for line in text.splitlines():
        head = re.match(r"表(13-\d+) ", line)
        if head:
            table = head.group(1)
            rows[table] = []
        elif table and line.count("|") >= 3 and not line.startswith("關鍵行為"):
            rows[table].append(line.split("|")[2].strip())
        elif table and rows[table] and "|" not in line:
            table = None
    return rows


def _indicators(scheme: Scheme) -> dict[str, Indicator]:
    return {i.id: i for c in scheme.categories for i in c.indicators}


def test_the_seed_has_the_twelve_tables() -> None:
    rows = seed_rows()
    assert set(rows) == set(TABLES)
    assert sum(map(len, rows.values())) == 51


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_row_of_the_table_is_quoted_word_for_word(library: Library, table: str) -> None:
    rows = [_squash(r) for r in seed_rows()[table]]
    for scheme_id in TABLES[table]:
        found = _indicators(library.scheme(scheme_id))
        assert all(found[iid].source_text for iid in FORMS[scheme_id]), scheme_id
        # (the agent's other indicators quote 表9-26, not 001)
        quoted = {iid: [_squash(part) for part in found[iid].source_text.split(" / ")] for iid in FORMS[scheme_id]}
        for iid, parts in quoted.items():
            for part in parts:
                assert any(part in row for row in rows), f"{scheme_id}.{iid}: {part!r} is not in 表{table}"
        for row in rows:
            assert any(part in row for parts in quoted.values() for part in parts), \
                f"{scheme_id}: no indicator quotes the row {row!r} of 表{table}"


@pytest.mark.parametrize("scheme_id", sorted(FORMS))
def test_each_001_item_keeps_its_form(library: Library, scheme_id: str) -> None:
    found = _indicators(library.scheme(scheme_id))
    for iid, form in FORMS[scheme_id].items():
        ind = found[iid]
        rule = ind.rule
        words = ind.source_text
        if form == "deduct":
            assert rule.type == "linear", (iid, rule.type)
            assert rule.worse is not None and rule.worse.points > 0 and rule.better is None, iid
            assert rule.cap is None or rule.cap <= rule.base, iid  # never more than the base: no hidden bonus
            assert ind.weight > 0 and "扣" in words, iid
        elif form == "per_occurrence":
            assert rule.type == "per_occurrence", (iid, rule.type)
            assert all(d.points > 0 for d in rule.deductions) and ind.weight > 0 and "扣" in words, iid
        elif form == "bonus":
            assert rule.type == "bonus" and kind_of(rule).extra, (iid, rule.type)
            assert ind.weight == 0 and rule.target is not None and "加" in words, iid
        else:
            assert (rule.type, rule.effect) == ("veto", "item_zero") and "本項不得分" in words, iid
        assert ind.explanation.definition and "默认" in ind.explanation.definition + ind.standard + \
            (library.scheme(scheme_id).notes or ""), iid


@pytest.mark.parametrize("scheme_id", sorted(FORMS))
def test_no_001_deduction_became_a_bonus_or_a_tier(library: Library, scheme_id: str) -> None:
    """The forms the issue found rewritten: no 001 item is a tier table, and bonuses come only from "加 分"."""
    found = _indicators(library.scheme(scheme_id))
    for iid in FORMS[scheme_id]:
        ind = found[iid]
        assert ind.rule.type not in ("tiers", "manual", "ratio"), iid
        if ind.rule.type == "bonus":
            assert "加" in ind.source_text, iid
        if ind.rule.type == "veto":
            assert ind.rule.effect == "item_zero", iid


def _score(library: Library, scheme_id: str, iid: str, **given: object) -> Decimal | None:
    scheme = library.scheme(scheme_id)
    outcome = score_item(scheme, _indicators(scheme)[iid], IndicatorInput(**given), D(100))  # type: ignore[arg-type]
    return outcome.score


# Hand-computed scores: one or more items of every position, each form at least once.
CASES = [
    # 表13-1: overspending is not punished (001 says nothing of it); 3.5 points under budget → 3 whole points → +3
    ("customer_service_manager_quarterly", "service_budget", {"value": D("96.5")}, D(3)),
    ("customer_service_manager_quarterly", "service_budget", {"value": D(104)}, D(0)),
    ("customer_service_manager_quarterly", "service_budget", {"value": D(90)}, D(5)),  # at most 5
    ("customer_service_manager_quarterly", "dept_churn", {"value": D("5.2")}, D(80)),  # 2 whole points over 3 % × 10
    ("customer_service_manager_quarterly", "process_improvement", {"counts": {"done": 2}}, D(60)),  # 2 short × 20
    # 表13-4: 3 complaints caused by visits × 10; CSAT 85.5 is 2.5 under 88 → 2 whole points × 5
    ("customer_development_supervisor_quarterly", "team_callback_complaints", {"value": D(3)}, D(70)),
    ("customer_development_supervisor_quarterly", "team_csat", {"value": D("85.5")}, D(90)),
    # 表13-7: 1 suggestion adopted of 3 → 2 short × 20
    ("customer_relations_supervisor_quarterly", "adopted_suggestions", {"counts": {"adopted": 1}}, D(60)),
    ("customer_relations_supervisor_quarterly", "team_churn", {"value": D(3)}, D(100)),
    # 表13-10: problems not reported twice × 25
    ("key_account_service_supervisor_quarterly", "missed_followups", {"counts": {"item": 2}}, D(50)),
    # 表13-15: 3 days late × 5 + one invalid analysis × 20; not submitted → the item scores 0
    ("after_sales_repair_supervisor_quarterly", "repair_report",
     {"counts": {"not_submitted": 0, "late_days": 3, "invalid": 1}}, D(65)),
    ("after_sales_repair_supervisor_quarterly", "repair_report",
     {"counts": {"not_submitted": 1, "late_days": 0, "invalid": 0}}, D(0)),
    ("after_sales_repair_supervisor_quarterly", "process_proposals", {"value": D(52)}, D(84)),  # 8 points under 60 × 2
    # 表13-17: one item not built × 20 + two not workable × 10; 4 invalid records × 5; a data loss → item 0
    ("customer_information_supervisor_quarterly", "system_build", {"counts": {"missing": 1, "unworkable": 2}}, D(60)),
    ("customer_information_supervisor_quarterly", "team_info_errors", {"value": D(4)}, D(80)),
    ("customer_information_supervisor_quarterly", "data_loss_veto", {"counts": {"incident": 1}}, D(0)),
    # 表13-21: archived 2 days late × 5 + one incomplete file × 10
    ("quality_monitoring_specialist_monthly", "archive_delay", {"counts": {"late_days": 2, "incomplete": 1}}, D(80)),
    ("quality_monitoring_specialist_monthly", "callbacks", {"value": D(93)}, D(86)),
    # 表13-22: report 4 days late × 5; spending 2 points over budget × 3
    ("call_center_manager_quarterly", "ops_report_timeliness", {"counts": {"late_days": 4, "shallow": 0}}, D(80)),
    ("call_center_manager_annual", "ops_budget_control", {"value": D(102)}, D(94)),
    # 表13-23: 3 substandard evaluations × 5; a report 1 day late and 2 data errors: 5 + 20
    ("agent_supervisor_quarterly", "team_substandard_service", {"value": D(3)}, D(85)),
    ("agent_supervisor_quarterly", "ops_report", {"counts": {"late_days": 1, "data_errors": 2}}, D(75)),
    # 表13-24: two complaints × 20
    ("call_center_agent_monthly", "complaints", {"counts": {"complaints": 2}}, D(60)),
    # 表13-28: WAPE 7.5 → 2 whole points over 5 × 5; WAPE 3.2 → 1 whole point under → +2; utilisation 88 → +3, 80 → −10
    ("scheduling_supervisor_quarterly", "forecast_accuracy", {"value": D("7.5")}, D(90)),
    ("scheduling_supervisor_quarterly", "forecast_bonus", {"value": D("3.2")}, D(2)),
    ("scheduling_supervisor_quarterly", "seat_utilisation_bonus", {"value": D(88)}, D(3)),
    ("scheduling_supervisor_quarterly", "seat_utilisation", {"value": D(80)}, D(90)),
    # 表13-30: CSAT 82 is 3 under 85 × 5
    ("complaint_supervisor_quarterly", "csat", {"value": D(82)}, D(85)),
]


@pytest.mark.parametrize(("scheme_id", "iid", "given", "expected"), CASES,
                         ids=[f"{s}.{i}-{n}" for n, (s, i, _g, _e) in enumerate(CASES)])
def test_hand_computed_item_scores(library: Library, scheme_id: str, iid: str, given: dict[str, object],
                                   expected: Decimal) -> None:
    assert _score(library, scheme_id, iid, **given) == expected


def test_every_position_with_a_001_table_has_a_hand_computed_case() -> None:
    assert {s for s, *_ in CASES} == set(FORMS)
    forms = {FORMS[s][i] for s, i, *_ in CASES}
    assert forms == {"deduct", "per_occurrence", "bonus", "item_veto"}


def test_a_bonus_lifts_the_total_and_a_deduction_lowers_it(library: Library) -> None:
    """表13-1 on a whole sheet: the budget bonus is added on top of the weighted total."""
    from kaohe.scoring import SheetInputs, score_sheet

    scheme = library.scheme("customer_service_manager_quarterly")
    full = {"work_plan": IndicatorInput(value=D(100)), "process_improvement": IndicatorInput(counts={"done": 4}),
            "dept_churn": IndicatorInput(value=D(3)), "training_pass": IndicatorInput(value=D(95)),
            "dept_csat": IndicatorInput(value=D(90))}
    conduct = {i.id: IndicatorInput(ratings={r.role: D(5) for r in (i.source.raters or scheme.raters)})  # type: ignore[union-attr]
               for i in scheme.categories[1].indicators}

    def total(budget: str, churn: str) -> Decimal | None:
        values = {**full, **conduct, "service_budget": IndicatorInput(value=D(budget)),
                  "dept_churn": IndicatorInput(value=D(churn))}
        return score_sheet(scheme, SheetInputs("m", values)).total

    # results 100 × 75 % + conduct (level 5 → 100) × 25 % = 100; 4 points under budget → +4
    assert total("96", "3") == D(104)
    # churn 2 points over 3 % → 80 × 25 % weight = −5 on the category → −3.75 on the sheet; no bonus when over budget
    assert total("101", "5") == D("96.25")


@pytest.mark.parametrize("scheme_id", sorted(FORMS))
def test_every_kpi_the_scheme_reads_takes_its_parameters(library: Library, scheme_id: str) -> None:
    """Counts and conditions too, not only KPI sources: the web app computes each of them for a cycle."""
    from kaohe.metrics.catalog.registry import get_kpi
    from kaohe.scoring.inputs import kpi_needs

    for need in kpi_needs(library.scheme(scheme_id)):
        get_kpi(need.kpi).resolve_params(dict(need.params))  # raises on an unknown value


@pytest.mark.parametrize("scheme_id", sorted(FORMS))
def test_the_letter_states_each_001_item_as_the_scheme_scores_it(library: Library, scheme_id: str) -> None:
    """The targets letter shows the same standard and weight (or "加分项") as the scheme, in both languages."""
    scheme = library.scheme(scheme_id)
    letters = [p.position.letter for p in library.positions.values() if p.position.letter.scheme == scheme_id]
    assert letters or scheme_id == "call_center_manager_annual"  # its letter is the quarterly scheme's
    for letter in letters:
        for iid in FORMS[scheme_id]:
            ind = _indicators(scheme)[iid]
            if ind.source.kind == "manual":
                continue
            weight = "加分项" if ind.rule.type == "bonus" else f"权重 {ind.weight:g}%"
            assert any(t.startswith(ind.name.zh) and weight in t and t.endswith(ind.standard)
                       for t in letter.targets), (scheme_id, iid)
            assert any(t.endswith(ind.standard_en) for t in letter.targets_en), (scheme_id, iid)
