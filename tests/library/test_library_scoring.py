"""The 呼叫中心座席员 scheme scores as 表9-26 and 表13-24 say, computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe.library import Library
from kaohe.scoring import IndicatorInput, SheetInputs, score_sheet

D = Decimal


def agent_month(**changes: IndicatorInput) -> dict[str, IndicatorInput]:
    values = {
        "qa_score": IndicatorInput(value=D(85), sample_size=12),  # ≥80: keeps 85 → × 40 % = 34
        "supervisor_appraisal": IndicatorInput(counts={"late": 1, "early_leave": 0, "absent": 0, "other_points": 0}),
        "effective_work": IndicatorInput(value=D(48)),  # 2 points under 50 → 96 × 10 % = 9.6
        "talk_time": IndicatorInput(value=D(182)),  # 表9-26's example: 90 × 15 % = 13.5
        "acw_time": IndicatorInput(value=D(42)),  # 表9-26's example: 60 × 15 % = 9
        "knowledge_exam": IndicatorInput(value=D(78)),  # below 80 → 0
        "task_plan": IndicatorInput(value=D(97)),  # 3 % under 100 → 94 × 25 % = 23.5
        "call_followup": IndicatorInput(counts={"missed": 1}),  # 90 × 25 % = 22.5
        "complaints": IndicatorInput(counts={"complaints": 0}),  # 100 × 25 % = 25
        "call_records": IndicatorInput(counts={"invalid": 2}),  # 80 × 25 % = 20
    }
    return {**values, **changes}


@pytest.mark.parametrize(("seconds", "score"), [(182, 90), (178, 100), (186, 70), (38, 90)])
def test_talk_time_reproduces_the_worked_examples_of_table_9_26(library: Library, seconds: int, score: int) -> None:
    scheme = library.scheme("call_center_agent_monthly")
    result = score_sheet(scheme, SheetInputs("a", agent_month(talk_time=IndicatorInput(value=D(seconds)))))
    assert result.item("talk_time").score == D(score)


@pytest.mark.parametrize(("seconds", "score"), [(42, 60), (38, 74), (40, 70), (25, 100), (20, 100), (54, 0)])
def test_after_call_work_reproduces_the_worked_examples_of_table_9_26(library: Library, seconds: int, score: int) -> None:
    scheme = library.scheme("call_center_agent_monthly")
    result = score_sheet(scheme, SheetInputs("a", agent_month(acw_time=IndicatorInput(value=D(seconds)))))
    assert result.item("acw_time").score == D(score)


@pytest.mark.parametrize("item", ["qa_score", "knowledge_exam"])
@pytest.mark.parametrize(("value", "score"), [(79, 0), (80, 80), (93, 93)])
def test_qa_and_knowledge_carry_the_same_wording_and_score_alike(library: Library, item: str, value: int,
                                                                  score: int) -> None:
    scheme = library.scheme("call_center_agent_monthly")
    result = score_sheet(scheme, SheetInputs("a", agent_month(**{item: IndicatorInput(value=D(value), sample_size=9)})))
    assert result.item(item).score == D(score)
    kinds = {i.id: i.rule.type for c in scheme.categories for i in c.indicators}
    assert kinds["qa_score"] == kinds["knowledge_exam"]


def test_the_agent_month_scores_as_computed_by_hand(library: Library) -> None:
    scheme = library.scheme("call_center_agent_monthly")
    result = score_sheet(scheme, SheetInputs("agent-1", agent_month()))
    # calls: 34 + 8 + 9.6 + 13.5 + 9 + 0 = 74.1 → × 80 % = 59.28
    # work items: 23.5 + 22.5 + 25 + 20 = 91 → × 20 % = 18.2
    assert result.total == D("77.48")
    assert result.grade == "B"
    assert result.complete and not result.issues


def test_the_weights_follow_table_9_26_and_say_why_they_changed(library: Library) -> None:
    scheme = library.scheme("call_center_agent_monthly")
    calls, work = scheme.categories
    assert [(i.id, int(i.weight)) for i in calls.indicators] == [
        ("qa_score", 40), ("supervisor_appraisal", 10), ("effective_work", 10), ("talk_time", 15),
        ("acw_time", 15), ("knowledge_exam", 10)]
    assert (int(calls.weight), int(work.weight)) == (80, 20)
    assert "95%" in scheme.notes and "10 → 15" in scheme.notes
    # 001's four work items for the position (表13-24), in their own per-unit forms
    assert [(i.id, i.rule.type) for i in work.indicators] == [
        ("task_plan", "linear"), ("call_followup", "per_occurrence"), ("complaints", "per_occurrence"),
        ("call_records", "per_occurrence")]
    assert all(i.source_text for i in work.indicators)


def test_customer_data_loss_is_an_item_level_veto_as_001_writes_it(library: Library) -> None:
    """表13-17: 每发现一次客户资料丢失事件，本项不得分 — the item scores 0, the sheet still counts."""
    scheme = library.scheme("customer_information_supervisor_quarterly")
    veto = next(i for c in scheme.categories for i in c.indicators if i.id == "data_loss_veto")
    assert (veto.rule.type, veto.rule.effect, int(veto.weight)) == ("veto", "item_zero", 15)
    from kaohe.scoring.items import score_item

    clear = score_item(scheme, veto, IndicatorInput(counts={"incident": 0}), Decimal(100))
    lost = score_item(scheme, veto, IndicatorInput(counts={"incident": 1}), Decimal(100))
    assert (clear.score, lost.score) == (Decimal(100), Decimal(0))
    assert lost.veto != "sheet_zero"
