"""Issue 12, item 7: strict input — reliable Chinese encodings, typed and ranged cells, capped reports.

Each test is an input that was accepted (garbled, absurd or silently dropped) before."""

from __future__ import annotations

from pathlib import Path

from ingest_helpers import CALL_HEADER, call_row, store_state, write

from kaohe.metrics.ingest import import_file
from kaohe.metrics.ingest.readers import SourceError, detect_encoding
from kaohe.metrics.ingest.validate import MAX_ERRORS_PER_PROBLEM
from kaohe.metrics.store import Store


def test_attack_short_gbk_file_of_course_names_detected_as_cp949_and_stored_garbled(tmp_path, data_dir):
    f = write(tmp_path / "org.csv", ["employee_id,name,team_id,department_id,center_id,position_id",
                                     "E1,客户服务礼仪,一组,客服部,呼叫中心,座席员",
                                     "E2,投诉处理技巧,二组,客服部,呼叫中心,座席员"], encoding="gbk")
    report = import_file(f, data_dir, table="org")
    assert report.committed and report.encoding == "gb18030", report.errors
    assert Store(data_dir).read_table("org").column("name").to_pylist() == ["客户服务礼仪", "投诉处理技巧"]


def test_course_names_alone_are_gb18030(tmp_path):
    f = tmp_path / "courses.csv"
    f.write_bytes("课程名称,学时\n客户服务礼仪,8\n投诉处理技巧,12\n".encode("gbk"))
    assert detect_encoding(f) == "gb18030"


def test_big5_is_not_read_as_gb18030_mojibake(tmp_path):
    f = tmp_path / "tw.csv"
    f.write_bytes("課程名稱,學時\n客戶服務禮儀,8\n".encode("big5"))
    assert detect_encoding(f) == "big5"


def test_unsure_bytes_are_refused_naming_the_candidates(tmp_path):
    f = tmp_path / "odd.csv"
    f.write_bytes(bytes(range(0x80, 0x100)) * 3)
    try:
        detect_encoding(f)
    except SourceError as exc:
        assert "gb18030" in str(exc) and "--encoding" in str(exc)
    else:
        raise AssertionError("an undecidable file must be refused")


def test_western_text_is_still_read(tmp_path):
    f = tmp_path / "fr.csv"
    f.write_bytes("nom,ville\nCafé,Orléans\n".encode("cp1252"))
    assert detect_encoding(f) == "cp1252"


def _calls(tmp_path: Path, rows: list[str]) -> Path:
    return write(tmp_path / "calls.csv", [CALL_HEADER, *rows])


def test_attack_hours_1e308_and_infinity_are_refused(tmp_path, data_dir):
    f = _calls(tmp_path, [call_row(1, talk_s="1e308"), call_row(2, hold_s="inf"), call_row(3)])
    report = import_file(f, data_dir, table="calls")
    assert not report.committed and store_state(data_dir) == {}
    rows = {(e.row, e.column) for e in report.errors}
    assert (2, "talk_s") in rows and (3, "hold_s") in rows


def test_attack_dates_in_year_1_and_9999_are_refused(tmp_path, data_dir):
    f = _calls(tmp_path, [call_row(1, offered_at="0001-01-01 09:00:00", answered_at="0001-01-01 09:00:10",
                                   ended_at="0001-01-01 09:00:50"),
                          call_row(2, offered_at="9999-12-31 09:00:00", answered_at="9999-12-31 09:00:10",
                                   ended_at="9999-12-31 09:00:50")])
    report = import_file(f, data_dir, table="calls")
    assert not report.committed
    assert {e.row for e in report.errors if e.column == "offered_at"} == {2, 3}
    assert any("year outside" in e.reason for e in report.errors)


def test_attack_nul_in_a_header_silently_drops_its_column(tmp_path, data_dir):
    header = CALL_HEADER.replace("talk_s", "talk\x00_s")
    f = write(tmp_path / "calls.csv", [header, call_row(1)])
    report = import_file(f, data_dir, table="calls")
    assert not report.committed
    assert any("NUL" in e.reason for e in report.errors)


def test_attack_one_huge_string_cell_is_refused(tmp_path, data_dir):
    f = _calls(tmp_path, [call_row(1, disposition="x" * 50_000)])
    report = import_file(f, data_dir, table="calls")
    assert not report.committed
    assert any("longer than" in e.reason for e in report.errors)


def test_attack_300k_bad_rows_give_a_short_report_with_counts(tmp_path, data_dir):
    rows = [call_row(i, talk_s="abc") for i in range(1, 5001)]
    f = _calls(tmp_path, rows)
    report = import_file(f, data_dir, table="calls")
    assert not report.committed
    listed = [e for e in report.errors if e.column == "talk_s"]
    assert len(listed) == MAX_ERRORS_PER_PROBLEM  # the first N of this column and problem …
    assert report.errors_total >= 5000  # … and the count of all of them
    assert sum(n for (col, _), n in report.error_counts.items() if col == "talk_s") == 5000


def test_validation_against_the_real_store_finds_a_key_already_stored(tmp_path, data_dir):
    first = _calls(tmp_path, [call_row(1)])
    assert import_file(first, data_dir, table="calls").committed
    changed = write(tmp_path / "calls2.csv", [CALL_HEADER, call_row(1, talk_s="99")])
    before = store_state(data_dir)
    dry = import_file(changed, data_dir, table="calls", dry_run=True)
    assert not dry.ok and not dry.committed  # refused now, not only on confirm
    assert store_state(data_dir) == before
    ok = write(tmp_path / "calls3.csv", [CALL_HEADER, call_row(2)])
    dry_ok = import_file(ok, data_dir, table="calls", dry_run=True)
    assert dry_ok.ok and not dry_ok.committed and store_state(data_dir) == before
