"""The book library's pages: who may open them, what they show, in Chinese and in English.

Expectations are written out by hand from the org of tests/web/conftest.py and the shipped book."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.web.ui import nav

READERS = {"hr", "director", "reviewer", "supervisor", "other_supervisor"}
OTHERS = {"agent", "other_agent", "peer1", "qa", "auditor"}
MODULES = ["kpis", "competency", "schemes", "rules", "guidance"]
AGENT = "call_center_agent"


def _client(user, lang: str = "zh-hans") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client


def _reading_pages() -> list[str]:
    return ([reverse("library:index"), reverse("library:position", args=[AGENT]),
             reverse("library:print", args=[AGENT]), reverse("library:company", args=[AGENT])]
            + [reverse("library:module", args=[AGENT, m]) for m in MODULES])


@pytest.mark.parametrize("who", sorted(READERS | OTHERS))
def test_every_role_with_the_menu_entry_opens_the_library_and_the_others_are_refused(org, book, who):
    user = getattr(org, who)
    in_menu = "library:index" in {e.url_name for e, _url in nav.visible_entries(user)}
    assert in_menu == (who in READERS)
    client = _client(user)
    for url in _reading_pages():
        status = client.get(url).status_code
        assert status == (200 if who in READERS else 403), (url, status)


@pytest.mark.parametrize("who", sorted(READERS - {"hr"}))
def test_only_hr_may_take_a_position_into_the_company_or_edit_it(org, book, who):
    client = _client(getattr(org, who))
    page = client.get(reverse("library:company", args=[AGENT])).content.decode()
    assert 'data-testid="use-in-company"' not in page
    assert client.post(reverse("library:use", args=[AGENT]), {"form_token": "x"}).status_code in (400, 403)
    assert client.get(reverse("library:edit_competency", args=[AGENT])).status_code == 403
    assert client.get(reverse("library:edit_letter", args=[AGENT])).status_code == 403
    from kaohe.web.library.models import CompanyPosition

    assert not CompanyPosition.objects.exists()


def test_the_list_shows_the_32_positions_by_department_and_level(org, book):
    html = _client(org.hr).get(reverse("library:index")).content.decode()
    codes = re.findall(r'data-testid="position-([a-z_]+)"', html)
    assert len(codes) == 32 == len(set(codes))
    # the call-center department lists its director-to-agent chain from the top down
    call_center = html[html.index('data-testid="department-call_center"'):]
    call_center = call_center[:call_center.index("</section>")]
    assert call_center.index("呼叫中心经理") < call_center.index("呼叫中心座席员")
    assert "经理" in call_center and "专员" in call_center


def test_each_module_reads_as_text_not_yaml_in_chinese(org, book):
    client = _client(org.hr)
    schemes = client.get(reverse("library:module", args=[AGENT, "schemes"])).content.decode()
    assert "type:" not in schemes and "kind:" not in schemes and "Decimal(" not in schemes
    assert 'data-testid="rule"' in schemes and "权重" in schemes
    competency = client.get(reverse("library:module", args=[AGENT, "competency"])).content.decode()
    assert "要求等级" in competency and "level-required" in competency
    rules = client.get(reverse("library:module", args=[AGENT, "rules"])).content.decode()
    assert 'data-testid="letter"' in rules and 'data-testid="procedure"' in rules
    assert "仅有中文" not in rules  # in Chinese nothing is marked
    printed = client.get(reverse("library:print", args=[AGENT])).content.decode()
    assert "@media print" in printed
    assert all(f'data-testid="print-{m}"' in printed for m in MODULES)


def test_in_english_texts_with_english_show_it(org, book):
    from kaohe.library import default_library

    agent = default_library().position(AGENT).position
    client = _client(org.hr, "en")
    competency = client.get(reverse("library:module", args=[AGENT, "competency"])).content.decode()
    first = agent.competency_model.competencies[0]
    assert first.name.en in competency and first.levels[0].descriptor_en in competency
    assert first.levels[0].descriptor not in competency  # the Chinese descriptor is not shown beside it
    rules = client.get(reverse("library:module", args=[AGENT, "rules"])).content.decode()
    assert agent.letter.title_en in rules


def test_in_english_a_text_the_library_has_only_in_chinese_is_shown_and_marked(org):
    """The web fixture's small library (tests/web/conftest.py) writes its KPI definition 满意度 and the
    scheme's explanations (定义, 公式 …) only in Chinese."""
    client = _client(org.hr, "en")
    kpis = client.get(reverse("library:module", args=[AGENT, "kpis"])).content.decode()
    marked = re.findall(r'<span lang="zh-Hans">([^<]+)</span> <span class="badge[^"]*" data-testid="zh-only">'
                        r'Chinese only</span>', kpis)
    assert "满意度" in marked and "满意/总数" in marked
    schemes = client.get(reverse("library:module", args=[AGENT, "schemes"])).content.decode()
    assert "定义" in re.findall(r'<span lang="zh-Hans">([^<]+)</span>', schemes)
    chinese = _client(org.hr).get(reverse("library:module", args=[AGENT, "kpis"])).content.decode()
    assert 'data-testid="zh-only"' not in chinese  # in Chinese nothing is marked


def test_the_scheme_page_words_each_rule_with_its_kinds_description(org, book):
    from kaohe.library import default_library
    from kaohe.scheme.kinds.registry import kind_of

    scheme = default_library().position(AGENT).scheme()
    indicator = scheme.categories[0].indicators[0]
    words_en = kind_of(indicator.rule).describe(indicator.rule, indicator.unit, "en")
    html = _client(org.hr, "en").get(reverse("library:module", args=[AGENT, "schemes"])).content.decode()
    from django.utils.html import escape

    assert escape(words_en) in html


def test_an_unknown_position_or_module_is_not_found(org, book):
    client = _client(org.hr)
    assert client.get(reverse("library:position", args=["no_such_position"])).status_code == 404
    assert client.get(reverse("library:module", args=[AGENT, "no_such_module"])).status_code == 404


def test_the_kpi_page_shows_how_the_company_counts_a_kpi_it_has_defined(org, book):
    from kaohe.web.kpidefs import services as kpidefs

    kpidefs.change_definition(org.company, org.hr, "service_level", {"threshold_s": 15}, "our wallboard uses 15 s")
    html = _client(org.hr).get(reverse("library:module", args=["agent_supervisor", "kpis"])).content.decode()
    shown = html[html.index('data-testid="company-definition"'):]
    assert "threshold_s = 15" in shown[:shown.index("</dd>")]
    agent_html = _client(org.hr).get(reverse("library:module", args=[AGENT, "kpis"])).content.decode()
    assert 'data-testid="company-definition"' not in agent_html  # the agent's KPIs have no company definition


def test_hr_finds_the_scheme_editor_from_the_scheme_module_and_a_director_does_not(org, book):
    from django.urls import NoReverseMatch

    try:
        editor = reverse("schemes:index")
    except NoReverseMatch:  # the scheme editor is not installed: no link
        pytest.skip("the scheme editor is not installed")
    url = reverse("library:module", args=[AGENT, "schemes"])
    assert f'href="{editor}" data-testid="scheme-editor-link"' in _client(org.hr).get(url).content.decode()
    assert 'data-testid="scheme-editor-link"' not in _client(org.director).get(url).content.decode()
