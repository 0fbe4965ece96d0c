"""Attendance, training and incident KPIs.

Attendance and training carry local dates. Count KPIs here report a value only when
the employee has at least one row in the table for the period: an attendance import
that lists only exceptions leaves a spotless employee *missing*, and the appraisal
scheme states what missing means (usually: no deduction). Kaohe never turns "no
data" into 0 by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis.expr.types as ir

from kaohe.metrics.catalog.context import count_if, sum_if
from kaohe.metrics.catalog.registry import KpiDefinition, Param, register_kpi

INCIDENT_TYPES = ("report_error", "data_loss", "complaint_caused", "info_error", "major_incident", "missed_followup")


def _attendance(kind: str) -> Callable[[ir.Table, dict[str, Any]], dict[str, Any]]:
    def parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
        return {"num": sum_if(t["count"].cast("float64"), t.kind == kind), "den": None, "n": t.count()}

    return parts


def hours_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return {"num": t.hours.cast("float64").fill_null(0.0).sum(), "den": None, "n": t.count()}


def pass_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    taken = t.passed.notnull()
    return {"num": count_if(taken & t.passed), "den": count_if(taken), "n": count_if(taken)}


def exam_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    taken = t.exam_score.notnull()
    return {"num": sum_if(t.exam_score.cast("float64"), taken), "den": count_if(taken), "n": count_if(taken)}


def incident_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return {"num": count_if(t.type == p["type"]), "den": None, "n": t.count()}


def _att(kpi_id: str, kind: str, zh: str, en: str, unit: str = "count", direction: str = "lower") -> None:
    register_kpi(KpiDefinition(
        id=kpi_id, name_zh=zh, name_en=en, unit=unit, direction=direction,
        definition_zh=f"期间内考勤记录中“{zh}”的次数(天数)合计。",
        definition_en=f"Sum of attendance records of kind '{kind}' in the period.",
        formula=f"Σ count where kind = '{kind}'", sample_zh="期间内该员工的考勤记录数",
        sample_en="attendance records of the employee in the period", kind="total", inputs=("attendance",),
        base="attendance", parts=_attendance(kind), rollup=True,
    ))


_att("attendance_late", "late", "迟到", "Late arrivals")
_att("attendance_early_leave", "early_leave", "早退", "Early leaves")
_att("attendance_absent", "absent", "旷工", "Absences without leave")
_att("leave_days", "leave", "请假", "Leave days", unit="days", direction="none")

register_kpi(KpiDefinition(
    id="training_hours", name_zh="培训时数", name_en="Training hours", unit="h", direction="higher",
    definition_zh="期间内参加培训的小时数合计。", definition_en="Hours of training attended in the period.",
    formula="Σ hours", sample_zh="培训场次", sample_en="sessions", kind="total", inputs=("training",),
    base="training", parts=hours_parts, rollup=True,
))
register_kpi(KpiDefinition(
    id="training_pass_rate", name_zh="培训考试通过率", name_en="Training pass rate", unit="%", direction="higher",
    definition_zh="参加考试的培训中通过的比例。", definition_en="Exams passed over exams taken.",
    formula="count(passed) / count(passed is known) × 100", sample_zh="考试次数", sample_en="exams", scale=100.0,
    inputs=("training",), base="training", parts=pass_parts, rollup=True,
))
register_kpi(KpiDefinition(
    id="exam_score_avg", name_zh="业务知识考核平均分", name_en="Exam score average", unit="points", direction="higher",
    definition_zh="期间内业务知识考试的平均分(表9-26 业务知识考核)。",
    definition_en="Mean score of the period's knowledge exams (table 9-26).",
    formula="Σ exam_score / count(exam_score known)", sample_zh="考试次数", sample_en="exams",
    inputs=("training",), base="training", parts=exam_parts, rollup=True,
))
register_kpi(KpiDefinition(
    id="incident_count", name_zh="差错事件数", name_en="Incidents", unit="count", direction="lower",
    definition_zh="期间内某类差错或事故(报表差错、数据丢失、引发投诉等)的次数。",
    definition_en="Incidents of one type in the period (report errors, data loss, complaints caused, ...).",
    formula="count(type = :type)", sample_zh="该员工的事件记录数(各类型)", sample_en="incidents of the employee (any type)",
    kind="total", inputs=("incidents",), base="incidents", parts=incident_parts, rollup=True,
    params=(Param("type", "str", required=True, choices=INCIDENT_TYPES, doc_zh="事件类型", doc_en="incident type"),),
))
