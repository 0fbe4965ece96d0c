"""Cycle journeys at the service level: the guided opening, guards on bulk steps, overdue steps,
appeals without acknowledging first and with files, calibration of its own pre-filled value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import AppealFile, Cycle, SheetState
from kaohe.web.errors import IllegalTransition, InvalidInput
from tests.web.conftest import AGENT_POSITION, agent_scheme, fresh, walk_to

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_period_bounds_and_next_label_by_hand():
    assert svc.period_bounds("monthly", "2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert svc.period_bounds("monthly", "2028-02") == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert svc.period_bounds("quarterly", "2026-Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert svc.period_bounds("annual", "2027") == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert svc.period_bounds("monthly", "2026-Q4") is None
    assert svc.next_label("monthly", dt.date(2026, 12, 3)) == "2027-01"
    assert svc.next_label("quarterly", dt.date(2026, 11, 3)) == "2027-Q1"


def test_positions_without_a_scheme_are_listed_and_left_out_only_when_hr_says_so(org):
    schemes = {(AGENT_POSITION, "specialist"): agent_scheme()}
    plan = svc.plan_cycle(org.company, org.hr, period="monthly", label="2026-11", start=dt.date(2026, 11, 1),
                          end=dt.date(2026, 11, 30), schemes=schemes)
    # 5 agents get a sheet; director, manager and two supervisors have no scheme in this small library
    assert len(plan.included) == 5
    assert {m.position_code for m in plan.missing} == {"customer_service_director", "call_center_manager",
                                                      "call_center_supervisor"}
    assert plan.left_out == 4 and plan.report.ok
    with pytest.raises(InvalidInput):
        svc.open_cycle(org.company, org.hr, period="monthly", label="2026-11", start=dt.date(2026, 11, 1),
                       end=dt.date(2026, 11, 30), schemes=schemes, deadlines={})
    deadlines = svc.default_deadlines(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-11", start=dt.date(2026, 11, 1),
                           end=dt.date(2026, 11, 30), schemes=schemes, leave_out_unschemed=True,
                           deadlines=deadlines, departments=[org.inbound])
    assert cycle.sheets.count() == 5
    assert cycle.deadlines["supervisor_review"] == "2026-12-06"
    assert cycle.deadlines["acknowledge_targets"] == "2026-11-06"


def test_scope_by_employees_narrows_the_plan(org):
    plan = svc.plan_cycle(org.company, org.hr, period="monthly", label="2026-11", start=dt.date(2026, 11, 1),
                          end=dt.date(2026, 11, 30), employees=[org.agent_emp, org.peer1_emp],
                          schemes={(AGENT_POSITION, "specialist"): agent_scheme()})
    assert sorted(e.code for e, _s in plan.included) == ["A001", "A002"]


def test_publishing_is_refused_for_an_incomplete_sheet_until_hr_excludes_it(org, cycle, sheet):
    sheet = walk_to(org, sheet, "calibration")
    other = cycle.sheets.get(employee=org.other_agent_emp)
    # the other agent's sheet is calibrated without data: walk it, then drop its score's completeness
    other = walk_to(org, other, "calibration")
    type(other.current_score).objects.filter(pk=other.current_score_id).update(complete=False)
    plan = svc.bulk_plan(cycle, org.hr, "publish")
    assert [s.pk for s, _zh, _en in plan.blocking] == [other.pk]
    assert not plan.ok
    with pytest.raises(IllegalTransition):
        svc.publish(fresh(other), org.hr)
    svc.exclude_sheet(fresh(other), org.hr, "数据缺失，下月补评")
    plan = svc.bulk_plan(cycle, org.hr, "publish")
    assert plan.ok and [s.pk for s in plan.ready] == [sheet.pk]
    assert any("数据缺失" in zh for _s, zh, _en in plan.skipped)
    with pytest.raises(InvalidInput):
        svc.exclude_sheet(fresh(other), org.hr, " ")


def test_an_agent_appeals_after_publication_without_acknowledging_and_attaches_files(org, sheet):
    sheet = walk_to(org, sheet, "published")
    assert sheet.appeal_deadline is not None  # the window opens at publication
    bad = SimpleUploadedFile("notes.exe", b"MZ\0\0", content_type="application/octet-stream")
    fake_pdf = SimpleUploadedFile("evidence.pdf", b"not really a pdf", content_type="application/pdf")
    with pytest.raises(InvalidInput) as refused:
        svc.file_appeal(sheet, org.agent, "质检评分有误", files=[bad, fake_pdf])
    assert len(refused.value.report.problems) == 2 and fresh(sheet).state == SheetState.PUBLISHED
    shot = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    appeal = svc.file_appeal(fresh(sheet), org.agent, "质检评分有误", files=[shot])
    assert fresh(sheet).state == SheetState.APPEALED
    f = AppealFile.objects.get(appeal=appeal)
    import hashlib

    assert f.sha256 == hashlib.sha256(PNG).hexdigest() and f.size == len(PNG) and f.content_type == "image/png"


def test_overdue_covers_every_pending_step_with_owner_and_days_late(org, cycle, sheet, time_machine):
    Cycle.objects.filter(pk=cycle.pk).update(deadlines={"acknowledge_targets": "2026-10-05",
                                                        "self_review": "2026-11-03"})
    svc.set_targets(sheet, org.supervisor)  # A001 owes the acknowledgement; the others are still drafts
    time_machine.move_to(dt.datetime(2026, 10, 8, 9, tzinfo=dt.UTC))
    items = svc.overdue_steps(org.hr, cycle=fresh(sheet).cycle)
    mine = next(i for i in items if i.sheet.pk == sheet.pk)
    assert (mine.step_en, mine.owner, mine.deadline, mine.days_late) == (
        "Acknowledge the targets", "agent", dt.date(2026, 10, 5), 3)
    drafts = [i for i in items if i.sheet.pk != sheet.pk]
    assert drafts and all(i.step_en == "Issue the targets" for i in drafts)
    assert {i.owner for i in drafts} == {"supervisor", "other_supervisor"}


def test_a_level_answer_outside_the_levels_is_refused(org, sheet):
    from kaohe.web.appraisal.services.ratings import ManualItem

    item = ManualItem("x", "x", "x", ["supervisor"], Decimal(1), Decimal(5), [],
                      ((1, "差", "poor", Decimal(20)), (3, "中", "fair", Decimal(60)), (5, "优", "good", Decimal(100))))
    assert item.step == Decimal(1)
    assert ManualItem("y", "y", "y", ["qa"], Decimal(0), Decimal(100), []).step == Decimal("0.01")


def test_trends_follow_only_consecutive_cycles_of_the_same_period(org):
    from kaohe.web.reports.data import previous_label, trend_cycles

    assert previous_label("monthly", "2026-01") == "2025-12"
    assert previous_label("quarterly", "2026-Q1") == "2025-Q4"
    assert previous_label("annual", "2026") == "2025"

    def cycle(label: str, start: dt.date, period: str = "monthly") -> Cycle:
        return Cycle.objects.create(company=org.company, name=label, period=period, label=label, start=start,
                                    end=start + dt.timedelta(days=27))

    cycle("2025-11", dt.date(2025, 11, 1))  # eight months before: not part of the run
    feb, mar = cycle("2026-02", dt.date(2026, 2, 1)), cycle("2026-03", dt.date(2026, 3, 1))
    cycle("2026-Q1", dt.date(2026, 1, 1), "quarterly")
    assert [c.label for c in trend_cycles(mar)] == ["2026-02", "2026-03"]
    assert [c.label for c in trend_cycles(feb)] == ["2026-02"]


def test_people_without_a_team_are_not_ranked_as_a_team():
    from kaohe.results.reports import ResultEntry
    from kaohe.web.reports.data import real_teams

    entries = [ResultEntry("A1", "甲", "一组", "呼入部", "座席员", "2026-03", Decimal(90), "A", ""),
               ResultEntry("D1", "乙", "—", "客服中心", "总监", "2026-03", Decimal(99), "A", "")]
    assert [e.employee_id for e in real_teams(entries)] == ["A1"]
