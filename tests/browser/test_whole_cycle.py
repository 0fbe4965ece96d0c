"""One whole appraisal cycle clicked through the real pages in Debian's chromium.

The agent, supervisor, reviewer, HR and a re-reviewer (the director) each log in with
their own browser context and do their part: targets acknowledged, ratings, approval
(after one return with a reason), calibration, publish, interview, acknowledgement,
appeal and an adjustment. Screenshots of each step land in test-artifacts/screenshots/.

The QA officer and three colleagues (360) rate on their own page. The supervisor asks the
three for their ratings on the sheet's page. The KPI value comes in through the service
(the upload and KPI computation pages have their own test).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Appeal, ScoreVersion, SheetState
from tests.web.conftest import EXPECTED_TOTAL, fresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Actors:
    """One logged-in browser page per persona, opened on first use."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base, self.pages = browser, base_url, {}

    def __call__(self, name: str) -> Page:
        if name not in self.pages:
            context = self.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{self.base}/login/")
            page.fill("#id_username", name)
            page.fill("#id_password", "pw-" + name)
            page.click("button[type=submit]")
            expect(page.get_by_test_id("current-user")).to_have_text(name)
            self.pages[name] = page
        return self.pages[name]

    def go(self, name: str, path: str) -> Page:
        page = self(name)
        page.goto(self.base + path)
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def actors(browser: Browser, live_server):  # type: ignore[no-untyped-def]
    team = Actors(browser, live_server.url)
    yield team
    team.close()


def _kpi_value(org, sheet) -> None:  # type: ignore[no-untyped-def]
    svc.record_kpi_values(sheet.cycle, org.hr, [{"employee": "A001", "kpi": "csat_top2", "value": "92",
                                                 "sample_size": 40}])


def _rate_from_requests(actors, name: str, role: str, field: str, score: str, shot=None) -> None:  # type: ignore[no-untyped-def]
    page = actors.go(name, "/ratings/")
    page.click(f"tr[data-employee=A001][data-role={role}] a.button")
    page.fill(f"input[name={field}]", score)
    if shot:
        shot(page, f"{name}-rates-{role}")
    page.click("button[name=submit]")
    expect(page.get_by_test_id("rating-requests")).to_be_visible()


def _state(page: Page) -> str:
    return page.get_by_test_id("sheet").get_attribute("data-state") or ""


