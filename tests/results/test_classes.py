"""Reports by 003's four indicator classes, for one employee and for a team, and as an xlsx sheet."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from kaohe.library import load_library
from kaohe.results.classes import class_scores, employee_class_table, team_class_table
from kaohe.results.tables import write_xlsx
from kaohe.scoring import IndicatorInput, SheetInputs, score_sheet

D = Decimal
I = IndicatorInput  # noqa: E741
SCHEME = load_library().scheme("call_center_agent_monthly")


def agent(**changes: IndicatorInput) -> SheetInputs:
    values = {
        "qa_score": I(value=D(85), sample_size=8), "effective_work": I(value=D(48)), "talk_time": I(value=D(182)),
        "acw_time": I(value=D(42)), "knowledge_exam": I(value=D(78)),
        "supervisor_appraisal": I(counts={"late": 1, "early_leave": 0, "absent": 0, "other_points": 0}),
        "task_plan": I(value=D(97)), "call_followup": I(counts={"missed": 1}),
        "complaints": I(counts={"complaints": 0}), "call_records": I(counts={"invalid": 2}),
    }
    return SheetInputs("a", {**values, **changes})


def test_one_sheet_by_class_adds_up_to_the_total_and_is_computed_by_hand() -> None:
    result = score_sheet(SCHEME, agent())
    by = {s.indicator_class: s for s in class_scores(SCHEME, result)}
    assert list(by) == ["basic_work", "service_quality", "customer_satisfaction", "problem_handling"]
    # service quality: QA 85 × 40 % + talk 90 × 15 % + knowledge 0 → (34 + 13.5) × 80 % = 38; max 65 × 0.8 = 52
    assert (by["service_quality"].points, by["service_quality"].max_points) == (D("38.00"), D("52.00"))
    # customer satisfaction: complaints 100 × 25 % × 20 % = 5 of 5
    assert (by["customer_satisfaction"].points, by["customer_satisfaction"].rate) == (D("5.00"), D("100.00"))
    # problem handling: follow-up 90 × 25 % × 20 % = 4.5 of 5
    assert by["problem_handling"].rate == D("90.00")
    assert sum(s.points for s in by.values()) == result.total
    assert sum(s.max_points for s in by.values()) == D(100)


def test_a_team_gets_the_mean_rate_per_class_and_an_xlsx_sheet() -> None:
    good = score_sheet(SCHEME, agent())
    worse = score_sheet(SCHEME, agent(complaints=I(counts={"complaints": 2})))  # 60 → rate 60
    team = team_class_table([("A 组", SCHEME, good), ("A 组", SCHEME, worse)])
    row = next(r for r in team.rows if r[1] == "客户满意度")
    assert row == ["A 组", "客户满意度", 2, D("80.00")]
    people = employee_class_table([("e1", "张三", SCHEME, good)], lang="en")
    assert {r[2] for r in people.rows} == {"Basic work", "Service quality", "Customer satisfaction",
                                          "Problem handling and feedback"}
    buffer = io.BytesIO()
    write_xlsx([people, team], buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert len(book.sheetnames) == 2
