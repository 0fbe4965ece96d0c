"""The sheet workflow: every legal step by its persona, and a set of illegal ones refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import ScoreVersion, SheetState
from kaohe.web.appraisal.workflow import TRANSITIONS
from kaohe.web.errors import Forbidden, IllegalTransition, InvalidInput, ReadOnly
from tests.web.conftest import EXPECTED_TOTAL, fresh, walk_to


def test_it_walks_a_sheet_from_draft_to_acknowledged(org, sheet):
    sheet = walk_to(org, sheet, "acknowledged")
    assert sheet.state == SheetState.ACKNOWLEDGED
    assert sheet.letter.acknowledged_at is not None
    assert sheet.interview.employee_confirmed_at is not None
    assert sheet.appeal_deadline is not None and sheet.appeal_deadline > sheet.acknowledged_at.date()


def test_it_scores_the_sheet_as_computed_by_hand(org, sheet):
    sheet = walk_to(org, sheet, "calibration")
    score = sheet.current_score
    assert score.total == EXPECTED_TOTAL
    assert score.grade == "A"
    assert score.kind == ScoreVersion.Kind.COMPUTED
    items = {i["indicator_id"]: i for i in score.result["items"]}
    assert items["csat"]["trace"]["summary_zh"]  # every point has its explanation


def test_it_records_the_time_the_employee_acknowledged_the_targets(org, sheet):
    sheet = walk_to(org, sheet, "targets_set")
    assert sheet.letter.acknowledged_at is None
    assert sheet.letter.content["targets"][0]["indicator"] == "csat"
    sheet = svc.acknowledge_targets(sheet, org.agent)
    sheet.letter.refresh_from_db()
    assert sheet.letter.acknowledged_by == org.agent
    assert sheet.letter.acknowledged_at is not None


def test_reviewer_can_return_a_sheet_with_a_reason_and_it_is_kept(org, sheet):
    sheet = walk_to(org, sheet, "reviewer_approval")
    sheet = svc.return_to_supervisor(sheet, org.reviewer, "团队合作评分缺少依据")
    assert sheet.state == SheetState.SUPERVISOR_REVIEW
    assert sheet.returned_reason == "团队合作评分缺少依据"
    sheet = svc.submit_supervisor_review(sheet, org.supervisor)
    assert sheet.state == SheetState.REVIEWER_APPROVAL
    assert sheet.returned_reason == ""


def test_it_refuses_a_return_without_a_reason(org, sheet):
    sheet = walk_to(org, sheet, "reviewer_approval")
    with pytest.raises(InvalidInput) as err:
        svc.return_to_supervisor(sheet, org.reviewer, "  ")
    assert err.value.report.problems[0].field == "reason"
    assert fresh(sheet).state == SheetState.REVIEWER_APPROVAL


@pytest.mark.parametrize("state,step,actor", [
    ("draft", "approve", "reviewer"),
    ("draft", "publish", "hr"),
    ("targets_set", "submit_self_review", "agent"),
    ("self_review", "approve", "reviewer"),
    ("supervisor_review", "publish", "hr"),
    ("calibration", "acknowledge_result", "agent"),
    ("published", "approve", "reviewer"),
])
def test_it_refuses_a_step_from_the_wrong_state(org, sheet, state, step, actor):
    sheet = walk_to(org, sheet, state)
    with pytest.raises((IllegalTransition, ReadOnly)) as err:
        svc.transition(sheet, step, getattr(org, actor))
    assert err.value.message_zh and err.value.message_en
    assert fresh(sheet).state == state


@pytest.mark.parametrize("state,step,actor", [
    ("draft", "set_targets", "agent"),
    ("targets_set", "acknowledge_targets", "supervisor"),
    ("supervisor_review", "submit_supervisor_review", "other_supervisor"),
    ("reviewer_approval", "approve", "supervisor"),
    ("calibration", "publish", "reviewer"),
    ("calibration", "publish", "qa"),
    ("calibration", "publish", "auditor"),
])
def test_it_refuses_a_step_by_the_wrong_person(org, sheet, state, step, actor):
    sheet = walk_to(org, sheet, state)
    with pytest.raises(Forbidden):
        svc.transition(sheet, step, getattr(org, actor))
    assert fresh(sheet).state == state


def test_an_unknown_step_is_refused(org, sheet):
    with pytest.raises(IllegalTransition):
        svc.transition(sheet, "skip_to_the_end", org.hr)


def test_every_transition_of_the_table_is_exercised_by_the_happy_path_or_a_test():
    exercised = {"set_targets", "acknowledge_targets", "start_self_review", "submit_self_review",
                 "submit_supervisor_review", "approve", "return_to_supervisor", "publish", "complete_interview",
                 "acknowledge_result", "appeal", "resolve_appeal", "close"}
    assert set(TRANSITIONS) == exercised


def test_a_published_sheet_is_read_only(org, sheet):
    sheet = walk_to(org, sheet, "published")
    with pytest.raises(ReadOnly):
        svc.submit_rating(sheet, org.supervisor, role="supervisor", indicator="teamwork", score=Decimal(100))
    with pytest.raises(ReadOnly):
        svc.calibrate(sheet, org.hr, reason="再调一次", grade="B")
    assert fresh(sheet).current_score.total == EXPECTED_TOTAL


def test_calibration_adds_a_version_with_its_reason(org, sheet):
    sheet = walk_to(org, sheet, "calibration")
    before = sheet.current_score
    version = svc.calibrate(sheet, org.hr, reason="强制分布：A 超出目标", grade="B")
    sheet = fresh(sheet)
    assert sheet.current_score == version
    assert (version.grade, version.total, version.reason) == ("B", EXPECTED_TOTAL, "强制分布：A 超出目标")
    history = svc.score_history(sheet)
    assert [v.number for v in history][-2:] == [before.number, version.number]
    assert history[-2].grade == "A"  # the calibrated-away version is kept


def test_calibration_needs_a_reason(org, sheet):
    sheet = walk_to(org, sheet, "calibration")
    with pytest.raises(InvalidInput):
        svc.calibrate(sheet, org.hr, reason="", grade="B")


def test_interview_needs_both_sides(org, sheet):
    sheet = walk_to(org, sheet, "published")
    with pytest.raises(IllegalTransition):
        svc.confirm_interview(sheet, org.agent)  # nothing recorded yet
    svc.record_interview(fresh(sheet), org.supervisor, held_on=dt.date(2026, 11, 10), strengths="a", gaps="b",
                         improvement_plan="c")
    assert fresh(sheet).state == SheetState.PUBLISHED
    assert svc.confirm_interview(fresh(sheet), org.agent).state == SheetState.INTERVIEWED


def test_interview_reports_every_empty_field(org, sheet):
    sheet = walk_to(org, sheet, "published")
    with pytest.raises(InvalidInput) as err:
        svc.record_interview(sheet, org.supervisor, held_on=dt.date(2026, 11, 10), strengths="", gaps=" ",
                             improvement_plan="")
    assert {p.field for p in err.value.report.problems} == {"strengths", "gaps", "improvement_plan"}


def test_hr_closes_only_after_the_appeal_window(org, sheet):
    sheet = walk_to(org, sheet, "acknowledged")
    with pytest.raises(IllegalTransition):
        svc.close_sheet(sheet, org.hr)
    type(sheet).objects.filter(pk=sheet.pk).update(appeal_deadline=dt.date(2020, 1, 1))
    assert svc.close_sheet(fresh(sheet), org.hr).state == SheetState.CLOSED
