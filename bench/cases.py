"""Benchmark cases of the issue-16 targets, each with the baseline it is compared with in the same run.

Run by ``bench/run_bench.py`` (each case in its own child process, wall time, CPU time and peak RSS
measured around it). Every case returns its own timed figure(s) and the baseline's, so the report can
give a ratio measured minutes apart on the same (shared, noisy) machine:

- ``ingest_parquet``  Parquet → store with full validation (rows/s); baseline: the same file read and
                      written back as Parquet with no check at all (``copy_s``).
- ``ingest``          the same for CSV (``v_ingest_csv``); baseline: Arrow's CSV reader + Parquet writer.
- ``rollups_cold``    all KPIs × 4 levels from a store without rollups: build the rollups, then compute.
                      Baseline: the same KPIs from records (``kaohe_all`` in the same run).
- ``rollups_warm``    rollups present: all KPIs × 4 levels for the whole data period (10 months at 100M).
- ``new_day``         one new day for every agent: import its calls and agent states (Parquet, full
                      validation against the store), refresh the rollups, recompute month-to-date for
                      4 levels with the cache the previous computation left. Baseline: month-to-date
                      from records after the same import.
- ``scoring``         score N employees × 15 indicators with traces (``score_sheets``). Baseline: the
                      same inputs through a bare loop that computes a weighted sum of linear scores
                      (no rules, no traces, no issues): the floor of any per-sheet Python loop.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

TZ = "Asia/Shanghai"
OFFSET_H = 8
LEVELS = ["agent", "team", "department", "center"]
NEEDS = {"incident_count": {"type": "complaint_caused"}, "plan_completion_rate": {"measure": "calls_handled"}}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def all_kpis() -> list[Any]:
    from kaohe.metrics import list_kpis

    return [(k.id, NEEDS[k.id]) if k.id in NEEDS else k.id for k in list_kpis()]


def _source(data: str | Path, cache: Path) -> Any:
    from kaohe.metrics.backends import duckdb_backend

    src = duckdb_backend(data_dir=str(data), threads=2)
    src.backend.raw_sql("SET memory_limit = '6GB'")
    src.backend.raw_sql(f"SET temp_directory = '{cache / 'duckdb-tmp'}'")
    return src


# --- ingest ------------------------------------------------------------------------------------
def ingest_parquet_file(info: dict[str, Any]) -> Path:
    """The first ``ingest_rows`` calls as a Parquet file with the canonical columns only."""
    path = Path(info["data"]).parent / f"ingest-calls-{info['ingest_rows']}.parquet"
    if not path.exists():
        import duckdb

        tmp = path.with_suffix(".tmp")
        duckdb.connect().execute(
            f"COPY (SELECT * EXCLUDE (_batch_id, _source_row) FROM read_parquet('{info['data']}/calls/*.parquet') "
            f"LIMIT {info['ingest_rows']}) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)")
        tmp.rename(path)
    return path


def plain_copy(path: Path, fmt: str) -> tuple[float, float]:
    """Wall and CPU seconds to read the file with Arrow and write it as Parquet, with no check: the baseline."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        t0, c0 = time.perf_counter(), _cpu()
        if fmt == "csv":
            reader: Any = pacsv.open_csv(path)
            writer = None
            for batch in reader:
                writer = writer or pq.ParquetWriter(Path(tmp) / "copy.parquet", batch.schema, compression="zstd")
                writer.write_batch(batch)
        else:
            pf = pq.ParquetFile(path)
            writer = pq.ParquetWriter(Path(tmp) / "copy.parquet", pf.schema_arrow, compression="zstd")
            for batch in pf.iter_batches(batch_size=500_000):
                writer.write_batch(batch)
        if writer is not None:
            writer.close()
        return time.perf_counter() - t0, _cpu() - c0


def timed_import(path: Path) -> dict[str, Any]:
    from kaohe.metrics.ingest import import_file

    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        t0, c0 = time.perf_counter(), _cpu()
        rep = import_file(path, Path(tmp) / "store", table="calls", check_org=False)
        secs, cpu = time.perf_counter() - t0, _cpu() - c0
    assert rep.committed, rep.summary()
    return {"seconds": secs, "cpu_in_s": cpu, "rows": rep.rows_loaded, "rows_per_s": rep.rows_loaded / secs}


