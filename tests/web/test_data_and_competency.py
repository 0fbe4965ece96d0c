"""Records into the cycle through kaohe.metrics (validate, confirm, compute), and competency assessments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import KpiComputation, KpiValue, UploadBatch
from kaohe.web.errors import Forbidden, IllegalTransition, InvalidInput
from tests.web.conftest import fresh, walk_to

HEADER = "survey_id,agent_id,customer_id,call_id,ticket_id,answered_at,csat,nps\n"


def _surveys(tmp_path, rows, name="surveys.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


# A001: 4 surveys, 3 of them 4–5 → csat_top2 = 75 %; A002: 2 surveys, both 5 → 100 %.
GOOD = ["s1,A001,c1,,,2026-10-03 10:00:00,5,9\n", "s2,A001,c2,,,2026-10-04 10:00:00,4,8\n",
        "s3,A001,c3,,,2026-10-05 10:00:00,2,3\n", "s4,A001,c4,,,2026-10-06 10:00:00,5,10\n",
        "s5,A002,c5,,,2026-10-06 11:00:00,5,10\n", "s6,A002,c6,,,2026-10-07 11:00:00,5,9\n"]


def test_upload_is_validated_first_and_loaded_on_confirm(org, cycle, tmp_path):
    batch = svc.validate_upload(cycle, org.hr, path=_surveys(tmp_path, GOOD), file_name="surveys.csv",
                                table="surveys")
    assert batch.status == UploadBatch.Status.VALIDATED and batch.rows_read == 6
    assert svc.current_computation(cycle) is None
    batch = svc.confirm_upload(batch, org.hr)
    assert batch.status == UploadBatch.Status.LOADED and batch.rows_loaded == 6 and batch.batch_id
    assert svc.confirm_upload(batch, org.hr).rows_loaded == 6  # a double submit loads nothing twice

    comp = svc.compute_cycle_kpis(cycle, org.hr)
    values = {kv.employee.code: kv for kv in KpiValue.objects.filter(computation=comp, kpi="csat_top2")}
    assert values["A001"].value == Decimal(75) and values["A001"].sample_size == 4
    assert values["A002"].value == Decimal(100)
    assert values["B001"].value is None  # no surveys: missing, never 0
    assert batch.batch_id in comp.batches
    prov = svc.kpi_provenance(values["A001"])
    assert [u["file_name"] for u in prov["uploads"]] == ["surveys.csv"]


def test_the_records_behind_a_kpi_are_the_employees_own_rows_of_the_period(org, cycle, sheet, tmp_path):
    late = "s9,A001,c9,,,2026-11-01 09:00:00,1,1\n"  # 1 November in Shanghai: outside the October cycle
    svc.confirm_upload(svc.validate_upload(cycle, org.hr, path=_surveys(tmp_path, GOOD + [late]),
                                           file_name="s.csv", table="surveys"), org.hr)
    svc.compute_cycle_kpis(cycle, org.hr)
    kv = KpiValue.objects.get(computation=svc.current_computation(cycle), employee=org.agent_emp, kpi="csat_top2")
    page = svc.kpi_records(kv, org.agent)
    assert page.table == "surveys" and page.total == 4
    assert [r["survey_id"] for r in page.rows] == ["s1", "s2", "s3", "s4"]
    assert "_batch_id" not in page.columns
    with pytest.raises(Forbidden):
        svc.kpi_records(kv, org.other_agent)


def test_a_recompute_supersedes_and_keeps_history(org, cycle, tmp_path):
    svc.confirm_upload(svc.validate_upload(cycle, org.hr, path=_surveys(tmp_path, GOOD[:4]),
                                           file_name="a.csv", table="surveys"), org.hr)
    first = svc.compute_cycle_kpis(cycle, org.hr)
    svc.confirm_upload(svc.validate_upload(cycle, org.hr, path=_surveys(tmp_path, GOOD[4:], "b.csv"),
                                           file_name="b.csv", table="surveys"), org.hr)
    second = svc.compute_cycle_kpis(cycle, org.hr)
    first.refresh_from_db()
    assert first.superseded_by == second and svc.current_computation(cycle) == second
    assert KpiComputation.objects.filter(cycle=cycle).count() == 2
    assert KpiValue.objects.get(computation=first, employee__code="A002", kpi="csat_top2").value is None
    assert KpiValue.objects.get(computation=second, employee__code="A002", kpi="csat_top2").value == 100


def test_a_bad_upload_reports_every_row_and_cannot_be_confirmed(org, cycle, tmp_path):
    rows = GOOD[:2] + ["s7,A001,c7,,,not-a-time,5,9\n", "s8,ZZZ9,c8,,,2026-10-06 10:00:00,9,9\n"]
    batch = svc.validate_upload(cycle, org.hr, path=_surveys(tmp_path, rows), file_name="bad.csv",
                                table="surveys")
    assert batch.status == UploadBatch.Status.REJECTED
    rows_with_errors = {e["row"] for e in batch.report["errors"]}
    assert rows_with_errors == {4, 5}
    with pytest.raises(IllegalTransition):
        svc.confirm_upload(batch, org.hr)
    assert not (tmp_path / "events" / "demo" / "surveys").exists()


def test_only_hr_uploads_and_computes(org, cycle, tmp_path):
    with pytest.raises(Forbidden):
        svc.validate_upload(cycle, org.supervisor, path=_surveys(tmp_path, GOOD), file_name="s.csv",
                            table="surveys")
    with pytest.raises(Forbidden):
        svc.compute_cycle_kpis(cycle, org.director)


def test_manual_kpi_values_report_every_bad_item(org, cycle):
    with pytest.raises(InvalidInput) as err:
        svc.record_kpi_values(cycle, org.hr, [{"employee": "A001", "kpi": "aht", "value": "x"},
                                              {"employee": "NOPE", "kpi": "aht", "value": 1},
                                              {"employee": "A001", "kpi": "", "value": 1}])
    assert [(p.row, p.field) for p in err.value.report.problems] == [(1, "value"), (2, "employee"), (3, "kpi")]
    assert svc.current_computation(cycle) is None


def test_competency_self_and_supervisor_ratings_give_the_gap(org, sheet):
    sheet = walk_to(org, sheet, "self_review")
    rows = svc.competency_ratings(sheet)
    assert [(r.competency, r.required_level) for r in rows] == [("communication", 3), ("product_knowledge", 4)]
    svc.rate_competency(sheet, org.agent, competency="product_knowledge", level=4)
    with pytest.raises(IllegalTransition):  # the supervisor rates in the supervisor's review, not now
        svc.rate_competency(fresh(sheet), org.supervisor, competency="product_knowledge", level=2)
    sheet = svc.submit_self_review(fresh(sheet), org.agent)
    svc.rate_competency(sheet, org.supervisor, competency="product_knowledge", level=2)
    gaps = {g["competency"]: g for g in svc.competency_gaps(sheet)}
    assert (gaps["product_knowledge"]["self_level"], gaps["product_knowledge"]["supervisor_level"],
            gaps["product_knowledge"]["gap"]) == (4, 2, 2)
    assert gaps["communication"]["gap"] is None


def test_competency_levels_outside_1_to_5_are_refused(org, sheet):
    sheet = walk_to(org, sheet, "self_review")
    with pytest.raises(InvalidInput) as err:
        svc.rate_competency(sheet, org.agent, competency="nope", level=7)
    assert {p.field for p in err.value.report.problems} == {"competency", "level"}
