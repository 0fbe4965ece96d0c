"""What a person does on every page, once for the whole browser suite: log in, choose a language from
the top bar, open a menu entry (on a phone, the collapsed menu first), check nothing scrolls sideways.

Each step waits for what a person waits for — the page loaded with its style sheet and script, the
collapsed menu open, the drop-down shown, the next page after the language menu submits — so a slow
machine makes the suite slower, never red.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

WIDE = {"width": 1366, "height": 900}
LAPTOP = WIDE
PHONE = {"width": 390, "height": 844}
LG_BREAKPOINT = 992  # Bootstrap's lg: below it the top menu is collapsed behind the toggle

_HTML_LANG = {"en": "en", "zh-hans": "zh-hans"}


def _collapsed(page: Page) -> bool:
    return page.viewport_size is not None and page.viewport_size["width"] < LG_BREAKPOINT


def open_collapsed_menu(page: Page) -> None:
    """On a phone, open the collapsed top menu (once the page's style sheet and script are in)."""
    page.wait_for_load_state("load")
    if not _collapsed(page):
        return
    panel = page.locator("#kaohe-menu")
    if panel.is_visible():
        return
    page.get_by_test_id("menu-toggle").click()
    expect(panel).to_be_visible()


def choose_language(page: Page, language: str) -> None:
    """Pick a language in the top bar and wait for the page to come back in it."""
    open_collapsed_menu(page)
    with page.expect_navigation(wait_until="load"):
        page.select_option("select[name=language]", language)
    expect(page.locator("html")).to_have_attribute("lang", _HTML_LANG.get(language, language))


def log_in(page: Page, base: str, name: str, language: str = "zh-hans") -> None:
    """The login page, in the language chosen there first when it is not Chinese."""
    page.goto(f"{base}/login/")
    if language != "zh-hans":
        choose_language(page, language)
    page.fill("#id_username", name)
    page.fill("#id_password", "pw-" + name)
    page.locator("main button[type=submit]").click()
    expect(page.get_by_test_id("current-user")).to_have_text(name)


def login(browser: Browser, base: str, name: str, *, viewport: dict = WIDE, locale: str = "zh-CN") -> Page:
    """A new browser context (its own language and screen size) logged in as `name`."""
    context = browser.new_context(locale=locale, viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", "pw-" + name)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("current-user")).to_be_attached()
    page.wait_for_load_state("load")
    return page


def menu(page: Page, group: str, entry: str) -> None:
    """Open a page from the top menu: on a phone the collapsed menu first, then the group's drop-down."""
    open_collapsed_menu(page)
    target = page.get_by_test_id(entry).first
    group_link = page.get_by_test_id(f"nav-group-{group}")
    if not target.is_visible() and group_link.count():
        group_link.first.click()
        expect(target).to_be_visible()
    target.click()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)
