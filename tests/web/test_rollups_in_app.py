"""The web app computes a cycle's KPIs from the company store's rollups (issue 16).

Calls in October 2026 (Asia/Shanghai, the company's zone), loaded as uploads:

    A001  10-08  4 calls answered after 10 s, talk 200 s, ACW 20 s   (handle 220 s each)
          10-09  2 calls answered after 30 s, talk 100 s, ACW 20 s   (handle 120 s each)
    A002  10-08  3 calls answered after 10 s, talk 300 s             (handle 300 s each)

Service level (20 s): A001 4/6 = 66.666667 %, A002 3/3 = 100 %.
AHT: A001 (4·220 + 2·120) / 6 = 1120 / 6 = 186.666667 s, A002 300 s.

The correction file changes one call of A001 on 10-09 (answered after 10 s, talk 160 s): service level
5/6 = 83.333333 %, AHT (4·220 + 120 + 180) / 6 = 1180 / 6 = 196.666667 s; A002 keeps its values.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
from decimal import Decimal

import pytest

from kaohe.metrics import compute as compute_module
from kaohe.metrics import rollups as rollups_module
from kaohe.metrics.rollups import load_manifest, spec_key
from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import KpiValue, UploadBatch
from kaohe.web.appraisal.services import data as datasvc
from kaohe.web.appraisal.services.data import store_dir
from kaohe.web.audit.models import AuditEvent
from kaohe.web.kpidefs import services as kd
from tests.web.conftest import AGENT_POSITION, agent_scheme_dict

FIELDS = ["call_id", "queue", "direction", "agent_id", "offered_at", "answered_at", "ended_at", "talk_s", "hold_s",
          "acw_s", "outcome", "transferred"]


def _scheme():
    from kaohe.scheme.models import Scheme

    d = copy.deepcopy(agent_scheme_dict())
    ind = d["categories"][0]["indicators"][0]
    expl = ind["explanation"]
    ind.update(id="service_level", name={"zh": "服务水平", "en": "Service level"}, weight="50", target="90",
               standard="≥ 90%", source={"kind": "kpi", "kpi": "service_level", "params": {"threshold_s": 20}})
    d["categories"][0]["indicators"].append(
        {"id": "aht", "name": {"zh": "平均处理时长", "en": "AHT"}, "weight": "50", "unit": "s", "direction": "lower",
         "source": {"kind": "kpi", "kpi": "aht"}, "target": "200", "standard": "≤ 200 s",
         "rule": {"type": "tiers", "tiers": [{"max": "200", "score": "100"}, {"min": "200", "score": "60"}]},
         "explanation": expl})
    return Scheme.model_validate(d)


def _call(call_id: str, agent: str, day: int, minute: int, wait: int, talk: int, acw: int) -> dict[str, object]:
    offered = dt.datetime(2026, 10, day, 9, 0) + dt.timedelta(minutes=minute)
    answered = offered + dt.timedelta(seconds=wait)
    return {"call_id": call_id, "queue": "q1", "direction": "in", "agent_id": agent,
            "offered_at": f"{offered:%Y-%m-%d %H:%M:%S}", "answered_at": f"{answered:%Y-%m-%d %H:%M:%S}",
            "ended_at": f"{answered + dt.timedelta(seconds=talk):%Y-%m-%d %H:%M:%S}", "talk_s": talk, "hold_s": 0,
            "acw_s": acw, "outcome": "answered", "transferred": "false"}


def _file(tmp_path, name: str, rows: list[dict[str, object]]):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, FIELDS)
        w.writeheader()
        w.writerows(rows)
    return path


OCTOBER = ([_call(f"A001-8-{i}", "A001", 8, 10 * i, 10, 200, 20) for i in range(4)]
           + [_call(f"A001-9-{i}", "A001", 9, 10 * i, 30, 100, 20) for i in range(2)]
           + [_call(f"A002-8-{i}", "A002", 8, 10 * i, 10, 300, 0) for i in range(3)])


def _upload(cycle, user, tmp_path, name, rows, *, correct=False):
    batch = svc.validate_upload(cycle, user, path=_file(tmp_path, name, rows), file_name=name, table="calls",
                                correct=correct)
    assert batch.status == UploadBatch.Status.VALIDATED, batch.report.get("errors")
    return batch


@pytest.fixture
def cycle(org, tmp_path):
    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                           end=dt.date(2026, 10, 31), positions=[org.agent_position],
                           rating_deadline=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
                           schemes={(AGENT_POSITION, "specialist"): _scheme()})
    svc.confirm_upload(_upload(cycle, org.hr, tmp_path, "october-calls.csv", OCTOBER), org.hr)
    return cycle


def _value(comp, code, kpi):
    return KpiValue.objects.get(computation=comp, employee__code=code, kpi=kpi, scope="self").value


def _all(comp):
    return sorted(KpiValue.objects.filter(computation=comp).values_list(
        "employee__code", "kpi", "params_key", "scope", "value", "sample_size", "unit"))


def _from_records(monkeypatch, cycle, user):
    """The same computation with compute_kpis told to read the records only."""
    with monkeypatch.context() as m:
        m.setattr(compute_module, "compute_kpis", functools.partial(compute_module.compute_kpis, use_rollups=False))
        return svc.compute_cycle_kpis(cycle, user)


def fresh_batch(batch):
    return UploadBatch.objects.get(pk=batch.pk)


def q6(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.000001"))


def test_values_from_rollups_equal_values_from_records(org, cycle, monkeypatch):
    assert load_manifest(store_dir(org.company)) is None  # nothing built the rollups before the first compute
    comp = svc.compute_cycle_kpis(cycle, org.hr)
    assert comp.read_from == "rollups"
    manifest = load_manifest(store_dir(org.company))
    assert manifest is not None and manifest["tz"] == org.company.time_zone == "Asia/Shanghai"
    # hand-computed
    assert _value(comp, "A001", "service_level") == q6("66.666667")
    assert _value(comp, "A002", "service_level") == Decimal(100)
    assert _value(comp, "A001", "aht") == q6("186.666667")
    assert _value(comp, "A002", "aht") == Decimal(300)
    records = _from_records(monkeypatch, cycle, org.hr)
    assert records.read_from == "rollups"  # what the rollups could serve; compute_kpis was told not to use them
    assert _all(records) == _all(comp) and len(_all(comp)) >= 4
    # the audit trail says where the values came from
    event = AuditEvent.objects.filter(action="kpi.compute").order_by("-pk").first()
    assert event is not None and event.after["read_from"] == "rollups"


def test_a_recompute_after_an_upload_reads_only_the_new_day(org, cycle, tmp_path):
    first = svc.compute_cycle_kpis(cycle, org.hr)
    cache = datasvc.rollup_cache(org.company)
    days_read = {day for _group, day in cache.reads}
    assert days_read == {"2026-10-08", "2026-10-09"}
    # nothing new: nothing is read again
    before = len(cache.reads)
    svc.compute_cycle_kpis(cycle, org.hr)
    assert cache.reads[before:] == []
    # one new day (A002 answers 1 call after 40 s on 10-10, talk 100 s): folded when it is confirmed
    svc.confirm_upload(_upload(cycle, org.hr, tmp_path, "calls-10-10.csv",
                               [_call("A002-10-0", "A002", 10, 0, 40, 100, 0)]), org.hr)
    assert rollups_module.rollups_current(store_dir(org.company))
    before = len(cache.reads)
    comp = svc.compute_cycle_kpis(cycle, org.hr)
    assert {day for _group, day in cache.reads[before:]} == {"2026-10-10"}
    assert comp.read_from == "rollups"
    assert _value(comp, "A002", "service_level") == Decimal(75)  # 3 of 4 within 20 s
    assert _value(comp, "A002", "aht") == Decimal(250)  # (3·300 + 100) / 4
    assert _value(comp, "A001", "aht") == _value(first, "A001", "aht")


def test_stale_rollups_fall_back_to_the_records(org, cycle, tmp_path, monkeypatch):
    svc.compute_cycle_kpis(cycle, org.hr)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    # folding the new day fails (the batch stays committed), and so does the refresh before computing
    monkeypatch.setattr(rollups_module, "refresh_rollups", broken)
    svc.confirm_upload(_upload(cycle, org.hr, tmp_path, "calls-10-10.csv",
                               [_call("A002-10-0", "A002", 10, 0, 40, 100, 0)]), org.hr)
    assert not rollups_module.rollups_current(store_dir(org.company))
    comp = svc.compute_cycle_kpis(cycle, org.hr)
    assert comp.read_from == "records"
    assert _value(comp, "A002", "service_level") == Decimal(75)  # the new day counts: the records are read
    assert _value(comp, "A002", "aht") == Decimal(250)
    monkeypatch.undo()
    records = _from_records(monkeypatch, cycle, org.hr)
    assert _all(records) == _all(comp)
    # the next computation brings the rollups up to date again
    again = svc.compute_cycle_kpis(cycle, org.hr)
    assert again.read_from == "rollups" and _all(again) == _all(comp)


def test_a_bug_in_the_rollups_does_not_block_the_computation(org, cycle, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(rollups_module, "refresh_rollups", broken)
    comp = svc.compute_cycle_kpis(cycle, org.hr)
    assert comp.read_from == "records"
    assert _value(comp, "A001", "aht") == q6("186.666667")


def test_a_correction_changes_exactly_the_corrected_agents_values(org, cycle, tmp_path, monkeypatch):
    before = svc.compute_cycle_kpis(cycle, org.hr)
    fixed = _call("A001-9-1", "A001", 9, 10, 10, 160, 20)  # answered after 10 s, talked 160 s
    check = _upload(cycle, org.hr, tmp_path, "correction.csv", [fixed], correct=True)
    assert check.correct and check.report["rows_replaced"] == 1
    assert check.report["replaced"] == [{"file": "october-calls.csv", "rows": 1, "upload": UploadBatch.objects.get(
        file_name="october-calls.csv").pk, "loaded_at": check.report["replaced"][0]["loaded_at"]}]
    # the dry run changed nothing
    assert svc.compute_cycle_kpis(cycle, org.hr).read_from == "rollups"
    loaded = svc.confirm_upload(check, org.hr)
    assert loaded.status == UploadBatch.Status.LOADED and loaded.report["rows_replaced"] == 1
    event = AuditEvent.objects.get(action="upload.correct")
    assert event.after["rows_replaced"] == 1 and event.after["replaced"] == [{"file": "october-calls.csv", "rows": 1}]
    assert event.after["employees"] == fresh_batch(loaded).report["employees"] == ["A001"]
    # the cycle's data still holds 9 calls: the corrected one replaced a loaded one
    assert [t["rows"] for t in datasvc.readiness(cycle, org.hr)["tables"] if t["table"] == "calls"] == [9]
    after = svc.compute_cycle_kpis(cycle, org.hr)
    assert after.read_from == "rollups"
    assert _value(after, "A001", "service_level") == q6("83.333333")
    assert _value(after, "A001", "aht") == q6("196.666667")
    changed = {(r[0], r[1], r[3]) for r in set(_all(after)) ^ set(_all(before))}
    assert changed == {("A001", "service_level", "self"), ("A001", "aht", "self")}
    assert _all(_from_records(monkeypatch, cycle, org.hr)) == _all(after)


def test_the_same_file_without_the_option_is_refused(org, cycle, tmp_path):
    fixed = _call("A001-9-1", "A001", 9, 10, 10, 160, 20)
    batch = svc.validate_upload(cycle, org.hr, path=_file(tmp_path, "c.csv", [fixed]), file_name="c.csv",
                                table="calls")
    assert batch.status == UploadBatch.Status.REJECTED and not batch.correct
    assert "replaced" not in batch.report


def test_a_changed_kpi_definition_adds_its_spec_to_the_rollups(org, cycle, monkeypatch):
    svc.compute_cycle_kpis(cycle, org.hr)
    from kaohe.metrics.catalog.registry import kpi_spec

    new = spec_key(kpi_spec(("service_level", {"threshold_s": 20, "abandon_treatment": "exclude"})))
    assert new not in {s["key"] for s in load_manifest(store_dir(org.company))["specs"]}
    kd.change_definition(org.company, org.hr, "service_level", {"abandon_treatment": "exclude"}, reason="wallboard")
    assert new in {s["key"] for s in load_manifest(store_dir(org.company))["specs"]}
    comp = svc.current_computation(cycle)
    assert comp.read_from == "rollups"
    assert _all(_from_records(monkeypatch, cycle, org.hr)) == _all(comp)


def test_the_nightly_recompute_command_reads_the_rollups(org, cycle, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("kaohe_recompute_kpis", "--as", "hr", stdout=out, stderr=StringIO())
    assert "computed demo/2026-10 #1" in out.getvalue()
    comp = svc.current_computation(cycle)
    assert comp.read_from == "rollups" and _value(comp, "A001", "aht") == q6("186.666667")
    # a correction is new data for the command; the values follow it
    svc.confirm_upload(_upload(cycle, org.hr, tmp_path, "correction.csv", [_call("A001-9-1", "A001", 9, 10, 10, 160, 20)],
                               correct=True), org.hr)
    call_command("kaohe_recompute_kpis", "--as", "hr", stdout=out, stderr=StringIO())
    assert "computed demo/2026-10 #2" in out.getvalue()
    comp = svc.current_computation(cycle)
    assert comp.read_from == "rollups" and _value(comp, "A001", "aht") == q6("196.666667")
