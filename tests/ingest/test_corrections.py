"""A correction file (``import_file(..., correct=True)`` / ``kaohe import --correct``) replaces stored calls.

Hand computation. Calls are in UTC; the KPIs are read in Asia/Shanghai (UTC+8), so every call
below stays on its UTC date. AHT = (talk + hold + ACW) / handled calls.

Loaded first (rows 2–5 of calls.csv):
  C1  A1  2026-03-02  talk 30  hold 5  acw 5   → 40 s
  C2  A1  2026-03-02  talk 60  hold 5  acw 5   → 70 s
  C3  A2  2026-03-02  talk 90  hold 5  acw 5   → 100 s
  C4  A2  2026-03-03  talk 120 hold 5  acw 5   → 130 s
  A1 on 03-02: 2 calls, AHT (40 + 70) / 2 = 55;   A2: 03-02 1 call AHT 100, 03-03 1 call AHT 130.

The correction (rows 2–4 of fix.csv): C2 really happened on 03-03; C3's talk time was 150, not 90;
C5 (A1, 03-04, talk 30 → 40 s) is new.
  A1: 03-02 1 call AHT 40, 03-03 1 call AHT 70, 03-04 1 call AHT 40;
  A2: 03-02 1 call AHT 150 + 5 + 5 = 160, 03-03 unchanged (1 call, 130).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from ingest_helpers import CALL_HEADER, call_row, store_state, write
from typer.testing import CliRunner

from kaohe.metrics.compute import compute_kpis
from kaohe.metrics.ingest import import_file
from kaohe.metrics.rollups import refresh_rollups, rollups_current
from kaohe.metrics.store import Store

PERIOD = "2026-03-02/2026-03-05"
ORG_CSV = ("employee_id,name,team_id,department_id,center_id,position_id\n"
           "A1,甲,t1,d1,c1,agent\nA2,乙,t1,d1,c1,agent\n")


def _call(i: int, agent: str, day: str, hour: int, talk: int) -> str:
    return call_row(i, agent, offered_at=f"{day} {hour:02d}:00:00", answered_at=f"{day} {hour:02d}:00:10",
                    ended_at=f"{day} {hour:02d}:05:00", talk_s=str(talk), hold_s="5", acw_s="5")


BASE = [_call(1, "A1", "2026-03-02", 9, 30), _call(2, "A1", "2026-03-02", 10, 60),
        _call(3, "A2", "2026-03-02", 11, 90), _call(4, "A2", "2026-03-03", 9, 120)]
FIX = [_call(2, "A1", "2026-03-03", 10, 60), _call(3, "A2", "2026-03-02", 11, 150),
       _call(5, "A1", "2026-03-04", 9, 30)]


@pytest.fixture
def loaded(tmp_path: Path, data_dir: Path) -> str:
    """A store with the org, the four calls and rollups; returns the calls' batch id."""
    org = tmp_path / "org.csv"
    org.write_text(ORG_CSV, encoding="utf-8")
    assert import_file(org, data_dir, table="org").committed
    rep = import_file(write(tmp_path / "calls.csv", [CALL_HEADER, *BASE]), data_dir, table="calls")
    assert rep.committed and rep.rows_loaded == 4
    refresh_rollups(Store(data_dir))
    assert rep.batch_id is not None
    return rep.batch_id


def _kpis(data_dir: Path, use_rollups: bool = True) -> dict[tuple[str, str, str], Decimal | None]:
    values = compute_kpis(data_dir, ["handled_calls", "aht"], PERIOD, grain="day", use_rollups=use_rollups)
    return {(v.kpi_id, v.entity_id, v.period): v.value for v in values if v.value is not None}


def _by_day(data_dir: Path, use_rollups: bool = True) -> dict[tuple[str, str, str], Decimal | None]:
    kpis = _kpis(data_dir, use_rollups)
    assert kpis == _kpis(data_dir, not use_rollups)  # from the rollups and from the records alike
    return kpis


BEFORE = {
    ("handled_calls", "A1", "2026-03-02"): Decimal(2), ("aht", "A1", "2026-03-02"): Decimal(55),
    ("handled_calls", "A2", "2026-03-02"): Decimal(1), ("aht", "A2", "2026-03-02"): Decimal(100),
    ("handled_calls", "A2", "2026-03-03"): Decimal(1), ("aht", "A2", "2026-03-03"): Decimal(130),
}
AFTER = {
    ("handled_calls", "A1", "2026-03-02"): Decimal(1), ("aht", "A1", "2026-03-02"): Decimal(40),
    ("handled_calls", "A1", "2026-03-03"): Decimal(1), ("aht", "A1", "2026-03-03"): Decimal(70),
    ("handled_calls", "A1", "2026-03-04"): Decimal(1), ("aht", "A1", "2026-03-04"): Decimal(40),
    ("handled_calls", "A2", "2026-03-02"): Decimal(1), ("aht", "A2", "2026-03-02"): Decimal(160),
    ("handled_calls", "A2", "2026-03-03"): Decimal(1), ("aht", "A2", "2026-03-03"): Decimal(130),
}


