"""HR takes a book position into the company, edits its competency model and letter through the pages,
and sees what differs from the book; the book stays as it was; every change is audited."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.web.audit.models import AuditEvent
from kaohe.web.library import copies
from kaohe.web.library.models import CompanyPosition

AGENT = "call_center_agent"


def _client(user, lang: str = "zh-hans") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client


def _form(html: str) -> dict[str, str]:
    """The form's current values as a browser would send them (inputs and textareas)."""
    form = html[html.index("<form method=\"post\" novalidate"):]
    form = form[:form.index("</form>")]
    data = {m.group(1): m.group(2) for m in re.finditer(r'<input [^>]*name="([^"]+)" value="([^"]*)"', form)}
    data |= {m.group(1): m.group(2) for m in re.finditer(r'<input [^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)}
    data |= {m.group(1): _unescape(m.group(2)) for m in re.finditer(
        r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S)}
    return {k: _unescape(v) for k, v in data.items()}


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _use(client: Client) -> None:
    page = client.get(reverse("library:company", args=[AGENT])).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert client.post(reverse("library:use", args=[AGENT]), {"form_token": token}).status_code == 302


def test_hr_copies_edits_a_descriptor_and_sees_the_difference_from_the_book(org, book):
    from kaohe.library import default_library

    book_agent = default_library().position(AGENT).position
    first = book_agent.competency_model.competencies[0]
    hr = _client(org.hr)
    _use(hr)
    row = CompanyPosition.objects.get(company=org.company, position_code=AGENT)
    assert row.version == 1
    page = hr.get(reverse("library:company", args=[AGENT])).content.decode()
    assert 'data-testid="competency-diff-none"' in page and 'data-testid="letter-diff-none"' in page

    form = _form(hr.get(reverse("library:edit_competency", args=[AGENT])).content.decode())
    assert form["c0_l1"] == first.levels[1].descriptor and form["version"] == "1"
    form["c0_l1"] = "能在高峰时段同时处理两条会话且不出错"
    response = hr.post(reverse("library:edit_competency", args=[AGENT]), form)
    assert response.status_code == 302

    row.refresh_from_db()
    assert row.version == 2
    assert row.competency_model["competencies"][0]["levels"][1]["descriptor"] == "能在高峰时段同时处理两条会话且不出错"
    # the book is untouched
    assert default_library().position(AGENT).position.competency_model.competencies[0].levels[1].descriptor == \
        first.levels[1].descriptor
    page = hr.get(reverse("library:company", args=[AGENT])).content.decode()
    diff = page[page.index('data-testid="competency-diff"'):]
    diff = diff[:diff.index("</table>")]
    assert f"{first.name.zh} · 第 2 级 · 描述" in diff
    assert first.levels[1].descriptor in diff and "能在高峰时段同时处理两条会话且不出错" in diff
    assert diff.count("<tr>") == 2  # the header and the one changed field

    events = list(AuditEvent.objects.filter(action__startswith="library.").order_by("seq"))
    assert [e.action for e in events] == ["library.copy", "library.edit_competency"]
    edit = events[1]
    assert edit.before["version"] == 1 and edit.after["version"] == 2
    assert edit.after["fields"] == {"competencies[0].levels[1].descriptor": "能在高峰时段同时处理两条会话且不出错"}
    assert edit.before["fields"] == {"competencies[0].levels[1].descriptor": first.levels[1].descriptor}


def test_every_bad_field_is_reported_at_once_and_nothing_is_saved(org, book):
    hr = _client(org.hr)
    _use(hr)
    form = _form(hr.get(reverse("library:edit_competency", args=[AGENT])).content.decode())
    form["c0_definition"] = " "
    form["c0_l2"] = ""
    form["c1_required"] = "9"
    response = hr.post(reverse("library:edit_competency", args=[AGENT]), form)
    assert response.status_code == 422
    html = response.content.decode()
    assert "3 处需要修改" in html
    assert html.count("invalid-feedback") == 3
    assert "要求等级须为 1–" in html
    row = CompanyPosition.objects.get()
    assert row.version == 1
    assert not AuditEvent.objects.filter(action="library.edit_competency").exists()


def test_a_letter_field_no_employee_could_fill_is_refused_with_the_fields_named(org, book):
    hr = _client(org.hr, "en")
    _use(hr)
    form = _form(hr.get(reverse("library:edit_letter", args=[AGENT])).content.decode())
    form["purpose"] = "{employee_name} 本月目标 {target:no_such_indicator}，{salary}"
    form["title"] = ""
    response = hr.post(reverse("library:edit_letter", args=[AGENT]), form)
    assert response.status_code == 422
    html = _unescape(response.content.decode())
    assert "Unknown fields: {salary}, {target:no_such_indicator}" in html
    assert "This field cannot be empty" in html
    assert CompanyPosition.objects.get().version == 1


def test_a_save_over_someone_elses_change_is_refused(org, book):
    row = copies.use_in_company(org.company, org.hr, AGENT)
    posted = {"c0_required": "2"}
    copies.save_competency_model(row, org.hr, posted, expected_version=1)
    from kaohe.web.errors import StaleObject

    with pytest.raises(StaleObject):
        copies.save_competency_model(row, org.hr, {"c0_required": "3"}, expected_version=1)
    row.refresh_from_db()
    assert row.competency_model["competencies"][0]["required_level"] == 2


def test_competency_assessments_use_the_companys_model_when_it_has_one(org, sheet):
    """The web fixture's agent model requires level 3 of 沟通能力; the company raises it to 4."""
    from kaohe.web.appraisal import services as svc
    from kaohe.web.appraisal.models import Sheet

    other = Sheet.objects.get(cycle=sheet.cycle, employee=org.peer1_emp)
    row = copies.use_in_company(org.company, org.hr, AGENT)
    copies.save_competency_model(row, org.hr, {"c0_required": "4"}, expected_version=1)
    rows = {r.competency: r.required_level for r in svc.competency_ratings(other)}
    assert rows == {"communication": 4, "product_knowledge": 4}
