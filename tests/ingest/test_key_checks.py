"""The key checks of an import (repeats inside the file, keys already stored) against a reference
written here in plain Python, on random files and stores.

The importer finds repeats in Arrow and reads the store in two steps (the stored keys, pruned to
the file's time range when the key has a time column, then only the files with a hit); these
properties hold it to the rule as users read it:

- a key repeated in the file: every later row is an error naming the first row;
- a first row whose key is stored with the same values is already present (skipped), with other
  values an error (or, with ``correct``, a replacement counted against the stored row's batch);
- with any error nothing is loaded; otherwise every other row is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.metrics.ingest import import_file
from kaohe.metrics.store import Store

DAY = dt.datetime(2026, 3, 2, 9)
AGENTS = ["a1", "a2", None]  # a state without an agent is a required-value error, not a key matter
STATES = ["ready", "talk"]


def _states_csv(rows: list[tuple[str, int, str]], end_first: bool = False) -> bytes:
    """A file of states; ``end_first`` orders the columns otherwise, so that the file under test is never
    byte for byte a batch already imported (which would be recognised as such and add nothing)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["end_at", "agent_id", "state", "start_at"] if end_first else ["agent_id", "state", "start_at", "end_at"])
    for agent, minute, state in rows:
        start = DAY + dt.timedelta(minutes=minute)
        cells = [agent, state, f"{start:%Y-%m-%d %H:%M:%S}", f"{start + dt.timedelta(minutes=1):%Y-%m-%d %H:%M:%S}"]
        w.writerow(cells[-1:] + cells[:-1] if end_first else cells)
    return out.getvalue().encode()


state_row = st.tuples(st.sampled_from(["a1", "a2"]), st.integers(0, 5), st.sampled_from(STATES))


def _expected(stored: dict[tuple[str, int], tuple[str, str, int]], rows: list[tuple[str, int, str]],
              correct: bool) -> tuple[list[tuple[int, str]], int, int, dict[str, int], int]:
    """(errors as (row, English text head), rows loaded, already present, superseded, rows replaced)."""
    errors: list[tuple[int, str]] = []
    first: dict[tuple[str, int], int] = {}
    dropped: set[int] = set()
    for i, (agent, minute, _) in enumerate(rows, start=2):
        key = (agent, minute)
        if key in first:
            errors.append((i, f"duplicate key (agent_id={agent}, start_at={DAY + dt.timedelta(minutes=minute)}); "
                              f"first on row {first[key]}"))
            dropped.add(i)
        else:
            first[key] = i
    present, replaced, superseded = 0, 0, {}
    for i, (agent, minute, state) in enumerate(rows, start=2):
        if i in dropped or (agent, minute) not in stored:
            continue
        old_state, batch, old_row = stored[(agent, minute)]
        if old_state == state:
            present += 1
            dropped.add(i)
        elif correct:
            replaced += 1
            superseded[batch] = superseded.get(batch, 0) + 1
        else:
            errors.append((i, f"key already stored with different values (batch {batch}, row {old_row})"))
            dropped.add(i)
    errors.sort()
    loaded = 0 if errors else len(rows) - len(dropped)
    return errors, loaded, present, superseded, replaced


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(st.lists(state_row, min_size=1, max_size=5, unique_by=lambda r: r[:2]), max_size=3),
       rows=st.lists(state_row, min_size=1, max_size=8), correct=st.booleans())
def test_key_checks_match_the_rule(batches, rows, correct):
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        stored: dict[tuple[str, int], tuple[str, str, int]] = {}
        for n, batch in enumerate(batches):
            fresh = [r for r in batch if r[:2] not in stored]  # earlier batches keep their keys
            if not fresh:
                continue
            path = Path(tmp) / f"b{n}.csv"
            path.write_bytes(_states_csv(fresh))
            rep = import_file(path, data, table="agent_states", check_org=False)
            assert rep.committed, rep.summary()
            for i, (agent, minute, state) in enumerate(fresh, start=2):
                stored[(agent, minute)] = (state, str(rep.batch_id), i)
        path = Path(tmp) / "new.csv"
        path.write_bytes(_states_csv(rows, end_first=True))
        rep = import_file(path, data, table="agent_states", check_org=False, correct=correct)
        errors, loaded, present, superseded, replaced = _expected(stored, rows, correct)
        assert sorted((e.row, e.message_en) for e in rep.errors) == errors
        assert rep.rows_already_present == present
        assert rep.committed == (not errors)
        if not errors:
            assert (rep.rows_loaded, rep.superseded, rep.rows_replaced) == (loaded, superseded, replaced)
            states = Store(data).read_table("agent_states")
            expect = {k: v[0] for k, v in stored.items()}
            expect.update({(a, m): s for a, m, s in rows})
            got = {(a, int((t - DAY).total_seconds() // 60)): s for a, t, s in
                   zip(states.column("agent_id").to_pylist(), states.column("start_at").to_pylist(),
                       states.column("state").to_pylist(), strict=True)}
            assert got == expect and states.num_rows == len(expect)


def test_stored_keys_at_both_ends_of_the_files_time_range_are_found(tmp_path, data_dir):
    """The stored keys read are bounded by the file's first and last start_at, both included."""
    old = tmp_path / "old.csv"
    old.write_bytes(_states_csv([("a1", 0, "ready"), ("a1", 3, "ready"), ("a1", 5, "ready")]))
    first = import_file(old, data_dir, table="agent_states", check_org=False)
    new = tmp_path / "new.csv"
    new.write_bytes(_states_csv([("a1", 0, "talk"), ("a2", 3, "talk"), ("a1", 5, "talk")]))
    rep = import_file(new, data_dir, table="agent_states", check_org=False)
    assert [(e.row, e.message_en) for e in rep.errors] == [
        (2, f"key already stored with different values (batch {first.batch_id}, row 2)"),
        (4, f"key already stored with different values (batch {first.batch_id}, row 4)")]
    assert [e.value for e in rep.errors] == ["agent_id=a1, start_at=2026-03-02 09:00:00",
                                             "agent_id=a1, start_at=2026-03-02 09:05:00"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids=st.lists(st.sampled_from(["C1", "C2", "C3", "C4"]), min_size=1, max_size=7))
def test_repeated_one_column_keys_into_an_empty_store(ids):
    """A one-column key into an empty store is first hashed in Arrow; a repeat is still worded by row."""
    from ingest_helpers import CALL_HEADER, call_row

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calls.csv"
        path.write_text("\n".join([CALL_HEADER] + [call_row(i).replace(f"C{i},", f"{cid},", 1)
                                                   for i, cid in enumerate(ids)]) + "\n", encoding="utf-8")
        rep = import_file(path, Path(tmp) / "data", table="calls", check_org=False)
        first: dict[str, int] = {}
        expected = []
        for row, cid in enumerate(ids, start=2):
            if cid in first:
                expected.append((row, f"duplicate key (call_id={cid}); first on row {first[cid]}"))
            first.setdefault(cid, row)
        assert sorted((e.row, e.message_en) for e in rep.errors) == expected
        assert rep.committed == (not expected)
        assert rep.rows_loaded == (len(ids) if not expected else 0)
