"""What `make demo` leaves under out/demo/, taken from the demo company's own published cycles.

    python -m kaohe.web.demo                      # builds the center, walks every sheet to published
    export_demo_outputs(Company.objects.get(code="demo"), Path("out/demo"))

Writes, for people to open without a server:

- sheets/<cycle label>/<employee code>-<name>.xlsx and .pdf for every published sheet — the
  very bytes /reports/sheet/<id>.xlsx|.pdf serve (the report views are called, not copied);
- pay_inputs.csv (the file HR would upload: base, required days, absence days), then
  payroll.csv and payroll.xlsx of the monthly cycle, read back through the same importer;
- results.xlsx: where the numbers come from, training needs, promotion and position-change
  flags, improvement plans needed and indicator-quality findings, per cycle;
- dashboard.html (ECharts inlined, no network) and dashboard.xlsx with the same tables.

Kaohe's models hold no salary: the demo's performance-pay base comes from DEMO_BASE by
level and every payroll line says so. Attendance comes from the cycle's attendance KPIs
(旷工 from `attendance_absent`, leave from `leave_days`, read from the cycle's computation
or, when no scheme asked for it, from the same uploaded records); an employee without
attendance records gets the full share, and the line says that too.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from kaohe.results.dashboard import Section, dashboard_html
from kaohe.results.pay import PayLine, payroll
from kaohe.results.pay_import import Employee as PayEmployee
from kaohe.results.pay_import import read_pay_inputs
from kaohe.results.payroll_export import write_payroll_csv, write_payroll_xlsx
from kaohe.results.policy import ResultsPolicy, load_policy
from kaohe.results.tables import Column, Table, csv_text, write_xlsx
from kaohe.web.assets import echarts_source

# Performance-pay base per month by level (CNY). Demo figures: a company's real bases come
# from its payroll system, in the pay-input file HR uploads on the results page.
DEMO_BASE = {"specialist": Decimal(2000), "supervisor": Decimal(3000), "manager": Decimal(4500),
             "director": Decimal(6000)}
# Attendance KPI → absence kind of the results policy. The records do not say which kind
# of leave was taken, so leave counts as personal leave (事假, fully deducted).
ATTENDANCE_KPIS = {"attendance_absent": "absent", "leave_days": "personal_leave"}
PERIOD_ORDER = {"monthly": 0, "quarterly": 1, "annual": 2}


def export_demo_outputs(company: Any, out_dir: Path, *, actor: Any = None) -> dict[str, Path]:
    """Write every demo output of `company` under `out_dir`; returns name → path written.

    `actor` is who reads the data (default: the company's HR officer); every read goes
    through the same permission checks as the report pages.
    """
    from django.utils import translation

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    actor = actor or hr_officer(company)
    cycles = published_cycles(company)
    written: dict[str, Path] = {}
    with translation.override("zh-hans"):
        for cycle in cycles:
            written.update(write_sheets(cycle, actor, out / "sheets"))
        monthly = next((c for c in cycles if c.period == "monthly"), None)
        notes = write_payroll(monthly, actor, out, written) if monthly else ["没有月度周期，未生成工资表 / no monthly cycle"]
        write_results(cycles, actor, out, notes, written)
        write_dashboard(company, cycles, actor, out, written)
    return written


def hr_officer(company: Any) -> Any:
    from kaohe.web.org.models import RoleAssignment

    found = RoleAssignment.objects.filter(company=company, role="hr", scope="company").select_related("user").first()
    if found is None:
        raise ValueError(f"{company.code}: no company-wide HR officer to export as; pass actor=")
    return found.user


def published_cycles(company: Any) -> list[Any]:
    """The company's cycles that have at least one published sheet: monthly, quarterly, annual."""
    from kaohe.web.appraisal.models import Cycle
    from kaohe.web.appraisal.workflow import READ_ONLY_STATES

    cycles = Cycle.objects.filter(company=company, sheets__state__in=READ_ONLY_STATES).distinct()
    return sorted(cycles, key=lambda c: (PERIOD_ORDER.get(c.period, 9), c.start))


def published_sheets(cycle: Any, actor: Any) -> list[Any]:
    from kaohe.web.appraisal.workflow import READ_ONLY_STATES
    from kaohe.web.reports import data

    sheets = [s for s in data.scored_sheets(actor, cycle) if s.state in READ_ONLY_STATES]
    return sorted(sheets, key=lambda s: s.employee.code)


# --- score sheets: the report views' own downloads -------------------------------------------


def _file_part(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "_"


def view_bytes(view: Callable[..., Any], actor: Any, *args: Any) -> bytes:
    """Call a report view as `actor` would through the browser; refuse anything but a 200."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = actor
    response = view(request, *args)
    if response.status_code != 200:
        raise RuntimeError(f"{view.__name__}{args}: HTTP {response.status_code}")
    return bytes(response.content)


def write_sheets(cycle: Any, actor: Any, root: Path) -> dict[str, Path]:
    from kaohe.web.reports import views

    folder = root / _file_part(cycle.label)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for sheet in published_sheets(cycle, actor):
        stem = f"{_file_part(sheet.employee.code)}-{_file_part(sheet.employee.name)}"
        for ext, view in (("xlsx", views.sheet_xlsx), ("pdf", views.sheet_pdf)):
            path = folder / f"{stem}.{ext}"
            path.write_bytes(view_bytes(view, actor, sheet.pk))
            written[f"sheet_{ext}_{cycle.label}_{sheet.employee.code}"] = path
    return written


# --- payroll ---------------------------------------------------------------------------------


def records_attendance(cycle: Any, kpis: Iterable[str]) -> dict[tuple[str, str], Decimal]:
    """(employee code, kpi) → value computed from the company's uploaded records (empty if none)."""
    from kaohe.metrics.calendar import CalendarNotLoaded
    from kaohe.metrics.catalog.registry import KpiError
    from kaohe.metrics.compute import compute_kpis
    from kaohe.web.appraisal.services.data import company_calendar, store_dir, store_lock

    root = store_dir(cycle.company)
    if not root.exists():
        return {}
    try:
        with store_lock(root):  # an import running meanwhile must not show us a half-written table
            values = compute_kpis(str(root), sorted(kpis), cycle.label, "agent", tz=cycle.company.time_zone,
                                  calendar=company_calendar(cycle.company), missing_tables="missing",
                                  provenance=False)
    except (CalendarNotLoaded, KpiError, OSError):
        return {}  # no usable records: the lines then say "no attendance data"
    return {(str(v.entity_id), v.kpi_id): Decimal(str(v.value)) for v in values if v.value is not None}


def absence_days(cycle: Any, codes: set[str]) -> dict[str, dict[str, Decimal]]:
    """Employee code → {absence kind: days}; an employee without attendance data is left out."""
    from kaohe.web.appraisal.models import KpiValue
    from kaohe.web.appraisal.services.data import current_computation

    comp = current_computation(cycle)
    stored = {} if comp is None else {
        (kv.employee.code, kv.kpi): kv.value
        for kv in KpiValue.objects.filter(computation=comp, kpi__in=ATTENDANCE_KPIS, scope="self",
                                          value__isnull=False).select_related("employee")}
    asked = {kpi for kpi in ATTENDANCE_KPIS if comp is not None and comp.values.filter(kpi=kpi).exists()}
    values = {**records_attendance(cycle, set(ATTENDANCE_KPIS) - asked), **stored}
    found: dict[str, dict[str, Decimal]] = {}
    for (code, kpi), value in values.items():
        if code in codes:
            found.setdefault(code, {})[ATTENDANCE_KPIS[kpi]] = _days(value)
    return found


def _days(value: Decimal) -> Decimal:
    """2.000000 (the stored six places) → 2, 0.500000 → 0.5; exact, without exponent forms."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def pay_input_table(cycle: Any, sheets: list[Any], absences: dict[str, dict[str, Decimal]],
                    policy: ResultsPolicy) -> Table:
    """The pay-input file in the layout HR uploads (工号, 绩效工资基数, 应出勤天数, absence kinds)."""
    from kaohe.web.appraisal.services.data import company_calendar

    required = company_calendar(cycle.company).workdays_between(cycle.start, cycle.end + timedelta(days=1))
    kinds = list(dict.fromkeys(ATTENDANCE_KPIS.values()))
    columns = [Column("employee_id", "工号"), Column("base", "绩效工资基数"), Column("required_days", "应出勤天数")]
    columns += [Column(k, policy.attendance.labels.get(k, k)) for k in kinds]
    rows = [[s.employee.code, DEMO_BASE[s.employee.level], required]
            + [absences.get(s.employee.code, {}).get(k) for k in kinds] for s in sheets]
    return Table(f"{cycle.label} 绩效工资输入", columns, rows)


def _with_note(line: PayLine, level: str, has_attendance: bool) -> PayLine:
    zh = f"演示基数（{level} 级）；" + ("出勤按本周期考勤指标折算" if has_attendance else "无考勤数据，按全勤计")
    en = f"demo base ({level}); " + ("attendance from the cycle's attendance KPIs" if has_attendance else
                                     "no attendance data: full share")
    return dataclasses.replace(line, note_zh="；".join(filter(None, [zh, line.note_zh])),
                               note_en="; ".join(filter(None, [en, line.note_en])))


def write_payroll(cycle: Any, actor: Any, out: Path, written: dict[str, Path]) -> list[str]:
    """pay_inputs.csv → the results importer → payroll.csv / .xlsx. Returns notes on the sources."""
    policy = load_policy()
    sheets = published_sheets(cycle, actor)
    absences = absence_days(cycle, {s.employee.code for s in sheets})
    written["pay_inputs_csv"] = out / "pay_inputs.csv"
    written["pay_inputs_csv"].write_text("\ufeff" + csv_text(pay_input_table(cycle, sheets, absences, policy)),
                                         encoding="utf-8", newline="")
    people = {s.employee.code: PayEmployee(s.employee.name, s.current_score.grade or None,
                                           s.employee.department.name, s.employee.position.name_zh) for s in sheets}
    inputs = read_pay_inputs(written["pay_inputs_csv"].read_bytes(), "pay_inputs.csv", policy, people)
    by_code = {s.employee.code: s for s in sheets}
    lines = [_with_note(line, by_code[line.employee_id].employee.level, line.employee_id in absences)
             for line in payroll(inputs, policy, {c: s.scheme.scheme() for c, s in by_code.items()})]
    written["payroll_csv"] = write_payroll_csv(lines, out / "payroll.csv")
    written["payroll_xlsx"] = write_payroll_xlsx(lines, out / "payroll.xlsx")
    bases = "、".join(f"{k} {v}" for k, v in DEMO_BASE.items())
    return [f"工资表周期 payroll cycle: {cycle.name or cycle.label}（{len(lines)} 人）",
            f"绩效工资基数为演示值 demo bases by level: {bases}（系统不保存薪资 / Kaohe holds no salaries）",
            f"出勤：{len(absences)} 人按本周期考勤指标（旷工、请假）折算，{len(lines) - len(absences)} 人无考勤数据按全勤计 / "
            f"attendance: {len(absences)} from the cycle's attendance KPIs, {len(lines) - len(absences)} without data "
            "at full share",
            "请假天数按事假计（记录未区分假别）/ leave counted as personal leave (the records do not say which kind)"]


# --- results and dashboard: the report pages' own tables --------------------------------------


def _titled(table: Table, cycle: Any) -> Table:
    return dataclasses.replace(table, title=f"{cycle.label} {table.title}")


def write_results(cycles: list[Any], actor: Any, out: Path, notes: list[str], written: dict[str, Path]) -> None:
    from kaohe.web.reports.tables import application_reports, cycle_reports

    tables = [Table("数据说明", (Column("note", "说明", "Note"),), [[n] for n in notes])]
    for cycle in cycles:
        reports = application_reports(actor, cycle) + cycle_reports(actor, cycle, only="quality")
        tables += [_titled(r.table, cycle) for r in reports]
    written["results_xlsx"] = out / "results.xlsx"
    write_xlsx(tables, written["results_xlsx"])


def write_dashboard(company: Any, cycles: list[Any], actor: Any, out: Path, written: dict[str, Path]) -> None:
    from kaohe.web.reports.tables import cycle_reports

    sections = []
    for cycle in cycles:
        for r in cycle_reports(actor, cycle):
            title = f"{cycle.name or cycle.label} · {r.title}"
            sections.append(Section(f"c{cycle.pk}-{r.key}", title, _titled(r.table, cycle), r.option, "dashboard.xlsx"))
    written["dashboard_xlsx"] = out / "dashboard.xlsx"
    write_xlsx([s.table for s in sections], written["dashboard_xlsx"])
    subtitle = "、".join(c.name or c.label for c in cycles) + " · 已发布考核表 / published sheets"
    written["dashboard_html"] = out / "dashboard.html"
    written["dashboard_html"].write_text(dashboard_html(f"{company.name} 考核结果看板", sections, subtitle,
                                                                        echarts_js=echarts_source()),
                                         encoding="utf-8")
