"""The journeys of issue 18, clicked from each role's home page in Debian's chromium.

After logging in nobody types a URL: HR opens next month's cycle for agents and supervisors,
uploads a month of calls with Chinese headers (mapped once), watches the check run, fixes the
bad file from the paged report, loads it, computes KPIs, issues the targets after seeing what
will happen, reads the overdue list, calibrates, is refused publishing incomplete sheets,
excludes one with a reason and publishes. The supervisor rates the team with "submit and rate
the next", answering a level item by its anchor, and holds the interview with an improvement
plan. The agent reads why points were lost, appeals with a file without acknowledging first and
downloads the PDF sheet. The director opens the dashboards and the grade distribution.
Screenshots: test-artifacts/screenshots/<test>/.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Appeal, Cycle, Sheet, SheetState, UploadBatch
from tests.browser.people import PHONE, WIDE, choose_language, login, menu, no_sideways_scroll
from tests.web.conftest import (
    _interviewed,
    _ratings_before_self_review,
    agent_position_model,
    agent_scheme_dict,
    fresh,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHINESE_HEADERS = ["通话编号", "技能组", "呼叫方向", "坐席工号", "来电时间", "应答时间", "挂机时间", "通话秒数",
                   "保持秒数", "话后秒数", "通话结果", "是否转接"]
CANONICAL = ["call_id", "queue", "direction", "agent_id", "offered_at", "answered_at", "ended_at", "talk_s",
             "hold_s", "acw_s", "outcome", "transferred"]


def _level_scheme(position: str, level: str, scheme_id: str) -> dict:
    """The test scheme with its teamwork item rated in levels, each with a behaviour anchor."""
    d = copy.deepcopy(agent_scheme_dict())
    d.update(id=scheme_id, position=position, level=level)
    teamwork = d["categories"][2]["indicators"][0]
    teamwork["rule"] = {"type": "levels", "levels": [
        {"level": 1, "score": "40", "anchor": {"zh": "很少配合同事", "en": "Rarely helps colleagues"}},
        {"level": 2, "score": "60", "anchor": {"zh": "被要求时配合", "en": "Helps when asked"}},
        {"level": 3, "score": "75", "anchor": {"zh": "主动配合本组工作", "en": "Helps the team unasked"}},
        {"level": 4, "score": "90", "anchor": {"zh": "主动帮助新同事并分享经验", "en": "Coaches new colleagues"}},
        {"level": 5, "score": "100", "anchor": {"zh": "带动全组协作，成为榜样", "en": "Lifts the whole team"}}]}
    return d


@pytest.fixture
def library():  # type: ignore[no-untyped-def]
    """Agents and supervisors have a monthly scheme; the manager and the director have none."""
    from kaohe.scheme.models import Scheme
    from kaohe.web.appraisal import library_bridge

    schemes = [Scheme.model_validate(_level_scheme("call_center_agent", "specialist", "test_agent_monthly")),
               Scheme.model_validate(_level_scheme("call_center_supervisor", "supervisor", "test_sup_monthly"))]
    with library_bridge.override(positions=[agent_position_model()], schemes=schemes):
        yield


@pytest.fixture
def cycle(org, library):  # type: ignore[no-untyped-def]
    """October, for the agents (the web tests' cycle, on the level scheme)."""
    from kaohe.scheme.models import Scheme

    return svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                          end=dt.date(2026, 10, 31), positions=[org.agent_position],
                          rating_deadline=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
                          schemes={("call_center_agent", "specialist"):
                                   Scheme.model_validate(_level_scheme("call_center_agent", "specialist",
                                                                       "test_agent_monthly"))})


