"""Opening cycles: frozen scheme snapshots, all missing schemes reported, the grade distribution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaohe.web.appraisal import library_bridge
from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import SchemeSnapshot
from kaohe.web.errors import Forbidden, InvalidInput
from tests.web.conftest import AGENT_POSITION, agent_position_model, agent_scheme, agent_scheme_dict, walk_to


def _open(org, label, **kw):
    return svc.open_cycle(org.company, org.hr, period="monthly", label=label, start=dt.date(2026, 11, 1),
                          end=dt.date(2026, 11, 30), positions=[org.agent_position], **kw)


def test_opening_gives_each_employee_a_sheet_on_the_library_scheme(org):
    cycle = _open(org, "2026-11")
    assert sorted(cycle.sheets.values_list("employee__code", flat=True)) == ["A001", "A002", "A003", "A004", "B001"]
    assert {s.scheme.scheme_id for s in cycle.sheets.all()} == {"test_agent_monthly"}
    assert all(s.state == "draft" and s.version == 1 for s in cycle.sheets.all())


def test_a_later_library_edit_does_not_change_an_open_cycle(org, cycle):
    edited = agent_scheme_dict()
    edited["categories"][0]["weight"] = "50"
    edited["categories"][1]["weight"] = "30"
    from kaohe.scheme.models import Scheme

    with library_bridge.override(positions=[agent_position_model()], schemes=[Scheme.model_validate(edited)]):
        later = _open(org, "2026-11")
    old_sheet = cycle.sheets.first()
    new_sheet = later.sheets.first()
    assert old_sheet.scheme.version == 1 and new_sheet.scheme.version == 2
    assert old_sheet.scheme.content["categories"][0]["weight"] == "60"
    assert new_sheet.scheme.content["categories"][0]["weight"] == "50"
    assert SchemeSnapshot.objects.filter(scheme_id="test_agent_monthly").count() == 2


def test_the_same_scheme_content_is_snapshotted_once(org, cycle):
    assert svc.snapshot_scheme(agent_scheme()) == cycle.sheets.first().scheme


def test_it_reports_every_employee_without_a_scheme_and_opens_nothing(org):
    with library_bridge.override(positions=[], schemes=[]), pytest.raises(InvalidInput) as err:
        _open(org, "2026-11")
    assert len([p for p in err.value.report.problems if p.field == "scheme"]) == 5
    assert not org.company.cycles.filter(label="2026-11").exists()


def test_it_reports_all_bad_cycle_fields_at_once(org, cycle):
    with pytest.raises(InvalidInput) as err:
        svc.open_cycle(org.company, org.hr, period="weekly", label="2026-10", start=dt.date(2026, 10, 31),
                       end=dt.date(2026, 10, 1))
    assert {p.field for p in err.value.report.problems} >= {"period", "end", "label"}
    with pytest.raises(InvalidInput) as err:
        svc.open_cycle(org.company, org.hr, period="quarterly", label="2026-11", start=dt.date(2026, 10, 1),
                       end=dt.date(2026, 12, 31))
    assert [p.field for p in err.value.report.problems if p.field == "label"] == ["label"]


def test_only_company_hr_opens_a_cycle(org):
    with pytest.raises(Forbidden):
        svc.open_cycle(org.company, org.director, period="monthly", label="2026-12", start=dt.date(2026, 12, 1),
                       end=dt.date(2026, 12, 31), schemes={(AGENT_POSITION, "specialist"): agent_scheme()})


def test_the_grade_distribution_counts_current_grades_against_the_target(org, cycle):
    a = walk_to(org, cycle.sheets.get(employee=org.agent_emp), "calibration")
    b = walk_to(org, cycle.sheets.get(employee=org.peer1_emp), "calibration")
    svc.calibrate(b, org.hr, reason="分布校准", grade="C")
    dist = svc.grade_distribution(cycle, org.hr)
    rows = {r.grade: r for r in dist.rows}
    assert dist.total == 2
    assert (rows["A"].count, rows["C"].count, rows["B"].count) == (1, 1, 0)
    assert rows["A"].percent == Decimal("50.0") and rows["A"].target_percent == Decimal("20")
    assert a.current_score.grade == "A"
    # the supervisor of the other team sees nothing of team A
    with pytest.raises(Forbidden):
        svc.grade_distribution(cycle, org.other_supervisor)


def test_cycle_progress_counts_the_visible_sheets_by_state(org, cycle, sheet):
    walk_to(org, sheet, "targets_set")
    assert svc.cycle_progress(cycle, org.hr) == {"draft": 4, "targets_set": 1}
    assert svc.cycle_progress(cycle, org.other_supervisor) == {"draft": 1}
