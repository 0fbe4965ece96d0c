"""The report tables of one cycle, each with its chart, computed once per request."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
from kaohe.web.ui.formatting import is_english, text_of

# a quality finding's kind in words (the page's language)
FINDING_KINDS = {
    "all_full": ("人人满分", "Everyone scores full marks"), "none_full": ("无人满分", "Nobody scores full marks"),
    "no_spread": ("得分无差异", "Scores do not spread"), "correlated": ("指标高度相关", "Indicators move together"),
    "correlated_csat": ("与满意度相关", "Follows customer satisfaction"), "lenient": ("评分偏松", "Lenient rater"),
    "strict": ("评分偏严", "Strict rater"),
}

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


def _flags(title: str, flags: list[CareerFlag], names: dict[str, str], title_en: str = "") -> Table:
    en = is_english()
    return Table(title, (
        Column("employee_id", "工号", "Employee ID"), Column("name", "姓名", "Name"),
        Column("cycles", "周期", "Cycles"), Column("grades", "等级", "Grades"), Column("message", "说明", "Message"),
    ), [[f.employee_id, names.get(f.employee_id, ""), (", " if en else "、").join(f.cycles),
         (", " if en else "、").join(f.grades), f.message_en if en else f.message_zh] for f in flags], title_en=title_en)


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
                              _flags("晋升资格", promotion_candidates(history, labels, policy), names,
                                     "Promotion eligibility"), None))
        if only in (None, "position_change"):
            out.append(Report("position_change", "调岗预警 Position-change warnings",
                              _flags("调岗预警", position_change_warnings(history, labels, policy), names,
                                     "Position-change warnings"), None))
    if only in (None, "improvement"):
        grades = {s.employee.code: s.current_score.grade or None for s in sheets}
        needed = plans_needed(grades, policy)
        out.append(Report("improvement", "需要改进计划 Improvement plans needed", Table("需要改进计划", (
            Column("employee_id", "工号", "Employee ID"), Column("name", "姓名", "Name"),
            Column("grade", "等级", "Grade"), Column("days", "计划期限（天）", "Plan days"),
        ), [[e, names[e], grades[e], policy.improvement.plan_days] for e in needed],
            title_en="Improvement plans needed"), None))
    if only in (None, "training"):
        results, _ = data.quality_inputs(sheets)
        assessments = [
            CompetencyAssessment(s.employee.code, cr.competency, cr.name_zh, "", cr.required_level,
                                 cr.supervisor_level)
            for s in sheets for cr in s.competency_ratings.all() if cr.supervisor_level is not None
        ]
        needs = training_needs(results, assessments, policy)
        en = is_english()
        sources = {"indicator": ("弱项指标", "Weak indicator"), "competency": ("素质差距", "Competency gap")}
        out.append(Report("training", "培训需求 Training needs", Table("培训需求", (
            Column("employee_id", "工号", "Employee ID"), Column("name", "姓名", "Name"),
            Column("source", "来源", "Source"), Column("item", "指标/素质", "Indicator / competency"),
            Column("measure", "得分率/差距", "Share / gap", "0.00"), Column("courses", "建议课程", "Courses"),
        ), [[n.employee_id, names.get(n.employee_id, ""), sources[n.source][1 if en else 0],
             (n.name_en or n.name_zh) if en else n.name_zh, n.measure.quantize(Decimal("0.01")),
             (", " if en else "、").join(n.courses)] for n in needs], title_en="Training needs"), None))
    return out


def cycle_reports(user: Any, cycle: Cycle, only: str | None = None) -> list[Report]:
    if only in APPLICATION_KEYS:
        return application_reports(user, cycle, only)
    sheets = data.scored_sheets(user, cycle)
    entries = data.entries_for(sheets)
    grades, target = data.grades_and_target(cycle, sheets)
    out: list[Report] = []
    lang = "en" if is_english() else "zh"
    mean = "Mean score" if lang == "en" else "平均分"

    def want(key: str) -> bool:
        return only is None or only == key

    if want("teams"):
        t = replace(group_ranking(data.real_teams(entries), "team", grades, "班组排名"), title_en="Team ranking")
        out.append(Report("teams", "班组排名 Team ranking", t, charts.bar_option(t, "team", "mean", mean, True)))
    if want("departments"):
        t = replace(group_ranking(entries, "department", grades, "部门排名"), title_en="Department ranking")
        out.append(Report("departments", "部门排名 Department ranking", t,
                          charts.bar_option(t, "department", "mean", mean, True)))
    if want("distribution"):
        t = replace(distribution_table(entries, grades, target), title_en="Grades vs target")
        out.append(Report("distribution", "等级分布与目标 Grades vs target", t, charts.distribution_option(t, lang)))
    if want("trend"):
        trend_entries = []
        cycles = data.trend_cycles(cycle)
        for c in cycles:
            trend_entries.extend(data.entries_for(data.scored_sheets(user, c)) if c.pk != cycle.pk else entries)
        t = replace(trend_table(data.real_teams(trend_entries), [c.label for c in cycles], "team"),
                    title_en="Trend over cycles")
        out.append(Report("trend", "各周期趋势 Trend over cycles", t, charts.trend_option(t)))
    if want("positions"):
        t = replace(position_summary(entries, grades), title_en="Per-position summary")
        out.append(Report("positions", "岗位汇总 Per-position summary", t,
                          charts.bar_option(t, "position", "mean", mean, True)))
    if want("ranking"):
        t = replace(employee_ranking(entries), title_en="Employee ranking")
        by_code = {e.employee_id: e.sheet_url for e in entries}
        out.append(Report("ranking", "员工排名 Employee ranking", t, None, [by_code.get(str(r[1]), "") for r in t.rows]))
    if want("quality"):
        results, ratings = data.quality_inputs(sheets)
        findings = quality_report(results, ratings, load_policy(), data.csat_by_employee(cycle, sheets))
        i = 1 if lang == "en" else 0
        names = {ind.id: text_of(ind) for s in sheets for cat in s.scheme.scheme().categories
                 for ind in cat.indicators}

        def subject(f: Any) -> str:  # an indicator, a pair "a|b" of indicators, or a rater's name
            return " / ".join(names.get(part, part) for part in f.subject.split("|"))

        t = Table("指标质量分析", (
            Column("kind", "类型", "Kind"), Column("subject", "对象", "Subject"), Column("count", "样本数", "N"),
            Column("finding", "发现", "Finding"), Column("advice", "建议", "Advice"),
        ), [[FINDING_KINDS.get(f.kind, (f.kind, f.kind))[i], subject(f), f.count,
             f.message_en if i else f.message_zh, f.advice_en if i else f.advice_zh] for f in findings],
            title_en="Indicator quality")
        out.append(Report("quality", "指标质量分析 Indicator quality", t, None))
    return out
