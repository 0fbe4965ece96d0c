"""Report pages through Django's test client, on a real (test) database."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from tests.results.sample import sample_people

pytestmark = pytest.mark.django_db
TEAM_OF = {p.employee_id: p.team for p in sample_people()}
DEPT_OF = {p.employee_id: p.department for p in sample_people()}


def _client(client, user):
    client.force_login(user)
    return client


def _team_means(results):
    by = defaultdict(list)
    for r in results:
        by[TEAM_OF[r.employee_id]].append(r.total)
    return {t: (sum(v, Decimal(0)) / len(v)).quantize(Decimal("0.01"), ROUND_HALF_UP) for t, v in by.items()}


def test_hr_sees_every_report_with_a_chart_and_a_download(world, client):
    cycle = world.cycles[-1]
    response = _client(client, world.hr).get(f"/reports/cycle/{cycle.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("teams", "departments", "distribution", "trend", "positions", "ranking", "quality"):
        assert f'data-testid="report-{key}"' in html
        assert f"/reports/cycle/{cycle.pk}/{key}.xlsx" in html
    assert html.count("data-chart=") == 5
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()


def test_the_team_ranking_download_holds_the_hand_computed_means(world, client):
    cycle = world.cycles[-1]
    response = _client(client, world.hr).get(f"/reports/cycle/{cycle.pk}/teams.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('teams.xlsx"')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "班组排名"
    means = _team_means(world.results["2026-10"])
    expected = sorted(means.items(), key=lambda kv: -kv[1])
    got = [(r[1], Decimal(str(r[3]))) for r in rows[2:]]
    assert got == expected
    assert [r[0] for r in rows[2:]] == [1, 2, 3]
    assert sum(r[2] for r in rows[2:]) == 18


def test_the_trend_covers_both_cycles(world, client):
    cycle = world.cycles[-1]
    rows = list(load_workbook(io.BytesIO(
        _client(client, world.director).get(f"/reports/cycle/{cycle.pk}/trend.xlsx").content)).active.iter_rows(
        values_only=True))
    assert rows[1] == ("班组", "2026-09", "2026-10")
    sept, octo = _team_means(world.results["2026-09"]), _team_means(world.results["2026-10"])
    for team, s, o in rows[2:]:
        assert (Decimal(str(s)), Decimal(str(o))) == (sept[team], octo[team])


def test_a_department_director_sees_only_their_department(world, client):
    cycle = world.cycles[-1]
    rows = list(load_workbook(io.BytesIO(
        _client(client, world.dept_director).get(f"/reports/cycle/{cycle.pk}/ranking.xlsx").content
    )).active.iter_rows(values_only=True))[2:]
    assert rows and {r[4] for r in rows} == {"回访部"}
    assert len(rows) == sum(1 for d in DEPT_OF.values() if d == "回访部")


def test_an_agent_cannot_open_the_reports(world, client):
    cycle = world.cycles[-1]
    c = _client(client, world.agent)
    assert c.get(f"/reports/cycle/{cycle.pk}/").status_code == 403
    assert c.get(f"/reports/cycle/{cycle.pk}/ranking.xlsx").status_code == 403


def test_the_quality_report_names_the_lenient_supervisor(world, client):
    cycle = world.cycles[-1]
    c = _client(client, world.hr)
    html = c.get(f"/reports/cycle/{cycle.pk}/quality/").content.decode()
    assert "二组主管" in html and "评分偏宽" in html
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})  # each page in one language: the advice in English
    assert "lenient" in c.get(f"/reports/cycle/{cycle.pk}/quality/").content.decode()


def test_what_if_raising_the_qa_gate_moves_grades_down_without_saving(world, client):
    from kaohe.web.appraisal.models import ScoreVersion

    cycle = world.cycles[-1]
    before = ScoreVersion.objects.count()
    html = _client(client, world.hr).get(
        f"/reports/cycle/{cycle.pk}/what-if/", {"rule_indicator": "qa_score", "threshold": "200"}).content.decode()
    assert 'data-testid="whatif-distribution"' in html
    passed = [r for r in world.results["2026-10"] if r.item("qa_score").score == 100]
    assert html.count(">-32<") == len(passed)  # numbers without trailing zeros
    assert ScoreVersion.objects.count() == before


def test_what_if_reports_every_bad_field_at_once(world, client):
    cycle = world.cycles[-1]
    html = _client(client, world.hr).get(f"/reports/cycle/{cycle.pk}/what-if/", {
        "employee": "E001", "indicator": "qa_score", "value": "abc", "rule_indicator": "qa_score",
        "threshold": "x"}).content.decode()
    assert "&#x27;abc&#x27; is not a number" in html and "&#x27;x&#x27; is not a number" in html
    assert 'data-testid="whatif-distribution"' not in html


def test_the_score_sheet_downloads_as_xlsx_and_pdf_for_its_employee_only(world, client):
    sheet = world.sheets[("2026-10", "E001")]
    result = next(r for r in world.results["2026-10"] if r.employee_id == "E001")
    c = _client(client, world.agent)
    page = c.get(f"/reports/sheet/{sheet.pk}/").content.decode()
    assert "自评" in page and "审评" in page
    ws = load_workbook(io.BytesIO(c.get(f"/reports/sheet/{sheet.pk}.xlsx").content)).active
    values = [row for row in ws.iter_rows(values_only=True)]
    assert ("总分", float(result.total)) in [(r[0], r[1]) for r in values if r[0] == "总分"]
    pdf = c.get(f"/reports/sheet/{sheet.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = extract_text(io.BytesIO(pdf.content))
    for name in ("监听分值", "平均话后处理时间", "以客户为中心"):
        assert name in text
    other = world.sheets[("2026-10", "E003")]
    assert c.get(f"/reports/sheet/{other.pk}.pdf").status_code == 403


def test_applying_results_lists_plans_needed_and_gives_hr_the_payroll(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cycle = world.cycles[-1]
    c = _client(client, world.hr)
    html = c.get(f"/reports/cycle/{cycle.pk}/results/").content.decode()
    needy = sorted(r.employee_id for r in world.results["2026-10"] if r.grade in ("C", "D"))
    assert 'data-testid="report-improvement"' in html and all(e in html for e in needy)
    grade = {r.employee_id: r.grade for r in world.results["2026-10"]}
    coefficient = {"S": Decimal("1.5"), "A": Decimal("1.2"), "B": Decimal("1.0"), "C": Decimal("0.8"), "D": 0}
    text = "工号,绩效工资基数,应出勤天数,事假\nE001,2000,20,2\nE002,2000,20,\n"
    response = c.post(f"/reports/cycle/{cycle.pk}/results/",
                      {"file": SimpleUploadedFile("pay.csv", text.encode()), "format": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[2:4]
    # E001: 2000 × coefficient × 18/20; E002: 2000 × coefficient
    assert Decimal(str(rows[0][9])) == (2000 * coefficient[grade["E001"]] * Decimal("0.9")).quantize(Decimal("0.01"))
    assert Decimal(str(rows[1][9])) == (2000 * coefficient[grade["E002"]]).quantize(Decimal("0.01"))


def test_the_payroll_upload_lists_every_problem_and_is_refused_to_a_director(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cycle = world.cycles[-1]
    bad = "工号,绩效工资基数,应出勤天数\nE001,x,20\nE999,1,20\n".encode()
    response = _client(client, world.hr).post(f"/reports/cycle/{cycle.pk}/results/",
                                              {"file": SimpleUploadedFile("pay.csv", bad)})
    assert response.status_code == 422
    html = response.content.decode()
    # every bad cell at once, in the page's language only
    assert "第 2 行，列 绩效工资基数" in html and "第 3 行，列 工号" in html and "row 3" not in html
    hr_en = _client(client, world.hr)
    hr_en.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html_en = hr_en.post(f"/reports/cycle/{cycle.pk}/results/",
                         {"file": SimpleUploadedFile("pay.csv", bad)}).content.decode()
    assert "row 2, column 绩效工资基数" in html_en and "row 3, column 工号" in html_en and "第 3 行" not in html_en
    director = _client(client, world.director)
    assert 'name="file"' not in director.get(f"/reports/cycle/{cycle.pk}/results/").content.decode()
    assert director.post(f"/reports/cycle/{cycle.pk}/results/",
                         {"file": SimpleUploadedFile("pay.csv", bad)}).status_code == 403


def test_the_ranking_leads_to_the_sheet_and_its_kpi_values_to_their_records(world, client):
    cycle = world.cycles[-1]
    sheet = world.sheets[("2026-10", "E001")]
    c = _client(client, world.hr)
    html = c.get(f"/reports/cycle/{cycle.pk}/").content.decode()
    assert f'href="/reports/sheet/{sheet.pk}/"' in html
    page = c.get(f"/reports/sheet/{sheet.pk}/").content.decode()
    assert f'href="/sheets/{sheet.pk}/kpi/qa_score/"' in page  # the UI's drill-down to the QA records
    assert 'data-testid="drill-initiative"' not in page  # a manual rating has no records behind it


def test_the_quality_report_compares_indicators_with_customer_satisfaction(world, client):
    cycle = world.cycles[-1]
    rows = list(load_workbook(io.BytesIO(
        _client(client, world.hr).get(f"/reports/cycle/{cycle.pk}/quality.xlsx").content)).active.iter_rows(
        values_only=True))[2:]
    assert ("与满意度相关", "主动性") in {(r[0], r[1]) for r in rows}  # the finding's kind and indicator in words