def v_ingest_parquet(info: dict[str, Any]) -> dict[str, Any]:
    path = ingest_parquet_file(info)
    res = timed_import(path)
    res["copy_s"], res["copy_cpu_s"] = plain_copy(path, "parquet")
    return res


def v_ingest_csv(info: dict[str, Any]) -> dict[str, Any]:
    path = Path(info["ingest_csv"])
    res = timed_import(path)
    res["copy_s"], res["copy_cpu_s"] = plain_copy(path, "csv")
    return res


# --- rollups -------------------------------------------------------------------------------------
def _period(info: dict[str, Any]) -> str:
    from run_bench import period_for

    return period_for(info["months"])[0]


def v_rollups_cold(info: dict[str, Any]) -> dict[str, Any]:
    from kaohe.metrics.compute import compute_kpis
    from kaohe.metrics.rollups import refresh_rollups, rollup_root

    data = Path(info["data"])
    shutil.rmtree(rollup_root(data), ignore_errors=True)  # cold: no rollups at all
    cache = data.parent
    t0, c0 = time.perf_counter(), _cpu()
    rep = refresh_rollups(data, tz=TZ, threads=2)
    build_s, build_cpu = time.perf_counter() - t0, _cpu() - c0
    t1 = time.perf_counter()
    frame = compute_kpis(_source(data, cache), all_kpis(), _period(info), level=LEVELS, tz=TZ, as_frame=True)
    compute_s = time.perf_counter() - t1
    return {"seconds": time.perf_counter() - t0, "build_s": build_s, "build_cpu_s": build_cpu,
            "compute_s": compute_s, "values": int(len(frame)), "refresh": str(rep)[:300]}


def v_rollups_warm(info: dict[str, Any]) -> dict[str, Any]:
    from kaohe.metrics.compute import compute_kpis
    from kaohe.metrics.rollups import refresh_rollups, rollups_current

    data = Path(info["data"])
    if not rollups_current(data):  # normally left by rollups_cold in the same run
        refresh_rollups(data, tz=TZ, threads=2)
    t0 = time.perf_counter()
    frame = compute_kpis(_source(data, data.parent), all_kpis(), _period(info), level=LEVELS, tz=TZ, as_frame=True)
    return {"seconds": time.perf_counter() - t0, "values": int(len(frame)), "months": info["months"]}


