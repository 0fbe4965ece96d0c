"""Appeals: within the window, with evidence; upheld, or adjusted as a new score version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Appeal, KpiValue, ScoreVersion, SheetState
from kaohe.web.errors import Forbidden, IllegalTransition, InvalidInput
from tests.web.conftest import EXPECTED_TOTAL, fresh, walk_to


@pytest.fixture
def appealed(org, sheet):
    sheet = walk_to(org, sheet, "acknowledged")
    kv = KpiValue.objects.get(employee=org.agent_emp, kpi="csat_top2")
    appeal = svc.file_appeal(sheet, org.agent, "满意度调查样本包含转接来电",
                             [{"kind": "kpi", "kpi_value_id": kv.pk, "note": "第 3 周数据"},
                              {"kind": "text", "note": "系统故障两天"}])
    return fresh(sheet), appeal


def test_an_appeal_links_evidence_to_the_kpi_records(org, appealed):
    sheet, appeal = appealed
    assert sheet.state == SheetState.APPEALED
    assert appeal.evidence[0]["kpi"] == "csat_top2"
    assert appeal.score_before == sheet.current_score
    prov = svc.kpi_provenance(KpiValue.objects.get(pk=appeal.evidence[0]["kpi_value_id"]))
    assert prov["computation"] == 1 and prov["source"] == "manual"


def test_an_adjusted_appeal_adds_a_version_and_keeps_the_old_one(org, appealed):
    sheet, appeal = appealed
    old = sheet.current_score
    svc.assign_re_reviewer(appeal, org.hr, org.other_supervisor)
    appeal = svc.resolve_appeal(fresh_appeal(appeal), org.other_supervisor, decision="剔除转接来电后重算",
                                adjusted_total=Decimal("88.5"))
    sheet = fresh(sheet)
    assert sheet.state == SheetState.CLOSED
    assert appeal.outcome == Appeal.Outcome.ADJUSTED
    new = sheet.current_score
    assert (new.kind, new.total, new.grade, new.reason) == (ScoreVersion.Kind.APPEAL, Decimal("88.5"), "B",
                                                          "剔除转接来电后重算")
    assert new.number > old.number
    old.refresh_from_db()
    assert old.total == EXPECTED_TOTAL  # the old version is kept as it was
    assert appeal.score_before == old and appeal.score_after == new


def test_an_upheld_appeal_keeps_the_score(org, appealed):
    sheet, appeal = appealed
    before = sheet.current_score
    appeal = svc.resolve_appeal(appeal, org.hr, decision="数据核实无误")
    assert appeal.outcome == Appeal.Outcome.UPHELD
    assert fresh(sheet).current_score == before and fresh(sheet).state == SheetState.CLOSED


def test_the_re_reviewer_is_neither_the_employee_nor_their_supervisor(org, appealed):
    _, appeal = appealed
    with pytest.raises(InvalidInput):
        svc.assign_re_reviewer(appeal, org.hr, org.supervisor)
    with pytest.raises(Forbidden):
        svc.assign_re_reviewer(appeal, org.supervisor, org.other_supervisor)


def test_only_the_assigned_re_reviewer_or_hr_resolves(org, appealed):
    _, appeal = appealed
    with pytest.raises(Forbidden):
        svc.resolve_appeal(appeal, org.other_supervisor, decision="x")  # not assigned yet
    with pytest.raises(Forbidden):
        svc.resolve_appeal(appeal, org.agent, decision="x", adjusted_total=Decimal(100))


def test_an_appeal_after_the_window_is_refused(org, sheet):
    sheet = walk_to(org, sheet, "acknowledged")
    type(sheet).objects.filter(pk=sheet.pk).update(appeal_deadline=dt.date(2020, 1, 1))
    with pytest.raises(IllegalTransition) as err:
        svc.file_appeal(fresh(sheet), org.agent, "太晚了")
    assert "2020-01-01" in err.value.message_en


def test_an_appeal_reports_every_bad_field(org, sheet):
    sheet = walk_to(org, sheet, "acknowledged")
    other_kv = KpiValue.objects.create(computation=KpiValue.objects.first().computation,
                                       employee=org.other_agent_emp, kpi="csat_top2", value=Decimal(50))
    with pytest.raises(InvalidInput) as err:
        svc.file_appeal(sheet, org.agent, " ", [{"kind": "kpi", "kpi_value_id": other_kv.pk}, {"kind": "photo"}])
    assert [p.field for p in err.value.report.problems] == ["reason", "evidence[1].kpi_value_id", "evidence[2]"]
    assert fresh(sheet).state == SheetState.ACKNOWLEDGED


def test_the_appeal_window_counts_working_days(org, sheet):
    from kaohe.web.appraisal.services.calendar import add_working_days
    from kaohe.web.org.models import WorkdayOverride

    # 2026-10-01..07 is the National Day holiday; 2026-10-10 (Saturday) is a make-up workday
    assert add_working_days(org.company, dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert add_working_days(org.company, dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)
    WorkdayOverride.objects.create(company=org.company, date=dt.date(2026, 10, 12), is_workday=False)
    assert add_working_days(org.company, dt.date(2026, 10, 10), 1) == dt.date(2026, 10, 13)


def fresh_appeal(appeal):
    appeal.refresh_from_db()
    return appeal


def test_hr_imports_a_years_schedule_and_the_window_uses_it(org):
    from kaohe.web.appraisal.services.calendar import UnknownCalendar, add_working_days, is_working_day
    from kaohe.web.org.services import import_workdays

    with pytest.raises(UnknownCalendar) as err:  # 2027 is not published yet: say so, never guess
        add_working_days(org.company, dt.date(2026, 12, 31), 1)
    assert "2027" in err.value.message_zh
    with pytest.raises(InvalidInput) as bad:
        import_workdays(org.company, org.hr, [{"date": "2027-01-01", "kind": "holiday"},
                                              {"date": "2027-13-01", "kind": "holiday"},
                                              {"date": "2027-01-04", "kind": "maybe"}])
    assert [(p.row, p.field) for p in bad.value.report.problems] == [(2, "date"), (3, "kind")]
    assert import_workdays(org.company, org.hr, [{"date": "2027-01-01", "kind": "holiday", "note": "元旦"},
                                                 {"date": "2027-01-04", "kind": "workday"}]) == 2
    # 1 January is now known to be off, 4 January known to be a workday; 2–3 January are still unknown
    assert not is_working_day(org.company, dt.date(2027, 1, 1))
    assert is_working_day(org.company, dt.date(2027, 1, 4))
    with pytest.raises(UnknownCalendar):
        add_working_days(org.company, dt.date(2026, 12, 31), 1)
