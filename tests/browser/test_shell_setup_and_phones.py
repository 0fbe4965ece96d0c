"""HR sets up people by clicking from the home page (no URL typed after login), in Chinese and
English, on a laptop (1366 px) and a phone (390 px); and on a phone the agent's pages and the
director's dashboard fit the screen without sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.people import LAPTOP, PHONE, log_in, menu
from tests.web.conftest import walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {  # what HR clicks, as the page writes it
    "zh-hans": {"employees": "员工", "add": "新增员工", "login": "创建登录账号", "grant": "授予角色",
                "org": "组织架构", "add_team": "新增班组", "setup": "设置"},
    "en": {"employees": "Employees", "add": "Add an employee", "login": "Create a login", "grant": "Grant a role",
           "org": "Org tree", "add_team": "Add a team", "setup": "Setup"},
}


def _fits(page: Page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_hr_adds_an_employee_creates_a_login_grants_a_role_and_edits_the_org_tree(
        page, live_server, org, shot, language, viewport):
    from kaohe.web.org.models import Employee, RoleAssignment, Team

    page.set_viewport_size(viewport)
    log_in(page, live_server.url, "hr", language)
    w = WORDS[language]
    shot(page, "home")
    menu(page, "setup", "nav-ui-setup_employees")
    expect(page.locator("h1")).to_contain_text(w["employees"])
    shot(page, "directory")
    page.get_by_test_id("add-employee").click()
    form = page.get_by_test_id("employee-form")
    form.locator("#id_name").fill("赵六")
    form.locator("#id_code").fill("A300")
    form.locator("#id_position").select_option(str(org.agent_position.pk))
    form.locator("#id_level").select_option("specialist")
    form.locator("#id_department").select_option(str(org.inbound.pk))
    form.locator("#id_team").select_option(str(org.team_a.pk))
    form.locator("#id_manager").select_option(str(org.supervisor_emp.pk))
    form.locator("#id_hire_date").fill("2026-11-02")
    shot(page, "add-employee-filled")
    form.get_by_test_id("save").click()
    expect(page.get_by_test_id("employee-facts")).to_be_visible()
    employee = Employee.objects.get(code="A300")
    shot(page, "employee-added")

    page.get_by_test_id("create-login").click()
    page.locator("#id_username").fill("zhaoliu")
    page.get_by_test_id("login-form").get_by_test_id("save").click()
    password = page.get_by_test_id("issued-password").inner_text()
    assert re.fullmatch(r"[A-Za-z0-9]{12}", password)
    shot(page, "login-created")
    page.get_by_test_id("back-to-employee").click()
    expect(page.get_by_test_id("login-name")).to_have_text("zhaoliu")

    page.get_by_test_id("grant-role-link").click()
    grant = page.get_by_test_id("grant-role-form")
    expect(grant.locator("#id_employee")).to_have_value(str(employee.pk))
    grant.locator("#id_role").select_option("qa")
    grant.locator("#id_scope").select_option("company")
    grant.get_by_test_id("grant").click()
    expect(page.get_by_test_id("role-table")).to_contain_text("zhaoliu")
    assert RoleAssignment.objects.filter(user__username="zhaoliu", role="qa").exists()
    shot(page, "role-granted")

    menu(page, "setup", "nav-ui-setup_org")
    expect(page.get_by_test_id("org-tree")).to_contain_text("一组")
    page.get_by_test_id("add-team").click()
    team_form = page.get_by_test_id("team-form")
    team_form.locator("#id_name").fill("三组")
    team_form.locator("#id_code").fill("c")
    team_form.locator("#id_department").select_option(str(org.inbound.pk))
    team_form.get_by_test_id("save").click()
    expect(page.get_by_test_id("team-c")).to_contain_text("三组")
    assert Team.objects.filter(department=org.inbound, code="c").exists()
    shot(page, "org-tree-with-new-team")
    if viewport == PHONE:
        width, screen = _fits(page)
        assert width <= screen


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_on_a_phone_the_agent_pages_and_the_director_dashboard_fit_the_screen(
        page, live_server, org, sheet, shot, language):
    sheet = walk_to(org, sheet, "acknowledged")
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "agent", language)
    menu = page.locator("#kaohe-menu")
    expect(menu).to_be_hidden()  # the menu is collapsed behind its button
    expect(page.get_by_test_id("menu-toggle")).to_be_visible()
    checked = {}
    checked["home"] = _fits(page)
    shot(page, "agent-home")
    # each page is measured with its content on it (a refusal page would fit trivially)
    for path, label, content in ((f"/sheets/{sheet.pk}/", "sheet", "sheet"),
                                 (f"/sheets/{sheet.pk}/kpi/csat/", "kpi-drill-down", "kpi-records"),
                                 (f"/sheets/{sheet.pk}/appeal/", "appeal", "appeal-form"),
                                 ("/me/", "my-appraisal", "sheet")):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        expect(page.get_by_test_id(content)).to_be_visible()
        checked[label] = _fits(page)
        shot(page, f"agent-{label}")
    page.get_by_test_id("menu-toggle").click()
    expect(menu).to_be_visible()
    shot(page, "agent-menu-open")
    page.context.clear_cookies()
    log_in(page, live_server.url, "director", language)
    page.goto(f"{live_server.url}/reports/cycle/{sheet.cycle_id}/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("report-distribution").locator("canvas, svg").first).to_be_attached()  # drawn
    checked["director-dashboard"] = _fits(page)
    shot(page, "director-dashboard")
    too_wide = {name: wh for name, wh in checked.items() if wh[0] > wh[1]}
    assert too_wide == {}
