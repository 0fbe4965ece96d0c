"""Asterisk queue_log adapter on hand-written logs (tests/ingest/data/asterisk), KPIs computed by hand.

The two files are one log cut in two: call 1790816640.5 is answered at the end of the
first file and completed by the second; the second file repeats the first file's last
good line (a rotated log overlaps). Times: T = 1790816400 = 2026-10-01 09:00 Shanghai.

Expected calls (ACW policy ``pause``, gap 10 s):
- …410.1 agent 1001: wait 17, ring 3, talk 100, ACW 23 (paused 3 s after the call, unpaused at T+150)
- …420.2 agent 1002: wait 20, ring 2, talk 160, transferred, ACW 0 (its pause 30 s later is lunch)
- …430.3 abandoned after 3 s (a short abandon); …560.4 left by timeout (outcome other)
- …640.5 agent 1001: wait 10, ring 4, talk 50, ACW 20 — completed by the second file
Agent 1001: ready 27 + 100 + 180, talk 100 + 50, ACW 23 + 20  → occupancy 193 / 500
Agent 1002: ready 40 + 30 + 100, talk 160, break 170 (lunch)  → occupancy 160 / 330
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kaohe.metrics.compute import compute_kpis
from kaohe.metrics.ingest.sources import detect_source, import_queue_log, import_source
from kaohe.metrics.store import Store

DATA = Path(__file__).parent / "data" / "asterisk"
PAUSE = {"acw": {"policy": "pause", "pause_gap_s": 10}}
T = datetime(2026, 10, 1, 1, 0)  # naive UTC of epoch 1790816400


def _calls(data: Path) -> dict[str, dict]:
    t = Store(data).read_table("calls")
    return {r["call_id"]: r for r in t.to_pylist()}


def _states(data: Path, agent: str) -> list[tuple[str, float, str | None]]:
    rows = [r for r in Store(data).read_table("agent_states").to_pylist() if r["agent_id"] == agent]
    rows.sort(key=lambda r: r["start_at"])
    return [(r["state"], (r["start_at"] - T).total_seconds(), r["reason"]) for r in rows]


def _import_both(data: Path) -> None:
    r1 = import_queue_log(DATA / "queue_log.1", data, options=PAUSE, skip_bad_rows=True)
    assert r1.committed
    r2 = import_queue_log(DATA / "queue_log.2", data, options=PAUSE)
    assert r2.committed, r2.summary()


def test_malformed_lines_are_reported_with_their_line_and_nothing_loads(data_dir: Path) -> None:
    rep = import_queue_log(DATA / "queue_log.1", data_dir, options=PAUSE)
    assert not rep.committed
    assert rep.bad_rows == [19, 22]
    by_line = {e.row: e for e in rep.errors}
    assert "at least 5 fields" in by_line[19].reason
    assert by_line[22].column == "data1" and by_line[22].value == "abc"
    assert not (data_dir / "calls").exists() and not (data_dir / "_sources").exists()
    assert "nothing was loaded" in rep.summary()


def test_skip_bad_rows_lists_the_skipped_lines_and_counts_unused_events(data_dir: Path) -> None:
    rep = import_queue_log(DATA / "queue_log.1", data_dir, options=PAUSE, skip_bad_rows=True)
    assert rep.committed
    assert rep.skipped_rows == [19, 22]
    assert dict(rep.unused_events) == {"QUEUESTART": 1, "CONFIGRELOAD": 1}
    assert rep.unused_samples["CONFIGRELOAD"] == [4]
    assert "QUEUESTART ×1" in rep.summary()
    # the answered call at the end of the file is pending, not loaded half-done
    assert rep.pending_calls == 1
    calls = _calls(data_dir)
    assert sorted(calls) == ["1790816410.1", "1790816420.2", "1790816430.3", "1790816560.4"]
    assert rep.to_dict()["unused_events"]["QUEUESTART"] == {"count": 1, "sample_lines": [1]}


def test_calls_and_states_after_the_second_file(data_dir: Path) -> None:
    _import_both(data_dir)
    calls = _calls(data_dir)
    assert len(calls) == 5
    c1, c2, c3, c4, c5 = (calls[k] for k in sorted(calls))
    # one call per queue call, although agent 1002 rang first without answering
    assert (c1["agent_id"], c1["talk_s"], c1["acw_s"], c1["hold_s"], c1["ring_s"]) == ("1001", 100.0, 23.0, 0.0, 3.0)
    assert (c1["answered_at"] - c1["offered_at"]).total_seconds() == 17
    assert c1["customer_id"] == "13800000001" and c1["disposition"] == "caller_hangup"
    assert (c2["agent_id"], c2["talk_s"], c2["acw_s"], c2["transferred"]) == ("1002", 160.0, 0.0, True)
    assert c2["disposition"] == "transfer:8001"
    assert (c3["outcome"], (c3["ended_at"] - c3["offered_at"]).total_seconds()) == ("abandoned", 3.0)
    assert (c4["outcome"], c4["disposition"]) == ("other", "timeout")
    assert (c5["agent_id"], c5["talk_s"], c5["acw_s"], c5["ring_s"]) == ("1001", 50.0, 20.0, 4.0)
    assert _states(data_dir, "1001") == [
        ("ready", 0, None), ("talk", 27, None), ("acw", 127, "ACW"), ("ready", 150, None),
        ("talk", 250, None), ("acw", 300, "ACW"), ("ready", 320, None)]
    assert _states(data_dir, "1002") == [
        ("ready", 0, None), ("talk", 40, None), ("ready", 200, None), ("break", 230, "lunch"), ("ready", 400, None)]


def test_second_file_completes_the_open_call_and_skips_repeated_lines(data_dir: Path) -> None:
    import_queue_log(DATA / "queue_log.1", data_dir, options=PAUSE, skip_bad_rows=True)
    rep = import_queue_log(DATA / "queue_log.2", data_dir, options=PAUSE)
    assert rep.completed_from_earlier == 1
    assert rep.already_processed_lines == 1  # the CONNECT the first file already had
    assert rep.pending_calls == 0
    assert rep.tables["calls"]["rows_loaded"] == 1


def test_imports_are_idempotent(data_dir: Path) -> None:
    _import_both(data_dir)
    before = sorted(p.name for p in data_dir.rglob("*.parquet"))
    again = import_queue_log(DATA / "queue_log.2", data_dir, options=PAUSE)
    assert again.already_imported_batch and not again.committed
    assert sorted(p.name for p in data_dir.rglob("*.parquet")) == before
    # the same log exported again under another name: every line is already processed
    copy = data_dir.parent / "queue_log.copy"
    copy.write_text("\n" + (DATA / "queue_log.2").read_text())
    rep = import_queue_log(copy, data_dir, options=PAUSE)
    assert rep.committed and rep.rows_loaded == 0 and rep.already_processed_lines == 7


def test_per_agent_kpis_by_hand(data_dir: Path) -> None:
    _import_both(data_dir)
    vals = compute_kpis(str(data_dir), ["aht", "asa", "handled_calls", "transfer_rate", "occupancy",
                                        "effective_work_rate"], "2026-10-01", "agent")
    got = {(v.kpi_id, v.entity_id): v for v in vals}
    assert got[("aht", "1001")].value == Decimal("96.5")  # (100 + 23 + 50 + 20) / 2
    assert got[("asa", "1001")].value == Decimal("13.5")  # (17 + 10) / 2
    assert got[("aht", "1002")].value == Decimal(160)
    assert got[("transfer_rate", "1002")].value == Decimal(100)
    assert got[("handled_calls", "1001")].value == Decimal(2)
    assert got[("occupancy", "1001")].value == Decimal("38.6")  # 193 / 500
    assert got[("occupancy", "1002")].value == Decimal(160 / 330 * 100).quantize(Decimal("0.000001"))
    assert got[("effective_work_rate", "1002")].value == Decimal(32)  # 160 / 500
    company = {v.kpi_id: v for v in compute_kpis(
        str(data_dir), [("service_level", {"threshold_s": 20, "abandon_treatment": "count_as_miss"}),
                        ("service_level", {"threshold_s": 20})], "2026-10-01", "company")
               if v.params.get("abandon_treatment") == "count_as_miss"}
    assert company["service_level"].value == Decimal(75)  # 3 in time of 4 offered (the short abandon counts)


def test_wrapup_policy_and_hold_from_a_cdr(data_dir: Path, tmp_path: Path) -> None:
    hold = tmp_path / "hold.csv"
    hold.write_text("uniqueid,hold_s\n1790816410.1,10\n", encoding="utf-8")
    opts = {"acw": {"policy": "wrapup", "wrapup_s": {"default": 15, "support": 12}}}
    rep = import_queue_log(DATA / "queue_log.1", data_dir, options=opts, skip_bad_rows=True, hold_cdr=hold)
    assert rep.committed
    c1 = _calls(data_dir)["1790816410.1"]
    assert (c1["talk_s"], c1["hold_s"], c1["acw_s"]) == (90.0, 10.0, 12.0)
    # 1001 paused 3 s into its wrap-up: the wrap-up state ends there, the call keeps its 12 s
    assert _states(data_dir, "1001")[2:4] == [("acw", 127, None), ("not_ready", 130, "ACW")]
    assert _states(data_dir, "1002")[2:4] == [("acw", 200, None), ("ready", 212, None)]


def test_realtime_table_export_with_renamed_and_extra_columns(data_dir: Path, tmp_path: Path) -> None:
    # the same first calls as the native file, in local time (Asia/Shanghai) with renamed columns
    src = tmp_path / "queue_log.csv"
    src.write_text(
        "id,created,call_id,queue,member,verb,data1,data2,data3,data4,data5,server\n"
        "1,2026-10-01 09:00:00,NONE,support,SIP/1001,ADDMEMBER,,,,,,pbx1\n"
        "2,2026-10-01 09:00:10,c1,support,NONE,ENTERQUEUE,,13800000001,1,,,pbx1\n"
        "3,2026-10-01 09:00:27,c1,support,SIP/1001,CONNECT,17,c1b,3,,,pbx1\n"
        "4,2026-10-01 09:02:07,c1,support,SIP/1001,COMPLETEAGENT,17,100,1,,,pbx1\n"
        "5,2026-10-01 09:02:08,NONE,NONE,NONE,QUEUESTART,,,,,,pbx1\n"
        "6,2026-10-01 09:02:09,c2,support,NONE,ENTERQUEUE,,13800000002\n"
        "7,not a time,c2,support,NONE,ABANDON,1,1,4,,,pbx1\n", encoding="utf-8")
    opts = {"columns": {"time": "created", "callid": "call_id", "queuename": "queue", "agent": "member",
                        "event": "verb"}, "timezone": "Asia/Shanghai"}
    rep = import_queue_log(src, data_dir, options=opts)
    assert not rep.committed
    assert [(e.row, e.column) for e in rep.errors] == [(7, None), (8, "created")]
    rep = import_queue_log(src, data_dir, options=opts, skip_bad_rows=True)
    assert rep.committed and rep.skipped_rows == [7, 8]
    c1 = _calls(data_dir)["c1"]
    assert c1["offered_at"] == T + timedelta(seconds=10) and c1["talk_s"] == 100.0
    assert dict(rep.unused_events) == {"QUEUESTART": 1}


def test_detection_and_import_source(data_dir: Path) -> None:
    assert detect_source(DATA / "queue_log.1") == "asterisk-queue-log"
    rep = import_source(DATA / "queue_log.1", data_dir, options=PAUSE, skip_bad_rows=True)
    assert rep.committed
    state = json.loads((data_dir / "_sources" / "asterisk-queue-log-default.json").read_text())
    assert list(state["state"]["calls"]) == ["1790816640.5"]
    assert pq.read_table(next((data_dir / "calls").glob("*.parquet"))).num_rows == 4


def test_unknown_agents_are_errors_when_an_org_is_known(data_dir: Path, tmp_path: Path) -> None:
    org = tmp_path / "org.csv"
    org.write_text("employee_id,name,team_id,department_id,center_id,position_id\n"
                   "1001,甲,t1,d1,c1,agent\n", encoding="utf-8")
    rep = import_queue_log(DATA / "queue_log.1", data_dir, options=PAUSE, skip_bad_rows=False, org=org)
    assert not rep.committed
    unknown = [e for e in rep.errors if "unknown employee" in e.reason]
    assert unknown and all(e.value == "1002" for e in unknown)
    assert {e.row for e in unknown} >= {17}  # the TRANSFER line closes 1002's call


@pytest.mark.parametrize("bad", [{"acw": {"policy": "sometimes"}}, {"colour": "blue"}])
def test_bad_options_are_refused(data_dir: Path, bad: dict) -> None:
    rep = import_queue_log(DATA / "queue_log.2", data_dir, options=bad)
    assert not rep.committed and "source options" in rep.errors[0].reason


def test_a_call_with_no_pause_within_the_gap_is_not_left_pending(data_dir: Path, tmp_path: Path) -> None:
    t = 1790816400
    log = tmp_path / "queue_log"
    log.write_text("\n".join([
        f"{t}|NONE|support|SIP/1001|ADDMEMBER|",
        f"{t + 10}|c9|support|NONE|ENTERQUEUE||13800000009|1",
        f"{t + 12}|c9|support|SIP/1001|CONNECT|2|c9b|1",
        f"{t + 100}|c9|support|SIP/1001|COMPLETEAGENT|2|88|1",
        f"{t + 200}|NONE|support|SIP/1002|ADDMEMBER|",  # the file goes on 100 s without a pause of 1001
    ]) + "\n", encoding="utf-8")
    rep = import_queue_log(log, data_dir, options=PAUSE)
    assert rep.committed and rep.pending_calls == 0
    c9 = _calls(data_dir)["c9"]
    assert (c9["talk_s"], c9["acw_s"]) == (88.0, 0.0)


def test_line_problems_are_worded_in_chinese_too(data_dir: Path) -> None:
    from kaohe.metrics.ingest.sources.base import message_zh

    rep = import_queue_log(DATA / "queue_log.1", data_dir, options=PAUSE)
    zh = {e.row: message_zh(e.reason) for e in rep.errors}
    assert zh[19] == "队列日志每行至少有 5 个字段(时间戳|callid|队列|座席|事件),此行只有 1 个"
    assert zh[22] == "CONNECT 事件的排队等待时长(holdtime)不是数字"