def test_a_whole_cycle_through_the_pages(actors, org, sheet, shot):  # type: ignore[no-untyped-def]
    cycle_url, sheet_url = f"/cycles/{sheet.cycle_id}/", f"/sheets/{sheet.pk}/"

    # HR issues the targets letters for the whole cycle.
    hr = actors.go("hr", cycle_url)
    shot(hr, "hr-cycle-progress")
    hr.click("a[data-step=set_targets]")  # first what will happen, then the confirmation
    hr.get_by_test_id("confirm-bulk").click()
    sheets_in_cycle = str(sheet.cycle.sheets.count())
    expect(hr.locator("tr[data-state=targets_set] td.num")).to_have_text(sheets_in_cycle)

    # The agent reads the letter and acknowledges it.
    agent = actors.go("agent", "/me/")
    assert _state(agent) == SheetState.TARGETS_SET
    agent.goto(actors.base + sheet_url + "targets/")
    shot(agent, "agent-targets-letter")
    agent.click("button[data-step=acknowledge_targets]")
    expect(agent.get_by_test_id("sheet")).to_have_attribute("data-state", SheetState.TARGETS_ACKNOWLEDGED)
    assert fresh(sheet).letter.acknowledged_by == org.agent

    # HR starts the self-reviews; the KPI value comes in; QA and three colleagues rate on their page.
    actors.go("hr", cycle_url).click("a[data-step=start_self_review]")
    actors("hr").get_by_test_id("confirm-bulk").click()
    expect(actors("hr").locator("tr[data-state=self_review] td.num")).to_have_text("1")  # only A001 acknowledged
    _kpi_value(org, sheet)
    sup = actors.go("supervisor", sheet_url)
    sup.click("a[data-testid=request-ratings]")
    for peer in ("peer1", "peer2", "peer3"):
        sup.check(f"input[name=raters][value='{org.users[peer].pk}']")
    shot(sup, "supervisor-asks-for-360")
    sup.click("[data-testid=request-ratings-form] button[type=submit]")
    expect(sup.get_by_test_id("sheet")).to_be_visible()
    _rate_from_requests(actors, "qa", "qa", "score_qa_score", "85", shot)
    for name, score in (("peer1", "80"), ("peer2", "90"), ("peer3", "70")):
        _rate_from_requests(actors, name, "peer", "score_peer_feedback", score, shot if name == "peer1" else None)
    assert svc.peer_feedback(fresh(sheet), org.agent).shown

    # The agent rates themself and submits.
    agent = actors.go("agent", sheet_url + "self-rating/")
    agent.fill("input[name=score_teamwork]", "90")
    agent.fill("textarea[name=comment_teamwork]", "主动帮助新同事")
    shot(agent, "agent-self-rating")
    agent.click("button[name=submit]")
    expect(agent.get_by_test_id("sheet")).to_have_attribute("data-state", SheetState.SUPERVISOR_REVIEW)

    # The supervisor first sends an invalid score (every bad field is reported), then rates properly.
    sup = actors.go("supervisor", "/team/")
    shot(sup, "supervisor-team")
    sup.click(f"tr[data-employee=A001] a[href='{sheet_url}rate/']")
    sup.fill("input[name=score_teamwork]", "180")
    sup.click("button[name=submit]")
    expect(sup.get_by_test_id("form-errors")).to_be_visible()
    shot(sup, "supervisor-rating-invalid")
    sup.fill("input[name=score_teamwork]", "80")
    sup.click("button[name=submit]")
    expect(sup.get_by_test_id("sheet")).to_have_attribute("data-state", SheetState.REVIEWER_APPROVAL)

    # The reviewer returns it once with a reason, the supervisor resubmits, the reviewer approves.
    rev = actors.go("reviewer", "/review/")
    shot(rev, "reviewer-queue")
    rev.click("tr[data-employee=A001] a.button")
    rev.fill("textarea[name=reason]", "请补充团队合作评分的依据")
    rev.click("button[name=return]")
    assert fresh(sheet).state == SheetState.SUPERVISOR_REVIEW
    sup = actors.go("supervisor", sheet_url)
    expect(sup.get_by_text("请补充团队合作评分的依据")).to_be_visible()
    sup.click("button[data-step=submit_supervisor_review]")
    expect(sup.get_by_test_id("sheet")).to_have_attribute("data-state", SheetState.REVIEWER_APPROVAL)
    rev = actors.go("reviewer", f"{sheet_url}review/")
    rev.click("a[data-testid=reviewer-rate]")
    rev.fill("input[name=score_teamwork]", "70")
    rev.click("button[name=submit]")
    shot(rev, "reviewer-approve")
    rev.click("button[name=approve]")
    assert fresh(sheet).state == SheetState.CALIBRATION
    assert fresh(sheet).current_score.total == EXPECTED_TOTAL

    # HR calibrates on the board (chart drawn by ECharts) and publishes.
    hr = actors.go("hr", f"/cycles/{sheet.cycle_id}/calibration/")
    expect(hr.get_by_test_id("grade-chart")).to_have_attribute("data-rendered", "1")
    expect(hr.locator("[data-testid=grade-chart] canvas").first).to_be_visible()
    shot(hr, "hr-calibration-board")
    hr.click("tr[data-employee=A001] a.button")  # htmx loads the adjust form into the board
    form = hr.locator("#calibrate-panel form")
    expect(form).to_be_visible()
    form.locator("select[name=grade]").select_option("B")
    form.locator("input[name=total]").fill("89")
    form.locator("textarea[name=reason]").fill("与同组座席员横向比较后下调")
    shot(hr, "hr-calibration-adjust")
    form.locator("button[type=submit]").click()
    expect(hr.locator("tr[data-employee=A001]")).to_contain_text("B")
    hr.click("a[data-step=publish]")
    hr.get_by_test_id("confirm-bulk").click()
    assert fresh(sheet).state == SheetState.PUBLISHED

    # The supervisor records the feedback interview; the agent confirms it and the result.
    sup = actors.go("supervisor", sheet_url + "interview/")
    sup.fill("textarea[name=strengths]", "来电处理规范，客户满意度高")
    sup.fill("textarea[name=gaps]", "话后处理时间偏长")
    sup.fill("textarea[name=improvement_plan]", "每周复盘三通录音，缩短话后处理")
    shot(sup, "supervisor-interview")
    sup.click("button[name=record]")
    expect(sup.get_by_test_id("interview-record")).to_be_visible()
    agent = actors.go("agent", sheet_url)
    expect(agent.get_by_test_id("sheet-grade")).to_have_text("B")
    shot(agent, "agent-published-sheet")
    agent.goto(actors.base + sheet_url + "interview/")
    agent.click("button[name=confirm]")
    expect(agent.get_by_test_id("sheet")).to_have_attribute("data-state", SheetState.INTERVIEWED)
    agent.click("button[data-step=acknowledge_result]")
    expect(agent.get_by_test_id("sheet")).to_have_attribute("data-state", SheetState.ACKNOWLEDGED)

    # The agent follows a KPI value to the records behind it, then appeals with it as evidence.
    agent.click("[data-indicator=csat] a[data-testid=kpi-link]")
    expect(agent.get_by_test_id("kpi-value")).to_have_text("92")
    shot(agent, "agent-kpi-records")
    agent.goto(actors.base + sheet_url)
    agent.click("a[data-step=appeal]")
    agent.fill("textarea[name=reason]", "校准下调缺少说明，本人满意度与质检均达标")
    agent.locator("input[name=indicators]").first.check()
    shot(agent, "agent-appeal")
    agent.click("[data-testid=appeal-form] button[type=submit]")
    expect(agent.get_by_test_id("appeal")).to_have_attribute("data-outcome", "pending")
    appeal = Appeal.objects.get(sheet=sheet)
    assert appeal.evidence and appeal.evidence[0]["kind"] == "kpi"
    assert fresh(sheet).state == SheetState.APPEALED

    # HR assigns the director as re-reviewer; the director adjusts the score as a new version.
    hr = actors.go("hr", f"/appeals/{appeal.pk}/")
    hr.select_option("select[name=reviewer]", str(org.director.pk))
    hr.click("button[name=assign]")
    expect(hr.get_by_test_id("appeal")).to_contain_text("director")
    shot(hr, "hr-appeal-assigned")
    director = actors.go("director", f"/appeals/{appeal.pk}/")
    director.check("input[name=decision][value=adjust]")
    director.fill("input[name=total]", "92.9")
    director.select_option("select[name=grade]", "A")
    director.fill("textarea[name=reason]", "校准理由不充分，恢复原评分")
    director.click("button[name=decide]")
    expect(director.get_by_test_id("appeal")).to_have_attribute("data-outcome", "adjusted")
    shot(director, "director-appeal-adjusted")

    sheet = fresh(sheet)
    assert sheet.state == SheetState.CLOSED
    kinds = [v.kind for v in svc.score_history(sheet)]
    # every rescoring, the calibration and the appeal adjustment are kept as versions, oldest first
    assert kinds[0] == ScoreVersion.Kind.COMPUTED
    assert kinds[-2:] == [ScoreVersion.Kind.CALIBRATION, ScoreVersion.Kind.APPEAL]
    assert sheet.current_score.grade == "A"
    agent = actors.go("agent", sheet_url)
    expect(agent.get_by_test_id("sheet-grade")).to_have_text("A")
    expect(agent.get_by_test_id("score-history")).to_be_visible()
    shot(agent, "agent-closed-sheet")
