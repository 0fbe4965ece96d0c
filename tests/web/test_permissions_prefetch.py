"""`prefetch_relations` / `can_many` answer exactly as `can` does sheet by sheet: the list pages
use them to ask about every row at once, and must not grant or refuse anything differently."""

from __future__ import annotations

import datetime as dt

from kaohe.web.permissions import (
    ORG_ACTIONS,
    all_actions,
    can,
    can_many,
    prefetch_relations,
    relations,
    visible_sheets,
)


def _sheet_relations_on_record(org, cycle):  # type: ignore[no-untyped-def]
    """A pending appeal with a re-reviewer on the agent's sheet, a peer and a customer rating
    request on it, and a resolved appeal on another sheet (it must not count)."""
    from kaohe.web.appraisal.models import Appeal, Rating

    agent_sheet = cycle.sheets.get(employee=org.agent_emp)
    other_sheet = cycle.sheets.get(employee=org.other_agent_emp)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    Appeal.objects.create(sheet=agent_sheet, reason="不同意", filed_by=org.agent, filed_at=now,
                          re_reviewer=org.other_supervisor, assigned_by=org.hr)
    Appeal.objects.create(sheet=other_sheet, reason="不同意", filed_by=org.other_agent, filed_at=now,
                          re_reviewer=org.supervisor, assigned_by=org.hr, outcome="upheld")
    Rating.objects.create(sheet=agent_sheet, indicator="peer_feedback", role="peer", rater=org.peer1)
    Rating.objects.create(sheet=other_sheet, indicator="peer_feedback", role="customer", rater=org.peer2)


def test_prefetched_relations_equal_the_one_by_one_answers_for_every_persona_sheet_and_action(org, cycle):
    from kaohe.web.appraisal.models import Sheet

    _sheet_relations_on_record(org, cycle)
    actions = [a for a in all_actions() if a not in ORG_ACTIONS]  # sheet actions only; org ones take an org object
    checked = granted = 0
    for name, user in org.users.items():
        one_by_one = {s.pk: (relations(user, s.employee, s), {a: can(user, a, s) for a in actions})
                      for s in Sheet.objects.select_related("employee")}
        at_once = prefetch_relations(user, Sheet.objects.select_related("employee"))
        for s in at_once:
            assert (relations(user, s.employee, s), {a: can(user, a, s) for a in actions}) == one_by_one[s.pk], name
            checked += 1
            granted += sum(one_by_one[s.pk][1].values())
        for a in ("view_sheet", "rate_peer", "rate_customer", "resolve_appeal"):
            assert can_many(user, a, Sheet.objects.select_related("employee")) == {
                pk: v[1][a] for pk, v in one_by_one.items()}, (name, a)
    assert checked == len(org.users) * Sheet.objects.count()
    assert granted > 0  # the comparison is not vacuous: some answers are yes


def test_the_sheet_relations_are_found_in_one_pass(org, cycle, django_assert_max_num_queries):
    _sheet_relations_on_record(org, cycle)
    sheets = list(visible_sheets(org.hr))
    with django_assert_max_num_queries(3):  # managers, appeals, ratings — for every sheet of the company
        prefetch_relations(org.other_supervisor, sheets)
    assert "re_reviewer" in relations(org.other_supervisor, *next((s.employee, s) for s in sheets
                                                                 if s.employee_id == org.agent_emp.pk))
    with django_assert_max_num_queries(2):  # the managers are on the objects now
        prefetch_relations(org.peer1, sheets)
    agent_sheet = next(s for s in sheets if s.employee_id == org.agent_emp.pk)
    assert "re_reviewer" in relations(org.other_supervisor, agent_sheet.employee, agent_sheet)
    assert "peer" in relations(org.peer1, agent_sheet.employee, agent_sheet)
    # kept per user: another user's answer is not reused
    assert "peer" not in relations(org.peer2, agent_sheet.employee, agent_sheet)
