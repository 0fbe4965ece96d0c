"""The report tables of one cycle, each with its chart, computed once per request."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kaohe.results import charts
from kaohe.results.careers import CareerFlag, position_change_warnings, promotion_candidates
from kaohe.results.charts import Option
from kaohe.results.plans import plans_needed
from kaohe.results.policy import load_policy
from kaohe.results.quality import quality_report
from kaohe.results.reports import (
    distribution_table,
    employee_ranking,
    group_ranking,
    position_summary,
    trend_table,
)
from kaohe.results.tables import Column, Table
from kaohe.results.training import CompetencyAssessment, training_needs
from kaohe.web.appraisal.models import Cycle
from kaohe.web.reports import data

TABLE_KEYS = ("teams", "departments", "distribution", "trend", "positions", "ranking", "quality",
              "promotion", "position_change", "improvement", "training")
APPLICATION_KEYS = ("promotion", "position_change", "improvement", "training")


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    table: Table
    option: Option | None
    links: list[str] | None = None  # per row, for the ranking (the drill-down to each sheet)


def _flags(title: str, flags: list[CareerFlag], names: dict[str, str]) -> Table:
    return Table(title, (
        Column("employee_id", "工号", "Employee ID"), Column("name", "姓名", "Name"),
        Column("cycles", "周期", "Cycles"), Column("grades", "等级", "Grades"), Column("message", "说明", "Message"),
    ), [[f.employee_id, names.get(f.employee_id, ""), "、".join(f.cycles), "、".join(f.grades), f.message_zh]
        for f in flags])


def application_reports(user: Any, cycle: Cycle, only: str | None = None) -> list[Report]:
    """Applying the cycle's results: promotion, position-change warnings, plans needed, training needs."""
    policy = load_policy()
    sheets = data.scored_sheets(user, cycle)
    names = {s.employee.code: s.employee.name for s in sheets}
    out: list[Report] = []
    if only in (None, "promotion", "position_change"):
        cycles = data.trend_cycles(cycle)
        history: dict[str, dict[str, str | None]] = {}
        for c in cycles:
            for s in (sheets if c.pk == cycle.pk else data.scored_sheets(user, c)):
                history.setdefault(s.employee.code, {})[c.label] = s.current_score.grade or None
        labels = [c.label for c in cycles]
        if only in (None, "promotion"):
            out.append(Report("promotion", "晋升资格 Promotion eligibility",
                              _flags("晋升资格", promotion_candidates(history, labels, policy), names), None))
        if only in (None, "position_change"):
            out.append(Report("position_change", "调岗预警 Position-change warnings",
                              _flags("调岗预警", position_change_warnings(history, labels, policy), names), None))
    if only in (None, "improvement"):
        grades = {s.employee.code: s.current_score.grade or None for s in sheets}
        needed = plans_needed(grades, policy)
        out.append(Report("improvement", "需要改进计划 Improvement plans needed", Table("需要改进计划", (
            Column("employee_id", "工号", "Employee ID"), Column("name", "姓名", "Name"),
            Column("grade", "等级", "Grade"), Column("days", "计划期限（天）", "Plan days"),
        ), [[e, names[e], grades[e], policy.improvement.plan_days] for e in needed]), None))
    if only in (None, "training"):
        results, _ = data.quality_inputs(sheets)
        assessments = [
            CompetencyAssessment(s.employee.code, cr.competency, cr.name_zh, "", cr.required_level,
                                 cr.supervisor_level)
            for s in sheets for cr in s.competency_ratings.all() if cr.supervisor_level is not None
        ]
        needs = training_needs(results, assessments, policy)
        out.append(Report("training", "培训需求 Training needs", Table("培训需求", (
            Column("employee_id", "工号", "Employee ID"), Column("name", "姓名", "Name"),
            Column("source", "来源", "Source"), Column("item", "指标/素质", "Indicator / competency"),
            Column("measure", "得分率/差距", "Share / gap", "0.00"), Column("courses", "建议课程", "Courses"),
        ), [[n.employee_id, names.get(n.employee_id, ""), "弱项指标" if n.source == "indicator" else "素质差距",
             n.name_zh, n.measure.quantize(Decimal("0.01")), "、".join(n.courses)] for n in needs]), None))
    return out


def cycle_reports(user: Any, cycle: Cycle, only: str | None = None) -> list[Report]:
    if only in APPLICATION_KEYS:
        return application_reports(user, cycle, only)
    sheets = data.scored_sheets(user, cycle)
    entries = data.entries_for(sheets)
    grades, target = data.grades_and_target(cycle, sheets)
    out: list[Report] = []

    def want(key: str) -> bool:
        return only is None or only == key

    if want("teams"):
        t = group_ranking(data.real_teams(entries), "team", grades, "班组排名")
        out.append(Report("teams", "班组排名 Team ranking", t, charts.bar_option(t, "team", "mean", "平均分", True)))
    if want("departments"):
        t = group_ranking(entries, "department", grades, "部门排名")
        out.append(Report("departments", "部门排名 Department ranking", t,
                          charts.bar_option(t, "department", "mean", "平均分", True)))
    if want("distribution"):
        t = distribution_table(entries, grades, target)
        out.append(Report("distribution", "等级分布与目标 Grades vs target", t, charts.distribution_option(t)))
    if want("trend"):
        trend_entries = []
        cycles = data.trend_cycles(cycle)
        for c in cycles:
            trend_entries.extend(data.entries_for(data.scored_sheets(user, c)) if c.pk != cycle.pk else entries)
        t = trend_table(data.real_teams(trend_entries), [c.label for c in cycles], "team")
        out.append(Report("trend", "各周期趋势 Trend over cycles", t, charts.trend_option(t)))
    if want("positions"):
        t = position_summary(entries, grades)
        out.append(Report("positions", "岗位汇总 Per-position summary", t,
                          charts.bar_option(t, "position", "mean", "平均分", True)))
    if want("ranking"):
        t = employee_ranking(entries)
        by_code = {e.employee_id: e.sheet_url for e in entries}
        out.append(Report("ranking", "员工排名 Employee ranking", t, None, [by_code.get(str(r[1]), "") for r in t.rows]))
    if want("quality"):
        results, ratings = data.quality_inputs(sheets)
        findings = quality_report(results, ratings, load_policy(), data.csat_by_employee(cycle, sheets))
        t = Table("指标质量分析", (
            Column("kind", "类型", "Kind"), Column("subject", "对象", "Subject"), Column("count", "样本数", "N"),
            Column("finding", "发现", "Finding"), Column("advice_zh", "建议", "Advice (zh)"),
            Column("advice_en", "Advice", "Advice"),
        ), [[f.kind, f.subject, f.count, f.message_zh, f.advice_zh, f.advice_en] for f in findings])
        out.append(Report("quality", "指标质量分析 Indicator quality", t, None))
    return out