def test_a_correction_moves_a_call_to_another_day_and_changes_a_talk_time(tmp_path, data_dir, loaded):
    assert _by_day(data_dir) == BEFORE
    fix = write(tmp_path / "fix.csv", [CALL_HEADER, *FIX])
    rep = import_file(fix, data_dir, table="calls", correct=True)
    assert rep.committed and not rep.errors
    assert (rep.rows_read, rep.rows_loaded, rep.rows_replaced) == (3, 3, 2)
    assert rep.superseded == {loaded: 2}
    assert _by_day(data_dir) == AFTER
    assert rollups_current(data_dir)
    store = Store(data_dir)
    calls = store.read_table("calls").sort_by("call_id")
    assert calls.column("call_id").to_pylist() == ["C1", "C2", "C3", "C4", "C5"]
    assert calls.column("talk_s").to_pylist() == [30, 60, 150, 120, 30]
    entry = store.batches("calls")[-1]
    assert entry["batch_id"] == rep.batch_id and entry["supersedes"] == {loaded: 2}
    assert entry["file_sha256"] == rep.file_sha256
    # the replaced rows are kept, as they were loaded, with their rows of calls.csv
    kept = pq.read_table(data_dir / entry["superseded_path"]).sort_by("call_id").to_pylist()
    assert [(r["call_id"], r["talk_s"], r["_source_row"]) for r in kept] == [("C2", 60, 3), ("C3", 90, 4)]
    # the new batch keeps the rows of fix.csv
    new = pq.read_table(data_dir / entry["path"]).sort_by("call_id")
    assert new.column("_source_row").to_pylist() == [2, 3, 4]
    assert set(new.column("_batch_id").to_pylist()) == {rep.batch_id}
    # the same correction again is recognised and adds nothing
    again = import_file(fix, data_dir, table="calls", correct=True)
    assert again.already_imported_batch == rep.batch_id and _by_day(data_dir) == AFTER


def test_the_report_says_how_many_rows_it_corrected(tmp_path, data_dir, loaded):
    rep = import_file(write(tmp_path / "fix.csv", [CALL_HEADER, *FIX]), data_dir, table="calls", correct=True)
    assert "2 行更正了已导入的记录 / 2 rows corrected records already loaded" in rep.summary()
    d = rep.to_dict()
    assert (d["rows_replaced"], d["superseded"]) == (2, {loaded: 2})
    plain = import_file(write(tmp_path / "more.csv", [CALL_HEADER, _call(9, "A2", "2026-03-04", 9, 10)]),
                        data_dir, table="calls", correct=True)
    assert plain.committed and (plain.rows_replaced, plain.superseded) == (0, {})
    assert "corrected" not in plain.summary()


def test_without_correct_the_same_file_is_refused_naming_the_keys(tmp_path, data_dir, loaded):
    before = store_state(data_dir)
    rep = import_file(write(tmp_path / "fix.csv", [CALL_HEADER, *FIX]), data_dir, table="calls")
    assert not rep.committed and rep.errors_total == 2
    assert [(e.row, e.column, e.value) for e in rep.errors] == [(2, "call_id", "C2"), (3, "call_id", "C3")]
    assert rep.errors[0].message_en == f"key already stored with different values (batch {loaded}, row 3)"
    assert rep.errors[1].message_zh == f"该键已以不同的值导入过（批次 {loaded}，第 4 行）"
    assert (rep.rows_replaced, rep.superseded) == (0, {})
    assert store_state(data_dir) == before


def test_a_correction_with_one_bad_row_changes_nothing(tmp_path, data_dir, loaded):
    before = store_state(data_dir)
    bad = _call(6, "A1", "2026-03-04", 11, 30).replace(",30,5,5,", ",abc,5,5,")
    rep = import_file(write(tmp_path / "fix.csv", [CALL_HEADER, *FIX, bad]), data_dir, table="calls", correct=True)
    assert not rep.committed
    assert [(e.row, e.column) for e in rep.errors] == [(5, "talk_s")]
    assert store_state(data_dir) == before
    assert _by_day(data_dir) == BEFORE


def test_a_dry_run_reports_what_would_be_replaced_and_changes_nothing(tmp_path, data_dir, loaded):
    before = store_state(data_dir)
    rep = import_file(write(tmp_path / "fix.csv", [CALL_HEADER, *FIX]), data_dir, table="calls",
                      correct=True, dry_run=True)
    assert not rep.committed and not rep.errors
    assert (rep.rows_loaded, rep.rows_replaced, rep.superseded) == (3, 2, {loaded: 2})
    assert store_state(data_dir) == before


def test_identical_rows_of_a_correction_are_already_present_not_replaced(tmp_path, data_dir, loaded):
    rep = import_file(write(tmp_path / "fix.csv", [CALL_HEADER, BASE[0], FIX[1]]), data_dir, table="calls",
                      correct=True)
    assert rep.committed
    assert (rep.rows_already_present, rep.rows_loaded, rep.rows_replaced, rep.superseded) == (1, 1, 1, {loaded: 1})


def test_kaohe_import_correct(tmp_path, data_dir, loaded):
    from kaohe.cli.main import app

    runner = CliRunner()
    fix = write(tmp_path / "fix.csv", [CALL_HEADER, *FIX])
    refused = runner.invoke(app, ["import", str(fix), "-d", str(data_dir), "-t", "calls", "--json"])
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)[0]["errors_total"] == 2
    r = runner.invoke(app, ["import", str(fix), "-d", str(data_dir), "-t", "calls", "--correct", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)[0]
    assert (out["committed"], out["rows_replaced"], out["superseded"]) == (True, 2, {loaded: 2})
    assert _by_day(data_dir) == AFTER
