"""HR changes the service-level abandon treatment (the issue's done-when case).

Agent A001 (sheet published) and A002 (sheet scored, not yet published) in an open cycle whose
scheme rates service level (20 s). In October A001 answers 8 calls within 20 s and has 2
abandons after 10 s; A002 answers 9 and has 1 abandon. Abandons counted against (the catalog
default ``exclude_short``): A001 80 %, A002 90 %. Abandons left out (``exclude``): 100 % each.

Then: the open cycle's values change, the old values remain as a superseded computation,
A002 is re-scored, A001's published sheet keeps its score and shows the notice until HR
decides; re-scoring it is a new, audited score version.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal

import pyarrow as pa
import pytest

from kaohe.metrics.store import Store
from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import KpiValue, ScoreVersion
from kaohe.web.appraisal.services.data import store_dir
from kaohe.web.audit.models import AuditEvent
from kaohe.web.errors import InvalidInput
from kaohe.web.kpidefs import services as kd
from kaohe.web.kpidefs.models import KpiDefinition, SheetNotice
from tests.web.conftest import AGENT_POSITION, agent_scheme_dict, fresh

SHANGHAI = dt.timedelta(hours=8)


def _scheme():
    from kaohe.scheme.models import Scheme

    d = copy.deepcopy(agent_scheme_dict())
    ind = d["categories"][0]["indicators"][0]
    ind.update(id="service_level", name={"zh": "服务水平", "en": "Service level"}, target="90", standard="≥ 90%",
               source={"kind": "kpi", "kpi": "service_level", "params": {"threshold_s": 20}})
    return Scheme.model_validate(d)


def _calls(company) -> None:
    rows = []
    for agent, answered, abandoned in (("A001", 8, 2), ("A002", 9, 1)):
        for i in range(answered + abandoned):
            offered = dt.datetime(2026, 10, 8, 9, 0) + dt.timedelta(minutes=10 * i) - SHANGHAI
            ok = i < answered
            rows.append({"call_id": f"{agent}-{i}", "queue": "q1", "direction": "in", "customer_id": None,
                         "agent_id": agent, "offered_at": offered,
                         "answered_at": offered + dt.timedelta(seconds=10) if ok else None,
                         "ended_at": offered + dt.timedelta(seconds=200 if ok else 10), "talk_s": 190.0 if ok else 0.0,
                         "hold_s": 0.0, "acw_s": 0.0, "outcome": "answered" if ok else "abandoned",
                         "transferred": False, "disposition": None})
    Store(store_dir(company)).write_table("calls", pa.Table.from_pylist(rows), source="test")


def _rate(sheet, user, role, indicator, score):
    svc.submit_rating(fresh(sheet), user, role=role, indicator=indicator, score=Decimal(score))


def _to_reviewer(org, sheet):
    me, boss = sheet.employee.user, sheet.employee.manager.user
    sheet = svc.start_self_review(svc.acknowledge_targets(svc.set_targets(sheet, boss), me), boss)
    _rate(sheet, org.qa, "qa", "qa_score", 80)
    peers = [e.user for e in sheet.employee.team.members.exclude(pk=sheet.employee.pk)
             .filter(position=org.agent_position)][:3]
    svc.request_ratings(fresh(sheet), boss, role="peer", raters=peers)
    for user in peers:
        _rate(sheet, user, "peer", "peer_feedback", 80)
    _rate(sheet, me, "self", "teamwork", 80)
    sheet = svc.submit_self_review(fresh(sheet), me)
    _rate(sheet, boss, "supervisor", "teamwork", 80)
    return svc.submit_supervisor_review(fresh(sheet), boss)


def _sl(comp, code):
    return KpiValue.objects.get(computation=comp, employee__code=code, kpi="service_level").value


@pytest.fixture
def setup(org):
    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                           end=dt.date(2026, 10, 31), positions=[org.agent_position],
                           rating_deadline=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
                           schemes={(AGENT_POSITION, "specialist"): _scheme()})
    _calls(org.company)
    first = svc.compute_cycle_kpis(cycle, org.hr)
    published = _to_reviewer(org, cycle.sheets.get(employee__code="A001"))
    reviewer = published.employee.manager.manager.user
    _rate(published, reviewer, "reviewer", "teamwork", 80)
    published = svc.publish(svc.approve(fresh(published), reviewer), org.hr)
    in_review = _to_reviewer(org, cycle.sheets.get(employee__code="A002"))
    return cycle, first, fresh(published), fresh(in_review)


def test_changing_the_abandon_treatment(org, setup, client):
    cycle, first, published, in_review = setup
    assert (_sl(first, "A001"), _sl(first, "A002")) == (Decimal(80), Decimal(90))
    published_score = published.current_score
    assert published.state == "published" and published_score.total is not None
    in_review_number = in_review.current_score.number

    outcome = kd.change_definition(org.company, org.hr, "service_level", {"abandon_treatment": "exclude"},
                                   reason="match the wallboard")

    # the open cycle's values change; the old values remain, superseded
    new = svc.current_computation(cycle)
    assert new.pk != first.pk and new.source == "kpi_definition"
    assert (_sl(new, "A001"), _sl(new, "A002")) == (Decimal(100), Decimal(100))
    first.refresh_from_db()
    assert first.superseded_by_id == new.pk and (_sl(first, "A001"), _sl(first, "A002")) == (Decimal(80), Decimal(90))
    # the sheet not yet published is re-scored from the new values
    in_review = fresh(in_review)
    assert in_review.current_score.number > in_review_number
    assert [s.employee.code for s in outcome.rescored] == ["A002"]
    # the published sheet is untouched …
    published = fresh(published)
    assert published.state == "published" and published.current_score_id == published_score.pk
    assert published.current_score.total == published_score.total
    # … and shows the notice, to the employee and to HR
    (notice,) = SheetNotice.objects.filter(sheet=published)
    assert notice.decision == "pending" and notice.changes[0]["old"] == "80" and notice.changes[0]["new"] == "100"
    client.force_login(org.agent)
    page = client.get(f"/sheets/{published.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="kpidef-sheet-notice"' in html and "re-score" in html
    assert 'name="decision"' not in html  # only HR decides
    client.force_login(org.hr)
    html = client.get(f"/sheets/{published.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="rescored"' in html
    # every step is audited
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"kpi_definition.change", "kpi_definition.notice", "kpi.compute"} <= actions


def test_hr_rescores_a_published_sheet_as_an_audited_version(org, setup):
    cycle, first, published, _ = setup
    before = published.current_score
    kd.change_definition(org.company, org.hr, "service_level", {"abandon_treatment": "exclude"}, reason="wallboard")
    notice = SheetNotice.objects.get(sheet=published)
    with pytest.raises(InvalidInput):
        kd.decide(notice, org.hr, "rescored", reason="")
    kd.decide(notice, org.hr, "rescored", reason="the center counts abandons out from October")
    published = fresh(published)
    assert published.state == "published"
    assert published.current_score.number == before.number + 1
    assert published.current_score.total > before.total  # service level 80 → 100 points on 60 % of the weight
    assert ScoreVersion.objects.filter(sheet=published).count() == before.number + 1  # the old version stays
    event = AuditEvent.objects.filter(action="score.kpi_definition_rescore").get()
    assert event.reason == "the center counts abandons out from October"
    assert SheetNotice.objects.get(pk=notice.pk).decision == "rescored"


def test_hr_may_leave_it(org, setup):
    _, _, published, _ = setup
    before = published.current_score_id
    kd.change_definition(org.company, org.hr, "service_level", {"abandon_treatment": "exclude"})
    notice = SheetNotice.objects.get(sheet=published)
    kd.decide(notice, org.hr, "left", reason="published figures stand for October")
    assert fresh(published).current_score_id == before
    assert AuditEvent.objects.filter(action="kpi_definition.leave").exists()


def test_history_and_the_page(org, setup, client):
    kd.change_definition(org.company, org.hr, "service_level", {"abandon_treatment": "exclude"}, reason="one")
    kd.change_definition(org.company, org.hr, "service_level", {"threshold_s": 30}, reason="two")
    rows = list(KpiDefinition.objects.filter(company=org.company, kpi="service_level").order_by("valid_from", "pk"))
    assert [r.params for r in rows] == [{"abandon_treatment": "exclude"},
                                        {"abandon_treatment": "exclude", "threshold_s": 30.0}]
    assert rows[0].superseded_at is not None and rows[1].superseded_at is None
    assert kd.current_definitions(org.company)["service_level"]["threshold_s"] == 30.0
    with pytest.raises(InvalidInput):
        kd.change_definition(org.company, org.hr, "service_level", {"abandon_treatment": "sometimes"})
    with pytest.raises(InvalidInput):
        kd.change_definition(org.company, org.hr, "service_level", {"threshold_s": 30})  # unchanged
    client.force_login(org.hr)
    for lang in ("en", "zh-hans"):
        page = client.get("/kpi-definitions/", HTTP_ACCEPT_LANGUAGE=lang)
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="kpidef-history"' in html and 'data-testid="kpidef-notices"' in html
    home = client.get("/hr/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="kpi-definitions-link"' in home
    client.force_login(org.agent)
    assert client.get("/kpi-definitions/").status_code == 403


def test_the_page_saves_a_definition(org, setup, client):
    from kaohe.web.ui import formtokens

    client.force_login(org.hr)
    page = client.get("/kpi-definitions/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()

    form = html.split('data-testid="kpidef-asa"')[1]
    value = re.search(rf'name="{formtokens.FIELD}" value="([^"]+)"', form).group(1)
    resp = client.post("/kpi-definitions/", {"company": org.company.pk, "kpi": "asa", formtokens.FIELD: value,
                                             "reason": "queue time only"}, HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 302, resp.content.decode()[:500]
    assert kd.current_definitions(org.company)["asa"] == {"include_ring": False}
    again = client.post("/kpi-definitions/", {"company": org.company.pk, "kpi": "asa", formtokens.FIELD: value},
                        HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409  # the same form sent twice changes nothing twice
    assert KpiDefinition.objects.filter(company=org.company, kpi="asa").count() == 1


def test_a_kpi_from_an_interval_report_says_so_on_the_records_page(org, client):
    from kaohe.scheme.models import Scheme

    d = copy.deepcopy(agent_scheme_dict())
    ind = d["categories"][0]["indicators"][0]
    ind.update(id="aht", name={"zh": "平均处理时长", "en": "AHT"}, direction="lower", target="200", standard="≤ 200 s",
               source={"kind": "kpi", "kpi": "aht"},
               rule={"type": "tiers", "tiers": [{"max": "200", "score": "100"}, {"min": "200", "score": "50"}]})
    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                           end=dt.date(2026, 10, 31), positions=[org.agent_position],
                           rating_deadline=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
                           schemes={(AGENT_POSITION, "specialist"): Scheme.model_validate(d)})
    start = dt.datetime(2026, 10, 8, 9, 0) - SHANGHAI
    Store(store_dir(org.company)).write_table("interval_stats", pa.Table.from_pylist([
        {"interval_start": start, "interval_minutes": 30, "queue": "q1", "agent_id": "A001", "handled": 4,
         "talk_s": 600.0, "hold_s": 40.0, "acw_s": 80.0}]), source="test")
    comp = svc.compute_cycle_kpis(cycle, org.hr)
    assert KpiValue.objects.get(computation=comp, employee__code="A001", kpi="aht").value == Decimal(180)
    sheet = cycle.sheets.get(employee__code="A001")
    client.force_login(org.hr)
    page = client.get(f"/sheets/{sheet.pk}/kpi/aht/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'data-testid="provenance-interval-report"' in page.content.decode()
