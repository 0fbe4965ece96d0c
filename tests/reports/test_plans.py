"""Improvement plans in the web app, tracked until they close with the next cycle's grade."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.results.sample import sample_people

pytestmark = pytest.mark.django_db
TEAM_OF = {p.employee_id: p.team for p in sample_people()}


def _needy(world, label="2026-09"):
    return next(r for r in world.results[label] if r.grade in ("C", "D"))


def _open(client, world, sheet, **extra):
    today = timezone.localdate()
    data = {"action": "open", "sheet": sheet.pk, "goal": "下一周期达到 B 级",
            "item_action": ["参加话后处理培训", "每周抽听反馈"], "item_owner": ["本人", "主管"],
            "item_due": [(today - dt.timedelta(days=1)).isoformat(), (today + dt.timedelta(days=20)).isoformat()]}
    data.update(extra)
    return client.post(f"/reports/cycle/{sheet.cycle.pk}/plans/", data)


def test_hr_opens_a_plan_whose_late_item_shows_as_overdue_then_closes_it_with_the_next_grade(world, client):
    from kaohe.web.audit.models import AuditEvent
    from kaohe.web.reports.models import ImprovementPlan

    result = _needy(world)
    sheet = world.sheets[("2026-09", result.employee_id)]
    client.force_login(world.hr)
    page = client.get(f"/reports/cycle/{sheet.cycle.pk}/plans/").content.decode()
    assert f'data-testid="open-{result.employee_id}"' in page
    assert _open(client, world, sheet).status_code == 302
    plan = ImprovementPlan.objects.get(sheet=sheet)
    assert plan.due == timezone.localdate() + dt.timedelta(days=60) and plan.items.count() == 2
    page = client.get(f"/reports/cycle/{sheet.cycle.pk}/plans/").content.decode()
    assert page.count('data-testid="overdue-item"') == 1 and 'data-state="overdue"' in page
    # Closing needs every item finished.
    assert client.post(f"/reports/cycle/{sheet.cycle.pk}/plans/", {"action": "close", "plan": plan.pk}).status_code == 409
    for item in plan.items.all():
        client.post(f"/reports/cycle/{sheet.cycle.pk}/plans/", {"action": "item", "item": item.pk, "status": "done"})
    assert client.post(f"/reports/cycle/{sheet.cycle.pk}/plans/", {"action": "close", "plan": plan.pk}).status_code == 302
    plan.refresh_from_db()
    october = next(r for r in world.results["2026-10"] if r.employee_id == result.employee_id)
    order = ["S", "A", "B", "C", "D"]
    assert plan.next_grade == october.grade
    assert plan.outcome == ("improved" if order.index(october.grade) < order.index(result.grade) else "not_improved")
    assert set(AuditEvent.objects.filter(action__startswith="plan.").values_list("action", flat=True)) == {
        "plan.open", "plan.item", "plan.close"}


def test_a_bad_plan_lists_every_problem_and_saves_nothing(world, client):
    from kaohe.web.reports.models import ImprovementPlan

    sheet = world.sheets[("2026-09", _needy(world).employee_id)]
    client.force_login(world.hr)
    response = _open(client, world, sheet, goal=" ", item_due=["2026-13-01", "tomorrow"])
    assert response.status_code == 422
    html = response.content.decode()
    assert "the goal is required" in html and html.count("the date must be YYYY-MM-DD") == 2
    assert not ImprovementPlan.objects.exists()


def test_a_plan_for_a_good_grade_or_by_another_teams_supervisor_is_refused(world, client):
    from django.contrib.auth import get_user_model

    good = next(r for r in world.results["2026-09"] if r.grade in ("S", "A"))
    client.force_login(world.hr)
    assert _open(client, world, world.sheets[("2026-09", good.employee_id)]).status_code == 422
    needy = _needy(world)
    other_team = next(t for t in ("一组", "二组", "三组") if t != TEAM_OF[needy.employee_id])
    code = {"一组": "t1", "二组": "t2", "三组": "t3"}[other_team]
    client.force_login(get_user_model().objects.get(username=f"sup-{code}"))
    assert _open(client, world, world.sheets[("2026-09", needy.employee_id)]).status_code == 403
