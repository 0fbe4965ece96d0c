"""The KPI records page shows every time in the company's zone, not as the event store keeps it (naive UTC).

One call of A001, stored at 2026-10-08 01:00:00 UTC (offered), answered 10.5 s later, ended at 01:03:30 UTC:

    company zone     offset on 10-08       offered               answered              ended
    Asia/Shanghai    UTC+8                 2026-10-08 09:00:00   2026-10-08 09:00:10   2026-10-08 09:03:30
    Europe/Berlin    UTC+2 (summer time)   2026-10-08 03:00:00   2026-10-08 03:00:10   2026-10-08 03:03:30

The seconds stay (they tell the call's wait), the half second does not. The computation and the upload
happen at the frozen instant, 2026-11-20 10:00 in Shanghai = 02:00 UTC = 03:00 in Berlin (winter time, UTC+1).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import UploadBatch
from tests.web.conftest import AGENT_POSITION, agent_scheme_dict

FIELDS = ["call_id", "queue", "direction", "agent_id", "offered_at", "answered_at", "ended_at", "talk_s", "hold_s",
          "acw_s", "outcome", "transferred"]
CALL = {"call_id": "c1", "queue": "q1", "direction": "in", "agent_id": "A001",
        "offered_at": "2026-10-08 01:00:00", "answered_at": "2026-10-08 01:00:10.500000",
        "ended_at": "2026-10-08 01:03:30", "talk_s": 200, "hold_s": 0, "acw_s": 0, "outcome": "answered",
        "transferred": "false"}


def _scheme():  # type: ignore[no-untyped-def]
    from kaohe.scheme.models import Scheme

    d = copy.deepcopy(agent_scheme_dict())
    ind = d["categories"][0]["indicators"][0]
    ind.update(id="aht", name={"zh": "平均处理时长", "en": "AHT"}, unit="s", direction="lower",
               source={"kind": "kpi", "kpi": "aht"}, target="200", standard="≤ 200 s",
               rule={"type": "tiers", "tiers": [{"max": "200", "score": "100"}, {"min": "200", "score": "60"}]})
    return Scheme.model_validate(d)


def _records_page(org, tmp_path, zone: str, language: str) -> str:  # type: ignore[no-untyped-def]
    org.company.time_zone = zone
    org.company.save()
    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                           end=dt.date(2026, 10, 31), positions=[org.agent_position],
                           rating_deadline=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
                           schemes={(AGENT_POSITION, "specialist"): _scheme()})
    path = tmp_path / "calls.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, FIELDS)
        w.writeheader()
        w.writerow(CALL)
    # written in UTC, as an export of the event store: the store then holds exactly 01:00:00 UTC
    batch = svc.validate_upload(cycle, org.hr, path=path, file_name="calls.csv", table="calls", timezone_name="UTC")
    assert batch.status == UploadBatch.Status.VALIDATED, batch.report.get("errors")
    svc.confirm_upload(batch, org.hr)
    svc.compute_cycle_kpis(cycle, org.hr)
    sheet = cycle.sheets.get(employee=org.agent_emp)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(org.agent)
    response = client.get(reverse("ui:kpi_records", args=[sheet.pk, "aht"]))
    assert response.status_code == 200
    return response.content.decode()


def _cells(page: str) -> list[str]:
    table = page[page.index('data-testid="source-records"'):]
    table = table[:table.index("</table>")]
    return [c.split("</td>", 1)[0] for c in table.split("<td>")[1:]]


@pytest.mark.parametrize(("zone", "offered", "answered", "ended", "computed"), [
    ("Asia/Shanghai", "2026-10-08 09:00:00", "2026-10-08 09:00:10", "2026-10-08 09:03:30", "2026-11-20 10:00"),
    ("Europe/Berlin", "2026-10-08 03:00:00", "2026-10-08 03:00:10", "2026-10-08 03:03:30", "2026-11-20 03:00"),
])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_records_page_shows_times_in_the_company_zone(org, tmp_path, zone, offered, answered, ended,
                                                           computed, language):
    page = _records_page(org, tmp_path, zone, language)
    cells = _cells(page)
    assert cells[:3] == ["c1", "q1", "in"]
    assert [offered, answered, ended] == [c for c in cells if c.startswith("2026-")]
    assert not any("01:0" in c or "T" in c or ".5" in c for c in cells)  # no UTC, no ISO form, no fraction
    note = page[page.index('data-testid="time-zone-note"'):].split("</p>", 1)[0]
    assert (f"时间为公司时区 {zone}" if language == "zh-hans" else f"Times in the company's zone, {zone}") in note
    provenance = page[page.index('data-testid="provenance"'):].split("</table>", 1)[0]
    assert computed in provenance  # the computation's time
    uploads = page[page.index('data-testid="provenance-uploads"'):].split("</table>", 1)[0]
    assert f"<td>{computed}</td>" in uploads  # the upload's loaded time
