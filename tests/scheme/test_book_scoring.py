"""The seed's worked examples, scored through the real book-sample files."""

from __future__ import annotations

from decimal import Decimal

import pytest

import kaohe.scoring as scoring
from kaohe.scheme import load_scheme
from kaohe.scheme.models import RaterRole

from .conftest import BOOK

AGENT = BOOK / "table_9_26_call_center_agent.yaml"
MANAGER = BOOK / "table_9_23_24_cs_manager.yaml"


def item_score(path, indicator_id: str, **given) -> Decimal | None:
    scheme = load_scheme(path)
    inputs = scoring.SheetInputs("e1", {indicator_id: scoring.IndicatorInput(**given)})
    return scoring.score_sheet(scheme, inputs).item(indicator_id).score


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [("182", "90"), ("178", "100"), ("180", "100"), ("40", "100"), ("38", "90"), ("186", "70")],
)
def test_average_talk_time_matches_the_seed_examples(seconds: str, expected: str) -> None:
    assert item_score(AGENT, "avg_talk_time", value=Decimal(seconds)) == Decimal(expected)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [("42", "60"), ("38", "74"), ("40", "70"), ("25", "100"), ("20", "100"), ("60", "0")],
)
def test_after_call_work_matches_the_seed_examples(seconds: str, expected: str) -> None:
    assert item_score(AGENT, "avg_acw_time", value=Decimal(seconds)) == Decimal(expected)


def test_qa_keeps_its_score_from_80_like_the_knowledge_test_and_attendance_deductions() -> None:
    assert item_score(AGENT, "qa_score", value=Decimal("80")) == 80
    assert item_score(AGENT, "qa_score", value=Decimal("91")) == 91
    assert item_score(AGENT, "qa_score", value=Decimal("79.9")) == 0
    counts = {"late": 1, "early_leave": 0, "absent": 1, "other_points": 5}
    assert item_score(AGENT, "supervisor_appraisal", counts=counts) == Decimal(100 - 20 - 50 - 5)


def test_effective_work_rate_loses_two_points_per_percent_below_50() -> None:
    assert item_score(AGENT, "effective_work_rate", value=Decimal("47")) == 94
    assert item_score(AGENT, "effective_work_rate", value=Decimal("63")) == 100


def test_product_knowledge_keeps_its_score_from_80() -> None:
    assert item_score(AGENT, "product_knowledge", value=Decimal("86")) == 86
    assert item_score(AGENT, "product_knowledge", value=Decimal("79")) == 0


def test_a_manager_sheet_adds_up_by_hand() -> None:
    scheme = load_scheme(MANAGER)
    ii = scoring.IndicatorInput
    supervisor = RaterRole.SUPERVISOR
    inputs = scoring.SheetInputs(
        "m1",
        {
            "customer_callback": ii(value=Decimal(95)),  # 3
            "complaint_handling": ii(
                counts={"response_missed": 0, "resolution_time_missed": 2, "resolution_rate_missed": 0}
            ),  # 30 − 10 = 20
            "customer_satisfaction": ii(value=Decimal(88)),  # 10
            "service_training": ii(value=Decimal(12)),  # 5
            "service_process_system": ii(value=Decimal(92)),  # 20
            "customer_information": ii(ratings={supervisor: Decimal("1.5")}),  # 5
            "sales_revenue": ii(value=Decimal(103)),  # 5 (above last year)
            "customer_churn": ii(value=Decimal(0)),  # 5
            "initiative": ii(ratings={supervisor: Decimal(4)}),  # 20
            "customer_focus": ii(ratings={supervisor: Decimal(3)}),  # 15
            "attentive_service": ii(ratings={supervisor: Decimal(5)}),  # 25
            "responsibility": ii(ratings={supervisor: Decimal(4)}),  # 20
        },
    )
    result = scoring.score_sheet(scheme, inputs)
    assert [c.score for c in result.categories] == [Decimal(73), Decimal(80)]
    # as printed, the categories weigh 85 % and 25 %: 73 × 0.85 + 80 × 0.25
    assert result.total == Decimal("82.05")


def test_sales_equal_to_last_year_is_not_silently_scored() -> None:
    # the standard says 不低于去年同期, the rule text only 超过 / 低于: 100 falls in neither
    assert item_score(MANAGER, "sales_revenue", value=Decimal(100)) is None
    assert item_score(MANAGER, "sales_revenue", value=Decimal("100.5")) == 5
    assert item_score(MANAGER, "sales_revenue", value=Decimal("99.5")) == 0


def test_the_uncovered_band_is_not_silently_scored() -> None:
    assert item_score(MANAGER, "service_process_system", value=Decimal(82)) is None