def walk_to(org, sheet, state: str):  # type: ignore[no-untyped-def]
    """The web tests' happy path, with the teamwork item rated in levels (self 4, supervisor 4, reviewer 3)."""
    sheet = fresh(sheet)
    emp = sheet.employee
    me, boss, reviewer = emp.user, emp.manager.user, emp.manager.manager.user

    def rated(s, user, role, level):  # type: ignore[no-untyped-def]
        svc.submit_rating(fresh(s), user, role=role, indicator="teamwork", score=Decimal(level))
        return fresh(s)

    steps = [
        ("targets_set", lambda s: svc.set_targets(s, boss)),
        ("targets_acknowledged", lambda s: svc.acknowledge_targets(s, me)),
        ("self_review", lambda s: _ratings_before_self_review(org, svc.start_self_review(s, boss))),
        ("supervisor_review", lambda s: svc.submit_self_review(rated(s, me, "self", 4), me)),
        ("reviewer_approval", lambda s: svc.submit_supervisor_review(rated(s, boss, "supervisor", 4), boss)),
        ("calibration", lambda s: svc.approve(rated(s, reviewer, "reviewer", 3), reviewer)),
        ("published", lambda s: svc.publish(s, org.hr)),
        ("interviewed", lambda s: _interviewed(svc, boss, me, s)),
    ]
    order = [t for t, _ in steps]
    for target, step in steps:
        if sheet.state == state:
            return sheet
        if sheet.state in order and order.index(sheet.state) >= order.index(target):
            continue
        sheet = step(fresh(sheet))
    return fresh(sheet)


