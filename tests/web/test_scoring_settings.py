"""A company setting exempts an indicator (表9-26: 对于话务量较少的项目公司此项可不做为考核指标).

The scheme below is the web fixture's agent scheme with one more QA item, 业务知识考核,
which applies only while the company setting `appraise_knowledge_exam` is on. HR turns it
off on the company settings page; the next scoring leaves the item out, gives its weight
to the rest of its category and says so in the trace.

Hand-computed totals (the fixture's ratings: CSAT 92 % → 100, QA 85, teamwork 79, peers 80):
- setting on (never set): quality = 85 × 50 % + 65 × 50 % = 75;
  total = 0.6 × 100 + 0.2 × 75 + 0.2 × (79 × 0.5 + 80 × 0.5) = 60 + 15 + 15.9 = 90.9
- setting off: quality = 85 (QA alone, weight 50 → 100 %); total = 60 + 17 + 15.9 = 92.9
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kaohe.scheme.models import Scheme
from kaohe.web.appraisal import services as svc
from kaohe.web.audit.models import AuditEvent
from kaohe.web.errors import InvalidInput
from kaohe.web.org import setup as org_setup
from kaohe.web.org.scoring_settings import known_settings, settings_of
from kaohe.web.ui.audit_labels import described
from tests.web.conftest import AGENT_POSITION, agent_scheme_dict, fresh, walk_to

pytestmark = pytest.mark.django_db

SETTING = "appraise_knowledge_exam"


def _scheme() -> Scheme:
    data: dict[str, Any] = copy.deepcopy(agent_scheme_dict())
    data["id"] = "test_agent_settings_monthly"
    quality = next(c for c in data["categories"] if c["id"] == "quality")
    quality["indicators"][0]["weight"] = "50"
    knowledge = copy.deepcopy(quality["indicators"][0])
    knowledge.update(id="knowledge_exam", name={"zh": "业务知识考核", "en": "Knowledge test"}, weight="50",
                     applies_when={"setting": SETTING,
                                   "note": {"zh": "话务量较少的项目公司可不考核", "en": "a low-volume company may skip it"}})
    quality["indicators"].append(knowledge)
    return Scheme.model_validate(data)


@pytest.fixture
def settings_sheet(org):  # type: ignore[no-untyped-def]
    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                           end=dt.date(2026, 10, 31), positions=[org.agent_position],
                           rating_deadline=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
                           schemes={(AGENT_POSITION, "specialist"): _scheme()})
    sheet = walk_to(org, cycle.sheets.get(employee=org.agent_emp), "self_review")
    svc.submit_rating(fresh(sheet), org.qa, role="qa", indicator="knowledge_exam", score=Decimal(65))
    return walk_to(org, fresh(sheet), "calibration")


def _save(org, switches: dict[str, bool] | None) -> None:  # type: ignore[no-untyped-def]
    c = org.company
    org_setup.update_company_settings(org.hr, c, name=c.name, time_zone=c.time_zone,
                                      min_peer_raters=c.min_peer_raters, appeal_window_days=c.appeal_window_days,
                                      grade_distribution_target=c.grade_distribution_target,
                                      scoring_settings=switches)


def _item(version, indicator: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return next(i for i in version.result["items"] if i["indicator_id"] == indicator)


def test_with_the_setting_never_set_the_item_counts(org, settings_sheet):
    score = settings_sheet.current_score
    assert settings_of(org.company) == {}
    assert score.total == Decimal("90.9")
    assert _item(score, "knowledge_exam")["status"] == "scored"


def test_turning_the_setting_off_leaves_the_item_out_and_its_weight_goes_to_the_category(org, settings_sheet):
    _save(org, {SETTING: False})
    org.company.refresh_from_db()
    event = AuditEvent.objects.get(action="org.update_settings")
    assert (event.before["scoring_settings"], event.after["scoring_settings"]) == ({}, {SETTING: False})
    with translation.override("zh-hans"):  # the audit trail names the change in words
        words = dict(described({"scoring_settings": {"appraise_effective_work_rate": False}}))
    assert words == {"计分设置": "考核有效工作率: 否"}

    score = svc.score_sheet(fresh(settings_sheet), org.hr).current_score
    assert score.total == Decimal("92.9")
    item = _item(score, "knowledge_exam")
    assert item["status"] == "excluded" and item["points"] is None
    steps = " ".join(s["zh"] for s in item["trace"]["steps"])
    assert f"公司设置 {SETTING} 未开启" in steps
    assert any(i["code"] == "not_applicable" and "话务量较少的项目公司可不考核" in i["message_zh"]
               for i in score.result["issues"])

    hr = Client()
    hr.force_login(org.hr)
    page = hr.get(reverse("ui:sheet", args=[settings_sheet.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"公司设置 {SETTING} 未开启" in page  # the sheet page shows why the item is left out

    _save(org, {SETTING: True})  # and back on: the item counts again
    assert svc.score_sheet(fresh(settings_sheet), org.hr).current_score.total == Decimal("90.9")


def test_a_malformed_setting_is_refused_and_nothing_changes(org):
    with pytest.raises(InvalidInput) as caught:
        _save(org, {"Bad Name": False, SETTING: "no"})  # type: ignore[dict-item]
    assert [p.field for p in caught.value.report.problems] == ["scoring_settings", "scoring_settings"]
    org.company.refresh_from_db()
    assert org.company.scoring_settings == {}


def _token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_hr_turns_the_setting_off_on_the_company_settings_page(org, settings_sheet):
    assert [s.id for s in known_settings(org.company)] == [SETTING]
    hr = Client()
    hr.force_login(org.hr)
    url = reverse("ui:setup_company")
    page = hr.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    field = f"setting__{SETTING}"
    assert f'name="{field}"' in page and "考核「业务知识考核」" in page
    assert re.search(rf'name="{field}"[^>]*checked', page)  # never set: on
    c = org.company
    response = hr.post(url, {"name": c.name, "time_zone": c.time_zone, "min_peer_raters": c.min_peer_raters,
                             "appeal_window_days": c.appeal_window_days, "grade_distribution": "",
                             "form_token": _token(page)})  # the box left unticked
    assert response.status_code == 302
    org.company.refresh_from_db()
    assert org.company.scoring_settings == {SETTING: False}
    assert AuditEvent.objects.filter(action="org.update_settings").count() == 1
    assert svc.score_sheet(fresh(settings_sheet), org.hr).current_score.total == Decimal("92.9")
    again = hr.get(url).content.decode()
    assert not re.search(rf'name="{field}"[^>]*checked', again)
