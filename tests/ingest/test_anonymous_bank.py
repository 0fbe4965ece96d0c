"""The real Anonymous Bank month loads through its mapping; its defects are counted, not fatal.

Expected counts are computed here independently from the raw file with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import duckdb
import pytest
from ingest_helpers import BANK_CALLS, BANK_SHIFTS

from kaohe.metrics.ingest import import_file
from kaohe.metrics.ingest.shifts import parse_shift_pattern, shift_schedules
from kaohe.metrics.store import Store

pytestmark = pytest.mark.skipif(not BANK_CALLS.exists(), reason="../shared/data/anonymous_bank not present")


def _secs(hms: str) -> int:
    h, m, s = hms.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


@pytest.fixture(scope="module")
def raw_rows():
    with open(BANK_CALLS, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    data = tmp_path_factory.mktemp("bank") / "data"
    report = import_file(BANK_CALLS, data, mapping="anonymous_bank")
    return data, report


def test_the_month_loads_completely(loaded, raw_rows):
    data, report = loaded
    assert report.committed and report.errors_total == 0, report.summary()
    assert report.rows_read == len(raw_rows) == 33344
    assert report.rows_loaded == 33344
    n, ids = duckdb.sql(f"select count(*), count(distinct call_id) from '{data}/calls/*.parquet'").fetchall()[0]
    assert n == ids == 33344


def test_each_defect_class_is_counted(loaded, raw_rows):
    _, report = loaded
    agent = [r for r in raw_rows if r["outcome"] == "AGENT"]
    counts = {k: d.count for k, d in report.defects.items()}
    assert counts["negative_vru_time"] == sum(int(r["vru_time"]) < 0 for r in raw_rows) == 25
    assert counts["agent_without_server"] == sum(r["server"] == "NO_SERVER" for r in agent) == 491
    assert counts["zero_service_time"] == sum(r["ser_time"] == "0" for r in agent) == 85
    assert counts["two_digit_year"] == 33344
    assert counts["phantom_call"] == 278
    assert counts["served_without_service_times"] == sum(r["ser_start"] == "0:00:00" for r in agent) == 50


def test_calls_crossing_midnight_end_on_the_next_day(loaded, raw_rows):
    data, report = loaded
    crossing = [r for r in raw_rows if r["outcome"] == "AGENT" and r["ser_start"] != "0:00:00"
                and _secs(r["ser_exit"]) < _secs(r["ser_start"])]
    assert len(crossing) == 16
    rolled = set(report.defects["crossed_midnight_ended_at"].sample_rows)
    assert report.defects["crossed_midnight_ended_at"].count >= 16
    ids = [f"{r['vru+line']}-{r['call_id']}" for r in crossing]
    got = duckdb.sql(f"select call_id, answered_at, ended_at, talk_s from '{data}/calls/*.parquet' "
                     f"where call_id in {tuple(ids)}").fetchall()
    assert len(got) == 16 and rolled
    for _cid, answered, ended, talk in got:
        assert ended > answered and (ended - answered).total_seconds() == talk
        local = dt.timedelta(hours=2)  # Israel winter time
        assert (ended + local).date() == (answered + local).date() + dt.timedelta(days=1)


def test_local_israel_time_is_stored_as_utc(loaded):
    data, _ = loaded
    # first row: AA0101 call 34536 on 1 Feb 1999, service 7:02:55–7:05:41 local (UTC+2 in winter)
    answered, ended = duckdb.sql(
        f"select answered_at, ended_at from '{data}/calls/*.parquet' where call_id = 'AA0101-34536'").fetchall()[0]
    assert answered == dt.datetime(1999, 2, 1, 5, 2, 55)
    assert ended == dt.datetime(1999, 2, 1, 5, 5, 41)


def test_per_agent_handled_calls_and_aht_match_the_raw_file(loaded, raw_rows):
    data, _ = loaded
    handled: Counter[str] = Counter()
    talk: Counter[str] = Counter()
    for r in raw_rows:
        if r["outcome"] == "AGENT" and r["server"] != "NO_SERVER":
            handled[r["server"]] += 1
            talk[r["server"]] += int(r["ser_time"])
    got = duckdb.sql(
        f"select agent_id, count(*), sum(talk_s + hold_s + acw_s) from '{data}/calls/*.parquet' "
        f"where outcome = 'answered' and agent_id is not null group by 1").fetchall()
    assert {a: (n, s) for a, n, s in got} == {a: (handled[a], float(talk[a])) for a in handled}
    assert len(got) == 24 and handled["IDIT"] == 1957


def test_reimporting_the_month_adds_nothing(loaded):
    data, report = loaded
    again = import_file(BANK_CALLS, data, mapping="anonymous_bank")
    assert again.already_imported_batch == report.batch_id
    assert Store(data).read_table("calls", ["call_id"]).num_rows == 33344


def test_the_cr_only_shift_grid_parses_into_eight_six_hour_shifts():
    templates = parse_shift_pattern(BANK_SHIFTS)
    assert [(t.name, t.start.hour, t.hours) for t in templates] == [
        ("Shift1", 0, 6), ("Shift2", 6, 6), ("Shift3", 8, 6), ("Shift4", 10, 6),
        ("Shift5", 12, 6), ("Shift6", 14, 6), ("Shift7", 16, 6), ("Shift8", 18, 6)]
    t = shift_schedules(templates, {"DORIT": "Shift2"}, [dt.date(1999, 2, 1)], timezone="Asia/Jerusalem")
    assert t.to_pylist() == [{"agent_id": "DORIT", "start_at": dt.datetime(1999, 2, 1, 4, 0),
                              "end_at": dt.datetime(1999, 2, 1, 10, 0), "activity": "work"}]
