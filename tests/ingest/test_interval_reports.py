"""Interval reports (tests/ingest/data/interval) → interval_stats → the same KPIs, computed by hand.

Avaya CMS, 2026-10-01 from 09:00 Shanghai (the mappings' zone), split 10:
  hagent 1001: 10 + 6 calls, talk 1500 + 900, ACW 300 + 180, hold 100 + 20, staffed 3600, available 800
  hagent 1002: 4 calls, talk 800, ACW 100, 2 transfers;  line 5 (agent 1003) has "ten" calls
  hsplit: offered 16 + 6, answered 14 + 6, abandoned 2, within 20 s 12 + 3, answer wait 140 + 120
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kaohe.metrics.compute import compute_kpis, provenance_of
from kaohe.metrics.ingest.sources import detect_source, import_source
from kaohe.metrics.ingest.sources.interval import import_interval_report

DATA = Path(__file__).parent / "data" / "interval"


def _values(data: Path, kpis, level="agent"):
    return {(v.kpi_id, v.entity_id): v for v in compute_kpis(str(data), kpis, "2026-10-01", level)}


def test_a_bad_cell_is_reported_with_its_row_and_nothing_loads(data_dir: Path) -> None:
    rep = import_interval_report(DATA / "avaya_hagent.csv", data_dir)
    assert not rep.committed and rep.bad_rows == [5]
    assert all("acdcalls" in e.column and e.value == "ten" for e in rep.errors)
    assert not (data_dir / "interval_stats").exists()
    rep = import_interval_report(DATA / "avaya_hagent.csv", data_dir, skip_bad_rows=True)
    assert rep.committed and rep.skipped_rows == [5] and rep.rows_loaded == 3


def test_avaya_agent_and_split_intervals_by_hand(data_dir: Path) -> None:
    assert import_source(DATA / "avaya_hagent.csv", data_dir, source="interval-report", skip_bad_rows=True).committed
    assert import_source(DATA / "avaya_hsplit.csv", data_dir).committed  # detected
    agent = _values(data_dir, ["aht", "transfer_rate", "handled_calls", "avg_hold_time", "effective_work_rate"])
    assert agent[("aht", "1001")].value == Decimal("187.5")        # (2400 + 480 + 120) / 16
    assert agent[("aht", "1002")].value == Decimal(225)            # (800 + 100) / 4
    assert agent[("transfer_rate", "1002")].value == Decimal(50)
    assert agent[("handled_calls", "1001")].value == Decimal(16)
    assert agent[("avg_hold_time", "1001")].value == Decimal("7.5")  # 120 / 16
    got = [v for v in compute_kpis(str(data_dir), [("occupancy", {"denominator": d}) for d in
                                                   ("handling_ready", "logged_in")], "2026-10-01", "agent")
           if v.entity_id == "1001"]
    occ = {v.params["denominator"]: v.value for v in got}
    assert occ["handling_ready"] == Decimal("78.947368")          # 3000 / (3000 + 800)
    assert occ["logged_in"] == Decimal("83.333333")               # 3000 / 3600
    assert agent[("effective_work_rate", "1001")].value == Decimal("80")  # (2400 + 480) / 3600
    company = _values(data_dir, ["asa", "abandon_rate", "aht"], "company")
    sl = {(v.params["threshold_s"], v.params["abandon_treatment"]): v.value
          for v in compute_kpis(str(data_dir), [("service_level", {"threshold_s": 20}),
                                                ("service_level", {"threshold_s": 20, "abandon_treatment": "exclude"}),
                                                ("service_level", {"threshold_s": 30})], "2026-10-01", "company")}
    assert sl[(20.0, "exclude_short")] == Decimal("68.181818")    # 15 / 22
    assert sl[(20.0, "exclude")] == Decimal(75)                   # 15 / 20
    assert sl[(30.0, "exclude_short")] is None                    # the report counts within 20 s only
    assert company[("asa", "company")].value == Decimal(13)        # 260 / 20
    assert company[("abandon_rate", "company")].value == Decimal("9.090909")  # 2 / 22
    # loading the split table too never counts the agents' calls twice
    assert company[("aht", "company")].value == Decimal(195)       # (3200 + 580 + 120) / 20


def test_provenance_says_interval_report(data_dir: Path) -> None:
    import_interval_report(DATA / "avaya_hsplit.csv", data_dir)
    (v,) = compute_kpis(str(data_dir), ["asa"], "2026-10-01", "company")
    assert provenance_of(v) == "interval report"
    assert v.inputs["interval_stats"]["rows"] == 2


def test_genesys_cloud_aggregates_in_milliseconds(data_dir: Path) -> None:
    assert detect_source(DATA / "genesys_aggregates.csv") == "interval-report"
    assert import_interval_report(DATA / "genesys_aggregates.csv", data_dir).committed
    agent = _values(data_dir, ["aht", "avg_acw_time", "transfer_rate"])
    assert agent[("aht", "u-1")].value == Decimal(180)             # (450 + 30 + 60) s / 3
    assert agent[("avg_acw_time", "u-1")].value == Decimal(20)
    company = _values(data_dir, [("service_level", {"threshold_s": 20}), "asa"], "company")
    assert company[("service_level", "company")].value == Decimal("66.666667")  # (8 − 2) / (10 − 1)
    assert company[("asa", "company")].value == Decimal(12)        # 96 s / 8


def test_alibaba_cloud_agent_report(data_dir: Path) -> None:
    assert detect_source(DATA / "alibaba_agent_report.csv") == "interval-report"
    assert import_interval_report(DATA / "alibaba_agent_report.csv", data_dir).committed
    values = {v2.params.get("components") or v2.params.get("denominator"): v2.value for v2 in compute_kpis(
        str(data_dir), ["aht", ("aht", {"components": "talk+hold+acw+dial"}), "occupancy",
                        ("occupancy", {"denominator": "logged_in_minus_break"})], "2026-10-01", "agent")}
    assert values["talk+hold+acw"] == Decimal(135)        # (660 + 50 + 100) / 6
    assert values["talk+hold+acw+dial"] == Decimal("137.5")       # + 15 s dialing
    assert values["handling_ready"] == Decimal("61.832061")        # 810 / (810 + 500)
    assert values["logged_in_minus_break"] == Decimal("50.625")    # 810 / (1800 − 200)


def test_no_matching_mapping_is_a_clear_error(data_dir: Path, tmp_path: Path) -> None:
    f = tmp_path / "report.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    rep = import_interval_report(f, data_dir)
    assert not rep.committed and "no bundled interval mapping" in rep.errors[0].reason
    with pytest.raises(ValueError, match="cannot tell"):
        detect_source(f)


def test_an_export_of_averages_through_a_center_mapping(data_dir: Path, tmp_path: Path) -> None:
    # a performance view exported with averages: an average times its count is the sum KPIs need
    f = tmp_path / "queue_performance.csv"
    f.write_text("Interval Start,Queue,Agent,Offer,Answer,Abandon,Avg Talk,Avg ACW\n"
                 "2026-10-01 09:00,support,A1,,4,,150,30\n"
                 "2026-10-01 09:30,support,A1,,2,,60,x\n", encoding="utf-8")
    mapping = {"table": "interval_stats", "source": {"timezone": "Asia/Shanghai"}, "columns": {
        "interval_start": "Interval Start", "interval_minutes": {"const": 30}, "queue": "Queue", "agent_id": "Agent",
        "handled": "Answer", "talk_s": {"mul": ["Avg Talk", "Answer"]}, "acw_s": {"mul": ["Avg ACW", "Answer"]}}}
    rep = import_interval_report(f, data_dir, mapping=mapping)
    assert not rep.committed and rep.bad_rows == [3] and rep.errors[0].value == "x"
    f.write_text(f.read_text(encoding="utf-8").replace(",x\n", ",45\n"), encoding="utf-8")
    assert import_interval_report(f, data_dir, mapping=mapping).committed
    (v,) = compute_kpis(str(data_dir), ["aht"], "2026-10-01", "agent")
    assert v.value == Decimal(155)  # (4 × 150 + 4 × 30 + 2 × 60 + 2 × 45) / 6 = 930 / 6
