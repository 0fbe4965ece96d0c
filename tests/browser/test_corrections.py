"""HR loads a correction file from the home page and sees the corrected KPI value (issue 16).

October's calls are loaded and computed (from the rollups). A001's service level (20 s) is 4 of 6 calls
= 66.67 %: one call on 10-09 was exported answered after 30 s, but it was answered after 10 s. HR, from
the home page, opens the cycle, uploads the one-row correction with "these rows correct records already
loaded" ticked, reads that 1 row of october-calls.csv will be replaced, confirms, reads that 1 row was
replaced, recomputes (the page says the values were read from the daily rollups) and reads 5 of 6 =
83.33 % on A001's service level. In Chinese at 1366 px and in English at 390 px.
Screenshots: test-artifacts/corrections/<language>-<width>/.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import KpiValue, UploadBatch
from kaohe.web.audit.models import AuditEvent
from tests.browser.people import PHONE, WIDE, choose_language, login, menu, no_sideways_scroll
from tests.web.conftest import AGENT_POSITION, agent_scheme_dict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "corrections"
FIELDS = ["call_id", "queue", "direction", "agent_id", "offered_at", "answered_at", "ended_at", "talk_s", "hold_s",
          "acw_s", "outcome", "transferred"]


def _call(call_id: str, agent: str, day: int, minute: int, wait: int, talk: int) -> dict[str, object]:
    offered = dt.datetime(2026, 10, day, 9, 0) + dt.timedelta(minutes=minute)
    answered = offered + dt.timedelta(seconds=wait)
    return {"call_id": call_id, "queue": "q1", "direction": "in", "agent_id": agent,
            "offered_at": f"{offered:%Y-%m-%d %H:%M:%S}", "answered_at": f"{answered:%Y-%m-%d %H:%M:%S}",
            "ended_at": f"{answered + dt.timedelta(seconds=talk):%Y-%m-%d %H:%M:%S}", "talk_s": talk, "hold_s": 0,
            "acw_s": 20, "outcome": "answered", "transferred": "false"}


def _file(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, FIELDS)
        w.writeheader()
        w.writerows(rows)
    return path


def _scheme():  # type: ignore[no-untyped-def]
    from kaohe.scheme.models import Scheme

    d = copy.deepcopy(agent_scheme_dict())
    d["categories"][0]["indicators"][0].update(
        id="service_level", name={"zh": "服务水平", "en": "Service level"}, target="90", standard="≥ 90%",
        source={"kind": "kpi", "kpi": "service_level", "params": {"threshold_s": 20}})
    return Scheme.model_validate(d)


@pytest.fixture
def october(org, tmp_path):  # type: ignore[no-untyped-def]
    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                           end=dt.date(2026, 10, 31), positions=[org.agent_position],
                           rating_deadline=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
                           schemes={(AGENT_POSITION, "specialist"): _scheme()})
    rows = ([_call(f"A001-8-{i}", "A001", 8, 10 * i, 10, 200) for i in range(4)]
            + [_call(f"A001-9-{i}", "A001", 9, 10 * i, 30, 100) for i in range(2)]
            + [_call(f"A002-8-{i}", "A002", 8, 10 * i, 10, 300) for i in range(3)])
    batch = svc.validate_upload(cycle, org.hr, path=_file(tmp_path / "october-calls.csv", rows),
                                file_name="october-calls.csv", table="calls")
    svc.confirm_upload(batch, org.hr)
    comp = svc.compute_cycle_kpis(cycle, org.hr)
    assert KpiValue.objects.get(computation=comp, employee__code="A001", kpi="service_level").value.quantize(
        1) == 67
    return cycle


class Shots:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        self.folder, self.n = folder, 0

    def __call__(self, page: Page, label: str) -> None:
        self.n += 1
        page.screenshot(path=str(self.folder / f"{self.n:02d}-{label}.png"), full_page=True)


WORDS = {
    "zh-hans": {"option": "这批记录是更正", "will": "将替换此前导入的 1 行", "done": "已替换此前导入的 1 行",
                "rollups": "数值读自按日汇总", "tag": "更正"},
    "en": {"option": "These rows correct records already loaded (replace them)",
           "will": "1 row will replace a row loaded before", "done": "1 row replaced a row loaded before",
           "rollups": "Values read from the daily rollups", "tag": "correction"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_hr_loads_a_correction_and_sees_the_corrected_value(browser: Browser, live_server, org, october, tmp_path,
                                                           language, viewport):
    words = WORDS[language]
    shot = Shots(ARTIFACTS / f"{language}-{viewport['width']}")
    hr = login(browser, live_server.url, "hr", viewport=viewport)
    if language != "zh-hans":
        choose_language(hr, language)
    shot(hr, "home")

    # from the home page to the cycle, then its upload page
    menu(hr, "cycles", "nav-ui-cycle_list")
    hr.get_by_role("link", name=october.name).first.click()
    expect(hr.get_by_test_id("read-from")).to_have_attribute("data-read-from", "rollups")
    hr.get_by_test_id("upload-link").click()
    hr.select_option("select[name=table]", "calls")
    fixed = _file(tmp_path / "correction.csv", [_call("A001-9-1", "A001", 9, 10, 10, 160)])
    hr.set_input_files("input[name=file]", str(fixed))
    option = hr.get_by_label(words["option"])
    expect(option).not_to_be_checked()
    option.check()
    shot(hr, "upload-with-the-correction-option")
    if viewport is PHONE:
        no_sideways_scroll(hr)
    hr.locator("[data-testid=upload-form] button[type=submit]").click()

    # the check says what will be replaced, and from which earlier upload
    report = hr.get_by_test_id("upload-report")
    expect(report).to_have_attribute("data-status", "validated", timeout=30_000)
    correction = hr.get_by_test_id("correction")
    expect(correction).to_contain_text(words["will"])
    expect(hr.get_by_test_id("replaced-uploads")).to_contain_text("october-calls.csv")
    shot(hr, "check-says-what-will-be-replaced")
    if viewport is PHONE:
        no_sideways_scroll(hr)
    hr.get_by_test_id("confirm-upload").click()
    expect(report).to_have_attribute("data-status", "loaded", timeout=30_000)
    expect(correction).to_contain_text(words["done"])
    expect(correction).to_have_attribute("data-rows-replaced", "1")
    expect(hr.get_by_test_id("corrected-sheets")).to_contain_text("A001")
    shot(hr, "correction-loaded")
    batch = UploadBatch.objects.get(file_name="correction.csv")
    assert batch.correct and batch.report["rows_replaced"] == 1
    assert AuditEvent.objects.filter(action="upload.correct").count() == 1

    # back to the cycle: the values stay as they were until HR computes again
    hr.get_by_role("link", name=october.name).first.click()
    hr.get_by_test_id("compute-kpis").click()
    expect(hr.get_by_test_id("read-from")).to_contain_text(words["rollups"])
    shot(hr, "recomputed-from-the-rollups")

    # A001's sheet, from the correction's report: the service level's records page shows the corrected value
    hr.get_by_test_id("upload-link").click()
    expect(hr.get_by_test_id("correction-tag")).to_have_text(words["tag"])
    hr.get_by_test_id("recent-uploads").get_by_role("link", name="correction.csv").click()
    hr.get_by_test_id("corrected-sheets").locator("a[data-employee=A001]").click()
    shot(hr, "a001-sheet")
    hr.get_by_test_id("kpi-link").first.click()
    expect(hr.get_by_test_id("kpi-value").first).to_have_text(re.compile(r"83\.33"))
    expect(hr.get_by_test_id("read-from").first).to_contain_text(words["rollups"])
    expect(hr.get_by_test_id("records-range")).to_contain_text("1–6")  # A001's 6 calls, the corrected one among them
    shot(hr, "corrected-value")
    if viewport is PHONE:
        no_sideways_scroll(hr)
