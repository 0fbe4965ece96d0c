"""Competency self/supervisor assessment with its gap, and the auditor's filterable trail."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from kaohe.web.appraisal.models import CompetencyRating, Sheet
from tests.ui.test_upload_and_records import _token_of_form
from tests.web.conftest import walk_to


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_self_and_supervisor_levels_give_the_gap_to_the_required_level(org, sheet):
    sheet = walk_to(org, sheet, "self_review")
    url = reverse("ui:competency", args=[sheet.pk])
    agent = _client(org.agent)
    token = _token_of_form(agent.get(url).content.decode())
    assert agent.post(url, {"level_communication": "4", "level_product_knowledge": "2", "version": sheet.version,
                            "form_token": token}).status_code == 302
    sheet = walk_to(org, Sheet.objects.get(pk=sheet.pk), "supervisor_review")
    boss = _client(org.supervisor)
    token = _token_of_form(boss.get(url).content.decode())
    assert boss.post(url, {"level_communication": "3", "level_product_knowledge": "2", "version": sheet.version,
                           "form_token": token}).status_code == 302
    rows = {r.competency: r for r in CompetencyRating.objects.filter(sheet=sheet)}
    assert (rows["communication"].self_level, rows["communication"].supervisor_level) == (4, 3)
    assert rows["communication"].gap == 0 and rows["product_knowledge"].gap == 2  # required 3 and 4
    page = agent.get(url).content.decode()
    assert '<span class="badge warn">2</span>' in page  # the agent sees the gap, but may no longer rate
    assert 'data-testid="competency-form"' not in page


def test_a_competency_form_with_missing_levels_reports_each_of_them(org, sheet):
    sheet = walk_to(org, sheet, "self_review")
    url = reverse("ui:competency", args=[sheet.pk])
    agent = _client(org.agent)
    response = agent.post(url, {"level_communication": "", "level_product_knowledge": "9", "version": sheet.version,
                                "form_token": _token_of_form(agent.get(url).content.decode())})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"level_communication", "level_product_knowledge"}
    assert not CompetencyRating.objects.filter(sheet=sheet, self_level__isnull=False).exists()


def test_the_auditor_filters_the_trail_and_htmx_gets_only_the_table(org, sheet):
    walk_to(org, sheet, "targets_acknowledged")
    auditor = _client(org.auditor)
    # actions are shown by name; the row keeps the stored code in a data attribute
    row = 'data-action="sheet.transition"'
    page = auditor.get(reverse("ui:audit_trail")).content.decode()
    assert row in page
    filtered = auditor.get(reverse("ui:audit_trail"), {"action": "org.import_employees"}).content.decode()
    assert row not in filtered
    partial = auditor.get(reverse("ui:audit_trail"), {"action": "sheet.transition"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert row in body and "<html" not in body


def test_an_inverted_date_range_is_reported_not_half_applied(org, sheet):
    response = _client(org.auditor).get(reverse("ui:audit_trail"), {"date_from": "2026-11-02",
                                                                   "date_to": "2026-11-01"})
    assert "date_to" in response.context["form"].errors
    assert len(response.context["page_obj"].object_list) == 0
