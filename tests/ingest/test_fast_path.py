"""The Arrow path for clean chunks changes nothing a user sees: same report, same stored rows.

Each example imports one generated file twice — as the importer does it (clean chunks typed in
Arrow, the others through pandas) and with the Arrow path switched off (every chunk through
pandas, the reference) — and compares every reported problem, the skipped rows and every stored
cell. Cells are drawn from clean values and from the bad or unusual ones the pandas path must
word (blanks, padded text, other date-time shapes, zone suffixes, impossible dates, numbers out of
range, words that are not true/false, unknown employees…), so both paths are exercised.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import CALL_HEADER, write

from kaohe.metrics.events import BATCH_COLUMN
from kaohe.metrics.ingest import importer
from kaohe.metrics.ingest.fastpath import CleanConverter, plain_columns
from kaohe.metrics.ingest.importer import import_file
from kaohe.metrics.ingest.mapping import Mapping
from kaohe.metrics.store import Store

TIMES = ["2026-03-02 09:00:00", "2026-03-02 09:00:10", "2026-03-02 09:01:00.250", "2026-03-02T09:00:05",
         "2026-03-02 09:02", "2026-03-02"]
ODD_TIMES = ["", "yesterday", "2026-03-02 09:00:00+08:00", "2026-03-02 09:00:00Z", "20260302",
             "2026-02-30 09:00:00", "2026-03-02 24:00:00", "0001-01-01 00:00:00", "2026-03-02 09:00:00.1234567",
             " 2026-03-02 09:00:00 ", "2026-03-08 02:30:00", "2026-11-01 01:30:00", "2026-3-2 9:00:00"]
COLUMN_VALUES: dict[str, tuple[list[str], list[str]]] = {  # clean values, odd values
    "queue": (["general", "vip"], ["", " vip "]),
    "direction": (["in", "out"], ["", "IN", "sideways", " out"]),
    "customer_id": (["K1", "K2", ""], [" K3 ", "x" * 2001]),
    "agent_id": (["A1", "A2", ""], ["A9", " A1"]),
    "offered_at": (TIMES[:1], ODD_TIMES),
    "answered_at": (TIMES, ODD_TIMES),
    "ended_at": (TIMES[1:2], ODD_TIMES),
    "talk_s": (["30", "30.5", "0"], ["", "-4", "abc", "inf", "NaN", "1e13", "0x10", "+5", ".5", "5.", " 7", "1e3"]),
    "hold_s": (["0", "5"], ["", "-0", "1;5"]),
    "acw_s": (["5"], ["", "2.5e1"]),
    "outcome": (["answered", "abandoned", "other"], ["", "ANSWERED", "lost"]),
    "transferred": (["true", "false"], ["", "TRUE", "yes", "是", "否", "1", "0", "maybe", " no "]),
    "disposition": (["", "sale"], ["  ", "a\tb", "a\x00b", "长" * 1500, "x" * 2001]),
}


def _cell(column: str) -> st.SearchStrategy[str]:
    clean, odd = COLUMN_VALUES[column]
    return st.one_of(st.sampled_from(clean), st.sampled_from(clean), st.sampled_from(odd))


@st.composite
def call_files(draw: st.DrawFn) -> list[str]:
    n = draw(st.integers(1, 12))
    dirty = draw(st.booleans())
    lines = [CALL_HEADER]
    for i in range(n):
        cells = {c: (draw(_cell(c)) if dirty else COLUMN_VALUES[c][0][0]) for c in COLUMN_VALUES}
        if dirty and draw(st.integers(0, 9)) == 0:
            cells["talk_s"] = "x"
        call_id = draw(st.sampled_from([f"C{i}", f"C{i}", f"C{i}", "C0", ""])) if dirty else f"C{i}"
        lines.append(",".join([call_id] + [cells[c] for c in CALL_HEADER.split(",")[1:]]))
    return lines


def _import_both(tmp: Path, source: Path, monkeypatch: pytest.MonkeyPatch, **kw: object) -> tuple[dict, dict]:
    out = []
    for fast in (True, False):
        with monkeypatch.context() as mp:
            if not fast:
                mp.setattr(importer, "plain_columns", lambda m, header: None)
            store = tmp / ("fast" if fast else "slow")
            rep = import_file(source, store, table="calls", chunk_rows=4, **kw)  # type: ignore[arg-type]
            s = Store(store)
            rows = s.read_table("calls").drop([BATCH_COLUMN]).to_pylist() if s.has_table("calls") else []
            out.append({"errors": [(e.row, e.column, e.reason, e.value) for e in rep.errors],
                        "errors_total": rep.errors_total, "skipped": rep.skipped_rows, "committed": rep.committed,
                        "loaded": rep.rows_loaded, "read": rep.rows_read, "rows": rows})
    return out[0], out[1]


def _org(tmp: Path) -> Path:
    return write(tmp / "org.csv", ["employee_id", "A1", "A2"])


@pytest.mark.parametrize("tz", ["UTC", "Asia/Shanghai", "America/New_York"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=call_files(), skip=st.booleans(), with_org=st.booleans())
def test_csv_same_report_and_rows(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                                  tz: str, lines: list[str], skip: bool, with_org: bool) -> None:
    tmp = tmp_path_factory.mktemp("fast")
    source = write(tmp / "calls.csv", lines)
    org = _org(tmp) if with_org else None
    fast, slow = _import_both(tmp, source, monkeypatch, timezone=tz, skip_bad_rows=skip, org=org)
    assert fast == slow


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=call_files(), skip=st.booleans())
def test_parquet_of_text_same_report_and_rows(tmp_path_factory: pytest.TempPathFactory,
                                              monkeypatch: pytest.MonkeyPatch, lines: list[str], skip: bool) -> None:
    tmp = tmp_path_factory.mktemp("fastpq")
    csv = write(tmp / "calls.csv", lines)
    table = pacsv.read_csv(csv, convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in CALL_HEADER.split(",")}, strings_can_be_null=False))
    source = tmp / "calls.parquet"
    pq.write_table(table, source)
    fast, slow = _import_both(tmp, source, monkeypatch, skip_bad_rows=skip)
    assert fast == slow


def _typed_calls(talk: list[float | None], offered: list[dt.datetime], unit: str = "us") -> pa.Table:
    n = len(talk)
    return pa.table({
        "call_id": [f"C{i}" for i in range(n)], "queue": ["general"] * n, "direction": ["in"] * n,
        "customer_id": [None] * n, "agent_id": ["A1"] * n,
        "offered_at": pa.array(offered, pa.timestamp(unit)),
        "answered_at": pa.array([None] * n, pa.timestamp(unit)),
        "ended_at": pa.array([o + dt.timedelta(seconds=60) for o in offered], pa.timestamp(unit)),
        "talk_s": pa.array(talk, pa.float64()), "hold_s": pa.array([0] * n, pa.int64()),
        "acw_s": [1.5] * n, "outcome": ["abandoned"] * n, "transferred": [False] * n,
    })


@pytest.mark.parametrize("talk", [[30.0, 12.5], [30.0, float("nan")], [30.0, None], [30.0, -1.0], [1e13, 1.0]])
@pytest.mark.parametrize("tz", ["UTC", "Asia/Shanghai"])
@pytest.mark.parametrize("unit", ["us", "ns"])
def test_typed_parquet_same_report_and_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, talk: list[float | None],
                                            tz: str, unit: str) -> None:
    offered = [dt.datetime(2026, 3, 2, 9, 0, 0, 250), dt.datetime(2026, 3, 2, 23, 59, 59)]
    source = tmp_path / "calls.parquet"
    pq.write_table(_typed_calls(talk, offered, unit), source)
    fast, slow = _import_both(tmp_path, source, monkeypatch, timezone=tz)
    assert fast == slow


@pytest.mark.parametrize("offered", [dt.datetime(1969, 12, 31, 23, 59), dt.datetime(2201, 1, 1),
                                     dt.datetime(2200, 12, 31, 23, 59), dt.datetime(1970, 1, 1)])
def test_years_at_the_edges_same_report_and_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 offered: dt.datetime) -> None:
    source = tmp_path / "calls.parquet"
    pq.write_table(_typed_calls([1.0, 2.0], [dt.datetime(2026, 3, 2, 9), offered]), source)
    fast, slow = _import_both(tmp_path, source, monkeypatch)
    assert fast == slow


def test_a_clean_chunk_takes_the_arrow_path_and_a_dirty_one_does_not() -> None:
    m = Mapping(table="calls")
    header = CALL_HEADER.split(",")
    conv = CleanConverter(m.schema, plain_columns(m, header) or {}, "Asia/Shanghai", {"A1"})
    row = ["C1", "general", "in", "K1", "A1", "2026-03-02 09:00:00", "2026-03-02 09:00:10",
           "2026-03-02 09:01:00", "30", "0", "5", "answered", "TRUE", ""]
    clean = pa.table({h: [v] for h, v in zip(header, row, strict=True)})
    typed = conv.convert(clean)
    assert typed is not None
    got = typed.to_pylist()[0]
    # 09:00 in Shanghai is 01:00 UTC; an empty optional cell is missing; words are read as booleans
    assert got["offered_at"] == dt.datetime(2026, 3, 2, 1, 0, 0)
    assert got["disposition"] is None and got["transferred"] is True and got["talk_s"] == 30.0
    assert got["ring_s"] is None
    for column, bad in [("agent_id", "A9"), ("talk_s", "-1"), ("answered_at", ""), ("offered_at", "2026-03-02Z")]:
        dirty = clean.set_column(header.index(column), column, pa.array([bad]))
        assert conv.convert(dirty) is None, column


def test_composed_mappings_and_pattern_rules_stay_on_the_pandas_path() -> None:
    header = CALL_HEADER.split(",")
    assert plain_columns(Mapping(table="calls"), header) is not None
    assert plain_columns(Mapping(table="calls", columns={"direction": {"const": "in"}}), header) is None
    assert plain_columns(Mapping(table="calls", defects=[{"id": "x", "when": {"column": "talk_s", "lt": 0}}]),
                         header) is None
    assert plain_columns(Mapping(table="plans"), ["employee_id", "period", "measure", "target"]) is None


def test_a_chunk_of_only_bad_rows_before_good_ones_loads_the_good_ones(tmp_path: Path) -> None:
    """The first chunk (4 rows) has no call id at all, so its key column has no type; skipped, the
    two good rows after it load (found by hypothesis: the key check once failed to join the chunks)."""
    good = ",".join([COLUMN_VALUES[c][0][0] for c in CALL_HEADER.split(",")[1:]])
    lines = [CALL_HEADER] + ["," + good] * 4 + ["C1," + good, "C2," + good]
    source = write(tmp_path / "calls.csv", lines)
    rep = import_file(source, tmp_path / "store", table="calls", chunk_rows=4, skip_bad_rows=True)
    assert rep.committed and rep.rows_loaded == 2 and rep.skipped_rows == [2, 3, 4, 5]  # file lines
    assert sorted(r["call_id"] for r in Store(tmp_path / "store").read_table("calls").to_pylist()) == ["C1", "C2"]
