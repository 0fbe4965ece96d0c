"""K026: a stated standard that disagrees with its gate or tiers at the boundary; K027: 003's classes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kaohe.scheme.checker import check_scheme
from kaohe.scheme.models import Scheme


def scheme(standard: str, rule: dict[str, Any], target: Any = None, cls: str | None = None) -> Scheme:
    indicator: dict[str, Any] = {
        "id": "sales", "name": {"zh": "销售额"}, "weight": 100, "direction": "higher", "unit": "%",
        "source": {"kind": "kpi", "kpi": "sales"}, "standard": standard, "rule": rule,
        "explanation": {"definition": "d", "formula": "f", "data_source": "s", "frequency": "m"},
    }
    if target is not None:
        indicator["target"] = target
    if cls:
        indicator["indicator_class"] = cls
    return Scheme.model_validate({
        "id": "s", "name": {"zh": "s"}, "position": "p", "level": "manager", "period": "quarterly",
        "categories": [{"id": "c", "name": {"zh": "c"}, "weight": 100, "indicators": [indicator]}]})


def k026(s: Scheme) -> list[str]:
    return [p.message_zh for p in check_scheme(s, kpi_ids=frozenset({"sales"})) if p.rule_id == "K026"]


OPEN_AT_100 = {"type": "tiers", "tiers": [{"min": 100, "min_inclusive": False, "score": 5}, {"max": 100, "score": 0}]}
CLOSED_AT_100 = {"type": "tiers", "tiers": [{"min": 100, "score": 5}, {"max": 100, "score": 0}]}


def test_equal_to_last_year_is_named_when_no_tier_covers_it() -> None:
    [message] = k026(scheme("销售收入不低于去年同期", OPEN_AT_100, target=100))
    assert "去年同期" in message and "100" in message and "没有任何一档" in message


def test_tiers_that_agree_with_the_standard_pass() -> None:
    assert k026(scheme("销售收入不低于去年同期", CLOSED_AT_100, target=100)) == []


@pytest.mark.parametrize(("standard", "op", "ok"), [
    ("完成率达到 90%", ">=", True), ("完成率达到 90%", ">", False),
    ("错漏率不超过 3%", "<=", True), ("错漏率不超过 3%", "<", False),
    ("完成率高于 90%", ">", True), ("完成率高于 90%", ">=", False),
])
def test_a_gate_must_score_the_boundary_as_the_standard_says(standard: str, op: str, ok: bool) -> None:
    gate = {"type": "gate", "threshold": Decimal(90 if "90" in standard else 3), "op": op, "pass_score": 100}
    assert (k026(scheme(standard, gate)) == []) is ok


def test_standards_with_several_comparisons_or_a_range_are_left_alone() -> None:
    assert k026(scheme("≥90 分得满分；≥85 分得 80 分", CLOSED_AT_100)) == []
    assert k026(scheme("40–180 秒得满分，低于 40 秒扣分", CLOSED_AT_100)) == []


def test_a_classified_scheme_missing_a_class_is_warned_and_an_unclassified_one_is_not() -> None:
    classified = check_scheme(scheme("x", CLOSED_AT_100, cls="basic_work"), kpi_ids=frozenset({"sales"}))
    missing = [p for p in classified if p.rule_id == "K027"]
    assert len(missing) == 3 and all(p.level == "warning" for p in missing)
    assert any("客户满意度" in p.message_zh for p in missing)
    plain = check_scheme(scheme("x", CLOSED_AT_100), kpi_ids=frozenset({"sales"}))
    assert not [p for p in plain if p.rule_id == "K027"]
