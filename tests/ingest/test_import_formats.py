"""Valid files in each format load exactly; mappings adapt vendor exports; re-imports add nothing."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
from ingest_helpers import CALL_HEADER, call_row, store_state, write
from openpyxl import Workbook

from kaohe.metrics.events import get_table
from kaohe.metrics.ingest import import_file
from kaohe.metrics.store import Store


def test_it_loads_a_calls_csv_with_exact_types(tmp_path, data_dir):
    f = write(tmp_path / "c.csv", [CALL_HEADER, call_row(1), call_row(2, outcome="abandoned", answered_at="",
                                                                    talk_s="0", transferred="1")])
    report = import_file(f, data_dir, table="calls")
    assert report.committed and report.rows_loaded == 2
    t = Store(data_dir).read_table("calls").sort_by("call_id")
    assert t.schema.field("offered_at").type == pa.timestamp("us")
    rows = t.to_pylist()
    assert rows[0]["offered_at"] == dt.datetime(2026, 3, 2, 9, 1, 0)
    assert rows[0]["talk_s"] == 30.0 and rows[0]["transferred"] is False
    assert rows[1]["answered_at"] is None and rows[1]["transferred"] is True
    assert rows[0]["disposition"] is None  # empty optional text is missing, not ""
    assert rows[0]["_batch_id"] == report.batch_id and rows[0]["_source_row"] == 2


def test_reimporting_the_same_file_adds_nothing(tmp_path, data_dir):
    f = write(tmp_path / "c.csv", [CALL_HEADER, call_row(1), call_row(2)])
    first = import_file(f, data_dir, table="calls")
    state = store_state(data_dir)
    again = import_file(f, data_dir, table="calls")
    assert again.already_imported_batch == first.batch_id
    assert store_state(data_dir) == state


def test_rows_already_stored_in_another_file_are_skipped_by_key(tmp_path, data_dir):
    import_file(write(tmp_path / "a.csv", [CALL_HEADER, call_row(1), call_row(2)]), data_dir, table="calls")
    report = import_file(write(tmp_path / "b.csv", [CALL_HEADER, call_row(2), call_row(3)]), data_dir,
                         table="calls")
    assert report.committed and report.rows_already_present == 1 and report.rows_loaded == 1
    ids = Store(data_dir).read_table("calls").column("call_id").to_pylist()
    assert sorted(ids) == ["C1", "C2", "C3"]


def test_the_manifest_records_each_batch(tmp_path, data_dir):
    f = write(tmp_path / "c.csv", [CALL_HEADER, call_row(1)])
    report = import_file(f, data_dir, table="calls")
    manifest = json.loads((data_dir / "_batches.json").read_text())
    assert [(b["batch_id"], b["table"], b["rows_read"], b["rows_loaded"]) for b in manifest] == [
        (report.batch_id, "calls", 1, 1)]
    assert manifest[0]["file_sha256"] == report.file_sha256 and manifest[0]["imported_at"]


def test_it_loads_an_xlsx_sheet(tmp_path, data_dir):
    wb = Workbook()
    ws = wb.active
    ws.append(["employee_id", "course_id", "date", "hours", "exam_score", "passed"])
    ws.append([1001, "K1", dt.date(2026, 3, 2), 2, 88.5, "yes"])
    ws.append([1002, "K1", dt.datetime(2026, 3, 3), 1.5, None, None])
    ws.append([1003, "K1", "2026-03-04", "x", 50, "no"])
    wb.save(tmp_path / "t.xlsx")
    report = import_file(tmp_path / "t.xlsx", data_dir, table="training")
    assert [(e.row, e.column) for e in report.errors] == [(4, "hours")]
    report = import_file(tmp_path / "t.xlsx", data_dir, table="training", skip_bad_rows=True)
    rows = Store(data_dir).read_table("training").sort_by("employee_id").to_pylist()
    assert [(r["employee_id"], r["date"], r["hours"], r["passed"]) for r in rows] == [
        ("1001", dt.date(2026, 3, 2), 2.0, True), ("1002", dt.date(2026, 3, 3), 1.5, None)]


def test_it_loads_a_parquet_file(tmp_path, data_dir):
    t = pa.table({"queue": ["q1", "q1"], "interval_start": [dt.datetime(2026, 3, 2, 9), dt.datetime(2026, 3, 2, 9, 30)],
                  "interval_minutes": [30, 30], "forecast_calls": [12.5, 14.0]})
    pq.write_table(t, tmp_path / "f.parquet")
    report = import_file(tmp_path / "f.parquet", data_dir, table="forecasts")
    assert report.committed
    got = Store(data_dir).read_table("forecasts")
    assert got.column("forecast_calls").to_pylist() == [12.5, 14.0]
    assert got.column("forecaster_id").null_count == 2


def test_a_mapping_renames_composes_maps_and_converts_the_zone(tmp_path, data_dir):
    f = write(tmp_path / "vendor.csv", ["坐席,状态,日期,开始,结束", "A1,就绪,260302,23:50:00,0:10:00",
                                        "A2,通话,260303,08:00:00,08:05:30"], encoding="gb18030")
    mapping = {
        "table": "agent_states",
        "source": {"timezone": "Asia/Shanghai"},
        "columns": {
            "agent_id": "坐席",
            "state": {"column": "状态", "map": {"就绪": "ready", "通话": "talk"}},
            "start_at": {"date": "日期", "date_format": "%y%m%d", "time": "开始"},
            "end_at": {"date": "日期", "date_format": "%y%m%d", "time": "结束", "next_day_if_before": "开始"},
            "reason": {"const": None},
        },
    }
    report = import_file(f, data_dir, mapping=mapping)
    assert report.committed, report.summary()
    assert report.defects["two_digit_year"].count == 2
    assert report.defects["crossed_midnight_end_at"].sample_rows == [2]
    rows = Store(data_dir).read_table("agent_states").sort_by("agent_id").to_pylist()
    # 23:50 Beijing time on 2 March is 15:50 UTC; the end crossed midnight into 3 March
    assert (rows[0]["state"], rows[0]["start_at"], rows[0]["end_at"]) == (
        "ready", dt.datetime(2026, 3, 2, 15, 50), dt.datetime(2026, 3, 2, 16, 10))
    assert rows[1]["end_at"] == dt.datetime(2026, 3, 3, 0, 5, 30)


def test_an_unmapped_vendor_value_is_reported_with_its_source_column(tmp_path, data_dir):
    f = write(tmp_path / "v.csv", ["agent,st,from,to", "A1,BUSY,2026-03-02 09:00,2026-03-02 09:01"])
    mapping = {"table": "agent_states", "columns": {
        "agent_id": "agent", "state": {"column": "st", "map": {"READY": "ready"}}, "start_at": "from",
        "end_at": "to"}}
    report = import_file(f, data_dir, mapping=mapping)
    assert [(e.row, e.column, e.value) for e in report.errors] == [(2, "st → state", "BUSY")]


def test_every_contract_table_has_a_schema_with_its_key():
    expected = {"calls": ("call_id",), "agent_states": ("agent_id", "start_at"),
                "schedules": ("agent_id", "start_at", "activity"), "qa_evaluations": ("eval_id",),
                "surveys": ("survey_id",), "tickets": ("ticket_id",), "callbacks": ("visit_id",),
                "customers": ("customer_id",), "forecasts": ("queue", "interval_start"),
                "attendance": ("employee_id", "date", "kind"), "training": ("employee_id", "course_id", "date"),
                "plans": ("employee_id", "period", "measure"), "incidents": ("incident_id",),
                "org": ("employee_id",)}
    for name, key in expected.items():
        assert get_table(name).key == key


def test_recover_removes_a_batch_file_the_manifest_does_not_know(tmp_path, data_dir):
    import_file(write(tmp_path / "c.csv", [CALL_HEADER, call_row(1)]), data_dir, table="calls")
    orphan = data_dir / "calls" / "batch-crashed.parquet"
    orphan.write_bytes(next((data_dir / "calls").glob("*.parquet")).read_bytes())
    assert Store(data_dir).recover() == [orphan]
    assert Store(data_dir).read_table("calls").num_rows == 1
