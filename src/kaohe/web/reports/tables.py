"""The report tables of one cycle, each with its chart, computed once per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kaohe.results import charts
from kaohe.results.charts import Option
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
from kaohe.web.appraisal.models import Cycle
from kaohe.web.reports import data

TABLE_KEYS = ("teams", "departments", "distribution", "trend", "positions", "ranking", "quality")


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    table: Table
    option: Option | None
    links: list[str] | None = None  # per row, for the ranking (the drill-down to each sheet)


def cycle_reports(user: Any, cycle: Cycle, only: str | None = None) -> list[Report]:
    sheets = data.scored_sheets(user, cycle)
    entries = data.entries_for(sheets)
    grades, target = data.grades_and_target(cycle, sheets)
    out: list[Report] = []

    def want(key: str) -> bool:
        return only is None or only == key

    if want("teams"):
        t = group_ranking(entries, "team", grades, "班组排名")
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
        t = trend_table(trend_entries, [c.label for c in cycles], "team")
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
        findings = quality_report(results, ratings, load_policy())
        t = Table("指标质量分析", (
            Column("kind", "类型", "Kind"), Column("subject", "对象", "Subject"), Column("count", "样本数", "N"),
            Column("finding", "发现", "Finding"), Column("advice_zh", "建议", "Advice (zh)"),
            Column("advice_en", "Advice", "Advice"),
        ), [[f.kind, f.subject, f.count, f.message_zh, f.advice_zh, f.advice_en] for f in findings])
        out.append(Report("quality", "指标质量分析 Indicator quality", t, None))
    return out
