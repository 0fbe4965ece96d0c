"""HR sets up the organisation in pages (no Django admin): org tree, employees, logins, roles,
company settings. Every change is audited; bad input is reported all at once; others are refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.web.audit.models import AuditEvent
from kaohe.web.errors import Forbidden, InvalidInput
from kaohe.web.org import setup as svc
from kaohe.web.org.models import Department, Employee, LoginState, RoleAssignment, Team

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _token(html: str, testid: str | None = None) -> str:
    if testid:
        html = html[html.index(f'data-testid="{testid}"'):]
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _fields(error: InvalidInput) -> set[str]:
    return {p.field for p in error.report.problems}


# --- services ---------------------------------------------------------------------------------


def test_adding_an_employee_reports_every_problem_at_once_and_writes_nothing(org):
    before = Employee.objects.count()
    with pytest.raises(InvalidInput) as caught:
        svc.add_employee(org.hr, org.company, code="A001", name=" ", department=org.center, team=org.team_a,
                         position=None, level="boss", manager=None, hire_date=None)
    # A001 exists; no name; team A is not in 客服中心; no position; unknown level; no hire date
    assert _fields(caught.value) == {"code", "name", "team", "position", "level", "hire_date"}
    assert Employee.objects.count() == before


def test_an_added_employee_is_audited_and_only_hr_may_add(org):
    e = svc.add_employee(org.hr, org.company, code="A099", name="新人", department=org.inbound, team=org.team_a,
                         position=org.agent_position, level="specialist", manager=org.supervisor_emp,
                         hire_date=dt.date(2026, 11, 2))
    event = AuditEvent.objects.get(action="org.add_employee", object_id=str(e.pk))
    assert event.actor == org.hr and event.after["team"] == "一组" and event.after["manager"] == "supervisor"
    with pytest.raises(Forbidden):
        svc.add_employee(org.supervisor, org.company, code="A100", name="x", department=org.inbound, team=None,
                         position=org.agent_position, level="specialist", manager=None, hire_date=dt.date(2026, 1, 1))


def test_a_move_may_not_make_a_reporting_line_loop(org):
    # the supervisor cannot report to their own agent
    with pytest.raises(InvalidInput) as caught:
        svc.move_employee(org.hr, org.supervisor_emp, department=org.inbound, team=org.team_a, manager=org.agent_emp)
    assert _fields(caught.value) == {"manager"}
    moved = svc.move_employee(org.hr, org.agent_emp, department=org.inbound, team=org.team_b,
                              manager=org.other_supervisor_emp, reason="调岗")
    assert (moved.team, moved.manager) == (org.team_b, org.other_supervisor_emp)
    event = AuditEvent.objects.get(action="org.move_employee")
    assert (event.before["team"], event.after["team"], event.reason) == ("一组", "二组", "调岗")


def test_a_manager_cannot_leave_while_people_report_to_them_and_a_leaver_loses_the_login(org):
    with pytest.raises(InvalidInput) as caught:
        svc.record_leave(org.hr, org.supervisor_emp, leave_date=dt.date(2026, 12, 31))
    assert _fields(caught.value) == {"manager"}  # four agents still report to them
    svc.record_leave(org.hr, org.peer3_emp, leave_date=dt.date(2026, 12, 31), reason="辞职")
    org.peer3.refresh_from_db()
    assert org.peer3_emp.leave_date == dt.date(2026, 12, 31) and not org.peer3.is_active
    assert AuditEvent.objects.get(action="org.record_leave").after["login_disabled"] is True


def test_a_login_hr_creates_must_be_changed_at_the_first_login(org):
    e = svc.add_employee(org.hr, org.company, code="A123", name="王五", department=org.inbound, team=org.team_a,
                         position=org.agent_position, level="specialist", manager=org.supervisor_emp,
                         hire_date=dt.date(2026, 11, 2))
    with pytest.raises(InvalidInput) as caught:
        svc.create_login(org.hr, e, username="agent")  # taken
    assert _fields(caught.value) == {"username"}
    user, password = svc.create_login(org.hr, e, username="wangwu")
    assert user.check_password(password) and len(password) == 12
    assert LoginState.objects.get(user=user).must_change_password
    created = AuditEvent.objects.get(action="org.create_login")
    assert password not in str(created.after) and created.after["username"] == "wangwu"

    client = Client()
    logged_in = client.post(reverse("ui:login"), {"username": "wangwu", "password": password})
    assert logged_in.status_code == 302
    assert client.get(reverse("ui:home")).url == reverse("ui:change_password")  # every page sends them here
    page = client.get(reverse("ui:change_password")).content.decode()
    assert 'data-testid="first-login"' in page
    bad = client.post(reverse("ui:change_password"), {"old_password": "wrong", "new_password1": "short",
                                                      "new_password2": "other", "form_token": _token(page)})
    assert set(bad.context["form"].errors) == {"old_password", "new_password1", "new_password2"}
    ok = client.post(reverse("ui:change_password"), {
        "old_password": password, "new_password1": "Kaohe-own-2026", "new_password2": "Kaohe-own-2026",
        "form_token": _token(client.get(reverse("ui:change_password")).content.decode())})
    assert ok.status_code == 302
    assert client.get(reverse("ui:home")).status_code == 200  # still logged in, no longer redirected
    assert not LoginState.objects.get(user=user).must_change_password
    assert AuditEvent.objects.filter(action="org.change_password", actor=user).count() == 1


def test_reset_password_sets_a_temporary_one_again(org):
    password = svc.reset_password(org.hr, org.agent_emp)
    org.agent.refresh_from_db()
    assert org.agent.check_password(password) and svc.must_change_password(org.agent)
    assert AuditEvent.objects.filter(action="org.reset_password", object_id=str(org.agent_emp.pk)).exists()


def test_granting_and_revoking_roles_is_audited_and_the_last_hr_stays(org):
    with pytest.raises(InvalidInput) as caught:
        svc.grant_role(org.hr, org.company, user=org.peer1, role="reviewer", scope="department")
    assert _fields(caught.value) == {"department"}
    ra = svc.grant_role(org.hr, org.company, user=org.peer1, role="qa", scope="company")
    with pytest.raises(InvalidInput):  # the same grant twice is refused, not stored twice
        svc.grant_role(org.hr, org.company, user=org.peer1, role="qa", scope="company")
    assert AuditEvent.objects.filter(action="org.assign_role", object_id=str(ra.pk)).exists()
    svc.revoke_role(org.hr, ra, reason="调离质检")
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    revoked = AuditEvent.objects.get(action="org.revoke_role")
    assert revoked.before["role"] == "qa" and revoked.reason == "调离质检"
    own = RoleAssignment.objects.get(user=org.hr, role="hr")
    with pytest.raises(InvalidInput):
        svc.revoke_role(org.hr, own)


def test_company_settings_report_every_problem_and_audit_the_change(org):
    with pytest.raises(InvalidInput) as caught:
        svc.update_company_settings(org.hr, org.company, name="", time_zone="Mars/Base", min_peer_raters=0,
                                    appeal_window_days=99, grade_distribution_target={"A": 10, "B": 20})
    assert _fields(caught.value) == {"name", "time_zone", "min_peer_raters", "appeal_window_days",
                                     "grade_distribution_target"}
    svc.update_company_settings(org.hr, org.company, name="示范客服中心", time_zone="Asia/Shanghai",
                                min_peer_raters=4, appeal_window_days=7,
                                grade_distribution_target={"A": 10, "B": 20, "C": 60, "D": 10})
    org.company.refresh_from_db()
    assert (org.company.min_peer_raters, org.company.appeal_window_days) == (4, 7)
    event = AuditEvent.objects.get(action="org.update_settings")
    assert (event.before["appeal_window_days"], event.after["appeal_window_days"]) == (5, 7)


def test_a_department_cannot_move_under_itself(org):
    with pytest.raises(InvalidInput) as caught:
        svc.update_department(org.hr, org.center, code="center", name="客服中心", parent=org.inbound)
    assert _fields(caught.value) == {"parent"}


# --- pages --------------------------------------------------------------------------------------


SETUP_PAGES = ["ui:setup_home", "ui:setup_org", "ui:setup_employees", "ui:setup_employee_add", "ui:setup_roles",
               "ui:setup_company", "ui:setup_department_add", "ui:setup_team_add", "ui:setup_org_preset"]


@pytest.mark.parametrize("name", SETUP_PAGES)
def test_hr_opens_every_setup_page_and_nobody_else_does(org, name):
    assert _client(org.hr).get(reverse(name)).status_code == 200
    for other in (org.supervisor, org.agent, org.director, org.auditor):
        assert _client(other).get(reverse(name)).status_code == 403, other


def test_the_django_admin_is_for_superusers_only(org):
    org.hr.is_staff = True  # even a staff flag does not open it
    org.hr.save()
    assert _client(org.hr).get("/admin/").status_code == 302  # to the admin's own login
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="pw-root-2026")
    assert _client(root).get("/admin/").status_code == 200


def test_the_directory_searches_filters_and_pages(org):
    hr = _client(org.hr)
    for i in range(30):
        Employee.objects.create(company=org.company, code=f"Z{i:03d}", name=f"临时{i}", department=org.inbound,
                                team=org.team_b, position=org.agent_position, level="specialist",
                                hire_date=dt.date(2026, 1, 1))
    page1 = hr.get(reverse("ui:setup_employees")).content.decode()
    assert page1.count('data-testid="employee-link"') == 25  # 39 people, 25 a page
    assert "39" in page1
    found = hr.get(reverse("ui:setup_employees"), {"q": "A00"}).content.decode()
    assert found.count('data-testid="employee-link"') == 4  # A001 … A004
    in_team_a = hr.get(reverse("ui:setup_employees"), {"team": org.team_a.pk}).content.decode()
    assert in_team_a.count('data-testid="employee-link"') == 5  # the supervisor and four agents
    no_login = hr.get(reverse("ui:setup_employees"), {"login": "no"}).content.decode()
    assert no_login.count('data-testid="employee-link"') == 25 and "agent" not in re.findall(
        r'data-testid="employee-link"[^>]*>([^<]+)<', no_login)


def test_hr_adds_an_employee_creates_a_login_and_grants_a_role_through_the_pages(org):
    hr = _client(org.hr)
    url = reverse("ui:setup_employee_add")
    bad = hr.post(url, {"name": "", "code": "A001", "form_token": _token(hr.get(url).content.decode())})
    assert {"name", "code", "position", "level", "hire_date", "department"} <= set(bad.context["form"].errors)
    response = hr.post(url, {
        "name": "赵六", "code": "A200", "position": org.agent_position.pk, "level": "specialist",
        "department": org.inbound.pk, "team": org.team_a.pk, "manager": org.supervisor_emp.pk,
        "hire_date": "2026-11-02", "form_token": _token(bad.content.decode())})
    e = Employee.objects.get(code="A200")
    assert response.url == reverse("ui:setup_employee", args=[e.pk])
    login_url = reverse("ui:setup_employee_login", args=[e.pk])
    issued = hr.post(login_url, {"username": "zhaoliu", "password": "",
                                 "form_token": _token(hr.get(login_url).content.decode())})
    password = re.search(r'data-testid="issued-password">([^<]+)<', issued.content.decode()).group(1)
    e.refresh_from_db()
    assert e.user.username == "zhaoliu" and e.user.check_password(password)
    roles_url = reverse("ui:setup_roles")
    hr.post(roles_url, {"employee": e.pk, "role": "qa", "scope": "company",
                        "form_token": _token(hr.get(roles_url).content.decode())})
    assert RoleAssignment.objects.filter(user=e.user, role="qa", scope="company").exists()


def test_hr_adds_a_team_to_the_org_tree(org):
    hr = _client(org.hr)
    url = reverse("ui:setup_team_add")
    hr.post(url, {"name": "三组", "code": "c", "department": org.inbound.pk,
                  "form_token": _token(hr.get(url).content.decode())})
    team = Team.objects.get(department=org.inbound, code="c")
    tree = hr.get(reverse("ui:setup_org")).content.decode()
    assert 'data-testid="team-c"' in tree and "三组" in tree
    assert AuditEvent.objects.filter(action="org.create_team", object_id=str(team.pk)).exists()
    assert Department.objects.filter(company=org.company).count() == 2


def test_hr_chooses_a_preset_sees_what_it_adds_confirms_and_edits_the_tree(org):
    """Seed 000's 中小型企业客服部: one department 客服部 (customer_service) with four teams and eight positions,
    listed from org_presets.yaml by hand."""
    hr = _client(org.hr)
    url = reverse("ui:setup_org_preset")
    page = hr.get(url).content.decode()
    for name in ("大型企业客服部", "中小型企业客服部", "呼入型呼叫中心", "呼出型呼叫中心"):  # seed 000's four
        assert name in page
    assert 'data-testid="preset-functional"' in page and 'data-testid="preset-streamline"' in page  # seed 004's two
    before = Department.objects.filter(company=org.company).count()

    preview = hr.post(url, {"preset": "small_enterprise", "prefix": "", "action": "preview"})
    assert preview.status_code == 200
    html = preview.content.decode()
    shown = html[html.index('data-testid="preset-preview"'):]
    assert '<tr data-code="customer_service">' in shown and "客服部" in shown
    for team in ("客服组", "客户关系组", "售后组", "客户信息组"):
        assert team in shown
    assert preview.context["preview"]["departments"] == 1 and preview.context["preview"]["teams"] == 4
    assert len(preview.context["preview"]["positions"]) == 8
    # the preview changes nothing
    assert Department.objects.filter(company=org.company).count() == before
    assert not AuditEvent.objects.filter(action="org.instantiate_preset").exists()

    done = hr.post(url, {"preset": "small_enterprise", "prefix": "", "action": "confirm",
                         "form_token": _token(html, "confirm-form")})
    assert done.status_code == 302 and done["Location"] == reverse("ui:setup_org")
    dept = Department.objects.get(company=org.company, code="customer_service")
    assert dept.name == "客服部" and dept.parent is None
    assert sorted(Team.objects.filter(department=dept).values_list("code", flat=True)) == [
        "after_sales", "desk", "information", "relations"]
    event = AuditEvent.objects.get(action="org.instantiate_preset")
    assert event.after["preset"] == "small_enterprise" and event.after["departments"] == 1
    assert event.after["teams"] == 4

    # the same structure again: the codes exist, the preview says so and offers no confirmation
    again = hr.post(url, {"preset": "small_enterprise", "prefix": "", "action": "preview"})
    assert again.status_code == 422 and "customer_service" in str(again.context["form"].errors)
    assert 'data-testid="confirm-form"' not in again.content.decode()
    # a second copy with a prefix
    second = hr.post(url, {"preset": "small_enterprise", "prefix": "b-", "action": "preview"})
    second = hr.post(url, {"preset": "small_enterprise", "prefix": "b-", "action": "confirm",
                           "form_token": _token(second.content.decode(), "confirm-form")})
    assert second.status_code == 302 and Department.objects.filter(company=org.company, code="b-customer_service")

    # then HR edits it on the org tree pages like any department
    tree = hr.get(reverse("ui:setup_org")).content.decode()
    assert "客服部" in tree and "客户关系组" in tree
    edit = reverse("ui:setup_department", args=[dept.pk])
    response = hr.post(edit, {"name": "客户服务部", "code": "customer_service", "parent": "",
                              "form_token": _token(hr.get(edit).content.decode())})
    assert response.status_code == 302
    dept.refresh_from_db()
    assert dept.name == "客户服务部"
