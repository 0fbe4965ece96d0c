"""Rollups at ingest: folded per agent, queue and day, equal to the records however the batches come.

The KPI suite itself runs from the records and from the rollups (conftest ``read_from``);
these tests cover what only rollups have: batch order and splits, superseding batches,
month-to-date refresh that reads only what changed, and when the records are read instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.metrics.backends import to_arrow
from kaohe.metrics.catalog.registry import KpiDefinition, register_kpi, unregister_kpi
from kaohe.metrics.compute import compute_kpis
from kaohe.metrics.rollups import (
    ROLLUP_DIR,
    RollupCache,
    RollupError,
    additive,
    load_manifest,
    refresh_rollups,
    rollups_current,
)
from kaohe.metrics.store import Store

from .conftest import ORG, L, call

KPIS = ["handled_calls", "aht", "service_level", "asa", "abandon_rate", "fcr", "occupancy", "effective_work_rate"]
LEVELS = ["agent", "team", "department", "center", "company"]


def state(agent, start, end, st_):
    return {"agent_id": agent, "state": st_, "start_at": L(start), "end_at": L(end)}


def day_calls(day: date, n: int = 3) -> list[dict]:
    out = []
    for i in range(n):
        agent = ("a1", "a2")[i % 2]
        out.append(call(f"c{day:%m%d}-{i}", f"{day} {9 + i:02d}:00", agent, wait=5 + 10 * i, talk=60 + 30 * i,
                        hold=5 * i, acw=10, customer=f"k{i % 2}", queue=("q1", "q2")[i % 2]))
    out.append(call(f"c{day:%m%d}-x", f"{day} 15:00", None, outcome="abandoned", wait=40, queue="q2"))
    return out


def day_states(day: date) -> list[dict]:
    nxt = day + timedelta(days=1)
    return [state("a1", f"{day} 09:00", f"{day} 12:00", "talk"), state("a1", f"{day} 12:00", f"{day} 13:00", "ready"),
            state("a2", f"{day} 22:00", f"{nxt} 02:00", "talk")]  # crosses midnight: counts on both days


def _store(tmp_path, **tables) -> Store:
    store = Store(tmp_path)
    for name, rows in tables.items():
        store.write_table(name, to_arrow(name, rows))
    return store


def _frame(src_or_dir, period, use_rollups=True, cache=None):
    f = compute_kpis(src_or_dir, KPIS, period, level=LEVELS, as_frame=True, use_rollups=use_rollups,
                     rollup_cache=cache)
    return f.sort_values(["kpi_id", "entity_level", "entity_id", "period"]).reset_index(drop=True)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    cols = ["kpi_id", "entity_level", "entity_id", "period", "value", "sample_size"]
    pd.testing.assert_frame_equal(a[cols].assign(value=a.value.round(6)), b[cols].assign(value=b.value.round(6)))
    assert [str(x) for x in a.inputs] == [str(x) for x in b.inputs]


def _parts(root) -> dict[str, pd.DataFrame]:
    """Every rollup table of a store (the per-batch drill-down counts summed over batches)."""
    out = {}
    for d in sorted((root / ROLLUP_DIR).glob("*=*")):
        files = sorted(d.glob("????-??-??.parquet"))  # the day partitions; month summaries derive from them
        if not files:
            continue
        df = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
        if "_batch" in df:  # batch ids differ with the split; the rows per key do not
            df = df.drop(columns="_batch").groupby(["_who", "_queue", "bucket"], dropna=False, as_index=False).sum()
        keys = [c for c in ("employee_id", "queue", "_who", "_queue", "bucket") if c in df.columns]
        if d.name.startswith("index="):  # the narrow index is written in its own fixed order
            out[d.name] = df
            continue
        out[d.name] = df.sort_values(keys).reset_index(drop=True)[sorted(df.columns)]
    return out


# --- equality with the records -------------------------------------------------------------
def test_a_month_from_rollups_equals_the_month_from_records(tmp_path):
    days = [date(2026, 10, d) for d in range(1, 6)]
    store = _store(tmp_path, org=ORG, calls=[c for d in days for c in day_calls(d)],
                   agent_states=[s for d in days for s in day_states(d)])
    refresh_rollups(store)
    cache = RollupCache()
    _same(_frame(tmp_path, "2026-10", cache=cache), _frame(tmp_path, "2026-10", use_rollups=False))
    assert cache.reads  # really read from the rollups
    queue_kpis = ["service_level", "asa", "abandon_rate", "aht"]
    by_queue = [compute_kpis(tmp_path, queue_kpis, "2026-10", level="queue", grain="day", use_rollups=u) for u in (1, 0)]
    assert [(v.kpi_id, v.entity_id, v.period, v.value) for v in by_queue[0]] == [
        (v.kpi_id, v.entity_id, v.period, v.value) for v in by_queue[1]]
    a1 = compute_kpis(tmp_path, ["aht"], "2026-10-01/2026-10-03")
    # a1 took calls 0 and 2 each day: (60+0+10) + (120+10+10) = 210 per day, 2 calls
    assert next(v for v in a1 if v.entity_id == "a1").value == Decimal(105)


def test_the_state_crossing_midnight_counts_on_both_days(tmp_path):
    store = _store(tmp_path, org=ORG, agent_states=day_states(date(2026, 10, 1)))
    rep = refresh_rollups(store)
    assert rep.rebuilt["base=agent_states"] == [date(2026, 10, 1), date(2026, 10, 2)]
    by_day = compute_kpis(tmp_path, ["occupancy"], "2026-10-01/2026-10-03", grain="day")
    a2 = {v.period: v.numerator for v in by_day if v.entity_id == "a2"}
    assert a2 == {"2026-10-01": 7200.0, "2026-10-02": 7200.0}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_batch_order_and_split_gives_identical_rollups(tmp_path_factory, data):
    days = [date(2026, 10, d) for d in (1, 2, 5, 9)]
    calls = [c for d in days for c in day_calls(d, 4)]
    states = [s for d in days for s in day_states(d)]
    reference = tmp_path_factory.mktemp("one")
    refresh_rollups(_store(reference, org=ORG, calls=calls, agent_states=states))

    other = tmp_path_factory.mktemp("split")
    store = _store(other, org=ORG)
    refresh_rollups(store)  # rollups on: every later batch is folded as it is committed
    rows = [("calls", c) for c in calls] + [("agent_states", s) for s in states]
    order = data.draw(st.permutations(range(len(rows))))
    cuts = sorted(data.draw(st.sets(st.integers(1, len(rows) - 1), max_size=6)))
    for lo, hi in zip([0, *cuts], [*cuts, len(rows)], strict=True):
        chunk = [rows[i] for i in order[lo:hi]]
        for table in ("calls", "agent_states"):
            mine = [r for t, r in chunk if t == table]
            if mine:
                store.write_table(table, to_arrow(table, mine))
    assert rollups_current(other)
    a, b = _parts(reference), _parts(other)
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


# --- superseding batches ----------------------------------------------------------------------
def test_a_superseding_batch_updates_the_rollups_exactly(tmp_path):
    days = [date(2026, 10, d) for d in (7, 8, 9)]
    calls = [c for d in days for c in day_calls(d)]
    store = _store(tmp_path, org=ORG, calls=calls, agent_states=day_states(days[0]))
    refresh_rollups(store)
    before = {v.entity_id: v for v in compute_kpis(tmp_path, ["aht"], "2026-10")}
    assert before["a2"].value == Decimal(105)  # 90 s talk + 5 hold + 10 ACW on each of 3 days
    # the vendor re-sends one call of 8 October with the right talk time (60 s more)
    wrong = next(c for c in calls if c["call_id"] == "c1008-1")
    store.supersede("calls", to_arrow("calls", [{**wrong, "talk_s": wrong["talk_s"] + 60}]))
    m = load_manifest(tmp_path)
    assert m["last_refresh"]["base=calls"] == ["2026-10-08"]  # only the day of the corrected call
    fix = store.batches("calls")[-1]
    assert fix["supersedes"] == {store.batches("calls")[0]["batch_id"]: 1}
    kept = pq.read_table(tmp_path / fix["superseded_path"]).to_pylist()  # the replaced row stays on record
    assert [(r["call_id"], r["talk_s"]) for r in kept] == [("c1008-1", 90.0)]
    assert rollups_current(tmp_path)
    after = {v.entity_id: v for v in compute_kpis(tmp_path, ["aht"], "2026-10")}
    assert after["a2"].value == Decimal(125)  # (3 × 105 + 60) / 3
    assert after["a2"].inputs["calls"]["rows"] == before["a2"].inputs["calls"]["rows"]
    _same(_frame(tmp_path, "2026-10"), _frame(tmp_path, "2026-10", use_rollups=False))
    # and identical to rollups built from scratch over the corrected store
    fresh = tmp_path / "fresh"
    corrected = [c if c["call_id"] != "c1008-1" else {**c, "talk_s": c["talk_s"] + 60} for c in calls]
    refresh_rollups(_store(fresh, org=ORG, calls=corrected, agent_states=day_states(days[0])))
    a, b = _parts(tmp_path), _parts(fresh)
    for name in ("base=calls", "kpi=" + next(k for k in a if k.startswith("kpi=fcr")).split("=", 1)[1]):
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


def test_superseding_moves_a_call_to_another_day(tmp_path):
    calls = day_calls(date(2026, 10, 7))
    store = _store(tmp_path, org=ORG, calls=calls)
    refresh_rollups(store)
    moved = {**calls[0], **{k: calls[0][k] + timedelta(days=2) for k in ("offered_at", "answered_at", "ended_at")}}
    store.supersede("calls", to_arrow("calls", [moved]))
    assert load_manifest(tmp_path)["last_refresh"]["base=calls"] == ["2026-10-07", "2026-10-09"]
    days = {v.period: v.value for v in compute_kpis(tmp_path, ["handled_calls"], "2026-10-07/2026-10-10",
                                                    grain="day") if v.entity_id == "a1"}
    assert days == {"2026-10-07": Decimal(1), "2026-10-08": None, "2026-10-09": Decimal(1)}


# --- month-to-date refresh -----------------------------------------------------------------
def test_one_new_day_refreshes_month_to_date_reading_only_what_changed(tmp_path):
    days = [date(2026, 10, d) for d in range(1, 21)]
    store = _store(tmp_path, org=ORG)
    for d in days:  # one import batch per day, as a center loads them
        store.write_table("calls", to_arrow("calls", day_calls(d)))
        store.write_table("agent_states", to_arrow("agent_states", day_states(d)))
    refresh_rollups(store)
    cache = RollupCache()
    _frame(tmp_path, "2026-10-01/2026-10-22", cache=cache)
    first_reads = len(cache.reads)
    cache.reads.clear()

    new = date(2026, 10, 21)  # the next day lands, folded as it is committed
    store.write_table("calls", to_arrow("calls", day_calls(new)))
    assert load_manifest(tmp_path)["last_refresh"]["base=calls"] == ["2026-10-21"]
    # FCR of the 7 days before can change: a customer of theirs may have called again on the 21st
    fcr = next(k for k in load_manifest(tmp_path)["last_refresh"] if k.startswith("kpi=fcr"))
    assert load_manifest(tmp_path)["last_refresh"][fcr] == [(new - timedelta(days=k)).isoformat() for k in range(7, -1, -1)]
    # ... rebuilt from the narrow call index of the days their windows span, not from the calls
    assert load_manifest(tmp_path)["last_index_reads"] == [f"index=calls/2026-10-{d}" for d in range(13, 22)]
    store.write_table("agent_states", to_arrow("agent_states", day_states(new)))

    mtd = _frame(tmp_path, "2026-10-01/2026-10-22", cache=cache)
    read = sorted(cache.reads)
    assert read == sorted(
        [("base=calls", "2026-10-21"), ("inputs=calls", "2026-10-21"), ("base=agent_states", "2026-10-21"),
         ("inputs=agent_states", "2026-10-21")]
        + [(fcr, (new - timedelta(days=k)).isoformat()) for k in range(8)])
    assert len(read) < first_reads / 3
    _same(mtd, _frame(tmp_path, "2026-10-01/2026-10-22", use_rollups=False))


def test_a_whole_month_is_read_from_its_summary_kept_until_a_day_of_it_changes(tmp_path):
    days = [date(2026, 10, d) for d in (2, 9, 30)]
    store = _store(tmp_path, org=ORG, calls=[c for d in days for c in day_calls(d)],
                   agent_states=day_states(days[0]))
    refresh_rollups(store)
    first = RollupCache()
    month = _frame(tmp_path, "2026-10", cache=first)
    # the first reader sums the month's days and keeps the summary next to them
    assert ("base=calls", "2026-10-30") in first.reads
    summary = sorted((tmp_path / ROLLUP_DIR / "base=calls").glob("month-2026-10-*.parquet"))
    assert len(summary) == 1
    kept = pq.read_table(summary[0]).to_pandas().set_index(["employee_id", "queue"])
    # one row per key, not per day: (a1, q1), (a2, q2) and the abandoned calls of q2 with no agent
    assert len(kept) == 3
    assert kept.loc[("a1", "q1")].filter(like="aht.").filter(like=":num").iloc[0] == 630  # 3 days × (70 + 140) s
    second = RollupCache()
    again = _frame(tmp_path, "2026-10", cache=second)
    assert ("base=calls", "month-2026-10") in second.reads
    assert not any(day.startswith("2026-10-") for group, day in second.reads if group == "base=calls")
    _same(again, month)
    _same(again, _frame(tmp_path, "2026-10", use_rollups=False))
    # a quarter (grain month) reads the summary too; a grain of days reads the days
    assert not _frame(tmp_path, "2026-Q4").empty
    daily = RollupCache()
    _same(_frame(tmp_path, "2026-10", cache=daily).iloc[0:0], month.iloc[0:0])
    by_day = compute_kpis(tmp_path, ["handled_calls"], "2026-10", grain="day", as_frame=True, rollup_cache=daily)
    assert ("base=calls", "2026-10-09") in daily.reads or ("base=calls", "month-2026-10") in daily.reads
    assert set(by_day["period"]) >= {"2026-10-02", "2026-10-09", "2026-10-30"}
    _same(by_day.assign(kpi_id=by_day.kpi_id).sort_values(["kpi_id", "entity_level", "entity_id", "period"])
          .reset_index(drop=True),
          compute_kpis(tmp_path, ["handled_calls"], "2026-10", grain="day", as_frame=True, use_rollups=False)
          .sort_values(["kpi_id", "entity_level", "entity_id", "period"]).reset_index(drop=True))
    # a corrected call of the 9th makes the summary stale: the month is summed again, and right
    wrong = next(c for c in day_calls(days[1]) if c["call_id"] == "c1009-1")
    store.supersede("calls", to_arrow("calls", [{**wrong, "talk_s": wrong["talk_s"] + 60}]))
    fixed = _frame(tmp_path, "2026-10", cache=second)
    assert ("base=calls", "2026-10-09") in second.reads
    _same(fixed, _frame(tmp_path, "2026-10", use_rollups=False))
    assert len(sorted((tmp_path / ROLLUP_DIR / "base=calls").glob("month-2026-10-*.parquet"))) == 1


def test_a_first_build_of_a_whole_month_writes_its_summary(tmp_path):
    october = [date(2026, 10, 1) + timedelta(days=k) for k in range(31)]
    store = _store(tmp_path, org=ORG, calls=[c for d in october for c in day_calls(d)])
    refresh_rollups(store)
    assert len(list((tmp_path / ROLLUP_DIR / "base=calls").glob("month-2026-10-*.parquet"))) == 1
    cache = RollupCache()
    kpis = ["handled_calls", "aht", "service_level", "abandon_rate"]
    got = compute_kpis(tmp_path, kpis, "2026-10", level=LEVELS, as_frame=True, rollup_cache=cache)
    assert [r for r in cache.reads if r[0] == "base=calls"] == [("base=calls", "month-2026-10")]
    want = compute_kpis(tmp_path, kpis, "2026-10", level=LEVELS, as_frame=True, use_rollups=False)
    cols = ["kpi_id", "entity_level", "entity_id", "value", "sample_size"]
    pd.testing.assert_frame_equal(got[cols], want[cols])
    a1 = got[(got.kpi_id == "aht") & (got.entity_id == "a1")].iloc[0]
    assert (a1.numerator, a1.sample_size) == (31 * 210, 62)  # each day: 70 s + 140 s over two calls


def test_a_cache_kept_across_a_full_rebuild_serves_the_new_partitions(tmp_path):
    store = _store(tmp_path, org=ORG, calls=day_calls(date(2026, 10, 7)))
    refresh_rollups(store)
    cache = RollupCache()
    compute_kpis(tmp_path, ["aht", "service_level"], "2026-10-07/2026-10-08", as_frame=True, rollup_cache=cache)
    # a scheme asks for a 30 s service level: the rollups are rebuilt with one more spec, and the
    # day's generation may be the same number as before; the cache must not hand back the old file
    from kaohe.metrics.rollups import default_specs

    refresh_rollups(store, specs=[*default_specs(), ("service_level", {"threshold_s": 30})])
    kpis = [("service_level", {"threshold_s": 30}), "aht"]
    got = compute_kpis(tmp_path, kpis, "2026-10-07/2026-10-08", as_frame=True, rollup_cache=cache)
    want = compute_kpis(tmp_path, kpis, "2026-10-07/2026-10-08", as_frame=True, use_rollups=False)
    cols = ["kpi_id", "entity_id", "value", "sample_size"]
    pd.testing.assert_frame_equal(got[cols], want[cols])
    assert ("base=calls", "2026-10-07") in cache.reads[1:]


# --- when the records are read instead -----------------------------------------------------
def test_the_records_serve_what_the_rollups_cannot(tmp_path, monkeypatch):
    store = _store(tmp_path, org=ORG, calls=day_calls(date(2026, 10, 7)))
    refresh_rollups(store)
    # not whole days, another zone: no rollups at all; the same figures from the records
    for period, kw in (("2026-10-07T09:30/2026-10-08", {}), ("2026-10", {"tz": "Asia/Tokyo"})):
        cache = RollupCache()
        a = compute_kpis(tmp_path, ["aht"], period, rollup_cache=cache, **kw)
        b = compute_kpis(tmp_path, ["aht"], period, use_rollups=False, **kw)
        assert [(v.entity_id, v.value, v.inputs) for v in a] == [(v.entity_id, v.value, v.inputs) for v in b]
        assert cache.reads == []
    # parameters not rolled up: parts from the records, drill-down counts from the rollups
    cache = RollupCache()
    sl = [("service_level", {"threshold_s": 12.0})]
    a = compute_kpis(tmp_path, sl, "2026-10", rollup_cache=cache)
    assert [(v.entity_id, v.value) for v in a] == [(v.entity_id, v.value)
                                                   for v in compute_kpis(tmp_path, sl, "2026-10", use_rollups=False)]
    assert cache.reads == [("inputs=calls", "2026-10-07")]

    # folding fails after a batch is committed: the rollups are stale and the records are read
    import kaohe.metrics.rollups as rollups

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(rollups, "refresh_rollups", broken)
    store.write_table("calls", to_arrow("calls", [call("c9", "2026-10-07 20:00", "a1", talk=600)]))
    monkeypatch.undo()
    assert not rollups_current(tmp_path)
    cache = RollupCache()
    v = {x.entity_id: x for x in compute_kpis(tmp_path, ["handled_calls"], "2026-10", rollup_cache=cache)}
    assert v["a1"].value == Decimal(3) and cache.reads == []
    assert refresh_rollups(store).rebuilt["base=calls"] == [date(2026, 10, 7)]
    v = {x.entity_id: x for x in compute_kpis(tmp_path, ["handled_calls"], "2026-10", rollup_cache=cache)}
    assert v["a1"].value == Decimal(3) and ("base=calls", "2026-10-07") in cache.reads


def test_a_kpi_declares_its_rollup_or_is_computed_from_records(tmp_path):
    from kaohe.metrics.catalog.bases import BASES  # noqa: F401  (the calls base is registered)

    def longest(t, p):
        return {"num": t.talk_s.max(), "den": None, "n": t.count()}

    common = dict(name_zh="最长通话", name_en="Longest talk", unit="s", direction="none", definition_zh="x",
                  definition_en="x", formula="max(talk_s)", sample_zh="x", sample_en="x", inputs=("calls",),
                  kind="total", base="calls", parts=longest)
    register_kpi(KpiDefinition(id="test_longest_talk", **common))
    try:
        store = _store(tmp_path, org=ORG, calls=day_calls(date(2026, 10, 7)))
        refresh_rollups(store)
        v = {x.entity_id: x.value for x in compute_kpis(tmp_path, ["test_longest_talk"], "2026-10")}
        assert v["a1"] == Decimal(120)  # not rolled up: from the records
        with pytest.raises(RollupError, match="rollup=True"):
            refresh_rollups(store, specs=["test_longest_talk"])
        register_kpi(KpiDefinition(id="test_longest_talk", rollup=True, **common), replace=True)
        with pytest.raises(RollupError, match="not a sum or count"):
            refresh_rollups(store, specs=["test_longest_talk"])
    finally:
        unregister_kpi("test_longest_talk")


def test_additive_reductions(tmp_path):
    import ibis

    t = ibis.table({"x": "float64", "y": "string"}, name="t")
    assert additive(t.x.sum()) and additive(t.count()) and additive((t.x.sum() - t.x.sum()) * 2)
    assert additive(None) and additive(ibis.literal(None, type="float64"))
    assert not additive(t.x.max()) and not additive(t.x.mean()) and not additive(t.y.nunique())
    assert not additive(t.x.sum() / t.x.sum())


# --- Spark builds the same rollups -----------------------------------------------------------
@pytest.mark.spark
def test_spark_builds_the_same_rollups_as_duckdb(tmp_path, spark):
    days = [date(2026, 10, d) for d in (1, 2, 31)]
    tables = dict(org=ORG, calls=[c for d in days for c in day_calls(d)],
                  agent_states=[s for d in days for s in day_states(d)])
    refresh_rollups(_store(tmp_path / "duck", **tables))
    refresh_rollups(_store(tmp_path / "spark", **tables), backend="spark", session=spark)
    a, b = _parts(tmp_path / "duck"), _parts(tmp_path / "spark")
    assert a.keys() == b.keys() and "base=agent_states" in a
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=False, rtol=1e-12, obj=name)