def _calls_csv(path: Path, rows: int, bad_every: int = 0) -> Path:
    lines = [",".join(CHINESE_HEADERS)]
    agents = ["A001", "A002", "A003", "A004", "B001"]
    for i in range(rows):
        day = 1 + i % 28
        bad = bad_every and i % bad_every == 0  # three problems on each bad row
        talk, hold, acw = ("abc", "-5", "二十") if bad else (str(120 + i % 60), "5", "20")
        lines.append(",".join([f"C{i:05d}", "售后", "in", agents[i % 5], f"2026-12-{day:02d} 09:{i % 60:02d}:00",
                               f"2026-12-{day:02d} 09:{i % 60:02d}:10", f"2026-12-{day:02d} 10:{i % 60:02d}:00",
                               talk, hold, acw, "answered", "false"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_hr_runs_the_month_from_the_home_page(browser: Browser, live_server, org, cycle, sheet, shot,
                                             tmp_path):
    hr = login(browser, live_server.url, "hr")
    shot(hr, "hr-home")

    # Opens next month's cycle for agents and supervisors only, from the guided form.
    menu(hr, "cycles", "nav-ui-cycle_list")
    hr.get_by_test_id("open-cycle-link").click()
    expect(hr.locator("input[name=label]")).to_have_value("2026-12")
    expect(hr.locator("input[name=start]")).to_have_value("2026-12-01")
    expect(hr.locator("input[name=end]")).to_have_value("2026-12-31")
    scope = hr.get_by_test_id("scope-positions")
    scope.get_by_text("呼叫中心座席员").click()
    scope.get_by_text("呼叫中心主管").click()
    hr.get_by_test_id("preview-cycle").click()
    expect(hr.get_by_test_id("preview-count")).to_contain_text("7")
    shot(hr, "hr-open-cycle-preview")
    hr.get_by_test_id("confirm-cycle").click()
    december = Cycle.objects.get(label="2026-12")
    assert december.sheets.count() == 7 and december.deadlines["supervisor_review"] == "2027-01-06"
    expect(hr.get_by_test_id("state-counts")).to_be_visible()

    # Uploads a month of calls with Chinese headers: one bad file first, mapped once.
    hr.get_by_test_id("upload-link").click()
    hr.select_option("select[name=table]", "calls")
    hr.fill("input[name=source]", "话务系统导出")
    hr.set_input_files("input[name=file]", str(_calls_csv(tmp_path / "12月话单.csv", 400, bad_every=2)))
    hr.locator("[data-testid=upload-form] button[type=submit]").click()
    expect(hr.get_by_test_id("mapping-form")).to_be_visible()
    for header, column in zip(CHINESE_HEADERS, CANONICAL, strict=True):
        hr.select_option(f"select[name=col_{column}]", header)
    shot(hr, "hr-maps-chinese-headers")
    hr.get_by_test_id("save-mapping").click()
    report = hr.get_by_test_id("upload-report")
    expect(report).to_have_attribute("data-status", "rejected", timeout=30_000)
    shot(hr, "hr-bad-file-report")
    expect(hr.get_by_test_id("error-groups")).to_contain_text("不是数字")
    expect(hr.get_by_test_id("error-groups")).to_contain_text("200")  # every bad row counted, 50 listed
    expect(hr.get_by_test_id("errors-total")).to_have_text("600")
    hr.get_by_test_id("next-errors").click()
    expect(hr.get_by_test_id("error-pages")).to_contain_text("2")
    shot(hr, "hr-bad-file-report-page-2")
    with hr.expect_download() as xlsx:
        hr.get_by_test_id("errors-xlsx").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")

    # The corrected file from the same source needs no mapping; HR watches the check, then loads it.
    hr.get_by_test_id("upload-again").click()
    hr.select_option("select[name=table]", "calls")
    hr.fill("input[name=source]", "话务系统导出")
    hr.set_input_files("input[name=file]", str(_calls_csv(tmp_path / "12月话单-修正.csv", 400)))
    hr.locator("[data-testid=upload-form] button[type=submit]").click()
    expect(hr.get_by_test_id("upload-report")).to_be_visible()
    shot(hr, "hr-watches-the-check")
    expect(hr.get_by_test_id("upload-report")).to_have_attribute("data-status", "validated", timeout=30_000)
    # the load runs in the background too, as in production (the browser suite's SQLite is a file)
    hr.get_by_test_id("confirm-upload").click()
    expect(hr.get_by_test_id("upload-report")).to_have_attribute("data-status", "loaded", timeout=30_000)
    from kaohe.web.appraisal.models import Job

    load_job = Job.objects.order_by("-pk").first()
    assert load_job is not None and load_job.status == Job.Status.DONE and load_job.total
    expect(hr.get_by_test_id("rows-loaded")).to_have_text("400")
    assert UploadBatch.objects.filter(status="loaded").get().column_mapping.source == "话务系统导出"
    shot(hr, "hr-file-loaded")

    # Computes the KPIs after the readiness view, and issues the targets after seeing what will happen.
    hr.get_by_role("link", name=december.name).click()
    expect(hr.get_by_test_id("readiness")).to_be_visible()
    hr.get_by_test_id("compute-kpis").click()
    hr.locator("a[data-step=set_targets]").click()
    expect(hr.get_by_test_id("bulk-ready")).to_contain_text("7")
    shot(hr, "hr-targets-what-will-happen")
    hr.get_by_test_id("confirm-bulk").click()
    expect(hr.locator("tr[data-state=targets_set] td.num")).to_have_text("7")

    # October: the overdue list, calibration, publishing refused while a sheet is incomplete.
    walk_to(org, sheet, "calibration")
    other = walk_to(org, cycle.sheets.get(employee=org.other_agent_emp), "calibration")
    type(other.current_score).objects.filter(pk=other.current_score_id).update(complete=False)
    walk_to(org, cycle.sheets.get(employee=org.peer1_emp), "supervisor_review")
    walk_to(org, cycle.sheets.get(employee=org.peer2_emp), "self_review")
    # a 360 request and a QA request on A004's sheet, both past their deadline of 12 November
    from kaohe.web.appraisal.models import Rating

    late = dt.datetime(2026, 11, 12, 10, tzinfo=dt.UTC)
    a004 = cycle.sheets.get(employee=org.peer3_emp)
    Rating.objects.create(sheet=a004, indicator="peer_feedback", role="peer", rater=org.peer1, deadline=late)
    Rating.objects.create(sheet=a004, indicator="qa_score", role="qa", rater=org.qa, deadline=late)
    menu(hr, "cycles", "nav-ui-cycle_list")
    hr.get_by_role("link", name=cycle.name).click()
    overdue = hr.get_by_test_id("overdue")
    # the supervisor's rating and the self-rating: due on the cycle's rating deadline, 5 November (15 days)
    supervisor_row = overdue.locator("tr[data-employee=A002]")
    expect(supervisor_row).to_contain_text("考核人评分")
    expect(supervisor_row).to_contain_text("supervisor")
    expect(supervisor_row).to_contain_text("15")
    self_row = overdue.locator("tr[data-employee=A003]")
    expect(self_row).to_contain_text("自评")
    expect(self_row).to_contain_text("peer2")
    # 360 and QA requests on their own deadline (8 days late on 20 November); the 360 rater stays anonymous
    peer_row = overdue.locator("tr[data-employee=A004][data-step='360 rating']")
    expect(peer_row).to_contain_text("360 评价")
    expect(peer_row).to_contain_text("匿名")
    expect(peer_row).not_to_contain_text("peer1")
    expect(peer_row).to_contain_text("8")
    qa_row = overdue.locator("tr[data-employee=A004][data-step='QA score']")
    expect(qa_row).to_contain_text("质检评分")
    expect(qa_row).to_contain_text("qa")
    shot(hr, "hr-overdue")
    hr.get_by_test_id("calibration-link").click()
    hr.wait_for_load_state("networkidle")  # htmx has wired the board's links (else the click opens a full page)
    hr.click("tr[data-employee=A001] a.button")
    form = hr.locator("#calibrate-panel form")
    expect(form.locator("input[name=total]")).not_to_have_value("")
    assert "." not in form.locator("input[name=total]").input_value().rstrip("0")[-3:] or \
        len(form.locator("input[name=total]").input_value().split(".")[-1]) <= 2
    form.locator("select[name=grade]").select_option("B")
    expect(hr.get_by_test_id("live-distribution").locator("tr[data-grade=B] [data-count]")).to_have_text("1")
    form.locator("textarea[name=reason]").fill("与同组横向比较后下调一级")
    shot(hr, "hr-calibrates")
    form.locator("button[type=submit]").click()
    expect(hr.locator("tr[data-employee=A001]")).to_contain_text("B")
    hr.locator("a[data-step=publish]").click()
    expect(hr.get_by_test_id("bulk-blocking")).to_contain_text("other_agent")
    expect(hr.get_by_test_id("confirm-bulk")).to_be_disabled()
    shot(hr, "hr-publish-refused")
    hr.check(f"input[name=sheets][value='{other.pk}']")
    hr.fill("#exclude-reason", "质检数据缺失，下月补评")
    hr.get_by_test_id("exclude-sheets").click()
    expect(hr.get_by_test_id("confirm-bulk")).to_be_enabled()
    hr.get_by_test_id("confirm-bulk").click()
    assert fresh(sheet).state == SheetState.PUBLISHED
    assert fresh(other).state == SheetState.CALIBRATION and fresh(other).excluded_reason == "质检数据缺失，下月补评"
    shot(hr, "hr-published")

    # The payroll: from the cycle's page, HR uploads the month's base pay and attendance, gets the file back.
    menu(hr, "cycles", "nav-ui-cycle_list")
    hr.get_by_role("link", name=cycle.name).click()
    hr.get_by_test_id("payroll-link").click()
    base_pay = tmp_path / "10月绩效工资基数.csv"
    base_pay.write_text("工号,绩效工资基数,应出勤天数\nA001,2000,22\n", encoding="utf-8")
    hr.set_input_files("[data-testid=payroll-form] input[name=file]", str(base_pay))
    shot(hr, "hr-payroll-upload")
    with hr.expect_download() as pay:
        hr.locator("[data-testid=payroll-form] button[type=submit]").click()
    assert pay.value.suggested_filename == "payroll-2026-10.xlsx"
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(pay.value.path().read_bytes())).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("工号", "姓名") and rows[1][9] == "绩效工资"
    # A001 calibrated to B: 2000 × 1.0 (B's coefficient) × 22/22 days = 2000.00
    assert rows[2][0] == "A001" and rows[2][4] == "B" and rows[2][9] == 2000

    # The same steps on a phone, in English: the overdue list and the payroll as CSV with English headers.
    phone = login(browser, live_server.url, "hr", viewport=PHONE)
    choose_language(phone, "en")
    shot(phone, "hr-home-en-phone")
    no_sideways_scroll(phone)
    menu(phone, "cycles", "nav-ui-cycle_list")
    phone.get_by_role("link", name=cycle.name).click()
    expect(phone.get_by_test_id("overdue").locator("tr[data-step='QA score']")).to_contain_text("QA score")
    shot(phone, "hr-overdue-en-phone")
    no_sideways_scroll(phone)
    phone.get_by_test_id("payroll-link").click()
    phone.set_input_files("[data-testid=payroll-form] input[name=file]", str(base_pay))
    phone.locator("[data-testid=payroll-form] input[value=csv]").check()
    shot(phone, "hr-payroll-en-phone")
    no_sideways_scroll(phone)
    with phone.expect_download() as pay_csv:
        phone.locator("[data-testid=payroll-form] button[type=submit]").click()
    header = pay_csv.value.path().read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Employee ID,Name,Department,Position,Grade,Base") and "Performance pay" in header


def test_supervisor_rates_the_team_with_submit_and_next(browser: Browser, live_server, org, cycle, sheet, shot):
    sheets = [walk_to(org, s, "supervisor_review") for s in
              Sheet.objects.filter(cycle=cycle, employee__team=org.team_a).order_by("employee__code")]
    sup = login(browser, live_server.url, "supervisor")
    shot(sup, "supervisor-home")
    menu(sup, "team", "nav-ui-my_team")
    sup.click(f"tr[data-employee=A001] a[href='/sheets/{sheet.pk}/rate/']")
    for i, _s in enumerate(sheets):
        expect(sup.get_by_test_id("ratings-form")).to_be_visible()
        expect(sup.get_by_test_id("side-kpis")).to_be_visible()
        level = sup.get_by_label("4 · 主动帮助新同事并分享经验")
        level.check()
        if i == 0:
            shot(sup, "supervisor-rates-by-anchor")
        sup.get_by_test_id("save-and-next").click()
    expect(sup.locator("main")).to_contain_text("本组考核表已全部评分")  # back on the team page
    for s in sheets:
        assert fresh(s).state == SheetState.REVIEWER_APPROVAL
    from kaohe.web.appraisal.models import Rating

    assert Rating.objects.get(sheet=sheet, role="supervisor", indicator="teamwork").score == Decimal(4)

    # The interview with an improvement plan, once the result is published.
    walk_to(org, sheet, "published")
    menu(sup, "team", "nav-ui-my_team")
    sup.click(f"tr[data-employee=A001] a[href='/sheets/{sheet.pk}/']")
    sup.get_by_test_id("interview-link").click()
    sup.fill("textarea[name=strengths]", "来电处理规范，客户满意度高")
    sup.fill("textarea[name=gaps]", "话后处理时间偏长")
    sup.fill("textarea[name=improvement_plan]", "每周复盘三通录音，两周内把话后处理缩短到 30 秒以内")
    shot(sup, "supervisor-interview")
    sup.click("button[name=record]")
    expect(sup.get_by_test_id("interview-record")).to_contain_text("30 秒")


def test_agent_appeals_with_a_file_without_acknowledging(browser: Browser, live_server, org, sheet, shot, tmp_path):
    sheet = walk_to(org, sheet, "published")
    for viewport, label in ((PHONE, "phone"), (WIDE, "wide")):
        agent = login(browser, live_server.url, "agent", viewport=viewport)
        menu(agent, "work", "nav-ui-my_appraisal")
        expect(agent.get_by_test_id("sheet")).to_have_attribute("data-state", "published")
        # no "confirm the interview" before the supervisor has recorded one
        expect(agent.locator("button[data-step=complete_interview]")).to_have_count(0)
        shot(agent, f"agent-reads-the-sheet-{label}")
        if viewport is PHONE:
            no_sideways_scroll(agent)
            agent.context.close()
    with agent.expect_download() as pdf:
        agent.get_by_test_id("sheet-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    agent.click("a[data-step=appeal]")
    agent.fill("textarea[name=reason]", "质检抽检的两通录音并非本人接听，请复核质检评分")
    evidence = tmp_path / "排班截图.png"
    evidence.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    agent.set_input_files("input[name=files]", str(evidence))
    shot(agent, "agent-appeal-with-file")
    agent.click("[data-testid=appeal-form] button[type=submit]")
    expect(agent.get_by_test_id("appeal")).to_have_attribute("data-outcome", "pending")
    expect(agent.get_by_test_id("appeal-files")).to_contain_text("排班截图.png")
    appeal = Appeal.objects.get(sheet=sheet)
    assert appeal.files.get().sha256 and fresh(sheet).state == SheetState.APPEALED
    assert fresh(sheet).acknowledged_at is None
    shot(agent, "agent-appeal-filed")


def test_director_opens_the_dashboards_and_grade_distribution(browser: Browser, live_server, org, sheet, shot):
    walk_to(org, sheet, "published")
    director = login(browser, live_server.url, "director")
    shot(director, "director-home")
    director.locator("main a", has_text=sheet.cycle.name).first.click()  # the dashboard card of the home page
    expect(director.locator("main")).to_contain_text("等级分布")
    expect(director.locator("main")).to_contain_text("班组排名")
    shot(director, "director-dashboard")
    phone = login(browser, live_server.url, "director", viewport=PHONE)
    phone.locator("main a", has_text=sheet.cycle.name).first.click()
    expect(phone.locator("main")).to_contain_text("等级分布")
    shot(phone, "director-dashboard-phone")
    no_sideways_scroll(phone)


def test_the_journey_pages_in_english_and_on_a_phone(browser: Browser, live_server, org, cycle, sheet, shot,
                                                    tmp_path):
    from kaohe.web.appraisal.services import data as datasvc

    sheet = walk_to(org, sheet, "published")
    agent = login(browser, live_server.url, "agent", viewport=PHONE)
    choose_language(agent, "en")
    menu(agent, "work", "nav-ui-my_appraisal")
    expect(agent.locator("a[data-step=appeal]")).to_have_text("Appeal")
    shot(agent, "agent-sheet-en-phone")
    no_sideways_scroll(agent)
    agent.click("a[data-step=appeal]")
    expect(agent.get_by_test_id("appeal-form")).to_contain_text("Files (images, PDF or Excel")
    shot(agent, "agent-appeal-en-phone")
    no_sideways_scroll(agent)

    # HR reads a rejected file's report in English: problems by column, in words
    batch = datasvc.receive_upload(cycle, org.hr, path=_calls_csv(tmp_path / "calls.csv", 120, bad_every=3),
                                   file_name="calls.csv", table="calls", source="PBX export")
    assert batch.status == UploadBatch.Status.CHECKING
    mapping = datasvc.save_column_mapping(org.company, org.hr, table="calls", source="PBX export",
                                          headers=CHINESE_HEADERS, columns=dict(zip(CANONICAL, CHINESE_HEADERS,
                                                                                    strict=True)))
    UploadBatch.objects.filter(pk=batch.pk).update(column_mapping=mapping)
    datasvc.start_upload_job(fresh(batch), org.hr, "check")
    hr = login(browser, live_server.url, "hr")
    choose_language(hr, "en")
    menu(hr, "cycles", "nav-ui-cycle_list")
    hr.get_by_role("link", name=cycle.name).click()
    hr.get_by_test_id("upload-link").click()
    hr.get_by_role("link", name="calls.csv").click()
    groups = hr.get_by_test_id("error-groups")
    expect(groups).to_contain_text("Not a number", timeout=30_000)  # the check ran in the background
    expect(groups).to_contain_text("Below the minimum 0")
    shot(hr, "hr-upload-report-en")
