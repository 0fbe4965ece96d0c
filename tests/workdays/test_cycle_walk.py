"""The whole cycle — open → targets → ratings → publish → interview → acknowledge → appeal →
close — on dates around the end of the statutory calendar package (2026) and beyond, with no
holiday schedule loaded for 2027 or 2028: nothing blocks, and the appeal deadline is final or
provisional as hand-counted below."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Appeal, SheetState
from kaohe.web.errors import IllegalTransition
from kaohe.web.workdays.models import ProvisionalDeadline
from tests.web.conftest import AGENT_POSITION, agent_scheme, fresh, walk_to
from tests.workdays.conftest import at

# day of acknowledging → (appeal deadline 5 working days later, years counted Monday–Friday)
WALKS = {
    "2026-03-15": ("2026-03-20", []),      # Sunday; 16–20 March by the package
    "2026-12-24": ("2026-12-31", []),      # Thu; 25, 28, 29, 30, 31 December — all in 2026
    "2026-12-28": ("2027-01-04", [2027]),  # Mon; 29–31 Dec, Fri 1 Jan (guessed), Mon 4 Jan
    "2027-01-04": ("2027-01-11", [2027]),  # Mon; 5–8 and 11 January
    "2027-06-15": ("2027-06-22", [2027]),  # Tue; 16–18, 21, 22 June
    "2028-02-29": ("2028-03-07", [2028]),  # leap day, Tue; 1–3, 6, 7 March
}


def _month_before(day: dt.date) -> tuple[str, dt.date, dt.date]:
    end = day.replace(day=1) - dt.timedelta(days=1)
    return f"{end:%Y-%m}", end.replace(day=1), end


@pytest.mark.parametrize("day", list(WALKS))
def test_the_whole_cycle_walks_on(day, org, time_machine):
    today = dt.date.fromisoformat(day)
    expected, years = dt.date.fromisoformat(WALKS[day][0]), WALKS[day][1]
    time_machine.move_to(at(day, 9), tick=False)

    # open: the month before
    label, start, end = _month_before(today)
    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label=label, start=start, end=end,
                           positions=[org.agent_position],
                           rating_deadline=at(day, 18),
                           schemes={(AGENT_POSITION, "specialist"): agent_scheme()})
    agent = cycle.sheets.get(employee=org.agent_emp)
    peer = cycle.sheets.get(employee=org.employees["peer1"])

    for sheet, who in ((agent, org.agent), (peer, org.peer1)):
        # targets, ratings (self, supervisor, reviewer, QA, 360), approval, calibration, publication
        sheet = walk_to(org, sheet, "published")
        assert sheet.state == SheetState.PUBLISHED and sheet.current_score.total == Decimal("92.9")
        # the feedback interview, held today
        svc.record_interview(sheet, sheet.employee.manager.user, held_on=today, strengths="沟通清楚",
                             gaps="话后处理偏长", improvement_plan="每周复盘三通录音")
        sheet = svc.confirm_interview(fresh(sheet), who)
        # acknowledge: the appeal window of five working days starts
        sheet = svc.acknowledge_result(fresh(sheet), who)
        assert sheet.state == SheetState.ACKNOWLEDGED
        assert sheet.appeal_deadline == expected
        marks = list(ProvisionalDeadline.objects.filter(sheet=sheet, resolved_at__isnull=True))
        assert [m.years for m in marks] == ([years] if years else [])

    # the agent appeals on the last day of the window; HR has it re-reviewed; the result is upheld
    time_machine.move_to(at(WALKS[day][0], 17), tick=False)
    appeal = svc.file_appeal(fresh(agent), org.agent, "满意度样本包含转接来电",
                             [{"kind": "text", "note": "系统故障两天"}])
    svc.assign_re_reviewer(appeal, org.hr, org.other_supervisor)
    appeal.refresh_from_db()
    appeal = svc.resolve_appeal(appeal, org.other_supervisor, decision="数据核实无误")
    assert appeal.outcome == Appeal.Outcome.UPHELD and fresh(agent).state == SheetState.CLOSED

    # the peer did not appeal: HR cannot close during the window, and closes the day after it
    with pytest.raises(IllegalTransition):
        svc.close_sheet(fresh(peer), org.hr)
    time_machine.move_to(at((expected + dt.timedelta(days=1)).isoformat(), 9), tick=False)
    assert svc.close_sheet(fresh(peer), org.hr).state == SheetState.CLOSED
