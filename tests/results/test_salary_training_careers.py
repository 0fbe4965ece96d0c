from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.results.careers import position_change_warnings, promotion_candidates
from kaohe.results.policy import load_policy
from kaohe.results.salary import SalaryInput, suggest_salaries, suggest_salary
from kaohe.results.training import CompetencyAssessment, training_needs

from .helpers import item, sheet

D = Decimal
POLICY = load_policy()


def test_a_good_grade_low_in_the_range_gets_the_bigger_raise():
    # position (5500 − 5000) / 3000 = 0.1667 → low; A × low = 7 %: 5500 × 1.07 = 5885.00
    s = suggest_salary(SalaryInput("E1", "王芳", "A", D(5500), D(5000), D(8000)), POLICY)
    assert (s.band, s.raise_pct, s.suggested, s.increase, s.capped) == ("low", D("0.07"), D("5885.00"), D("385.00"), False)
    # position (7000 − 5000) / 3000 = 0.6667 (exactly 2/3 > 0.6667? no: 0.66666… < 0.6667) → mid: 5 %
    s = suggest_salary(SalaryInput("E2", "李强", "A", D(7000), D(5000), D(8000)), POLICY)
    assert (s.band, s.suggested) == ("mid", D("7350.00"))


def test_the_suggestion_is_capped_at_the_top_of_the_range():
    # position 0.9667 → high; S × high = 5 %: 7900 × 1.05 = 8295 > 8000 → 8000
    s = suggest_salary(SalaryInput("E1", "王芳", "S", D(7900), D(5000), D(8000)), POLICY)
    assert (s.band, s.suggested, s.increase, s.capped) == ("high", D("8000"), D("100"), True)


def test_a_d_grade_suggests_no_raise_and_bad_ranges_are_all_reported():
    assert suggest_salary(SalaryInput("E1", "王芳", "D", D(6000), D(5000), D(8000)), POLICY).increase == 0
    with pytest.raises(ValueError) as info:
        suggest_salaries([SalaryInput("E1", "a", "A", D(1), D(5), D(5)), SalaryInput("E2", "b", None, D(1), D(0), D(5))],
                         POLICY)
    assert "E1" in str(info.value) and "E2" in str(info.value)


def test_training_needs_come_from_weak_items_and_competency_gaps():
    sheets = [
        sheet("E1", [
            item("avg_acw_time", "11", "20", name_zh="平均话后处理时间"),  # 55 % < 60 % → need
            item("qa_score", "12", "20"),  # exactly 60 % → no need
            item("exam_score", None, "10", status="missing_error"),  # no data: not a training need
        ]),
    ]
    assessments = [
        CompetencyAssessment("E1", "customer_focus", "以客户为中心", "Customer focus", 4, 2),  # gap 2
        CompetencyAssessment("E1", "initiative", "主动性", "Initiative", 3, 3),  # no gap
    ]
    needs = training_needs(sheets, assessments, POLICY)
    assert [(n.source, n.ref_id, n.measure) for n in needs] == [
        ("indicator", "avg_acw_time", D("0.55")),
        ("competency", "customer_focus", D(2)),
    ]
    assert needs[0].courses == ("话后处理与系统操作",)
    assert needs[1].courses == ("以客户为中心的服务意识",)


CYCLES = ["2026-Q1", "2026-Q2", "2026-Q3"]
HISTORY = {
    "E1": {"2026-Q1": "B", "2026-Q2": "S", "2026-Q3": "A"},  # A or better twice running → promotion
    "E2": {"2026-Q1": "S", "2026-Q2": "A", "2026-Q3": "B"},  # streak broken by the latest cycle
    "E3": {"2026-Q1": "D", "2026-Q2": "D", "2026-Q3": "D"},  # D twice running → warning
    "E4": {"2026-Q1": "A", "2026-Q3": "A"},  # no grade in Q2: the run is broken
    "E5": {"2026-Q1": "A", "2026-Q2": "C", "2026-Q3": "D"},  # C then D: only one D
}


def test_promotion_needs_the_last_two_cycles_at_a_or_better():
    flags = promotion_candidates(HISTORY, CYCLES, POLICY)
    assert [(f.employee_id, f.cycles, f.grades) for f in flags] == [("E1", ("2026-Q2", "2026-Q3"), ("S", "A"))]


def test_two_consecutive_d_grades_raise_a_position_change_warning():
    flags = position_change_warnings(HISTORY, CYCLES, POLICY)
    assert [f.employee_id for f in flags] == ["E3"]
    assert "调岗" in flags[0].message_zh


def test_fewer_cycles_than_the_rule_needs_flags_nobody():
    assert promotion_candidates(HISTORY, ["2026-Q3"], POLICY) == []


@given(
    grade=st.sampled_from(["S", "A", "B", "C", "D"]),
    salary=st.integers(min_value=3000, max_value=9000),
)
def test_a_suggestion_never_lowers_pay_nor_passes_the_range_top(grade, salary):
    s = suggest_salary(SalaryInput("E", "x", grade, D(salary), D(4000), D(8000)), POLICY)
    assert s.suggested >= s.salary
    if s.salary <= D(8000):
        assert s.suggested <= D(8000)
