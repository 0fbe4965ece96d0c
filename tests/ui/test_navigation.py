"""Every role starts at its home page: what is linked from it opens, the menu offers exactly the
pages the role may open (no Django admin except for superusers), and in English no page a role
can reach shows Chinese outside names and data."""

from __future__ import annotations

import io
import json
import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.web.ui import nav
from tests.web.conftest import walk_to

pytestmark = pytest.mark.django_db

ROLES = ["hr", "supervisor", "reviewer", "agent", "director", "qa", "auditor"]
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")


def _client(user: Any, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    if language != "zh-hans":
        client.post(reverse("ui:set_language"), {"language": language, "next": "/"})
    return client


class _Page(HTMLParser):
    """The links of a page and its visible text (no scripts, styles or elements marked lang="zh-Hans")."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip: list[str] = []
        self._json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "script" and a.get("type") == "application/json" and not self._skip:
            self._json = True  # a chart's option handed to the page's script (json_script)
        if tag in ("script", "style") or (a.get("lang") or "").lower().startswith("zh"):
            self._skip.append(tag)
        for name in ("title", "placeholder", "aria-label", "alt", "value"):
            if a.get(name) and not self._skip and not (tag == "input" and a.get("type") == "hidden"):
                self.text.append(a[name] or "")
        chart = (a.get("data-chart") or "").strip()
        if chart.startswith("{") and not self._skip:  # a chart's legend, series and axis names are drawn text
            self.text.extend(_chart_texts(json.loads(chart)))

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if self._json:
            self._json = False
            self.text.extend(_chart_texts(json.loads(data)))
        if not self._skip:
            self.text.append(data)


def _chart_texts(option: Any) -> list[str]:
    """The words an ECharts option draws: legend entries, series and axis names, category labels."""
    found: list[str] = []
    if isinstance(option, dict):
        for key, value in option.items():
            if key in ("name", "text") and isinstance(value, str):
                found.append(value)
            elif key == "data" and isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str))
            else:
                found.extend(_chart_texts(value))
    elif isinstance(option, list):
        for value in option:
            found.extend(_chart_texts(value))
    return found


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _internal(href: str) -> str | None:
    href = urldefrag(href)[0]
    parts = urlsplit(href)
    if not href or parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
        return None
    return href if href.startswith("/") else None


@pytest.fixture
def busy(org, sheet):  # type: ignore[no-untyped-def]
    """Work for every role: the agent's sheet waits for the reviewer; team B's sheet is published;
    A002's was calibrated (a second score version), published and appealed with a KPI record as
    evidence; A003 has had the interview. The detail pages behind the lists then have content."""
    from decimal import Decimal

    from kaohe.web.appraisal import services as svc

    sheet = walk_to(org, sheet, "reviewer_approval")
    other = sheet.cycle.sheets.get(employee=org.other_agent_emp)
    walk_to(org, other, "published")
    appealed = walk_to(org, sheet.cycle.sheets.get(employee=org.peer1_emp), "calibration")
    svc.calibrate(appealed, org.hr, reason="与同组横向比较后下调", total=Decimal("70"), grade="C")
    appealed = walk_to(org, appealed, "published")
    svc.file_appeal(appealed, org.peer1, "质检抽检的录音不是本人接听", [{"kind": "text", "note": "排班表显示当天休息"}])
    walk_to(org, sheet.cycle.sheets.get(employee=org.peer2_emp), "interviewed")
    return sheet


@pytest.mark.parametrize("who", ROLES)
def test_every_link_of_the_home_page_opens_and_none_leads_to_the_admin(org, busy, who):
    client = _client(getattr(org, who))
    home = client.get(reverse("ui:home"))
    assert home.status_code == 200
    links = {h for h in map(_internal, _parse(home.content.decode()).links) if h}
    assert len(links) >= 3, links  # at least home, one page of the role and its to-do or menu entry
    assert not [h for h in links if h.startswith("/admin")]
    broken = {}
    for href in sorted(links):
        status = client.get(href).status_code
        if status >= 400:
            broken[href] = status
    assert broken == {}


def test_a_superuser_is_offered_the_admin_and_it_opens(org):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="pw-root-2026")
    client = _client(root)
    links = [h for h in map(_internal, _parse(client.get("/").content.decode()).links) if h]
    assert "/admin/" in links
    assert client.get("/admin/").status_code == 200


# What each persona's menu holds (hand-listed from the fixture's org and roles).
EXPECTED_MENU = {
    "hr": {"ui:home", "ui:appeal_list", "ui:hr_home", "ui:cycle_list", "ui:setup_home", "ui:setup_org",
           "ui:setup_employees", "ui:setup_roles", "ui:setup_company", "reports:index", "ui:audit_trail",
           # registered by other areas (notifications, calendar) when installed
           "notify:channels", "notify:failures", "workdays:calendar", "library:index",
           "schemes:index", "schemes:assignments"},
    "supervisor": {"ui:home", "ui:my_appraisal", "ui:rating_requests", "ui:competency_list", "ui:appeal_list",
                   "ui:my_team", "ui:cycle_list", "library:index"},
    "reviewer": {"ui:home", "ui:my_appraisal", "ui:rating_requests", "ui:competency_list", "ui:appeal_list",
                 "ui:my_team", "ui:review_queue", "ui:cycle_list", "library:index"},
    "agent": {"ui:home", "ui:my_appraisal", "ui:rating_requests", "ui:competency_list", "ui:appeal_list"},
    "director": {"ui:home", "ui:my_appraisal", "ui:rating_requests", "ui:competency_list", "ui:appeal_list",
                 "ui:my_team", "ui:review_queue", "ui:cycle_list", "reports:index", "library:index"},
    "qa": {"ui:home", "ui:rating_requests"},
    "auditor": {"ui:home", "ui:audit_trail"},
}


# Lists of one's own work: they answer anybody logged in (with nothing in them for a non-employee).
PERSONAL_LISTS = {"ui:my_appraisal", "ui:rating_requests", "ui:competency_list", "ui:appeal_list", "notify:inbox",
                  "notify:preferences"}


@pytest.mark.parametrize("who", ROLES)
def test_the_menu_holds_exactly_the_pages_the_role_may_open(org, busy, who):
    user = getattr(org, who)
    shown = {entry.url_name for entry, _url in nav.visible_entries(user)}
    registered = {entry.url_name for entry in nav.entries()}
    expected = {name for name in EXPECTED_MENU[who] if _reverses(name) and name in registered}
    assert shown == expected
    client = _client(user)
    for entry in nav.entries():
        if not _reverses(entry.url_name) or entry.superuser_only:
            continue
        status = client.get(reverse(entry.url_name), follow=entry.url_name in shown).status_code
        if entry.url_name in shown:  # a page that forwards (to the one sheet, the latest cycle) must arrive
            assert status == 200, (entry.url_name, status)
        elif entry.url_name in PERSONAL_LISTS:  # one's own lists open (empty) for anybody logged in
            assert status in (200, 302, 403), (entry.url_name, status)
        else:  # any other page left out of the menu must refuse the role
            assert status in (302, 403), (entry.url_name, status)


def _reverses(name: str) -> bool:
    try:
        reverse(name)
    except Exception:  # noqa: BLE001
        return False
    return True


# --- English ---------------------------------------------------------------------------------


def _data_strings() -> set[str]:
    """Names and data people typed or imported (they stay as written in every language)."""
    from django.contrib.auth import get_user_model

    from kaohe.web.appraisal.models import Appeal, Cycle, Interview, Rating, ScoreVersion, Sheet
    from kaohe.web.org.models import Company, Department, Employee, Team

    found: set[str] = set()
    for model, fields in ((Employee, ["name"]), (Department, ["name"]), (Team, ["name"]), (Company, ["name"]),
                          (Cycle, ["name"]), (Appeal, ["reason", "decision"]),
                          (Interview, ["strengths", "gaps", "improvement_plan"]), (Rating, ["comment"]),
                          (ScoreVersion, ["reason"]),
                          (Sheet, ["returned_reason", "excluded_reason"]),
                          (get_user_model(), ["first_name", "last_name"])):
        for row in model.objects.values_list(*fields):
            found.update(v for v in row if v)
    for evidence in Appeal.objects.values_list("evidence", flat=True):  # the employee's own notes
        found.update(item.get("note") for item in evidence or [] if item.get("note"))
    return found


def _zh_only_library_texts(obj: Any) -> set[str]:
    """Library and scheme texts that exist only in Chinese (data gaps the library tests own);
    a text that has an English version is NOT exempt: the page must show the English one."""
    found: set[str] = set()
    if isinstance(obj, dict):
        if "zh" in obj and not obj.get("en"):
            found.add(obj["zh"])
        for key, value in obj.items():
            if key != "zh":
                found |= _zh_only_library_texts(value)
    elif isinstance(obj, list):
        for value in obj:
            found |= _zh_only_library_texts(value)
    elif isinstance(obj, str) and HAN.search(obj):
        found.add(obj)
    return found


def _english_fixture(org):  # type: ignore[no-untyped-def]
    """The fixture's positions get their English names (as the library's positions have)."""
    from kaohe.web.org.models import Position

    names = {"call_center_agent": "Call center agent", "call_center_supervisor": "Call center supervisor",
             "call_center_manager": "Call center manager", "customer_service_director": "Customer service director"}
    for code, name in names.items():
        Position.objects.filter(code=code).update(name_en=name)


def _export_text(content_type: str, content: bytes) -> str | None:
    """What a downloaded export shows a reader: an xlsx's sheet names, titles and header rows, a CSV's
    header row, a PDF's text; None for anything else (an uploaded image, say)."""
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        texts = []
        for ws in book.worksheets:
            texts.append(ws.title)
            for row in ws.iter_rows(max_row=3, values_only=True):  # title, header (and a sub-header)
                texts.extend(str(v) for v in row if isinstance(v, str))
        return " ".join(texts)
    if "text/csv" in content_type:
        return content.decode("utf-8-sig").splitlines()[0] if content else ""
    if "application/pdf" in content_type:
        from pdfminer.high_level import extract_text

        return extract_text(io.BytesIO(content))
    return None


