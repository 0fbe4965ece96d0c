"""Letter templates carry target fields; when a cycle opens, each employee's letter is filled from the
template in force then, and issuing the targets later hands out exactly that letter.

Hand-checked values, from tests/web/conftest.py: the agent (A001, named "agent", team 一组, manager
"supervisor") holds 呼叫中心座席员; the scheme test_agent_monthly gives 客户满意度 (csat) the standard
"≥ 90%" and weight 100 within its category, 团队合作 (teamwork) no target and weight 50; the cycle runs
2026-10-01 to 2026-10-31 and is named "2026-10 monthly".
"""

from __future__ import annotations

import datetime as dt

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import ResponsibilityLetter
from kaohe.web.library import copies
from kaohe.web.library.models import OpeningLetter
from tests.web.conftest import AGENT_POSITION, agent_scheme

PURPOSE = "{employee_name}（{employee_code}，{position}，{team}）{period_start} 至 {period_end} 客户满意度 {target:csat}"
LINES = "客户满意度权重 {weight:csat}，团队合作目标 {target:teamwork}\n考核人：{supervisor}；周期：{cycle}"


def _open(org):  # type: ignore[no-untyped-def]
    return svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                          end=dt.date(2026, 10, 31), positions=[org.agent_position],
                          schemes={(AGENT_POSITION, "specialist"): agent_scheme()})


def test_each_employee_gets_the_company_letter_filled_with_their_own_values_when_the_cycle_opens(org):
    row = copies.use_in_company(org.company, org.hr, AGENT_POSITION)
    copies.save_letter(row, org.hr, {"purpose": PURPOSE, "targets": LINES,
                                     "purpose_en": "{employee_name} ({position}) commits to {target:csat}"},
                       expected_version=1)
    cycle = _open(org)
    assert OpeningLetter.objects.filter(sheet__cycle=cycle).count() == 5  # agent, peer1–3, other_agent

    kept = OpeningLetter.objects.get(sheet__cycle=cycle, sheet__employee=org.agent_emp)
    assert kept.template == "company" and kept.template_version == 2
    assert kept.content["purpose"] == "agent（A001，呼叫中心座席员，一组）2026-10-01 至 2026-10-31 客户满意度 ≥ 90%"
    assert kept.content["target_lines"] == ["客户满意度权重 100%，团队合作目标 —",
                                            "考核人：supervisor；周期：2026-10 monthly"]
    assert kept.content["purpose_en"] == "agent (呼叫中心座席员) commits to ≥ 90%"  # the fixture's position has no English name
    assert kept.title == "座席员目标责任书（2026-10 monthly）"
    other = OpeningLetter.objects.get(sheet__cycle=cycle, sheet__employee=org.other_agent_emp)
    assert other.content["purpose"] == "other_agent（B001，呼叫中心座席员，二组）2026-10-01 至 2026-10-31 客户满意度 ≥ 90%"
    assert other.content["target_lines"][1] == "考核人：other_supervisor；周期：2026-10 monthly"

    # a later edit of the template does not change the letters of the cycle already open …
    copies.save_letter(copies.copy_of(org.company, AGENT_POSITION), org.hr, {"purpose": "新的目的 {employee_name}"},
                       expected_version=2)
    sheet = kept.sheet
    svc.set_targets(sheet, org.supervisor)
    issued = ResponsibilityLetter.objects.get(sheet=sheet)
    # … and the letter issued is the one filled when the cycle opened
    assert issued.content["purpose"] == kept.content["purpose"]
    assert issued.title == kept.title
    assert [t["target"] for t in issued.content["targets"]] == ["90", None, None, None]


def test_without_a_company_copy_the_book_letter_is_filled(org, cycle):
    kept = OpeningLetter.objects.get(sheet__cycle=cycle, sheet__employee=org.agent_emp)
    assert kept.template == "book" and kept.template_version == 0
    assert kept.content["purpose"] == "明确本月目标"  # the fixture book's own text, which has no fields
    assert kept.content["penalties"] == ["连续两次 D 级调岗"]
    assert kept.content["holder"] == {"code": "A001", "name": "agent", "position": "呼叫中心座席员"}


def test_the_issued_letter_page_shows_the_employees_filled_target_lines(org):
    from django.test import Client
    from django.urls import reverse

    row = copies.use_in_company(org.company, org.hr, AGENT_POSITION)
    copies.save_letter(row, org.hr, {"targets": LINES, "targets_en": "CSAT target for {employee_name}: {target:csat}"},
                       expected_version=1)
    cycle = _open(org)
    sheet = cycle.sheets.get(employee=org.agent_emp)
    svc.set_targets(sheet, org.supervisor)
    for lang, expected in (("zh-hans", "客户满意度权重 100%，团队合作目标 —"), ("en", "CSAT target for agent: ≥ 90%")):
        client = Client(HTTP_ACCEPT_LANGUAGE=lang)
        client.force_login(org.agent)
        html = client.get(reverse("ui:targets", args=[sheet.pk])).content.decode()
        lines = html[html.index('data-testid="letter-target-lines"'):]
        assert expected in lines[:lines.index("</ul>")].replace("&gt;", ">").replace("&#x27;", "'")
