"""表9-26's low-volume exemption: an indicator that does not apply gives its weight to its category."""

from __future__ import annotations

from decimal import Decimal

from kaohe.library import load_library
from kaohe.scoring import IndicatorInput, SheetInputs, score_sheet
from kaohe.scoring.applicability import condition_key
from kaohe.scoring.inputs import KpiFigure, build_sheet_inputs, params_key

D = Decimal
I = IndicatorInput  # noqa: E741


def agent_inputs(handled: int | None) -> SheetInputs:
    values = {
        "qa_score": I(value=D(85), sample_size=8), "effective_work": I(value=D(40)), "talk_time": I(value=D(182)),
        "acw_time": I(value=D(42)), "knowledge_exam": I(value=D(90)),
        "supervisor_appraisal": I(counts={"late": 0, "early_leave": 0, "absent": 0, "other_points": 0}),
        "task_plan": I(value=D(100)), "call_followup": I(counts={"missed": 0}),
        "complaints": I(counts={"complaints": 0}), "call_records": I(counts={"invalid": 0}),
    }
    context = {} if handled is None else {"handled_calls": D(handled)}
    return SheetInputs("a", values, context=context)


SCHEME = load_library().scheme("call_center_agent_monthly")


def test_with_enough_calls_the_effective_work_rate_counts() -> None:
    result = score_sheet(SCHEME, agent_inputs(450))
    item = result.item("effective_work")
    assert item.score == D(80)  # 10 points under 50 % → 100 − 20
    assert "handled_calls = 450" in " ".join(s.en for s in item.trace.steps)
    # calls: 34 + 10 + 8 + 13.5 + 9 + 9 = 83.5 → × 80 % = 66.8; work items 100 × 20 % = 20
    assert result.total == D("86.80")


def test_with_few_calls_the_item_drops_out_and_its_weight_goes_to_the_category() -> None:
    result = score_sheet(SCHEME, agent_inputs(120))
    item = result.item("effective_work")
    assert item.status == "excluded" and item.points is None
    assert "不适用" in item.trace.summary_zh and "handled_calls = 120" in item.trace.summary_en
    assert any(i.code == "not_applicable" for i in result.issues)
    # the other 90 % of the category scale up by 100 / 90: (34 + 10 + 13.5 + 9 + 9) × 100 / 90 = 83.888…
    calls = result.categories[0]
    assert calls.score == D("83.89")
    assert any("× 1.11" in line for line in result.trace_zh)


def test_an_unknown_condition_keeps_the_item() -> None:
    result = score_sheet(SCHEME, agent_inputs(None))
    assert result.item("effective_work").status == "scored"
    assert "无法判断" in " ".join(s.zh for s in result.item("effective_work").trace.steps)


def test_the_inputs_builder_reads_the_condition_kpi() -> None:
    from kaohe.scoring.inputs import kpi_needs

    assert ("handled_calls", "self") in {(n.kpi, n.scope) for n in kpi_needs(SCHEME)}
    kpis = {("handled_calls", params_key({}), "self"): KpiFigure(D(80), None)}
    inputs = build_sheet_inputs(SCHEME, "a", kpis)
    when = next(i.applies_when for c in SCHEME.categories for i in c.indicators if i.applies_when)
    assert inputs.context == {condition_key(when): D(80)}
