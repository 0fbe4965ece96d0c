"""Issue 12, item 6: every change of users, passwords, roles, scopes and tokens is in the audit
chain, whatever the path: the Django admin, a management command, the API models, the ORM."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kaohe.web.audit.models import AuditEvent


def _events(action: str, **filters):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("seq"))


@pytest.fixture
def admin_client(client, org):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.create_superuser("root", password="pw-root-unused")
    client.force_login(boss)
    client.boss = boss
    return client


def test_attack_role_assignment_added_in_the_django_admin_leaves_no_event(admin_client, org):
    from kaohe.web.org.models import RoleAssignment

    response = admin_client.post("/admin/org/roleassignment/add/", {
        "user": org.agent.pk, "company": org.company.pk, "role": "hr", "scope": "company"})
    assert response.status_code == 302, response.content[:2000]
    ra = RoleAssignment.objects.get(user=org.agent, role="hr")
    [ev] = _events("role.add", object_id=str(ra.pk))
    assert ev.actor_id == admin_client.boss.pk  # the admin who did it, not "system"
    assert ev.after == {"user": org.agent.pk, "company": org.company.pk, "role": "hr", "scope": "company",
                        "department": None, "team": None}
    assert ev.company_id_ref == org.company.pk


def test_a_role_changed_and_removed_in_the_admin_is_recorded(admin_client, org):
    from kaohe.web.org.models import RoleAssignment

    ra = RoleAssignment.objects.get(user=org.qa, role="qa")
    admin_client.post(f"/admin/org/roleassignment/{ra.pk}/change/", {
        "user": org.qa.pk, "company": org.company.pk, "role": "auditor", "scope": "company"})
    [change] = _events("role.change", object_id=str(ra.pk))
    assert change.before["role"] == "qa" and change.after["role"] == "auditor"
    admin_client.post(f"/admin/org/roleassignment/{ra.pk}/delete/", {"post": "yes"})
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    [removed] = _events("role.remove", object_id=str(ra.pk))
    assert removed.before["role"] == "auditor" and removed.actor_id == admin_client.boss.pk


def test_superuser_flag_and_password_set_in_the_admin_are_recorded(admin_client, org):
    from django.contrib.auth import get_user_model

    user = org.agent
    admin_client.post(f"/admin/auth/user/{user.pk}/password/", {
        "password1": "A-much-longer-Passw0rd!", "password2": "A-much-longer-Passw0rd!",
        "usable_password": "true"})
    [pw] = _events("user.password_change", object_id=str(user.pk))
    assert "A-much-longer" not in str(pw.after) and pw.after == {"usable": True}
    get_user_model().objects.filter(pk=user.pk)  # a fresh read below
    u = get_user_model().objects.get(pk=user.pk)
    u.is_superuser = True
    u.save()
    [flag] = _events("user.change", object_id=str(user.pk))
    assert flag.before == {"is_superuser": False} and flag.after == {"is_superuser": True}


def test_attack_token_issued_and_revoked_by_command_leave_no_event(org, capsys):
    from kaohe.web.api.models import IntegrationToken

    call_command("kaohe_token", "issue", "--company", "demo", "--user", "hr", "--scopes", "sheets:read",
                 "--name", "ACD export")
    token = IntegrationToken.objects.get(name="ACD export")
    [issued] = _events("token.issue", object_id=str(token.pk))
    assert issued.after["scopes"] == ["sheets:read"] and issued.after["key_prefix"] == token.key_prefix
    assert token.key_hash not in str(issued.after)  # never the secret or its hash
    call_command("kaohe_token", "revoke", token.key_prefix)
    [revoked] = _events("token.revoke", object_id=str(token.pk))
    assert revoked.before == {"revoked_at": None} and revoked.after["revoked_at"]


def test_using_a_token_is_not_a_privilege_change(org, client):
    from kaohe.web.api.models import IntegrationToken

    _, raw = IntegrationToken.issue(name="use", company=org.company, acting_user=org.hr, scopes=["sheets:read"])
    before = AuditEvent.objects.count()
    client.get("/api/v1/cycles", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert AuditEvent.objects.count() == before


def test_group_membership_and_new_users_are_recorded(org):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("newcomer", password="pw-newcomer-x")
    [created] = _events("user.create", object_id=str(user.pk))
    assert created.after["username"] == "newcomer" and "password" not in created.after
    group = Group.objects.create(name="ops")
    user.groups.add(group)
    [added] = _events("user.groups_add", object_id=str(user.pk))
    assert added.after == {"groups": [group.pk]}


def test_every_privilege_event_keeps_the_chain_verifiable(org):
    from kaohe.web.audit.services import verify_chain
    from kaohe.web.org.models import RoleAssignment

    RoleAssignment.objects.create(user=org.agent, company=org.company, role="director", scope="company")
    report = verify_chain()
    assert report.ok, [p.message_en for p in report.problems]
