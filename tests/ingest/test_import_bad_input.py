"""Each kind of bad input gets a precise message with row and column, and loads nothing."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from ingest_helpers import CALL_HEADER, call_row, store_state, write

from kaohe.metrics.ingest import ImportFailed, import_file
from kaohe.metrics.store import Store


def _calls(tmp_path: Path, rows: list[str], name: str = "calls.csv") -> Path:
    return write(tmp_path / name, [CALL_HEADER, *rows])


def test_it_reports_every_wrong_type_with_row_and_column(tmp_path, data_dir):
    f = _calls(tmp_path, [call_row(1), call_row(2, talk_s="abc"), call_row(3),
                          call_row(4, offered_at="yesterday", transferred="maybe")])
    report = import_file(f, data_dir, table="calls")
    found = {(e.row, e.column, e.reason) for e in report.errors}
    assert (3, "talk_s", "not a number") in found
    assert (5, "offered_at", "not a date-time (YYYY-MM-DD HH:MM:SS)") in found
    assert (5, "transferred", "not true/false") in found
    assert report.bad_rows == [3, 5]
    assert not report.committed and store_state(data_dir) == {}


def test_it_names_the_missing_required_column(tmp_path, data_dir):
    header = CALL_HEADER.replace("queue,", "")
    rows = [",".join(v for k, v in zip(CALL_HEADER.split(","), call_row(1).split(","), strict=True)
                     if k != "queue")]
    f = write(tmp_path / "c.csv", [header, *rows])
    report = import_file(f, data_dir, table="calls")
    assert report.errors_total == 1
    assert "required column 'queue' of table calls is missing from c.csv" in report.errors[0].reason


def test_it_reports_an_empty_required_value(tmp_path, data_dir):
    report = import_file(_calls(tmp_path, [call_row(1, queue="")]), data_dir, table="calls")
    assert [(e.row, e.column, e.reason) for e in report.errors] == [(2, "queue", "required value is empty")]


def test_it_rejects_values_outside_the_enumeration(tmp_path, data_dir):
    report = import_file(_calls(tmp_path, [call_row(1, outcome="AGENT")]), data_dir, table="calls")
    assert [(e.row, e.column, e.value) for e in report.errors] == [(2, "outcome", "AGENT")]
    assert "must be one of answered, abandoned, other" in report.errors[0].reason


def test_it_rejects_unknown_agents_when_an_org_table_is_known(tmp_path, data_dir):
    org = write(tmp_path / "org.csv", ["employee_id,name,team_id,department_id,center_id,position_id",
                                       "A1,Li Lei,T1,D1,C1,agent"])
    assert import_file(org, data_dir, table="org").committed
    report = import_file(_calls(tmp_path, [call_row(1), call_row(2, agent="ZZ9")]), data_dir, table="calls")
    assert [(e.row, e.column, e.value) for e in report.errors] == [(3, "agent_id", "ZZ9")]
    assert "unknown employee" in report.errors[0].reason


def test_it_rejects_an_end_before_the_start(tmp_path, data_dir):
    f = write(tmp_path / "s.csv", ["agent_id,state,reason,start_at,end_at",
                                   "A1,ready,,2026-03-02 09:00:00,2026-03-02 09:10:00",
                                   "A1,talk,,2026-03-02 09:10:00,2026-03-02 09:05:00"])
    report = import_file(f, data_dir, table="agent_states")
    assert [(e.row, e.column, e.reason) for e in report.errors] == [(3, "end_at", "end_at is before start_at")]


def test_it_rejects_duplicate_keys_inside_the_file(tmp_path, data_dir):
    report = import_file(_calls(tmp_path, [call_row(1), call_row(2), call_row(1, talk_s="99")]),
                         data_dir, table="calls")
    assert [(e.row, e.column) for e in report.errors] == [(4, "call_id")]
    assert "duplicate key (call_id=C1); first on row 2" in report.errors[0].reason
    assert store_state(data_dir).keys() <= {"_batches.json"} and not Store(data_dir).has_table("calls")


def test_it_rejects_a_key_already_stored_with_other_values(tmp_path, data_dir):
    assert import_file(_calls(tmp_path, [call_row(1), call_row(2)], "a.csv"), data_dir, table="calls").committed
    before = store_state(data_dir)
    report = import_file(_calls(tmp_path, [call_row(3), call_row(2, talk_s="31")], "b.csv"), data_dir,
                         table="calls")
    assert [(e.row, e.column) for e in report.errors] == [(3, "call_id")]
    assert "key already stored with different values" in report.errors[0].reason
    assert store_state(data_dir) == before


def test_it_detects_a_gbk_export(tmp_path, data_dir):
    f = write(tmp_path / "org.csv", ["employee_id,name,team_id,department_id,center_id,position_id",
                                     "E1,张伟,一组,客服部,呼叫中心,座席员", "E2,王芳,二组,客服部,呼叫中心,座席主管"],
              encoding="gbk")
    report = import_file(f, data_dir, table="org")
    assert report.committed and report.encoding == "gb18030"
    names = Store(data_dir).read_table("org").column("name").to_pylist()
    assert names == ["张伟", "王芳"]


def test_it_explains_a_wrongly_named_encoding(tmp_path, data_dir):
    f = write(tmp_path / "org.csv", ["employee_id,name,team_id,department_id,center_id,position_id",
                                     "E1,张伟,一组,客服部,呼叫中心,座席员"], encoding="gbk")
    report = import_file(f, data_dir, table="org", encoding="utf-8")
    assert not report.committed
    msg = report.errors[0].reason
    assert "not valid utf-8" in msg and "--encoding gb18030" in msg


def test_it_refuses_an_empty_file(tmp_path, data_dir):
    f = tmp_path / "empty.csv"
    f.write_bytes(b"")
    report = import_file(f, data_dir, table="calls")
    assert report.errors[0].reason == "the file is empty (0 bytes)"


def test_it_refuses_a_file_with_only_a_header(tmp_path, data_dir):
    report = import_file(_calls(tmp_path, []), data_dir, table="calls")
    assert report.errors[0].reason == "the file has a header but no data rows"
    assert not Store(data_dir).has_table("calls")


def test_it_names_a_mapping_column_missing_from_the_file(tmp_path, data_dir):
    f = write(tmp_path / "x.csv", ["emp,course,day,hrs", "E1,K1,2026-03-02,2"])
    mapping = {"table": "training", "columns": {"employee_id": "emp", "course_id": "course",
                                                "date": "day", "hours": "hours_spent"}}
    report = import_file(f, data_dir, mapping=mapping)
    assert len(report.errors) == 1
    assert "hours reads column 'hours_spent', which is not in x.csv" in report.errors[0].reason


def test_it_reports_a_row_with_the_wrong_number_of_fields(tmp_path, data_dir):
    report = import_file(_calls(tmp_path, [call_row(1), call_row(2) + ",extra"]), data_dir, table="calls")
    assert not report.committed
    assert any("fields, the header has 14" in e.reason for e in report.errors)


def test_skip_bad_rows_loads_the_good_rows_and_lists_the_skipped(tmp_path, data_dir):
    f = _calls(tmp_path, [call_row(1), call_row(2, talk_s="-4"), call_row(3), call_row(1)])
    report = import_file(f, data_dir, table="calls", skip_bad_rows=True)
    assert report.committed
    assert report.skipped_rows == [3, 5]
    t = Store(data_dir).read_table("calls")
    assert sorted(t.column("call_id").to_pylist()) == ["C1", "C3"]
    assert sorted(t.column("_source_row").to_pylist()) == [2, 4]


def test_raise_on_error_carries_the_report(tmp_path, data_dir):
    with pytest.raises(ImportFailed) as info:
        import_file(_calls(tmp_path, [call_row(1, talk_s="x")]), data_dir, table="calls", raise_on_error=True)
    assert info.value.report.errors[0].column == "talk_s"


def test_a_failure_late_in_a_streamed_file_leaves_the_store_unchanged(tmp_path, data_dir):
    assert import_file(_calls(tmp_path, [call_row(100)], "first.csv"), data_dir, table="calls").committed
    before = store_state(data_dir)
    rows = [call_row(i) for i in range(1, 40)] + [call_row(40, ended_at="2026-03-02 08:00:00")]
    seen: list[int] = []
    report = import_file(_calls(tmp_path, rows, "big.csv"), data_dir, table="calls", chunk_rows=7,
                         progress=seen.append)
    assert len(seen) > 3  # it really streamed in several chunks
    assert {(e.row, e.column, e.reason) for e in report.errors} == {
        (41, "ended_at", "ended_at is before offered_at"), (41, "ended_at", "ended_at is before answered_at")}
    assert store_state(data_dir) == before
    assert list((data_dir / ".staging").glob("*")) == []
    assert pq.read_table(next((data_dir / "calls").glob("*.parquet"))).num_rows == 1


def test_an_org_file_given_on_the_command_line_is_used_for_the_agent_check(tmp_path, data_dir):
    org = write(tmp_path / "org.csv", ["employee_id,name,team_id,department_id,center_id,position_id",
                                       "A1,Li Lei,T1,D1,C1,agent"])
    f = _calls(tmp_path, [call_row(1), call_row(2, agent="B7")])
    report = import_file(f, data_dir, table="calls", org=org)
    assert [(e.row, e.column, e.value) for e in report.errors] == [(3, "agent_id", "B7")]
    assert import_file(f, data_dir, table="calls", org=org, check_org=False).committed


def test_a_mapping_file_with_an_unknown_target_column_is_refused(tmp_path, data_dir):
    from kaohe.metrics.ingest import MappingError, load_mapping

    m = tmp_path / "m.yaml"
    m.write_text("table: calls\ncolumns:\n  call_identifier: id\n", encoding="utf-8")
    with pytest.raises(MappingError) as info:
        load_mapping(m)
    assert "'call_identifier' is not a column of calls" in str(info.value)


def test_a_damaged_parquet_file_is_reported_not_raised(tmp_path, data_dir):
    import pyarrow as pa

    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"call_id": ["C1"] * 1000, "queue": ["q"] * 1000}), good)
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    report = import_file(damaged, data_dir, table="calls")
    assert not report.committed and report.errors_total == 1
    assert "Parquet" in report.errors[0].reason and report.errors[0].row is None
    assert store_state(data_dir) == {}
