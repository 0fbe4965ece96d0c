"""HR reads the position library and makes a position the company's own, by clicking from the home page:
library → a position → its five modules → "use in our company" → edit a competency descriptor → the
difference from the book. In Chinese and English, on a laptop (1366 px) and a phone (390 px), with no
sideways scrolling; screenshots under test-artifacts/library/<language>-<width>/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.people import LAPTOP, PHONE, log_in, menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
MODULES = ["kpis", "competency", "schemes", "rules", "guidance"]
NEW_DESCRIPTOR = {"zh-hans": "高峰时段能同时处理两条在线会话且不出错", "en": "Handles two chats at once at peak time without a slip"}


@pytest.fixture
def book() -> Iterator[None]:
    from kaohe.library import default_library
    from kaohe.web.appraisal import library_bridge

    lib = default_library()
    with library_bridge.override(positions=[e.position for e in lib], schemes=lib.schemes):
        yield


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_hr_reads_a_position_uses_it_in_the_company_and_edits_a_descriptor(page, live_server, org, book,
                                                                          language, viewport):
    from kaohe.library import default_library
    from kaohe.web.library.models import CompanyPosition

    folder = REPO / "test-artifacts" / "library" / f"{'zh' if language == 'zh-hans' else 'en'}-{viewport['width']}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    shots = iter(range(1, 100))

    def shot(label: str) -> None:
        # every page fits the screen: nothing scrolls sideways
        width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, (label, width, inner)
        page.screenshot(path=str(folder / f"{next(shots):02d}-{label}.png"), full_page=True)

    agent = default_library().position("call_center_agent").position
    first = agent.competency_model.competencies[0]
    page.set_viewport_size(viewport)
    log_in(page, live_server.url, "hr", language)
    shot("home")
    menu(page, "setup", "nav-library-index")
    expect(page.locator("h1")).to_have_text("岗位库" if language == "zh-hans" else "Position library")
    expect(page.locator("[data-testid^=position-]")).to_have_count(32)
    shot("library")
    page.get_by_test_id("position-call_center_agent").click()
    expect(page.locator("h1")).to_contain_text(agent.name.zh if language == "zh-hans" else agent.name.en)
    shot("position")
    for module in MODULES:
        page.get_by_test_id(f"module-{module}").click()
        expect(page.get_by_test_id(f"module-page-{module}")).to_be_visible()
        shot(module)
    page.get_by_test_id("company-copy").click()
    shot("company-before")
    page.get_by_test_id("use-in-company").click()
    expect(page.get_by_test_id("competency-diff-none")).to_be_visible()
    shot("company-copied")
    page.get_by_test_id("edit-competency").click()
    # HR writes the descriptor of level 2 of the first competency in the page's language
    en = language == "en"
    field = page.locator("#c0_l1_en" if en else "#c0_l1")
    before = first.levels[1].descriptor_en if en else first.levels[1].descriptor
    expect(field).to_have_value(before)
    field.fill(NEW_DESCRIPTOR[language])
    shot("edit-competency")
    page.get_by_test_id("save-competency").click()
    diff = page.get_by_test_id("competency-diff")
    expect(diff).to_contain_text(NEW_DESCRIPTOR[language])
    expect(diff).to_contain_text(before)
    expect(diff).to_contain_text("level 2 · descriptor (English)" if en else "第 2 级 · 描述")
    shot("difference-from-the-book")
    row = CompanyPosition.objects.get(position_code="call_center_agent")
    assert row.version == 2
    assert row.competency_model["competencies"][0]["levels"][1]["descriptor_en" if en else "descriptor"] == \
        NEW_DESCRIPTOR[language]


@pytest.mark.parametrize(("language", "viewport"), [("zh-hans", LAPTOP), ("en", PHONE)], ids=["zh-1366", "en-390"])
def test_hr_writes_letter_fields_sees_a_misspelt_one_refused_and_the_difference_from_the_book(
        page, live_server, org, book, language, viewport):
    from kaohe.library import default_library

    en = language == "en"
    folder = REPO / "test-artifacts" / "library" / f"letter-{'en' if en else 'zh'}-{viewport['width']}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    shots = iter(range(1, 100))

    def shot(label: str) -> None:
        width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, (label, width, inner)
        page.screenshot(path=str(folder / f"{next(shots):02d}-{label}.png"), full_page=True)

    first = default_library().position("call_center_agent").scheme().categories[0].indicators[0]
    page.set_viewport_size(viewport)
    log_in(page, live_server.url, "hr", language)
    menu(page, "setup", "nav-library-index")
    page.get_by_test_id("position-call_center_agent").click()
    page.get_by_test_id("company-copy").click()
    page.get_by_test_id("use-in-company").click()
    page.get_by_test_id("edit-letter").click()
    expect(page.get_by_test_id("letter-fields")).to_contain_text(f"{{target:{first.id}}}")
    purpose = page.locator("#f-purpose_en" if en else "#f-purpose")
    purpose.fill(f"{{employee_nam}} {{target:{first.id}}}")
    page.get_by_test_id("save-letter").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.locator(".invalid-feedback")).to_contain_text("{employee_nam}")
    shot("misspelt-field-refused")
    purpose = page.locator("#f-purpose_en" if en else "#f-purpose")
    text = (f"{{employee_name}} commits to {{target:{first.id}}} this period" if en
            else f"{{employee_name}}本期承诺：{{target:{first.id}}}")
    purpose.fill(text)
    page.get_by_test_id("save-letter").click()
    diff = page.get_by_test_id("letter-diff")
    expect(diff).to_contain_text(text)
    expect(diff).to_contain_text("purpose (English)" if en else "目的")
    shot("letter-difference-from-the-book")
