"""FreeSWITCH mod_callcenter CDR adapter on hand-written CDRs (tests/ingest/data/freeswitch).

The same nine legs in each format: call mem-1 has its member leg (posted twice), the
answering agent leg of 1001 and a ring attempt of 1002; mem-2 is abandoned after 8 s;
mem-3 leaves by timeout; mem-4 is answered by 1002, held 30 s (recorded on the agent leg)
and transferred; one CDR is not a queue call. T = 1790816400 (2026-10-01 09:00 Shanghai).

By hand: 1001 talk 120 − 20 hold = 100, AHT 120, ASA 15, ring 5;
1002 talk 200 − 30 = 170, AHT 200, ASA 10, transfer rate 100 %.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kaohe.metrics.compute import compute_kpis
from kaohe.metrics.ingest.sources import detect_source, import_source
from kaohe.metrics.ingest.sources.freeswitch import import_cdr
from kaohe.metrics.store import Store

DATA = Path(__file__).parent / "data" / "freeswitch"


def _calls(data: Path) -> dict[str, dict]:
    return {r["call_id"]: r for r in Store(data).read_table("calls").to_pylist()}


@pytest.mark.parametrize("name", ["cdr.json", "cdr.xml"])
def test_legs_become_one_call_each(data_dir: Path, name: str) -> None:
    rep = import_cdr(DATA / name, data_dir)
    assert rep.committed, rep.summary()
    calls = _calls(data_dir)
    assert sorted(calls) == ["mem-1", "mem-2", "mem-3", "mem-4"]
    m1, m2, m3, m4 = (calls[k] for k in sorted(calls))
    assert (m1["agent_id"], m1["talk_s"], m1["hold_s"], m1["ring_s"]) == ("1001", 100.0, 20.0, 5.0)
    assert (m1["answered_at"] - m1["offered_at"]).total_seconds() == 15
    assert m1["customer_id"] == "13800000001" and m1["queue"] == "support@default"
    assert (m2["outcome"], (m2["ended_at"] - m2["offered_at"]).total_seconds()) == ("abandoned", 8.0)
    assert (m3["outcome"], m3["disposition"]) == ("other", "timeout")
    assert (m4["agent_id"], m4["talk_s"], m4["hold_s"], m4["transferred"]) == ("1002", 170.0, 30.0, True)
    assert rep.defects["duplicate_cdr"].count == 1
    assert sum(rep.unused_events.values()) == 1
    assert any("rang without answering: 1" in n for n in rep.notes)


def test_per_agent_kpis_by_hand(data_dir: Path) -> None:
    assert import_cdr(DATA / "cdr.json", data_dir).committed
    got = {(v.kpi_id, v.entity_id): v.value for v in compute_kpis(
        str(data_dir), ["aht", "asa", "avg_hold_time", "transfer_rate"], "2026-10-01", "agent")}
    assert got[("aht", "1001")] == Decimal(120)
    assert got[("asa", "1001")] == Decimal(15)
    assert got[("avg_hold_time", "1001")] == Decimal(20)
    assert got[("aht", "1002")] == Decimal(200)
    assert got[("asa", "1002")] == Decimal(10)
    assert got[("transfer_rate", "1002")] == Decimal(100)
    sl = compute_kpis(str(data_dir), [("service_level", {"threshold_s": 20})], "2026-10-01", "company")
    assert sl[0].value == Decimal("66.666667")  # 2 of 3 offered (the 8 s abandon is not short)


def test_malformed_json_line_is_reported_and_nothing_loads(data_dir: Path) -> None:
    rep = import_cdr(DATA / "cdr.jsonl", data_dir)
    assert not rep.committed and rep.bad_rows == [8]
    assert "not valid JSON" in rep.errors[0].reason
    assert not (data_dir / "calls").exists()
    rep = import_cdr(DATA / "cdr.jsonl", data_dir, skip_bad_rows=True)
    assert rep.committed and rep.skipped_rows == [8]
    assert sorted(_calls(data_dir)) == ["mem-1", "mem-2", "mem-3", "mem-4"]


def test_malformed_csv_value_and_broken_xml_name_their_line(data_dir: Path) -> None:
    rep = import_cdr(DATA / "cdr.csv", data_dir)
    assert not rep.committed
    assert [(e.row, e.column, e.value) for e in rep.errors] == [(5, "cc_queue_joined_epoch", "yesterday")]
    rep = import_cdr(DATA / "cdr.csv", data_dir, skip_bad_rows=True)
    assert rep.committed and rep.skipped_rows == [5] and "mem-2" not in _calls(data_dir)
    broken = import_cdr(DATA / "cdr_broken.xml", data_dir / "x")
    assert not broken.committed and broken.errors[0].row == 158 and "XML" in broken.errors[0].reason


def test_the_second_leg_in_a_later_file_is_not_a_second_call(data_dir: Path, tmp_path: Path) -> None:
    import json

    legs = json.loads((DATA / "cdr.json").read_text())
    first = [c for c in legs if c["variables"]["uuid"] != "leg-a4"]
    second = [c for c in legs if c["variables"]["uuid"] == "leg-a4"]
    (tmp_path / "a.json").write_text(json.dumps(first))
    (tmp_path / "b.json").write_text(json.dumps(second))
    assert import_cdr(tmp_path / "a.json", data_dir).committed
    rep = import_cdr(tmp_path / "b.json", data_dir)
    assert rep.committed and rep.rows_loaded == 0 and rep.defects["second_leg_later"].count == 1
    again = import_cdr(tmp_path / "b.json", data_dir)
    assert again.already_imported_batch


def test_detection(data_dir: Path) -> None:
    for name in ("cdr.json", "cdr.xml", "cdr.csv", "cdr.jsonl"):
        assert detect_source(DATA / name) == "freeswitch-cdr"
    assert import_source(DATA / "cdr.xml", data_dir).committed