# --- one new day ----------------------------------------------------------------------------------
def _last_day(info: dict[str, Any]) -> dt.date:
    from run_bench import FIRST_MONTH

    y, m = (int(x) for x in FIRST_MONTH.split("-"))
    first = dt.date(y, m, 1)
    months = info["months"]
    end = dt.date(y + (m - 1 + months) // 12, (m - 1 + months) % 12 + 1, 1)
    assert end > first
    return end - dt.timedelta(days=1)


def prepare_new_day(info: dict[str, Any], work: Path) -> tuple[Path, Path, Path, dt.date]:
    """A store holding every table but the last local day of calls and agent states, and that day's
    calls and agent states as two Parquet files (canonical columns only, as a source would send them)."""
    import duckdb

    from kaohe.metrics.store import Store

    day = _last_day(info)
    data = Path(info["data"])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store = Store(work / "store")
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET memory_limit = '4GB'")
    cut = f"TIMESTAMP '{day} 00:00:00' - INTERVAL {OFFSET_H} HOUR"
    end = f"TIMESTAMP '{day + dt.timedelta(days=1)} 00:00:00' - INTERVAL {OFFSET_H} HOUR"
    time_col = {"calls": "offered_at", "agent_states": "start_at"}
    day_files = {}
    for tdir in sorted(p for p in data.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        table = tdir.name
        src = f"read_parquet('{tdir}/*.parquet', union_by_name=true)"
        where = f"WHERE {time_col[table]} < {cut}" if table in time_col else ""
        cur = con.execute(f"SELECT * EXCLUDE (_batch_id, _source_row) FROM {src} {where}")
        with store.writer(table, f"bench:{table}") as w:
            for rb in cur.to_arrow_reader(500_000):
                w.write(rb)
        if table in time_col:
            out = work / f"day-{table}.parquet"
            con.execute(f"COPY (SELECT * EXCLUDE (_batch_id, _source_row) FROM {src} WHERE {time_col[table]} >= {cut} "
                        f"AND {time_col[table]} < {end}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
            day_files[table] = out
    return store.root, day_files["calls"], day_files["agent_states"], day


def v_new_day(info: dict[str, Any]) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from kaohe.metrics.compute import compute_kpis
    from kaohe.metrics.ingest import import_file
    from kaohe.metrics.rollups import RollupCache, refresh_rollups

    work = Path(info["data"]).parent / "new-day"
    t_setup = time.perf_counter()
    root, calls, states, day = prepare_new_day(info, work)
    month_start = day.replace(day=1)
    mtd = f"{month_start}/{day + dt.timedelta(days=1)}"
    before = f"{month_start}/{day}"
    kpis = all_kpis()
    refresh_rollups(root, tz=TZ, threads=2)  # the rollups as they stood before the day (untimed)
    cache = RollupCache()
    compute_kpis(_source(root, work), kpis, before, level=LEVELS, tz=TZ, as_frame=True, rollup_cache=cache)
    setup_s = time.perf_counter() - t_setup
    n_calls, n_states = pq.ParquetFile(calls).metadata.num_rows, pq.ParquetFile(states).metadata.num_rows

    t0, c0 = time.perf_counter(), _cpu()
    for path, table in ((calls, "calls"), (states, "agent_states")):
        rep = import_file(path, root, table=table)
        assert rep.committed, rep.summary()
    import_s = time.perf_counter() - t0
    refresh_rollups(root, tz=TZ, threads=2)
    refresh_s = time.perf_counter() - t0 - import_s
    reads_before = len(cache.reads)
    frame = compute_kpis(_source(root, work), kpis, mtd, level=LEVELS, tz=TZ, as_frame=True, rollup_cache=cache)
    secs, cpu = time.perf_counter() - t0, _cpu() - c0
    compute_s = secs - import_s - refresh_s

    t1 = time.perf_counter()
    compute_kpis(_source(root, work), kpis, mtd, level=LEVELS, tz=TZ, as_frame=True, use_rollups=False)
    baseline_s = time.perf_counter() - t1
    shutil.rmtree(work, ignore_errors=True)
    return {"seconds": secs, "cpu_in_s": cpu, "import_s": import_s, "refresh_s": refresh_s, "compute_s": compute_s,
            "baseline_s": baseline_s, "setup_s": setup_s, "day": str(day), "calls": n_calls, "states": n_states,
            "day_files_read": len(cache.reads) - reads_before, "values": int(len(frame))}


# --- scoring -------------------------------------------------------------------------------------------
def bench_scheme() -> Any:
    """A 15-indicator monthly scheme from the library: the agent's two categories (表9-26 and its work
    items) and five team indicators of the supervisor's scheme as a third category."""
    from kaohe.library import load_library

    schemes = {s.id: s for s in load_library().schemes}
    agent, sup = schemes["call_center_agent_monthly"], schemes["agent_supervisor_quarterly"]
    five = ("team_service_level", "staffing_plan", "team_qa_avg", "team_csat", "ops_report")
    picked = [i.model_copy(update={"weight": Decimal(20)}) for i in sup.categories[0].indicators if i.id in five]
    third = sup.categories[0].model_copy(update={"indicators": picked, "weight": Decimal(20)})
    cats = [agent.categories[0].model_copy(update={"weight": Decimal(60)}), agent.categories[1], third]
    scheme = agent.model_copy(update={"categories": cats, "id": "bench_15"})
    assert sum(len(c.indicators) for c in scheme.categories) == 15
    return scheme


def bench_population(scheme: Any, employees: int, seed: int = 20261203) -> list[Any]:
    from kaohe.scheme.models import CountsSource, LevelRule, ManualRule, ManualSource
    from kaohe.scoring import IndicatorInput, SheetInputs

    rng = random.Random(seed)
    inds = [i for c in scheme.categories for i in c.indicators]

    def one(ind: Any) -> Any:
        source, rule = ind.source, ind.rule
        if isinstance(source, CountsSource):
            return IndicatorInput(counts={n: rng.randint(0, 6) for n in sorted(source.counts)})
        if isinstance(source, ManualSource):
            if isinstance(rule, LevelRule):
                levels = [Decimal(a.level) for a in rule.levels]
                return IndicatorInput(ratings={r.role: rng.choice(levels) for r in source.raters})
            lo, hi = (int(rule.min), int(rule.max)) if isinstance(rule, ManualRule) else (0, 10)
            return IndicatorInput(ratings={r.role: Decimal(rng.randint(lo, hi)) for r in source.raters})
        # KPI values as the metrics layer gives them: two decimals, a sample of a month
        return IndicatorInput(value=Decimal(rng.randint(0, 40000)) / 100, sample_size=rng.randint(300, 900))

    return [SheetInputs(f"E{k:05d}", {i.id: one(i) for i in inds}) for k in range(employees)]


def _bare_loop(scheme: Any, population: list[Any]) -> list[float]:
    weights = [(i.id, float(i.weight) * float(c.weight) / 10000.0) for c in scheme.categories for i in c.indicators]
    totals = []
    for sheet in population:
        total = 0.0
        for ind_id, w in weights:
            inp = sheet.values[ind_id]
            v = float(inp.value) if inp.value is not None else float(sum((inp.counts or inp.ratings or {0: 0}).values()))
            total += w * min(100.0, max(0.0, v))
        totals.append(total)
    return totals


def v_scoring(info: dict[str, Any]) -> dict[str, Any]:
    from kaohe.scoring import score_sheets

    n = int(info.get("employees") or os.environ.get("KAOHE_BENCH_EMPLOYEES", 10_000))
    scheme = bench_scheme()
    population = bench_population(scheme, n)
    t0, c0 = time.perf_counter(), _cpu()
    results = score_sheets(scheme, population)
    secs, cpu = time.perf_counter() - t0, _cpu() - c0
    assert all(r.items and r.items[0].trace.summary_zh for r in results)
    t1 = time.perf_counter()
    _bare_loop(scheme, population)
    return {"seconds": secs, "cpu_in_s": cpu, "employees": n, "indicators": 15,
            "trace_lines": sum(len(i.trace.steps) for r in results for i in r.items),
            "baseline_s": time.perf_counter() - t1}


# --- Spark -----------------------------------------------------------------------------------------
def v_spark_rollups(info: dict[str, Any]) -> dict[str, Any]:
    """Build the rollups of the data set on a local Spark (local[2]) from the same Ibis code, into a
    linked copy of the store so the DuckDB rollups stay; the rows scanned per second and per core size
    a cluster (docs/operations-spark.md). Baseline: the same build on DuckDB, same run, same copy."""
    import pyarrow.parquet as pq

    from kaohe.metrics.backends import spark_session
    from kaohe.metrics.rollups import refresh_rollups, rollup_root

    data = Path(info["data"])
    work = data.parent / "spark-copy"
    shutil.rmtree(work, ignore_errors=True)
    for f in data.rglob("*"):
        rel = f.relative_to(data)
        if rel.parts[0].startswith("_rollups") or f.is_dir():
            continue
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(f, work / rel)
    rows = sum(pq.ParquetFile(f).metadata.num_rows for t in ("calls", "agent_states") for f in (work / t).glob("*.parquet"))
    t0 = time.perf_counter()
    refresh_rollups(work, tz=TZ, threads=2)
    duck_s = time.perf_counter() - t0
    shutil.rmtree(rollup_root(work))
    session = spark_session(master="local[2]")
    session.conf.set("spark.sql.shuffle.partitions", "8")
    t1 = time.perf_counter()
    refresh_rollups(work, tz=TZ, backend="spark", session=session)
    spark_s = time.perf_counter() - t1
    session.stop()
    shutil.rmtree(work, ignore_errors=True)
    return {"seconds": spark_s, "baseline_s": duck_s, "rows": rows, "cores": 2,
            "rows_per_core_s": rows / spark_s / 2}


VARIANTS = {"spark_rollups": v_spark_rollups, "ingest_parquet": v_ingest_parquet, "rollups_cold": v_rollups_cold, "rollups_warm": v_rollups_warm,
            "new_day": v_new_day, "scoring": v_scoring}
