"""`write_demo_outputs`: what `make demo` leaves under out/demo/ for people to open.

- sheets/<employee>.xlsx and .pdf: individual score sheets of the latest cycle;
- payroll.csv and payroll.xlsx: performance pay of the latest cycle;
- results.xlsx: salary suggestions, training needs, promotion and position-change
  flags, improvement plans and overdue items, indicator-quality findings;
- dashboard.html (ECharts inlined, no CDN) with dashboard.xlsx holding its tables.

With no arguments it runs the sample cycle of `tests.results.sample` through the
real scoring engine; callers with their own scheme, people and inputs pass them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kaohe.results import charts
from kaohe.results.careers import position_change_warnings, promotion_candidates
from kaohe.results.dashboard import Section, dashboard_html
from kaohe.results.pay import PayInput, payroll
from kaohe.results.payroll_export import write_payroll_csv, write_payroll_xlsx
from kaohe.results.plans import PlanItem, open_plan, overdue_items, plan_state, plans_needed, update_item
from kaohe.results.policy import ResultsPolicy, load_policy
from kaohe.results.quality import Rating, quality_report
from kaohe.results.reports import (
    ResultEntry,
    distribution_table,
    employee_ranking,
    group_ranking,
    position_summary,
    trend_table,
)
from kaohe.results.salary import SalaryInput, suggest_salaries
from kaohe.results.sheet import SheetHeader, build_score_sheet
from kaohe.results.sheet_pdf import write_sheet_pdf
from kaohe.results.sheet_xlsx import write_sheet_xlsx
from kaohe.results.tables import Column, Table, write_xlsx
from kaohe.results.training import CompetencyAssessment, training_needs
from kaohe.results.whatif import distribution_what_if
from kaohe.scheme.models import RaterRole, Scheme
from kaohe.scoring import SheetInputs, SheetResult, score_sheet
from kaohe.web.assets import echarts_source
from tests.results.sample import (
    CYCLES,
    Person,
    reviewer_of,
    sample_absences,
    sample_csat,
    sample_inputs,
    sample_people,
    sample_scheme,
    supervisor_of,
)


@dataclass(frozen=True)
class DemoCycle:
    cycle_id: str
    inputs: list[SheetInputs]
    results: list[SheetResult]


def _entries(cycle: DemoCycle, people: Mapping[str, Person]) -> list[ResultEntry]:
    return [
        ResultEntry(r.employee_id, people[r.employee_id].name, people[r.employee_id].team,
                    people[r.employee_id].department, people[r.employee_id].position, cycle.cycle_id,
                    r.total, r.grade, f"sheets/{r.employee_id}.pdf")
        for r in cycle.results
    ]


def _ratings(cycles: Sequence[DemoCycle], people: Mapping[str, Person]) -> list[Rating]:
    """Supervisor and reviewer ratings, by the person who gave them (self-ratings left out:
    they are compared in the feedback interview, not across raters)."""
    out = []
    for cycle in cycles:
        for inputs in cycle.inputs:
            p = people[inputs.employee_id]
            for ind, value in inputs.values.items():
                for role, score in (value.ratings or {}).items():
                    if score is None or role == RaterRole.SELF:
                        continue
                    rater = supervisor_of(p) if role == RaterRole.SUPERVISOR else reviewer_of(p)
                    out.append(Rating(f"{inputs.employee_id}@{cycle.cycle_id}", ind, rater, score))
    return out


def _flags_table(title: str, flags: Sequence[object]) -> Table:
    return Table(title, (Column("employee_id", "工号", "Employee ID"), Column("cycles", "周期", "Cycles"),
                         Column("grades", "等级", "Grades"), Column("message", "说明", "Message")),
                 [[f.employee_id, "、".join(f.cycles), "、".join(f.grades), f.message_zh] for f in flags])  # type: ignore[attr-defined]


def write_demo_outputs(
    out_dir: Path | str = Path("out/demo"),
    *,
    policy: ResultsPolicy | None = None,
    scheme: Scheme | None = None,
    people: Sequence[Person] | None = None,
    cycle_ids: Sequence[str] = CYCLES,
    cycle_inputs: Sequence[Sequence[SheetInputs]] | None = None,
    today: date = date(2026, 11, 23),
    sheet_count: int = 6,
) -> dict[str, Path]:
    """Write the demo files; returns name → path of everything written.

    `cycle_inputs` (one list of SheetInputs per cycle id, oldest first) replaces the
    sample data; `people` must then hold every employee id they mention.
    """
    if cycle_inputs is not None and len(cycle_inputs) != len(cycle_ids):
        raise ValueError("cycle_inputs needs one list of inputs per cycle id")
    out = Path(out_dir)
    (out / "sheets").mkdir(parents=True, exist_ok=True)
    policy = policy or load_policy()
    scheme = scheme or sample_scheme()
    staff = list(people or sample_people())
    by_id = {p.employee_id: p for p in staff}
    cycles = []
    for index, cycle_id in enumerate(cycle_ids):
        inputs = list(cycle_inputs[index]) if cycle_inputs is not None else sample_inputs(staff, index)
        cycles.append(DemoCycle(cycle_id, inputs, [score_sheet(scheme, i) for i in inputs]))
    latest = cycles[-1]
    written: dict[str, Path] = {}

    # Score sheets of the latest cycle.
    for sheet_inputs, result in list(zip(latest.inputs, latest.results, strict=True))[:sheet_count]:
        p = by_id[result.employee_id]
        sheet = build_score_sheet(scheme, result, SheetHeader(p.employee_id, p.name, p.position, p.department,
                                                              latest.cycle_id), sheet_inputs)
        written[f"sheet_xlsx_{p.employee_id}"] = out / "sheets" / f"{p.employee_id}.xlsx"
        write_sheet_xlsx(sheet, written[f"sheet_xlsx_{p.employee_id}"])
        written[f"sheet_pdf_{p.employee_id}"] = write_sheet_pdf(sheet, out / "sheets" / f"{p.employee_id}.pdf")

    # Pay.
    absences = sample_absences(staff, len(cycles) - 1)
    lines = payroll([
        PayInput(r.employee_id, by_id[r.employee_id].name, r.grade, Decimal(2000), Decimal(22),
                 absences[r.employee_id], by_id[r.employee_id].department, by_id[r.employee_id].position)
        for r in latest.results
    ], policy, {r.employee_id: scheme for r in latest.results})
    written["payroll_csv"] = write_payroll_csv(lines, out / "payroll.csv")
    written["payroll_xlsx"] = write_payroll_xlsx(lines, out / "payroll.xlsx")

    # Applying results.
    salaries = suggest_salaries([
        SalaryInput(r.employee_id, by_id[r.employee_id].name, r.grade,
                    Decimal(4500 + 150 * (i % 12)), Decimal(4000), Decimal(7000))
        for i, r in enumerate(latest.results) if r.grade is not None
    ], policy)
    history = {p.employee_id: {c.cycle_id: c.results[i].grade for c in cycles} for i, p in enumerate(staff)}
    # Competency levels (1–5): the supervisor's view of the two attitude competencies.
    assessments = [
        CompetencyAssessment(i.employee_id, ind, name, en, 4,
                             min(5, max(1, int((i.values[ind].ratings or {}).get(RaterRole.SUPERVISOR) or 0) // 20)))
        for i in latest.inputs
        for ind, name, en in (("initiative", "主动性", "Initiative"), ("customer_focus", "以客户为中心", "Customer focus"))
    ]
    needs = training_needs(latest.results, assessments, policy)
    grades_now = {r.employee_id: r.grade for r in latest.results}
    previous = cycles[-2] if len(cycles) > 1 else latest
    plans = []
    for n, employee_id in enumerate(plans_needed({r.employee_id: r.grade for r in previous.results}, policy)):
        grade = next(r.grade for r in previous.results if r.employee_id == employee_id)
        assert grade is not None
        opened = date(2026, 10, 8)
        plan = open_plan(f"P{n + 1:02d}", employee_id, previous.cycle_id, grade, opened,
                         "下一周期达到 B 级", [
                             PlanItem("1", "参加针对弱项指标的培训", employee_id, date(2026, 10, 31)),
                             PlanItem("2", "主管每周抽听并反馈", supervisor_of(by_id[employee_id]), date(2026, 11, 30)),
                         ], policy)
        if n % 2 == 0:  # half of them have done their training
            plan = update_item(plan, "1", "done", date(2026, 10, 25))
        plans.append(plan)
    results_tables = [
        Table("调薪建议", (Column("employee_id", "工号"), Column("name", "姓名"), Column("grade", "等级"),
                       Column("salary", "现薪", "", "0.00"), Column("band", "薪幅位置"),
                       Column("raise", "建议涨幅%", "", "0.00"), Column("suggested", "建议薪资", "", "0.00"),
                       Column("capped", "封顶")),
              [[s.employee_id, s.name, s.grade, s.salary, s.band, s.raise_pct * 100, s.suggested,
                "是" if s.capped else ""] for s in salaries]),
        Table("培训需求", (Column("employee_id", "工号"), Column("source", "来源"), Column("name", "指标/素质"),
                       Column("measure", "得分率/差距"), Column("courses", "建议课程")),
              [[n.employee_id, "弱项指标" if n.source == "indicator" else "素质差距", n.name_zh,
                n.measure.quantize(Decimal("0.01")), "、".join(n.courses)] for n in needs]),
        _flags_table("晋升资格", promotion_candidates(history, list(cycle_ids), policy)),
        _flags_table("调岗预警", position_change_warnings(history, list(cycle_ids), policy)),
        Table("改进计划", (Column("plan_id", "计划"), Column("employee_id", "工号"), Column("grade", "触发等级"),
                       Column("due", "截止"), Column("state", "状态"), Column("now", "本期等级")),
              [[p.plan_id, p.employee_id, p.trigger_grade, p.due.isoformat(), plan_state(p, today, policy),
                grades_now.get(p.employee_id) or "—"] for p in plans]),
        Table("逾期事项", (Column("plan_id", "计划"), Column("employee_id", "工号"), Column("action", "事项"),
                       Column("owner", "负责人"), Column("due", "截止"), Column("days", "逾期天数")),
              [[o.plan_id, o.employee_id, o.action, o.owner, o.due.isoformat(), o.days_overdue]
               for o in overdue_items(plans, today)]),
    ]
    findings = quality_report(latest.results, _ratings(cycles, by_id), policy, sample_csat(staff, len(cycles) - 1))
    quality = Table("指标质量分析", (Column("kind", "类型"), Column("subject", "对象"), Column("count", "样本数"),
                                  Column("finding", "发现"), Column("advice", "建议"), Column("advice_en", "Advice")),
                    [[f.kind, f.subject, f.count, f.message_zh, f.advice_zh, f.advice_en] for f in findings])
    results_tables.append(quality)
    written["results_xlsx"] = out / "results.xlsx"
    write_xlsx(results_tables, written["results_xlsx"])

    # Dashboard.
    grades = [b.grade for b in scheme.grading.bands] if scheme.grading else policy.grades
    target = scheme.grading.forced_distribution if scheme.grading else None
    entries_now = _entries(latest, by_id)
    entries_all = [e for c in cycles for e in _entries(c, by_id)]
    teams = group_ranking(entries_now, "team", grades, "班组排名")
    depts = group_ranking(entries_now, "department", grades, "部门排名")
    dist = distribution_table(entries_now, grades, target)
    trend = trend_table(entries_all, list(cycle_ids), "team")
    positions = position_summary(entries_now, grades)
    ranking = employee_ranking(entries_now)
    gate_name, harder_data = _raise_first_gate(scheme.model_dump(mode="json"))
    what = distribution_what_if(scheme, latest.inputs, scheme_override=Scheme.model_validate(harder_data))
    what_table = Table(f"假设分析：{gate_name}门槛提高 5", (Column("grade", "等级"), Column("before", "调整前人数"),
                                               Column("after", "调整后人数"), Column("target", "目标人数", "", "0.0")),
                       [[g.grade, g.before, g.after, g.target_count] for g in what.distribution])
    tables = [teams, depts, dist, trend, positions, ranking, what_table, quality]
    written["dashboard_xlsx"] = out / "dashboard.xlsx"
    write_xlsx(tables, written["dashboard_xlsx"])
    sections = [
        Section("teams", "班组排名（平均分）", teams, charts.bar_option(teams, "team", "mean", "平均分", True), "dashboard.xlsx"),
        Section("departments", "部门排名（平均分）", depts, charts.bar_option(depts, "department", "mean", "平均分", True),
                "dashboard.xlsx"),
        Section("distribution", "等级分布与目标", dist, charts.distribution_option(dist), "dashboard.xlsx"),
        Section("trend", "各周期平均分趋势", trend, charts.trend_option(trend), "dashboard.xlsx"),
        Section("positions", "岗位汇总（总监视图）", positions, charts.bar_option(positions, "position", "mean", "平均分"),
                "dashboard.xlsx"),
        Section("whatif", what_table.title, what_table, None, "dashboard.xlsx",
                f"发布前的假设分析：把「{gate_name}」的达标门槛提高 5，看等级分布如何变化（不保存任何数据）。"),
        Section("ranking", "员工排名", ranking, None, "dashboard.xlsx"),
        Section("quality", "指标质量分析与改进建议", quality, None, "dashboard.xlsx"),
    ]
    written["dashboard_html"] = out / "dashboard.html"
    written["dashboard_html"].write_text(
        dashboard_html("考核结果看板（示例）", sections, f"{scheme.name.zh} · {latest.cycle_id} · {len(staff)} 人",
                       echarts_js=echarts_source()),
        encoding="utf-8",
    )
    return written


def _raise_first_gate(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The scheme with its first pass/fail threshold raised by 5 (the demo's what-if)."""
    for cat in data["categories"]:
        for ind in cat["indicators"]:
            if ind["rule"]["type"] == "gate":
                ind["rule"]["threshold"] = str(Decimal(ind["rule"]["threshold"]) + 5)
                return ind["name"]["zh"], data
    return "（无门槛指标）", data
