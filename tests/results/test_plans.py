from datetime import date

import pytest

from kaohe.results.plans import (
    PlanItem,
    close_plan,
    open_plan,
    overdue_items,
    plan_state,
    plans_needed,
    update_item,
)
from kaohe.results.policy import load_policy

POLICY = load_policy()
OPENED = date(2026, 11, 1)  # plan_days 60 → due 2026-12-31


def _plan():
    return open_plan("P1", "E3", "2026-10", "D", OPENED, "平均话后处理时间降到 40 秒以内", [
        PlanItem("i1", "参加话后处理培训", "E3", date(2026, 11, 15)),
        PlanItem("i2", "主管每周抽听 5 通电话并反馈", "S01", date(2026, 12, 20)),
    ], POLICY)


def test_c_and_d_grades_call_for_a_plan():
    assert plans_needed({"E1": "A", "E2": "C", "E3": "D", "E4": None}, POLICY) == ["E2", "E3"]


def test_a_plan_ends_sixty_days_after_it_opens_and_rejects_later_items():
    assert _plan().due == date(2026, 12, 31)
    with pytest.raises(ValueError, match="i9"):
        open_plan("P2", "E3", "2026-10", "D", OPENED, "g", [PlanItem("i9", "x", "E3", date(2027, 1, 5))], POLICY)


def test_unfinished_items_past_their_due_date_are_overdue():
    plan = _plan()
    assert plan_state(plan, date(2026, 11, 1), POLICY) == "on_track"
    assert plan_state(plan, date(2026, 11, 10), POLICY) == "due_soon"  # i1 due within 7 days
    late = overdue_items([plan], date(2026, 11, 20))
    assert [(o.item_id, o.owner, o.days_overdue) for o in late] == [("i1", "E3", 5)]
    assert plan_state(plan, date(2026, 11, 20), POLICY) == "overdue"
    done = update_item(plan, "i1", "done", date(2026, 11, 14))
    assert overdue_items([done], date(2026, 11, 20)) == []


def test_a_plan_closes_only_when_every_item_is_finished_and_records_the_outcome():
    plan = _plan()
    with pytest.raises(ValueError, match="i1"):
        close_plan(plan, date(2026, 12, 31), "B", POLICY)
    plan = update_item(update_item(plan, "i1", "done", date(2026, 11, 14)), "i2", "cancelled", date(2026, 12, 1))
    assert plan_state(plan, date(2026, 12, 2), POLICY) == "ready_to_close"
    closed = close_plan(plan, date(2026, 12, 31), "B", POLICY)
    assert (closed.outcome, closed.next_grade, plan_state(closed, date(2027, 1, 1), POLICY)) == ("improved", "B", "closed")
    assert close_plan(plan, date(2026, 12, 31), "D", POLICY).outcome == "not_improved"
    with pytest.raises(ValueError, match="closed"):
        update_item(closed, "i1", "open", date(2027, 1, 2))
