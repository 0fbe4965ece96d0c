"""A library scheme scores through the engine as a call-center supervisor would compute by hand."""

from __future__ import annotations

from decimal import Decimal

from kaohe.library import Library
from kaohe.scheme.models import RaterRole
from kaohe.scoring import IndicatorInput, SheetInputs, score_sheet


def agent_month(critical_fails: int = 0) -> dict[str, IndicatorInput]:
    return {
        "qa_score": IndicatorInput(value=Decimal(85), sample_size=12),  # gate ≥80 → 100 × 30%
        "talk_time": IndicatorInput(value=Decimal(190)),  # 2 steps of 5 s above 180 → 80 × 15%
        "acw_time": IndicatorInput(value=Decimal(35)),  # 5 s better than 40 → 80 + 10 → 90 × 10%
        "effective_work": IndicatorInput(value=Decimal(48)),  # 2 points under 50 → 96 × 10%
        "csat": IndicatorInput(value=Decimal(87), sample_size=40),  # tier 85–90 → 80 × 15%
        "fcr": IndicatorInput(value=Decimal(82)),  # ≥80 → 100 × 10%
        "knowledge_exam": IndicatorInput(value=Decimal(78)),  # gate missed → 0
        "critical_fail_veto": IndicatorInput(counts={"critical": critical_fails}),
        "attendance": IndicatorInput(counts={"late": 1, "early_leave": 0, "absent": 0}),  # 80 × 60%
        "teamwork": IndicatorInput(ratings={RaterRole.SUPERVISOR: Decimal(4)}),  # level 4 → 80 × 40%
    }


def test_the_agent_month_scores_as_computed_by_hand(library: Library) -> None:
    scheme = library.scheme("call_center_agent_monthly")
    result = score_sheet(scheme, SheetInputs("agent-1", agent_month()))
    # results: 30 + 12 + 9 + 9.6 + 12 + 10 + 0 = 82.6 → × 80% = 66.08
    # conduct: 48 + 32 = 80 → × 20% = 16
    assert result.total == Decimal("82.08")
    assert result.grade == "A"
    assert result.complete and not result.issues


def test_a_critical_service_error_caps_the_agent_at_grade_c(library: Library) -> None:
    scheme = library.scheme("call_center_agent_monthly")
    result = score_sheet(scheme, SheetInputs("agent-1", agent_month(critical_fails=1)))
    assert result.total == Decimal("82.08")
    assert result.grade == "C"
    assert result.vetoes == ["critical_fail_veto"]
