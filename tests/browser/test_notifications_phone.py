"""Notifications on a phone (390 px) in Debian's chromium: the bell in the top bar, the list,
mark-as-read, and HR adding a work-chat robot whose address is then shown only masked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.people import PHONE, log_in
from tests.web.conftest import walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdefcafe"


def _login(page: Page, base: str, name: str) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, base, name)
    expect(page.get_by_test_id("notify-bell")).to_be_visible()


def _fits(page: Page) -> None:
    """Nothing scrolls the page sideways at 390 px (wide tables scroll inside their own box)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_agent_sees_the_bell_and_reads_the_list_on_a_phone(page, live_server, org, sheet, shot):
    walk_to(org, sheet, "self_review")  # targets issued, then self-rating started: two notifications
    _login(page, live_server.url, "agent")
    expect(page.get_by_test_id("notify-unread")).to_have_text("2")
    shot(page, "bell-with-two-unread")
    page.get_by_test_id("notify-bell").click()
    expect(page.get_by_test_id("notifications")).to_contain_text("请完成自评")
    expect(page.get_by_test_id("notifications")).to_contain_text("请确认目标责任书")
    _fits(page)
    shot(page, "list-on-a-phone")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_test_id("notify-unread")).to_have_count(0)
    expect(page.get_by_test_id("unread-total")).to_have_text("0 条未读")


def test_hr_adds_a_robot_on_a_phone_and_sees_it_masked(page, live_server, org, shot):
    _login(page, live_server.url, "hr")
    page.get_by_test_id("notify-bell").click()
    page.get_by_role("main").get_by_role("link", name="工作群机器人").click()  # the page's own link, not the menu's
    _fits(page)
    page.get_by_role("link", name="添加机器人").click()
    page.get_by_label("名称").fill("客服中心钉钉群")
    page.get_by_label("机器人", exact=True).select_option("dingtalk")
    page.get_by_label("Webhook 地址", exact=True).fill(WEBHOOK)
    page.get_by_label("签名密钥", exact=True).fill("SEC0123456789abcdef0123456789abcdef0123456789abcdef7777")
    _fits(page)
    shot(page, "robot-form")
    page.get_by_role("button", name="保存").click()
    table = page.get_by_test_id("channels")
    expect(table).to_contain_text("客服中心钉钉群")
    expect(table).to_contain_text("https://oapi.dingtalk.com/robot/send?••••cafe")
    expect(table).to_contain_text("••••7777")
    assert "0123456789abcdef" not in page.content()
    _fits(page)
    shot(page, "robots-masked")
    page.get_by_role("main").get_by_role("link", name="发送失败的通知").click()
    expect(page.get_by_test_id("failed-deliveries")).to_contain_text("没有发送失败的通知。")
    _fits(page)
