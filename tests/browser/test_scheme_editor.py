"""HR edits the book's agent scheme in the app, clicked in Debian's chromium.

After logging in nobody types a URL: HR takes the agent scheme (call_center_agent monthly) into
the company, moves five points of weight from the calls category to the work items, sees K001
at the categories while the weights add up to 95 %, fixes it, previews October (two agents
change grade: A001 S → A, A004 C → B; see tests/schemes_web/agent_month.py), publishes version 2
for December, opens December's cycle for the agents and finds it on version 2, while October
still shows version 1. Screenshots at 1366 and 390 px, Chinese and English:
test-artifacts/scheme-editor/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from kaohe.web.appraisal.models import Cycle
from kaohe.web.schemes.models import CompanyScheme
from tests.browser.people import PHONE, WIDE, choose_language, login, menu, no_sideways_scroll
from tests.schemes_web.agent_month import SCHEME_ID, october_with_results

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "scheme-editor"


@pytest.fixture
def library():  # type: ignore[no-untyped-def]
    """The real library: the agent scheme as the book has it."""
    yield


@pytest.fixture
def shots(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """shots(page, "label"): a full-page screenshot named <test>-<n>-<label>-<width>.png."""
    prefix = "flow" if "edits" in request.node.name else "opening" if "opening" in request.node.name else "pages"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob(f"{prefix}-*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def take(page: Page, label: str) -> None:
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=str(SHOTS / f"{prefix}-{next(counter):02d}-{label}-{width}.png"), full_page=True)

    return take


def _fits(page: Page) -> None:
    """No sideways scroll, measured once the page and its style sheets have loaded."""
    page.wait_for_load_state("load")
    no_sideways_scroll(page)


def _problem_codes(page: Page) -> list[str]:
    return page.get_by_test_id("problem-list").locator("li").evaluate_all("els => els.map(e => e.dataset.code)")


def test_hr_edits_the_agent_scheme_previews_publishes_version_2_and_a_new_cycle_uses_it(
        browser: Browser, live_server, org, shots):
    october = october_with_results(org)
    hr = login(browser, live_server.url, "hr")

    # Takes the book's agent scheme into the company from the setup menu.
    menu(hr, "setup", "nav-schemes-index")
    hr.get_by_test_id(f"adopt-{SCHEME_ID}").click()
    expect(hr.get_by_test_id("scheme-tabs")).to_be_visible()
    shots(hr, "editor-as-copied")

    # Moves five points from the calls category: K001 at the categories while the weights add up to 95 %.
    hr.locator('input[name="categories.0.weight"]').fill("75")
    hr.get_by_test_id("save-draft").first.click()
    expect(hr.get_by_test_id("check-summary")).to_contain_text("检查发现错误")
    assert "K001" in _problem_codes(hr)
    categories = hr.locator("#b-categories")
    expect(categories.locator('[data-code="K001"]').first).to_be_visible()
    expect(categories.locator('[data-code="K001"]').first).to_contain_text("75% + 20% = 95%")
    expect(hr.locator('input[name="categories.0.weight"]')).to_have_class(re.compile("is-invalid"))
    shots(hr, "k001-at-the-categories")
    # … and the versions page will not publish it
    hr.get_by_test_id("tab-versions").click()
    expect(hr.get_by_test_id("publish-blocked")).to_contain_text("K001")
    hr.get_by_test_id("tab-edit").click()

    # Fixes it; the live check clears K001 before saving, and the save confirms it.
    hr.locator('input[name="categories.1.weight"]').fill("25")
    hr.locator('input[name="categories.1.weight"]').press("Tab")
    expect(hr.locator("#live-status")).to_have_attribute("data-errors", "0")
    expect(hr.locator('input[name="categories.0.weight"]')).not_to_have_class(re.compile("is-invalid"))
    hr.get_by_test_id("save-draft").first.click()
    expect(hr.get_by_test_id("check-summary")).not_to_contain_text("检查发现错误")
    assert "K001" not in _problem_codes(hr)

    # Previews October: two agents change grade.
    hr.get_by_test_id("tab-preview").click()
    expect(hr.get_by_test_id("changed-count")).to_contain_text("2")
    changed = hr.get_by_test_id("changed-people")
    expect(changed).to_contain_text("agent")
    expect(changed).to_contain_text("S → A")
    expect(changed).to_contain_text("peer3")
    expect(changed).to_contain_text("C → B")
    expect(hr.get_by_test_id("distribution")).to_be_visible()
    shots(hr, "preview")

    # Publishes version 2 for December on.
    hr.get_by_test_id("go-publish").click()
    hr.get_by_test_id("change-note").fill("通话类 75%，工作事项 25%")
    hr.get_by_test_id("effective-from").fill("2026-12")
    hr.get_by_test_id("publish").click()
    expect(hr.locator(".messages")).to_contain_text("已发布第 2 版")
    expect(hr.get_by_test_id("version-list").locator("tr[data-version='2']")).to_contain_text("2026-12")
    expect(hr.get_by_test_id("diff-rows")).to_contain_text("80")
    shots(hr, "versions-and-diff")
    cs = CompanyScheme.objects.get(company=org.company, scheme_id=SCHEME_ID)
    assert [v.number for v in cs.versions.order_by("number")] == [1, 2]

    # Opens December for the agents: the cycle uses version 2.
    menu(hr, "cycles", "nav-ui-cycle_list")
    hr.get_by_test_id("open-cycle-link").click()
    expect(hr.locator("input[name=label]")).to_have_value("2026-12")
    hr.get_by_test_id("scope-positions").get_by_text("呼叫中心座席员").click()
    hr.get_by_test_id("preview-cycle").click()
    hr.get_by_test_id("confirm-cycle").click()
    december = Cycle.objects.get(company=org.company, label="2026-12")
    expect(hr.get_by_test_id("cycle-schemes")).to_contain_text("第 2 版")
    shots(hr, "december-on-version-2")
    assert {s.scheme.scheme().categories[0].weight for s in december.sheets.select_related("scheme")} == {75}

    # October still shows version 1, on its page and on a sheet.
    menu(hr, "cycles", "nav-ui-cycle_list")
    hr.locator(f"tr[data-cycle='{october.label}'] a").click()
    expect(hr.get_by_test_id("cycle-schemes")).to_contain_text("第 1 版")
    expect(hr.get_by_test_id("cycle-schemes")).not_to_contain_text("第 2 版")
    shots(hr, "october-on-version-1")
    hr.context.close()


def test_the_scheme_pages_on_a_phone_and_in_english(browser: Browser, live_server, org, shots):
    october_with_results(org)
    for locale, viewport in (("zh-CN", PHONE), ("en-US", WIDE), ("en-US", PHONE)):
        page = login(browser, live_server.url, "hr", viewport=viewport, locale=locale)
        if locale.startswith("en"):  # chosen from the menu, not left to the browser's language
            choose_language(page, "en")
        menu(page, "setup", "nav-schemes-index")
        lang = "en" if locale.startswith("en") else "zh"
        _fits(page)
        shots(page, f"schemes-{lang}")
        existing = page.get_by_test_id(f"edit-{SCHEME_ID}")
        if existing.count():
            existing.click()
        else:
            page.get_by_test_id(f"adopt-{SCHEME_ID}").click()
        page.locator('input[name="categories.0.weight"]').fill("70")
        page.get_by_test_id("save-draft").first.click()
        expect(page.get_by_test_id("problem-list")).to_contain_text("K001")
        if lang == "en":
            expect(page.get_by_test_id("check-summary")).to_contain_text("The check found errors")
        _fits(page)
        shots(page, f"editor-k001-{lang}")
        page.get_by_test_id("tab-preview").click()
        _fits(page)
        shots(page, f"preview-{lang}")
        page.get_by_test_id("tab-versions").click()
        _fits(page)
        shots(page, f"versions-{lang}")
        page.get_by_test_id("tab-upload").click()
        _fits(page)
        page.locator("nav a").filter(has_text=re.compile("本公司的考核方案|The company's schemes")).click()
        page.get_by_test_id("link-assignments").click()
        _fits(page)
        shots(page, f"schemes-in-use-{lang}")
        page.context.close()


def test_the_cycle_opening_page_links_positions_without_a_scheme_to_the_schemes_in_use(
        browser: Browser, live_server, org, shots):
    hr = login(browser, live_server.url, "hr")
    menu(hr, "cycles", "nav-ui-cycle_list")
    hr.get_by_test_id("open-cycle-link").click()
    hr.get_by_test_id("preview-cycle").click()  # every position: the manager and the director have no scheme
    expect(hr.get_by_test_id("missing-schemes")).to_be_visible()
    hr.get_by_test_id("link-scheme-assignments").click()
    rows = hr.get_by_test_id("assignment-rows")
    # the monthly cycle found no monthly scheme for the manager; the agent's is the book's
    expect(rows.locator("tr[data-position='call_center_manager'] td[data-period='monthly']")).to_have_text("—")
    expect(rows.locator("tr[data-position='call_center_agent'] td[data-period='monthly']")).to_contain_text("书中方案")
    shots(hr, "positions-without-a-scheme")
    hr.context.close()
