"""The language switch and the auditor's in-place (htmx) filter, in Debian's chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.people import choose_language, log_in
from tests.web.conftest import walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_start_in_chinese_and_switch_to_english(page, live_server, org, sheet, shot):
    log_in(page, live_server.url, "agent")
    page.get_by_test_id("todo-my-sheet").click()  # from the home page's to-do to the sheet
    expect(page.locator("h2", has_text="每一分的来历")).to_be_visible()
    choose_language(page, "en")
    expect(page.locator("h2", has_text="How every point was reached")).to_be_visible()
    shot(page, "agent-sheet-in-english")
    choose_language(page, "zh-hans")
    expect(page.locator("h2", has_text="每一分的来历")).to_be_visible()


def test_the_auditor_filters_the_trail_in_place(page, live_server, org, sheet, shot):
    walk_to(org, sheet, "targets_acknowledged")
    log_in(page, live_server.url, "auditor")
    page.get_by_test_id("nav-ui-audit_trail").click()
    rows = page.locator("[data-testid=audit-events] tbody tr")
    expect(rows.first).to_have_attribute("data-action", "sheet.transition")  # shown by name, code kept aside
    page.select_option("select[name=action]", "org.import_employees")
    page.click("form[hx-get] button[type=submit]")
    expect(rows).to_have_count(1)  # the "no events" row, swapped in by htmx
    assert "action=org.import_employees" in page.url  # the filter is kept in the address (hx-push-url)
    expect(page.locator("h1")).to_have_count(1)  # only the table was replaced, not the page
    shot(page, "auditor-filtered")


def test_a_refusal_to_an_htmx_request_is_shown_in_place(page, live_server, org, sheet, shot):
    from kaohe.web.appraisal import services as svc

    sheet = walk_to(org, sheet, "calibration")
    log_in(page, live_server.url, "hr")
    page.goto(f"{live_server.url}/cycles/{sheet.cycle_id}/calibration/")
    svc.publish(sheet, org.hr)  # meanwhile the sheet is published: calibrating it is no longer possible
    page.click("tr[data-employee=A001] a.button")
    refusal = page.locator("#calibrate-panel [data-testid=refusal]")
    expect(refusal).to_be_visible()
    expect(refusal).to_have_attribute("data-reason", "read_only")
    shot(page, "hr-refused-in-place")