def _crawl(client: Client, limit: int = 160, downloads: dict[str, str] | None = None,
           broken: dict[str, int] | None = None) -> dict[str, str]:
    """The HTML pages reachable from the home page by links (breadth first); exports found on the
    way go into `downloads` (url → the text a reader sees first), links that answer 4xx/5xx into `broken`."""
    pages: dict[str, str] = {}
    queue = deque([reverse("ui:home")])
    seen = set(queue)
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and broken is not None:
            broken[url] = response.status_code
        if response.status_code != 200:
            continue
        if "text/html" not in content_type:
            text = _export_text(content_type, response.content)
            if downloads is not None and text is not None:
                downloads[url] = text
            continue
        html = response.content.decode()
        pages[url] = html
        for href in _parse(html).links:
            target = _internal(href)
            if target and target not in seen and not target.startswith(("/admin", "/static", "/logout", "/api")):
                seen.add(target)
                queue.append(target)
    return pages


@pytest.mark.parametrize("who", ROLES)
def test_in_english_no_page_a_role_reaches_shows_chinese_outside_names_and_data(org, busy, who):
    from tests.web.conftest import agent_position_model, agent_scheme_dict

    _english_fixture(org)
    exempt = _data_strings() | _zh_only_library_texts(agent_scheme_dict()) | _zh_only_library_texts(
        agent_position_model().model_dump(mode="json"))
    exempt = sorted(exempt, key=len, reverse=True)  # the longest first: a name may hold a shorter one
    client = _client(getattr(org, who), "en")
    downloads: dict[str, str] = {}
    broken: dict[str, int] = {}
    pages = _crawl(client, downloads=downloads, broken=broken)
    assert len(pages) >= 2
    assert broken == {}  # every link a page offers the role opens, however deep
    assert len(pages) < 160, "the crawl stopped at its limit: raise it so every page is scanned"
    if who in ("hr", "director"):  # the report tables, the sheet's xlsx and PDF are among the exports
        assert any(".xlsx" in u for u in downloads) and any(".pdf" in u for u in downloads), sorted(downloads)
        assert any("data-chart=\"{" in html for html in pages.values())  # the dashboards' charts are scanned
    leaks: dict[str, list[str]] = {}
    texts = {url: " ".join(_parse(html).text) for url, html in pages.items()} | downloads
    for url, text in texts.items():
        for value in exempt:
            text = text.replace(value, " ")
        found = HAN.findall(text)
        if found:
            leaks[url] = sorted(set(found))[:12]
    assert not leaks, "\n".join(f"{url}: {found}" for url, found in leaks.items())
