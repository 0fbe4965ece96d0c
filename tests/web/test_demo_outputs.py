"""The demo's files under out/demo come from the published cycle in the database.

Two agents of team A are walked to published with the hand-made data of conftest
(total 92.9 → A for both). The agent also has one day of 旷工 in the cycle's
attendance KPIs; peer1 has no attendance data.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from tests.web.conftest import EXPECTED_TOTAL, walk_to


@pytest.fixture
def exported(org, cycle, tmp_path):  # type: ignore[no-untyped-def]
    from kaohe.web.appraisal import services as svc
    from kaohe.web.appraisal.models import KpiValue
    from kaohe.web.demo_outputs import export_demo_outputs

    for who in (org.agent_emp, org.peer1_emp):
        walk_to(org, cycle.sheets.get(employee=who), "published")
    current = svc.current_computation(cycle)
    values = [{"employee": kv.employee.code, "kpi": kv.kpi, "value": kv.value, "sample_size": kv.sample_size}
              for kv in KpiValue.objects.filter(computation=current)]
    values.append({"employee": "A001", "kpi": "attendance_absent", "value": "1", "sample_size": 1})
    svc.record_kpi_values(cycle, org.hr, values)
    out = tmp_path / "out"
    return out, export_demo_outputs(org.company, out)


def _score(sheet):  # type: ignore[no-untyped-def]
    sheet.refresh_from_db()
    return sheet.current_score


def test_it_writes_each_published_sheet_as_xlsx_with_the_stored_score(org, exported):
    out, written = exported
    path = out / "sheets" / "2026-10" / "A001-agent.xlsx"
    assert written["sheet_xlsx_2026-10_A001"] == path
    score = _score(org.agent_emp.sheets.get())
    ws = load_workbook(path).active
    header = [c.value for c in ws[6]]
    name_col, points_col = header.index("考核指标"), header.index("得分")
    rows = {r[name_col]: r for r in ws.iter_rows(min_row=7, values_only=True) if r[name_col]}
    items = score.result["items"]
    assert {i["name_zh"] for i in items} == {"客户满意度", "质检成绩", "团队合作", "同事评价"}
    for item in items:
        assert Decimal(str(rows[item["name_zh"]][points_col])) == Decimal(item["points"])
    footer = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0] in ("总分", "等级")}
    assert Decimal(str(footer["总分"])) == score.total == EXPECTED_TOTAL
    assert footer["等级"] == score.grade == "A"
    # nothing else than published sheets: the two walked agents, no draft sheet of the others
    assert sorted(p.name for p in (out / "sheets" / "2026-10").iterdir()) == [
        "A001-agent.pdf", "A001-agent.xlsx", "A002-peer1.pdf", "A002-peer1.xlsx"]


def test_the_pdf_sheet_holds_the_chinese_indicator_names_and_grade(exported):
    out, _ = exported
    text = extract_text(str(out / "sheets" / "2026-10" / "A001-agent.pdf"))
    for name in ("客户满意度", "质检成绩", "团队合作", "同事评价", "员工绩效考核表"):
        assert name in text
    assert "92.9" in text


def test_the_payroll_prorates_the_recorded_absence_and_says_when_there_is_no_attendance(exported):
    out, written = exported
    with open(written["payroll_csv"], encoding="utf-8-sig", newline="") as f:
        rows = {r["工号"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"A001", "A002"}
    # October 2026: 18 working days (National Day week off). Grade A → policy coefficient 1.2.
    # A001: 1 day 旷工 (weight 1) → share 17/18; 2000 × 1.2 × 17/18 = 2266.666… → 2266.67
    agent = rows["A001"]
    assert (agent["考核等级"], Decimal(agent["绩效系数"]), agent["出勤折算比例"]) == ("A", Decimal("1.2"), "0.9444")
    assert Decimal(agent["扣减天数"]) == 1
    assert agent["绩效工资"] == "2266.67"
    assert "考勤指标" in agent["备注"] and "演示基数" in agent["备注"]
    # A002: no attendance data → full share, and the line says so: 2000 × 1.2 = 2400.00
    peer = rows["A002"]
    assert (peer["出勤折算比例"], peer["绩效工资"]) == ("1.0000", "2400.00")
    assert "无考勤数据" in peer["备注"]
    ws = load_workbook(written["payroll_xlsx"]).active
    amounts = {r[0]: r[9] for r in ws.iter_rows(min_row=3, values_only=True) if r[0] in rows}
    assert amounts == {"A001": pytest.approx(2266.67), "A002": pytest.approx(2400.0)}
    with open(out / "pay_inputs.csv", encoding="utf-8-sig", newline="") as f:
        inputs = {r["工号"]: r for r in csv.DictReader(f)}
    assert (inputs["A001"]["绩效工资基数"], inputs["A001"]["应出勤天数"], inputs["A001"]["旷工"]) == ("2000", "18", "1")
    assert inputs["A002"]["旷工"] == ""


def test_the_results_workbook_explains_its_sources_and_lists_training_needs(exported):
    _, written = exported
    wb = load_workbook(written["results_xlsx"])
    assert {"数据说明", "2026-10 晋升资格", "2026-10 调岗预警", "2026-10 培训需求", "2026-10 指标质量分析"} <= set(
        wb.sheetnames)
    notes = " ".join(str(r[0]) for r in wb["数据说明"].iter_rows(min_row=3, values_only=True))
    assert "演示" in notes and "全勤" in notes


def test_the_dashboard_is_self_contained_with_its_charts(cycle, exported):
    out, written = exported
    html = written["dashboard_html"].read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert "echarts" in html and "window.kaoheCharts" in html
    for key in ("teams", "distribution", "trend", "positions"):
        assert f'id="chart-c{cycle.pk}-{key}"' in html
    assert "agent" in html and "92.9" in html  # the ranking lists the real sheets
    wb = load_workbook(written["dashboard_xlsx"])
    ranking = wb["2026-10 员工排名"]
    totals = {r[1]: r[5] for r in ranking.iter_rows(min_row=3, values_only=True)}
    assert totals == {"A001": pytest.approx(92.9), "A002": pytest.approx(92.9)}
