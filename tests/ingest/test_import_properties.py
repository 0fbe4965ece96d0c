"""Property tests: any valid rows round-trip; any injected bad cell is reported where it is."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import CALL_HEADER, store_state, write

from kaohe.metrics.ingest import import_file
from kaohe.metrics.store import Store

COLUMNS = CALL_HEADER.split(",")
BASE = dt.datetime(2026, 3, 1)

ident = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_话务", min_size=1, max_size=8)


@st.composite
def call_rows(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    ids = draw(st.lists(ident, min_size=n, max_size=n, unique=True))
    rows = []
    for cid in ids:
        offered = BASE + dt.timedelta(seconds=draw(st.integers(0, 30 * 86400)))
        answered = draw(st.booleans())
        wait = draw(st.integers(0, 600))
        talk = draw(st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 3)))
        hold = draw(st.floats(0, 300, allow_nan=False).map(lambda x: round(x, 3)))
        acw = draw(st.floats(0, 300, allow_nan=False).map(lambda x: round(x, 3)))
        ans = offered + dt.timedelta(seconds=wait) if answered else None
        end = (ans or offered) + dt.timedelta(seconds=int(talk + hold) + 1)
        rows.append({
            "call_id": cid, "queue": draw(st.sampled_from(["贷款", "cards", "q-1"])), "direction": "in",
            "customer_id": draw(st.one_of(st.none(), ident)), "agent_id": draw(st.one_of(st.none(), ident)),
            "offered_at": offered, "answered_at": ans, "ended_at": end, "talk_s": talk, "hold_s": hold,
            "acw_s": acw, "outcome": "answered" if answered else draw(st.sampled_from(["abandoned", "other"])),
            "transferred": draw(st.booleans()), "disposition": draw(st.one_of(st.none(), ident)),
        })
    return rows


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    return str(v)


def _write(d: Path, rows: list[dict], name: str = "calls.csv", encoding: str = "utf-8") -> Path:
    return write(d / name, [CALL_HEADER] + [",".join(_cell(r[c]) for c in COLUMNS) for r in rows], encoding)


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(call_rows())
def test_valid_rows_round_trip_exactly(rows):
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        report = import_file(_write(d, rows), d / "data", table="calls")
        assert report.committed and report.errors_total == 0
        got = Store(d / "data").read_table("calls").select(COLUMNS).to_pylist()
        assert sorted(got, key=lambda r: r["call_id"]) == sorted(rows, key=lambda r: r["call_id"])


BAD_VALUES = {
    "talk_s": "12s", "hold_s": "-1", "acw_s": "n/a", "offered_at": "2026-13-01 00:00:00",
    "ended_at": "noon", "outcome": "AGENT", "transferred": "perhaps", "direction": "inbound", "queue": "",
    "call_id": " ",
}


@SETTINGS
@given(call_rows(), st.data())
def test_any_injected_bad_cell_is_reported_at_its_row_and_column_and_nothing_loads(rows, data):
    i = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(sorted(BAD_VALUES)))
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        lines = [[_cell(r[c]) for c in COLUMNS] for r in rows]
        lines[i][COLUMNS.index(column)] = BAD_VALUES[column]
        f = write(d / "bad.csv", [CALL_HEADER] + [",".join(x) for x in lines])
        report = import_file(f, d / "data", table="calls")
        assert not report.committed
        assert (i + 2, column) in {(e.row, e.column) for e in report.errors}
        assert {e.row for e in report.errors} == {i + 2}
        assert store_state(d / "data") == {}


@SETTINGS
@given(call_rows())
def test_reimporting_is_idempotent_even_from_a_reordered_copy(rows):
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        import_file(_write(d, rows), d / "data", table="calls")
        state = store_state(d / "data")
        assert import_file(_write(d, rows), d / "data", table="calls").already_imported_batch
        assert store_state(d / "data") == state
        # another file (with a byte-order mark, rows reversed) holding the same records
        copy = _write(d, list(reversed(rows)), "copy.csv", "utf-8-sig")
        again = import_file(copy, d / "data", table="calls")
        assert again.committed and again.rows_loaded == 0 and again.rows_already_present == len(rows)
        assert Store(d / "data").read_table("calls").num_rows == len(rows)
