"""Forecast accuracy, attendance, training, incidents and plan KPIs against hand-computed values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kaohe.metrics.catalog.registry import KpiParamError

from .conftest import L, call


def fc(start, forecast, minutes=30, queue="q1", who="a3"):
    return {"queue": queue, "interval_start": L(start), "interval_minutes": minutes, "forecast_calls": forecast,
            "forecaster_id": who}


FORECASTS = [
    fc("2026-10-08 09:00", 4.0),
    fc("2026-10-08 09:30", 2.0),
    fc("2026-10-08 10:00", 1.0),
    fc("2026-10-08 09:00", 100.0, minutes=15),  # another grid: not part of the 30-minute figures
]
FORECAST_CALLS = [
    call("f1", "2026-10-08 09:00", "a1", talk=60),
    call("f2", "2026-10-08 09:10", None, outcome="abandoned", wait=40),
    # arrives in the 09:00 interval and runs into the 09:30 one: counts for 09:00
    call("f3", "2026-10-08 09:29:59", "a2", wait=5, talk=600),
    call("f4", "2026-10-08 09:30", "a1", talk=60),
    call("f5", "2026-10-08 09:40", "a1", talk=60, direction="out"),  # outbound: not forecast volume
]


def test_forecast_mape_leaves_out_intervals_without_calls(kpi):
    v = kpi({"forecasts": FORECASTS, "calls": FORECAST_CALLS}, ["forecast_mape"])[("forecast_mape", "a3", "2026-10")]
    # 09:00: |3 - 4| / 3; 09:30: |1 - 2| / 1; 10:00 has no calls
    assert (v.value, v.sample_size) == (Decimal("66.666667"), 2)


def test_forecast_wape_sums_errors_over_actuals(kpi):
    v = kpi({"forecasts": FORECASTS, "calls": FORECAST_CALLS}, ["forecast_wape"])[("forecast_wape", "a3", "2026-10")]
    assert (v.value, v.sample_size) == (Decimal("75"), 3)  # (1 + 1 + 1) / (3 + 1 + 0)


def att(emp, day, kind, count=1):
    return {"employee_id": emp, "date": date.fromisoformat(day), "kind": kind, "count": count, "minutes": None}


ATTENDANCE = [
    att("a1", "2026-10-08", "late"), att("a1", "2026-10-09", "late"), att("a1", "2026-10-12", "early_leave"),
    att("a1", "2026-10-15", "absent"), att("a1", "2026-10-20", "leave", 2),
    att("a2", "2026-10-01", "leave"), att("a2", "2026-11-01", "late"),
]


@pytest.mark.parametrize(
    "kpi_id,agent,value,sample",
    [
        ("attendance_late", "a1", "2", 5),
        ("attendance_early_leave", "a1", "1", 5),
        ("attendance_absent", "a1", "1", 5),
        ("leave_days", "a1", "2", 5),
        ("attendance_late", "a2", "0", 1),  # the November late arrival is not October's
        ("leave_days", "a2", "1", 1),
    ],
)
def test_attendance_kpis(kpi, kpi_id, agent, value, sample):
    v = kpi({"attendance": ATTENDANCE}, [kpi_id])[(kpi_id, agent, "2026-10")]
    assert (v.value, v.sample_size) == (Decimal(value), sample)


def test_an_employee_without_attendance_rows_is_missing(kpi):
    assert kpi({"attendance": ATTENDANCE}, ["attendance_late"])[("attendance_late", "a3", "2026-10")].value is None


def tr(emp, course, day, hours, score=None, passed=None):
    return {"employee_id": emp, "course_id": course, "date": date.fromisoformat(day), "hours": hours,
            "exam_score": score, "passed": passed}


TRAINING = [tr("a1", "k1", "2026-10-10", 2.0, 85.0, True), tr("a1", "k2", "2026-10-20", 1.5, 55.0, False),
            tr("a1", "k3", "2026-10-25", 3.0)]


@pytest.mark.parametrize(
    "kpi_id,value,sample",
    [("training_hours", "6.5", 3), ("training_pass_rate", "50", 2), ("exam_score_avg", "70", 2)],
)
def test_training_kpis(kpi, kpi_id, value, sample):
    v = kpi({"training": TRAINING}, [kpi_id])[(kpi_id, "a1", "2026-10")]
    assert (v.value, v.sample_size) == (Decimal(value), sample)


INCIDENTS = [
    {"incident_id": "i1", "employee_id": "a1", "occurred_at": L("2026-10-05 10:00"), "type": "report_error"},
    {"incident_id": "i2", "employee_id": "a1", "occurred_at": L("2026-10-06 10:00"), "type": "report_error"},
    {"incident_id": "i3", "employee_id": "a1", "occurred_at": L("2026-10-07 10:00"), "type": "data_loss"},
]


def test_incident_count_by_type(kpi):
    v = kpi({"incidents": INCIDENTS}, [("incident_count", {"type": "report_error"})])[("incident_count", "a1", "2026-10")]
    assert (v.value, v.sample_size) == (Decimal(2), 3)


def test_incident_count_needs_its_type(kpi):
    with pytest.raises(KpiParamError, match="type"):
        kpi({"incidents": INCIDENTS}, ["incident_count"])


def plan(period, measure, kind, target, actual=None, due=None, delivered=None, emp="a1"):
    return {"employee_id": emp, "period": period, "measure": measure, "kind": kind, "target": target,
            "actual": actual, "due_at": L(due) if due else None, "delivered_at": L(delivered) if delivered else None}


PLANS = [
    plan("2026-10", "calls", "plan", 100.0, 90.0),
    plan("2026-11", "calls", "plan", 100.0, 120.0),
    plan("2026-Q4", "sales", "plan", 300.0, 250.0),
    plan("2026-10", "visits", "plan", 50.0),  # not reported yet
    plan("2026-10", "budget", "budget", 1000.0, 800.0),
    plan("2026-10", "weekly-1", "report", 1.0, due="2026-10-09 18:00", delivered="2026-10-09 17:00"),
    plan("2026-10", "weekly-2", "report", 1.0, due="2026-10-16 18:00", delivered="2026-10-19 09:00"),
    plan("2026-10", "monthly", "report", 1.0, due="2026-10-30 18:00"),  # never delivered
]


@pytest.mark.parametrize(
    "spec,period,value,sample",
    [
        (("plan_completion_rate", {"measure": "calls"}), "2026-10", "90", 1),
        (("plan_completion_rate", {"measure": "calls"}), "2026-Q4", "105", 2),
        (("plan_completion_rate", {"measure": "sales"}), "2026-Q4", "83.333333", 1),
        (("plan_completion_rate", {"measure": "sales"}), "2026-10", None, 0),  # a quarter is not inside a month
        (("plan_completion_rate", {"measure": "visits"}), "2026-10", None, 0),  # unreported is missing, not 0
        ("budget_control_rate", "2026-10", "80", 1),
        ("report_timeliness", "2026-10", "33.333333", 3),
        ("report_delay_days", "2026-10", "5", 3),  # 0 + 3 + 2 (undelivered, counted to 1 Nov)
    ],
)
def test_plan_kpis(kpi, spec, period, value, sample):
    kpi_id = spec if isinstance(spec, str) else spec[0]
    v = kpi({"plans": PLANS}, [spec], period=period)[(kpi_id, "a1", period)]
    assert v.value == (None if value is None else Decimal(value))
    assert v.sample_size == sample
