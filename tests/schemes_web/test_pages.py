"""The editor's pages: HR only, problems at their fields, both languages, YAML up and down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.scheme.dump import dump_scheme
from kaohe.web.appraisal import services as svc
from kaohe.web.schemes import services
from kaohe.web.schemes.formmodel import SchemeForm
from kaohe.web.schemes.models import CompanyScheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(client, org):  # type: ignore[no-untyped-def]
    client.force_login(org.hr)
    return client


def _english(client):  # type: ignore[no-untyped-def]
    client.post(reverse("ui:set_language"), {"language": "en", "next": "/"})


def test_hr_uses_a_book_scheme_and_sees_k001_at_the_categories_until_the_weights_add_up(hr, org):
    page = hr.get(reverse("schemes:index"))
    assert page.status_code == 200 and "在本公司使用" in page.content.decode()
    response = hr.post(reverse("schemes:adopt"), {"company": org.company.pk, "scheme_id": "test_agent_monthly"})
    cs = CompanyScheme.objects.get(company=org.company)
    assert response.url == reverse("schemes:edit", args=[cs.pk])
    edit = hr.get(response.url).content.decode()
    assert 'name="categories.0.weight"' in edit and "检查通过" not in edit or "K0" in edit
    data = SchemeForm.from_scheme(services.draft_scheme(cs)).post_data()
    data["categories.0.weight"] = "55"
    saved = hr.post(reverse("schemes:edit", args=[cs.pk]), {**data, "save": "1"}, follow=True).content.decode()
    assert "草稿已保存" in saved
    assert 'data-code="K001"' in saved
    # the problem sits in the categories' section, next to the weights
    section = saved[saved.index('id="b-categories"'):]
    assert 'data-code="K001"' in section[:3000]
    # the versions page refuses to publish
    versions = hr.get(reverse("schemes:versions", args=[cs.pk])).content.decode()
    assert 'data-testid="publish-blocked"' in versions
    refused = hr.post(reverse("schemes:publish", args=[cs.pk]), {"note": "x"}, follow=True).content.decode()
    assert "K001" in refused and cs.versions.count() == 1
    data["categories.2.weight"] = "25"
    hr.post(reverse("schemes:edit", args=[cs.pk]), {**data, "save": "1"})
    hr.post(reverse("schemes:publish", args=[cs.pk]), {"note": "业绩 55%", "effective_from": "2026-12"})
    assert cs.versions.count() == 2
    assert services.assigned_version(org.company, "call_center_agent", "specialist", "monthly", "2026-12").number == 2


def test_the_live_check_answers_with_problems_and_saves_nothing(hr, org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    data = SchemeForm.from_scheme(services.draft_scheme(cs)).post_data()
    data["categories.0.weight"] = "50"
    body = hr.post(reverse("schemes:check", args=[cs.pk]), data).json()
    assert [p["code"] for p in body["problems"] if p["level"] == "error"] == ["K001"]
    assert body["problems"][0]["hint"]
    cs.refresh_from_db()
    assert cs.draft.content["categories"][0]["weight"] == "60"


def test_a_bad_number_is_shown_at_its_field_and_nothing_is_saved(hr, org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    data = SchemeForm.from_scheme(services.draft_scheme(cs)).post_data()
    data["categories.1.weight"] = "twenty"
    page = hr.post(reverse("schemes:edit", args=[cs.pk]), {**data, "save": "1"}).content.decode()
    box = page[page.index('id="f-categories-1-weight-box"'):]
    assert 'data-code="L002"' in box[:2000]
    cs.refresh_from_db()
    assert cs.draft.content["categories"][1]["weight"] == "20"


def test_others_are_refused(client, org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    for user in (org.agent, org.supervisor, org.director):
        client.force_login(user)
        for url in (reverse("schemes:index"), reverse("schemes:edit", args=[cs.pk]),
                    reverse("schemes:assignments"), reverse("schemes:yaml_draft", args=[cs.pk])):
            assert client.get(url).status_code == 403, (user, url)


def test_yaml_download_and_an_upload_with_errors_by_line(hr, org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    text = hr.get(reverse("schemes:yaml_draft", args=[cs.pk])).content.decode()
    assert text == dump_scheme(services.draft_scheme(cs))
    version = hr.get(reverse("schemes:yaml_version", args=[cs.versions.get().pk]))
    assert version["Content-Disposition"].endswith('-v1.yaml"')
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = text.replace("weight: 60", "weight: sixty", 1)
    line = bad.splitlines().index(next(x for x in bad.splitlines() if "sixty" in x)) + 1
    page = hr.post(reverse("schemes:upload", args=[cs.pk]),
                   {"file": SimpleUploadedFile("agent.yaml", bad.encode())}).content.decode()
    assert f"第 {line} 行" in page and "未作任何更改" in page
    cs.refresh_from_db()
    assert cs.draft.content["categories"][0]["weight"] == "60"
    _english(hr)
    page = hr.post(reverse("schemes:upload", args=[cs.pk]),
                   {"file": SimpleUploadedFile("agent.yaml", bad.encode())}).content.decode()
    assert f"Line {line}" in page and "nothing was changed" in page


def test_the_cycle_page_and_the_sheet_name_the_scheme_version(hr, org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    october = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                             end=dt.date(2026, 10, 31), positions=[org.agent_position])
    sheet = october.sheets.get(employee=org.agent_emp)
    page = hr.get(reverse("ui:sheet", args=[sheet.pk])).content.decode()
    assert "座席员月度考核 · 第 1 版" in page
    assert cs.versions.count() == 1


def test_assignments_page_lists_positions_and_the_menu_offers_it(hr, org):
    page = hr.get(reverse("schemes:assignments")).content.decode()
    assert 'data-position="call_center_agent"' in page
    assert 'data-position="call_center_manager"' in page  # no scheme in the test library
    home = hr.get(reverse("ui:home")).content.decode()
    assert reverse("schemes:assignments") in home and reverse("schemes:index") in home


def test_pages_in_english(hr, org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    _english(hr)
    for url in (reverse("schemes:index"), reverse("schemes:edit", args=[cs.pk]),
                reverse("schemes:versions", args=[cs.pk]), reverse("schemes:preview", args=[cs.pk]),
                reverse("schemes:upload", args=[cs.pk]), reverse("schemes:assignments")):
        page = hr.get(url).content.decode()
        assert "Use in our company" in page or "Edit draft" in page or "Schemes in use" in page, url
        assert "编辑草稿" not in page, url


def test_a_director_approves_from_the_home_page_to_do(client, org):
    services.set_require_approval(org.company, org.hr, True)
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    data = SchemeForm.from_scheme(services.draft_scheme(cs)).post_data()
    data["categories.0.weight"], data["categories.2.weight"] = "55", "25"
    services.save_draft(cs, org.hr, SchemeForm(data).parse())
    v2 = services.publish(cs, org.hr, "业绩 55%")
    client.force_login(org.hr)
    assert 'data-testid="todo-scheme-waiting"' in client.get(reverse("ui:home")).content.decode()
    client.force_login(org.director)
    home = client.get(reverse("ui:home")).content.decode()
    assert 'data-testid="todo-scheme-approvals"' in home and reverse("schemes:approvals") in home
    page = client.get(reverse("schemes:approvals")).content.decode()
    assert "业绩 55%" in page
    client.post(reverse("schemes:approvals"), {"version": v2.pk})
    v2.refresh_from_db()
    assert v2.approved_by == org.director
    assert 'todo-scheme-approvals' not in client.get(reverse("ui:home")).content.decode()


def test_the_company_version_shows_how_it_differs_from_the_book(hr, org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    data = SchemeForm.from_scheme(services.draft_scheme(cs)).post_data()
    data["categories.0.weight"], data["categories.2.weight"] = "55", "25"
    services.save_draft(cs, org.hr, SchemeForm(data).parse())
    page = hr.get(reverse("schemes:index")).content.decode()
    assert 'data-testid="from-book-test_agent_monthly"' in page and "与书中不同：2 处" in page
    diff = hr.get(reverse("schemes:versions", args=[cs.pk]) + "?a=book&b=draft").content.decode()
    assert "业绩 › 权重 %" in diff and "态度 › 权重 %" in diff


def test_the_audit_trail_names_the_scheme_steps_in_words(hr, org):
    services.adopt(org.company, org.hr, "test_agent_monthly")
    page = hr.get(reverse("ui:audit_trail")).content.decode()
    assert "书中方案复制到本公司" in page
    assert ">scheme.adopt<" not in page  # the code is only the filter's value


def test_a_scheme_with_many_indicators_still_saves_from_the_page(hr, org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    form = SchemeForm.from_scheme(services.draft_scheme(cs))
    for _ in range(40):
        form = form.with_row_added("categories.2.indicators")
    data = form.post_data()
    assert len(data) > 1000
    response = hr.post(reverse("schemes:edit", args=[cs.pk]), {**data, "save": "1"})
    assert response.status_code == 302
    cs.refresh_from_db()
    assert len(cs.draft.content["categories"][2]["indicators"]) == 42
