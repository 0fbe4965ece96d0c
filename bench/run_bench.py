"""Kaohe benchmark (``make bench``): ingest speed, KPI computation time and peak memory.

Not a test. For each size (``--sizes 10M,100M``) it generates a synthetic center of
``--agents`` agents once into a cache directory (``.bench-data/`` by default, git-ignored),
then runs each variant in its own child process and measures the wall time and the child's
peak RSS (``resource.getrusage(RUSAGE_CHILDREN)`` read by a small wrapper process that runs
only that one child):

- ``ingest``   CSV → event store through ``kaohe.metrics.ingest.import_file`` (rows/s), on a
               CSV of the first ``--ingest-rows`` calls;
- ``kaohe``    the call and agent-state KPIs through ``kaohe.metrics.compute.compute_kpis``
               (per agent, whole period) — the set the baselines compute too;
- ``kaohe_all`` every registered KPI at agent, team, department and center level;
- ``sql``      baseline (b): one hand-written DuckDB query computing the same KPIs over the
               same Parquet files, written the straightforward way (zone conversion per row,
               repeat-contact window over whole rows);
- ``scan``     baseline (c): the minimum scan of the columns involved (counts and sums by agent);
- ``pandas``   baseline (a): the same KPIs in plain pandas (only at sizes ≤ ``--pandas-max``);
- ``ingest_parquet``, ``rollups_cold``, ``rollups_warm``, ``new_day``, ``scoring``: the issue-16
               targets, each with its same-run baseline (bench/cases.py).

The run size: ``KAOHE_BENCH_SCALE`` or ``--scale`` quick (1M calls, 2,000 sheets) | standard (10M,
10,000 sheets) | full (10M and 100M; the default), each part overridable by its flag.

Results go to ``docs/benchmarks.md`` (the section between the bench markers is replaced)
and to ``<cache>/results-<timestamp>.json``.

Usage: .venv/bin/python bench/run_bench.py [--scale quick|standard|full] [--sizes 1M,10M] [--agents 10000]
       [--cache DIR] [--employees N] [--variants ingest,kaohe,...,scoring] [--no-docs] [--report]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import cases  # noqa: E402

TZ = "Asia/Shanghai"
OFFSET_H = 8
FIRST_MONTH = "2026-01"
CALLS_PER_AGENT_MONTH = 1000  # ≈ 33 a working day
SUBSET = ["handled_calls", "aht", "avg_talk_time", "avg_hold_time", "avg_acw_time", "transfer_rate",
          "service_level", "asa", "abandon_rate", "fcr", "occupancy", "effective_work_rate"]
ALL_VARIANTS = ["ingest", "ingest_parquet", "scan", "sql", "kaohe", "kaohe_all", "pandas", "rollups_cold",
                "rollups_warm", "new_day", "scoring", "spark_rollups"]
# KAOHE_BENCH_SCALE chooses the run's size; flags override each part
SCALES = {
    "quick": {"sizes": "1M", "ingest_rows": "1M", "employees": "2000"},
    "standard": {"sizes": "10M", "ingest_rows": "2M", "employees": "10000"},
    "full": {"sizes": "10M,100M", "ingest_rows": "2M", "employees": "10000"},
}
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def parse_size(text: str) -> int:
    text = text.strip().upper()
    mult = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("KMG")) * mult)


def period_for(months: int) -> tuple[str, str, str]:
    """(period text for compute_kpis, local start, local end)."""
    y, m = (int(x) for x in FIRST_MONTH.split("-"))
    start = dt.date(y, m, 1)
    ey, em = y + (m - 1 + months) // 12, (m - 1 + months) % 12 + 1
    end = dt.date(ey, em, 1)
    return f"{start.isoformat()}/{end.isoformat()}", f"{start} 00:00:00", f"{end} 00:00:00"


# --- data ----------------------------------------------------------------------------------
def ensure_data(size: int, agents: int, cache: Path, ingest_rows: int) -> dict:
    from kaohe.metrics.generator import GeneratorConfig, generate_config

    d = cache / f"center-{size}-a{agents}"
    marker = d / "bench-data.json"
    if marker.exists():
        return json.loads(marker.read_text())
    months = max(1, math.ceil(size / (agents * CALLS_PER_AGENT_MONTH)))
    print(f"generating {size:,} calls for {agents:,} agents over {months} month(s) into {d} …", flush=True)
    t0 = time.perf_counter()
    cfg = GeneratorConfig(agents=agents, month=FIRST_MONTH, months=months, seed=20261123, calls=size)
    counts = generate_config(d / "data", cfg, overwrite=True)
    gen_s = time.perf_counter() - t0
    csv_path = d / "ingest-calls.csv"
    import duckdb

    n = min(size, ingest_rows)
    cols = ("call_id, queue, direction, customer_id, agent_id, strftime(offered_at, '%Y-%m-%d %H:%M:%S.%f') offered_at, "
            "strftime(answered_at, '%Y-%m-%d %H:%M:%S.%f') answered_at, strftime(ended_at, '%Y-%m-%d %H:%M:%S.%f') ended_at, "
            "talk_s, hold_s, acw_s, outcome, transferred, disposition")
    duckdb.connect().execute(f"COPY (SELECT {cols} FROM read_parquet('{d}/data/calls/*.parquet') LIMIT {n}) "
                             f"TO '{csv_path}' (HEADER, DELIMITER ',')")
    info = {"size": size, "agents": agents, "months": months, "data": str(d / "data"), "counts": counts,
            "generate_s": round(gen_s, 1), "ingest_csv": str(csv_path), "ingest_rows": n,
            "parquet_bytes": sum(f.stat().st_size for f in (d / "data").rglob("*.parquet"))}
    marker.write_text(json.dumps(info, indent=1))
    return info


# --- variants (each runs in its own process) ---------------------------------------------------
def _kaohe(info: dict, kpis: list, levels: list[str]) -> dict:
    from kaohe.metrics.backends import duckdb_backend
    from kaohe.metrics.compute import compute_kpis

    period, _, _ = period_for(info["months"])
    t0 = time.perf_counter()
    src = duckdb_backend(data_dir=info["data"], threads=2)
    src.backend.raw_sql("SET memory_limit = '6GB'")
    src.backend.raw_sql(f"SET temp_directory = '{Path(info['data']).parent / 'duckdb-tmp'}'")
    # from the records: the rollups (cases.py) are measured separately
    frame = compute_kpis(src, kpis, period, level=levels, tz=TZ, as_frame=True, use_rollups=False)
    secs = time.perf_counter() - t0
    return {"seconds": secs, "values": int(len(frame)), "kpis": len(kpis), "levels": levels}


def v_kaohe(info: dict) -> dict:
    return _kaohe(info, SUBSET, ["agent"])


def v_kaohe_all(info: dict) -> dict:
    from kaohe.metrics import list_kpis

    needs = {"incident_count": {"type": "complaint_caused"}, "plan_completion_rate": {"measure": "calls_handled"}}
    kpis = [(k.id, needs[k.id]) if k.id in needs else k.id for k in list_kpis()]
    return _kaohe(info, kpis, ["agent", "team", "department", "center"])


def _sql_text(info: dict) -> str:
    _, start, end = period_for(info["months"])
    calls = f"read_parquet('{info['data']}/calls/*.parquet')"
    states = f"read_parquet('{info['data']}/agent_states/*.parquet')"
    return f"""
WITH c AS (
  SELECT *, (offered_at::TIMESTAMPTZ AT TIME ZONE '{TZ}') AS local_ts,
         lead(offered_at) OVER (PARTITION BY customer_id ORDER BY offered_at) AS next_offer
  FROM {calls}
), p AS (
  SELECT * FROM c WHERE local_ts >= TIMESTAMP '{start}' AND local_ts < TIMESTAMP '{end}'
), per_agent AS (
  SELECT agent_id,
    count(*) FILTER (WHERE outcome = 'answered') AS handled_calls,
    sum(talk_s + hold_s + acw_s) FILTER (WHERE outcome = 'answered') / nullif(count(*) FILTER (WHERE outcome = 'answered'), 0) AS aht,
    sum(talk_s) FILTER (WHERE outcome = 'answered') / nullif(count(*) FILTER (WHERE outcome = 'answered'), 0) AS avg_talk_time,
    sum(hold_s) FILTER (WHERE outcome = 'answered') / nullif(count(*) FILTER (WHERE outcome = 'answered'), 0) AS avg_hold_time,
    sum(acw_s) FILTER (WHERE acw_s > 0) / nullif(count(*) FILTER (WHERE acw_s > 0), 0) AS avg_acw_time,
    100.0 * count(*) FILTER (WHERE transferred AND outcome = 'answered') / nullif(count(*) FILTER (WHERE outcome = 'answered'), 0) AS transfer_rate,
    100.0 * avg(CASE WHEN next_offer IS NULL OR next_offer > offered_at + INTERVAL 7 DAY THEN 1 ELSE 0 END)
          FILTER (WHERE outcome = 'answered' AND customer_id IS NOT NULL) AS fcr
  FROM p WHERE agent_id IS NOT NULL GROUP BY agent_id
), per_queue AS (
  SELECT queue,
    100.0 * count(*) FILTER (WHERE outcome = 'answered' AND epoch(answered_at) - epoch(offered_at) <= 20)
      / nullif(count(*) FILTER (WHERE NOT (outcome = 'abandoned' AND epoch(ended_at) - epoch(offered_at) < 5)), 0) AS service_level,
    avg(epoch(answered_at) - epoch(offered_at)) FILTER (WHERE outcome = 'answered') AS asa,
    100.0 * count(*) FILTER (WHERE outcome = 'abandoned' AND epoch(ended_at) - epoch(offered_at) >= 5)
      / nullif(count(*) FILTER (WHERE NOT (outcome = 'abandoned' AND epoch(ended_at) - epoch(offered_at) < 5)), 0) AS abandon_rate
  FROM p WHERE direction = 'in' GROUP BY queue
), st AS (
  SELECT agent_id, state, epoch(end_at) - epoch(start_at) AS secs
  FROM {states}
  WHERE (start_at::TIMESTAMPTZ AT TIME ZONE '{TZ}') >= TIMESTAMP '{start}'
    AND (start_at::TIMESTAMPTZ AT TIME ZONE '{TZ}') < TIMESTAMP '{end}'
), per_agent_states AS (
  SELECT agent_id,
    100.0 * sum(secs) FILTER (WHERE state IN ('talk', 'hold', 'acw'))
      / nullif(sum(secs) FILTER (WHERE state IN ('talk', 'hold', 'acw', 'ready')), 0) AS occupancy,
    100.0 * sum(secs) FILTER (WHERE state IN ('talk', 'acw'))
      / nullif(sum(secs) FILTER (WHERE state NOT IN ('logout')), 0) AS effective_work_rate
  FROM st GROUP BY agent_id
)
SELECT * FROM per_agent FULL JOIN per_agent_states USING (agent_id)
UNION ALL BY NAME
SELECT * FROM per_queue
"""


def v_sql(info: dict) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET TimeZone = 'UTC'")
    # the machine is shared: cap DuckDB (its default is 80% of RAM); it spills beyond this
    con.execute("SET memory_limit = '10GB'")
    con.execute(f"SET temp_directory = '{Path(info['data']).parent / 'duckdb-tmp'}'")
    t0 = time.perf_counter()
    rows = con.execute(_sql_text(info)).fetchall()
    return {"seconds": time.perf_counter() - t0, "rows": len(rows)}


def v_scan(info: dict) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    d = info["data"]
    t0 = time.perf_counter()
    a = con.execute(f"""SELECT agent_id, count(*), sum(talk_s), sum(hold_s), sum(acw_s), max(offered_at),
        max(answered_at), max(ended_at), count(customer_id), count(queue), count(outcome), count(transferred),
        count(direction) FROM read_parquet('{d}/calls/*.parquet') GROUP BY agent_id""").fetchall()
    b = con.execute(f"""SELECT agent_id, count(state), max(start_at), max(end_at)
        FROM read_parquet('{d}/agent_states/*.parquet') GROUP BY agent_id""").fetchall()
    return {"seconds": time.perf_counter() - t0, "rows": len(a) + len(b)}


def v_pandas(info: dict) -> dict:
    import pandas as pd

    _, start, end = period_for(info["months"])
    d = info["data"]
    t0 = time.perf_counter()
    c = pd.read_parquet(f"{d}/calls", columns=["queue", "direction", "customer_id", "agent_id", "offered_at",
                                                "answered_at", "ended_at", "talk_s", "hold_s", "acw_s", "outcome",
                                                "transferred"])
    local = c["offered_at"].dt.tz_localize("UTC").dt.tz_convert(TZ).dt.tz_localize(None)
    c = c.sort_values(["customer_id", "offered_at"])
    c["next_offer"] = c.groupby("customer_id")["offered_at"].shift(-1)
    c = c[(local >= pd.Timestamp(start)) & (local < pd.Timestamp(end))]
    ans = c[c["outcome"] == "answered"]
    g = ans.groupby("agent_id")
    handled = g.size()
    res = pd.DataFrame({"handled_calls": handled})
    res["aht"] = (g["talk_s"].sum() + g["hold_s"].sum() + g["acw_s"].sum()) / handled
    res["avg_talk_time"] = g["talk_s"].sum() / handled
    res["avg_hold_time"] = g["hold_s"].sum() / handled
    acw = c[c["acw_s"] > 0].groupby("agent_id")["acw_s"]
    res["avg_acw_time"] = acw.sum() / acw.count()
    res["transfer_rate"] = 100 * g["transferred"].sum() / handled
    wc = ans[ans["customer_id"].notna()]
    first = wc["next_offer"].isna() | (wc["next_offer"] > wc["offered_at"] + pd.Timedelta(days=7))
    res["fcr"] = 100 * first.groupby(wc["agent_id"]).mean()
    inb = c[c["direction"] == "in"]
    life = (inb["ended_at"] - inb["offered_at"]).dt.total_seconds()
    wait = (inb["answered_at"] - inb["offered_at"]).dt.total_seconds()
    short = (inb["outcome"] == "abandoned") & (life < 5)
    counted = ~short
    q = pd.DataFrame({"queue": inb["queue"], "counted": counted,
                      "in_sl": (inb["outcome"] == "answered") & (wait <= 20),
                      "abandon": (inb["outcome"] == "abandoned") & ~short, "wait": wait})
    qg = q.groupby("queue")
    queues = pd.DataFrame({"service_level": 100 * qg["in_sl"].sum() / qg["counted"].sum(),
                           "asa": qg["wait"].mean(), "abandon_rate": 100 * qg["abandon"].sum() / qg["counted"].sum()})
    del c, ans, wc, inb, q
    s = pd.read_parquet(f"{d}/agent_states", columns=["agent_id", "state", "start_at", "end_at"])
    sl = s["start_at"].dt.tz_localize("UTC").dt.tz_convert(TZ).dt.tz_localize(None)
    s = s[(sl >= pd.Timestamp(start)) & (sl < pd.Timestamp(end))]
    s["secs"] = (s["end_at"] - s["start_at"]).dt.total_seconds()
    by = s.pivot_table(index="agent_id", columns="state", values="secs", aggfunc="sum", fill_value=0.0)
    work = by.get("talk", 0) + by.get("hold", 0) + by.get("acw", 0)
    res["occupancy"] = 100 * work / (work + by.get("ready", 0))
    res["effective_work_rate"] = 100 * (by.get("talk", 0) + by.get("acw", 0)) / by.drop(columns=["logout"], errors="ignore").sum(axis=1)
    return {"seconds": time.perf_counter() - t0, "rows": int(len(res) + len(queues))}


VARIANTS = {"ingest": cases.v_ingest_csv, "kaohe": v_kaohe, "kaohe_all": v_kaohe_all, "sql": v_sql, "scan": v_scan,
            "pandas": v_pandas, **cases.VARIANTS}
# run once per bench run (at the first size), whatever the sizes: they do not depend on the data size
ONCE = {"scoring"}
# run only on a one-month data set (the new day is the month's last)
ONE_MONTH = {"new_day", "spark_rollups"}


# --- process plumbing ------------------------------------------------------------------------
def run_measured(variant: str, info_path: Path, timeout: int) -> dict:
    """Run the variant in a wrapper process whose only child is the variant; the wrapper reports
    that child's peak RSS from RUSAGE_CHILDREN."""
    cmd = [sys.executable, __file__, "--wrap", variant, "--info", str(info_path), "--timeout", str(timeout)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    last = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not last:
        return {"error": (out.stderr or out.stdout)[-2000:]}
    return json.loads(last[-1])


def wrap(variant: str, info_path: Path, timeout: int) -> None:
    # polite by default on a shared machine; KAOHE_BENCH_NICE=0 gives the cases the same priority as the rest
    cmd = ["nice", "-n", os.environ.get("KAOHE_BENCH_NICE", "10"), sys.executable, __file__, "--child", variant,
           "--info", str(info_path)]
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(json.dumps({"error": f"timeout after {timeout} s"}))
        return
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = usage.ru_maxrss  # Linux: kilobytes
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        print(json.dumps({"error": out.stderr[-2000:], "wall_s": wall}))
        return
    res = json.loads(lines[-1])
    # CPU seconds of the child: on a shared machine they vary far less than the wall time
    res.update({"wall_s": wall, "peak_rss_mb": peak_kb / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
                # the machine is shared: its 1-minute load average (2 cores) before and after the case
                "load": [round(load_before, 1), round(os.getloadavg()[0], 1)]})
    print(json.dumps(res))


def child(variant: str, info_path: Path) -> None:
    info = json.loads(info_path.read_text())
    print(json.dumps(VARIANTS[variant](info)), flush=True)


# --- report --------------------------------------------------------------------------------------
def fmt_s(r: dict | None) -> str:
    if not r:
        return "—"
    if "error" in r:
        return "failed"
    return f"{r['seconds']:.1f} s"


def fmt_mb(r: dict | None) -> str:
    if not r or "peak_rss_mb" not in r:
        return "—"
    return f"{r['peak_rss_mb'] / 1024:.2f} GB"


def ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b or "seconds" not in a or "seconds" not in b or not a["seconds"]:
        return "—"
    return f"{b['seconds'] / a['seconds']:.1f}×"


def ratio_cpu(a: dict | None, b: dict | None) -> str:
    if not a or not b or not a.get("cpu_s") or not b.get("cpu_s"):
        return "—"
    return f"{b['cpu_s'] / a['cpu_s']:.1f}×"


def render(results: list[dict], meta: dict) -> str:
    when = ", ".join(f"{r['size']:,} calls measured {r.get('measured_at', meta['when'])}" for r in results)
    lines = [BEGIN, "", f"_Generated by `bench/run_bench.py` — {meta['machine']}; {when}._", ""]
    lines += ["| calls | agent states | months | generate | ingest CSV→store | Kaohe, 12 call/state KPIs | "
              "Kaohe, all 45 KPIs × 4 levels | (b) hand-written DuckDB SQL | (c) minimum scan | (a) pandas |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        v = r["variants"]
        ing = v.get("ingest")
        ing_txt = f"{ing['rows_per_s'] / 1e3:,.0f} k rows/s ({ing['rows']:,} rows, {fmt_mb(ing)})" \
            if ing and "rows_per_s" in ing else fmt_s(ing)
        lines.append(
            f"| {r['size']:,} | {r['counts'].get('agent_states', 0):,} | {r['months']} | {r['generate_s']:.0f} s | {ing_txt} | "
            f"{fmt_s(v.get('kaohe'))}, {fmt_mb(v.get('kaohe'))} | {fmt_s(v.get('kaohe_all'))}, {fmt_mb(v.get('kaohe_all'))} | "
            f"{fmt_s(v.get('sql'))}, {fmt_mb(v.get('sql'))} | {fmt_s(v.get('scan'))}, {fmt_mb(v.get('scan'))} | "
            f"{fmt_s(v.get('pandas'))}, {fmt_mb(v.get('pandas'))} |")
    lines += ["", "Ratios (time of the other ÷ time of Kaohe on the same 12 KPIs; above 1× means Kaohe is faster; "
              "CPU = user + system seconds of the process, steadier than wall time on a shared machine):", "",
              "| calls | vs pandas (a) | vs hand-written SQL (b) | Kaohe ÷ minimum scan (c) | vs pandas, CPU | "
              "vs SQL, CPU | all KPIs target ≤ 60 s / ≤ 8 GB |",
              "|---|---|---|---|---|---|---|"]
    for r in results:
        v = r["variants"]
        k, ka = v.get("kaohe"), v.get("kaohe_all")
        floor = "—"
        if k and v.get("scan") and "seconds" in k and "seconds" in v["scan"]:
            floor = f"{k['seconds'] / v['scan']['seconds']:.1f}×"
        target = "—"
        if ka and "seconds" in ka:
            ok = ka["seconds"] <= 60 and ka.get("peak_rss_mb", 0) <= 8192
            target = f"{'met' if ok else 'missed'} ({ka['seconds']:.1f} s, {fmt_mb(ka)})"
        lines.append(f"| {r['size']:,} | {ratio(k, v.get('pandas'))} | {ratio(k, v.get('sql'))} | {floor} | "
                     f"{ratio_cpu(k, v.get('pandas'))} | {ratio_cpu(k, v.get('sql'))} | {target} |")
    lines += ["", *render_targets(results), "", END]
    return "\n".join(lines)


def _cpu(r: dict | None) -> str:
    return f" ({r['cpu_s']:.0f} CPU-s)" if r and r.get("cpu_s") else ""


def _ok(flag: bool | None) -> str:
    return "—" if flag is None else ("**met**" if flag else "**missed**")


def render_targets(results: list[dict]) -> list[str]:
    """Issue 16's targets, each beside the baseline measured in the same run."""
    rows = []
    for r in results:
        v, size = r["variants"], f"{r['size']:,}"
        load = lambda x: "/".join(str(a) for a in x.get("load", [])) or "—"  # noqa: E731
        for key, what, floor in (("ingest", "ingest CSV, full validation", 400_000),
                                 ("ingest_parquet", "ingest Parquet, full validation", 1_000_000)):
            x = v.get(key)
            if x and "rows_per_s" in x:
                copy = x.get("copy_s")
                per_cpu = x["rows"] / x["cpu_in_s"] if x.get("cpu_in_s") else None
                rows.append(f"| {what} ≥ {floor / 1e3:,.0f} k rows/s | {size} calls ({x['rows']:,} rows) | "
                            f"{x['rows_per_s'] / 1e3:,.0f} k rows/s ({x['seconds']:.2f} s"
                            + (f"; {per_cpu / 1e3:,.0f} k rows per CPU-second" if per_cpu else "") + ") | "
                            + (f"plain Arrow read + Parquet write, no checks: {copy:.2f} s"
                               + (f", {x['copy_cpu_s']:.2f} CPU-s" if x.get("copy_cpu_s") else "")
                               + f" | {x['seconds'] / copy:.1f}× the copy's time"
                               + (f", {x['cpu_in_s'] / x['copy_cpu_s']:.1f}× its CPU" if x.get("copy_cpu_s") else "")
                               if copy else "— | —")
                            + f" | {_ok(x['rows_per_s'] >= floor)} | {load(x)} |")
        ka, cold, warm = v.get("kaohe_all"), v.get("rollups_cold"), v.get("rollups_warm")
        base = f"from records (`kaohe_all`): {ka['seconds']:.1f} s" if ka and "seconds" in ka else "—"
        if cold and "seconds" in cold:
            ok = cold["seconds"] <= 60 and cold["peak_rss_mb"] <= 8192 if r["size"] >= 100_000_000 else None
            rows.append(f"| all KPIs × 4 levels, cold store, rollups built: ≤ 60 s, ≤ 8 GB at 100M | {size} calls | "
                        f"{cold['seconds']:.1f} s (build {cold['build_s']:.1f} s + compute {cold['compute_s']:.1f} s; "
                        f"{cold['cpu_s']:.0f} CPU-s), {fmt_mb(cold)} | {base}{_cpu(ka)} | "
                        + (f"records ÷ this: {ka['seconds'] / cold['seconds']:.1f}× wall, {ka['cpu_s'] / cold['cpu_s']:.1f}× CPU"
                           if ka and "seconds" in ka else "—")
                        + f" | {_ok(ok)} | {load(cold)} |")
        elif cold:
            rows.append(f"| all KPIs × 4 levels, cold store | {size} calls | failed: {cold.get('error', '')[-120:]!r} "
                        f"| {base} | — | — | — |")
        if warm and "seconds" in warm:
            ok = warm["seconds"] <= 5 if r["months"] >= 10 else None
            rows.append(f"| rollups present, all KPIs × 4 levels, {r['months']}-month period ≤ 5 s (10 months) | "
                        f"{size} calls | {warm['seconds']:.1f} s ({warm['cpu_s']:.0f} CPU-s), {fmt_mb(warm)} | "
                        f"{base}{_cpu(ka)} | "
                        + (f"records ÷ this: {ka['seconds'] / warm['seconds']:.1f}× wall, {ka['cpu_s'] / warm['cpu_s']:.1f}× CPU"
                           if ka and "seconds" in ka else "—")
                        + f" | {_ok(ok)} | {load(warm)} |")
        nd = v.get("new_day")
        if nd and "seconds" in nd:
            rows.append(f"| one new day ({nd['calls']:,} calls, {nd['states']:,} states) imported + month to date "
                        f"refreshed ≤ 10 s | {size} calls | {nd['seconds']:.1f} s (import {nd['import_s']:.1f}, "
                        f"refresh {nd['refresh_s']:.1f}, recompute {nd['compute_s']:.1f}; {nd['cpu_in_s']:.0f} CPU-s), "
                        f"{fmt_mb(nd)} | "
                        f"month to date from records after the same import: {nd['baseline_s']:.1f} s | "
                        f"records ÷ recompute: {nd['baseline_s'] / max(nd['compute_s'], 1e-9):.1f}× | "
                        f"{_ok(nd['seconds'] <= 10)} | {load(nd)} |")
        sc = v.get("scoring")
        if sc and "seconds" in sc:
            ok = sc["seconds"] <= 2 if sc["employees"] >= 10_000 else None
            rows.append(f"| scoring {sc['employees']:,} employees × 15 indicators with traces ≤ 2 s (10,000) | — | "
                        f"{sc['seconds']:.1f} s ({sc['cpu_in_s']:.1f} CPU-s, {sc['trace_lines']:,} trace steps) | "
                        f"bare weighted-sum loop over the same inputs: {sc['baseline_s']:.2f} s | "
                        f"{sc['seconds'] / sc['baseline_s']:.0f}× the loop | {_ok(ok)} | {load(sc)} |")
        sp = v.get("spark_rollups")
        if sp and "seconds" in sp:
            rows.append(f"| Spark: rollups built on local[2] (sizes a cluster, docs/operations-spark.md) | {size} calls | "
                        f"{sp['seconds']:.1f} s, {sp['rows']:,} call and state rows, "
                        f"{sp['rows_per_core_s'] / 1e3:,.0f} k rows per core-second | "
                        f"the same build on DuckDB: {sp['baseline_s']:.1f} s | "
                        f"{sp['seconds'] / sp['baseline_s']:.1f}× DuckDB's time | — | {load(sp)} |")
        k, pd_ = v.get("kaohe"), v.get("pandas")
        if k and pd_ and "seconds" in k and "seconds" in pd_:
            ok = pd_["seconds"] / k["seconds"] >= 5 if r["size"] >= 10_000_000 else None
            rows.append(f"| ≥ 5× pandas on the 12 shared KPIs at 10M | {size} calls | Kaohe {k['seconds']:.1f} s "
                        f"({k['cpu_s']:.0f} CPU-s) | pandas {pd_['seconds']:.1f} s ({pd_['cpu_s']:.0f} CPU-s) | "
                        f"{ratio(k, pd_)} wall, {ratio_cpu(k, pd_)} CPU | {_ok(ok)} | {load(k)} |")
    if not rows:
        return []
    return ["Targets of issue 16 (each beside a baseline measured in the same run; load = the machine's "
            "1-minute load average before/after the case, 2 cores):", "",
            "| target | data | measured | baseline, same run | ratio | target | load |",
            "|---|---|---|---|---|---|---|", *rows]


def write_docs(section: str) -> None:
    path = REPO / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scale = SCALES[os.environ.get("KAOHE_BENCH_SCALE", "full")]
    ap.add_argument("--scale", choices=sorted(SCALES), help="quick (1M calls, 2,000 sheets: minutes), standard "
                    "(10M), full (10M and 100M: the targets' sizes; the default, or KAOHE_BENCH_SCALE)")
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES"))
    ap.add_argument("--employees", type=int, help="sheets scored by the scoring case (10,000 at standard/full)")
    ap.add_argument("--agents", type=int, default=10_000)
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("BENCH_CACHE", REPO / ".bench-data")))
    ap.add_argument("--variants", default=",".join(ALL_VARIANTS))
    ap.add_argument("--pandas-max", default="10M", help="largest size the pandas baseline runs at")
    ap.add_argument("--ingest-rows", help="rows of the CSV and Parquet files used to measure ingest")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per variant")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--report", action="store_true", help="measure nothing: write the latest figures of every "
                    "size (<cache>/results-latest-a<agents>.json) into docs/benchmarks.md")
    ap.add_argument("--wrap")
    ap.add_argument("--child")
    ap.add_argument("--info", type=Path)
    args = ap.parse_args()
    if args.wrap:
        return wrap(args.wrap, args.info, args.timeout)
    if args.child:
        return child(args.child, args.info)

    if args.report:
        latest = json.loads((args.cache / f"results-latest-a{args.agents}.json").read_text())
        section = render([latest[k] for k in sorted(latest, key=int)], {"when": "", "machine": _machine()})
        print(section)
        if not args.no_docs:
            write_docs(section)
        return None
    if args.scale:
        scale = SCALES[args.scale]
    args.sizes = args.sizes or scale["sizes"]
    args.ingest_rows = args.ingest_rows or scale["ingest_rows"]
    args.employees = args.employees or int(scale["employees"])
    args.cache.mkdir(parents=True, exist_ok=True)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    results = []
    done_once: set[str] = set()
    for size_text in args.sizes.split(","):
        size = parse_size(size_text)
        info = ensure_data(size, args.agents, args.cache, parse_size(args.ingest_rows))
        info_path = args.cache / f"center-{size}-a{args.agents}" / "bench-data.json"
        if info.get("employees") != args.employees or \
                info.get("ingest_rows") != min(size, parse_size(args.ingest_rows)):
            info = _reset_ingest(info, args.employees, parse_size(args.ingest_rows))
            info_path.write_text(json.dumps(info, indent=1))
        row = dict(info, variants={})
        for v in variants:
            if v == "pandas" and size > parse_size(args.pandas_max):
                continue
            if v in ONCE and v in done_once or v in ONE_MONTH and info["months"] != 1:
                continue
            done_once |= {v} & ONCE
            print(f"[{size_text}] {v} …", flush=True)
            res = run_measured(v, info_path, args.timeout)
            row["variants"][v] = res
            print(f"[{size_text}] {v}: {json.dumps(res)[:300]}", flush=True)
        row["measured_at"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        results.append(row)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        (args.cache / f"results-{stamp}.json").write_text(json.dumps(results, indent=1))
    # the docs show the latest figures of every size measured so far (sizes can run separately)
    latest_path = args.cache / f"results-latest-a{args.agents}.json"
    latest = {int(k): v for k, v in json.loads(latest_path.read_text()).items()} if latest_path.exists() else {}
    for row in results:
        old = latest.get(row["size"], {})
        row["variants"] = {**old.get("variants", {}), **row["variants"]} if old.get("generate_s") == row["generate_s"] \
            else row["variants"]
        latest[row["size"]] = row
    latest_path.write_text(json.dumps({str(k): v for k, v in latest.items()}, indent=1))
    results = [latest[k] for k in sorted(latest)]
    meta = {"when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": _machine()}
    section = render(results, meta)
    print(section)
    if not args.no_docs:
        write_docs(section)


def _reset_ingest(info: dict, employees: int, rows: int) -> dict:
    """Another run size: the scoring population and the ingest files follow it."""
    import duckdb

    info = dict(info, employees=employees)
    if info.get("ingest_rows") != rows:
        n = min(info["size"], rows)
        for old in Path(info["data"]).parent.glob("ingest-calls*"):
            old.unlink()
        cols = ("call_id, queue, direction, customer_id, agent_id, strftime(offered_at, '%Y-%m-%d %H:%M:%S.%f') offered_at, "
                "strftime(answered_at, '%Y-%m-%d %H:%M:%S.%f') answered_at, strftime(ended_at, '%Y-%m-%d %H:%M:%S.%f') "
                "ended_at, talk_s, hold_s, acw_s, outcome, transferred, disposition")
        duckdb.connect().execute(f"COPY (SELECT {cols} FROM read_parquet('{info['data']}/calls/*.parquet') LIMIT {n}) "
                                 f"TO '{info['ingest_csv']}' (HEADER, DELIMITER ',')")
        info["ingest_rows"] = n
    return info


def _machine() -> str:
    return (f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
            f"{_mem_gb():.0f} GB RAM")


def _mem_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        return float("nan")


if __name__ == "__main__":
    main()
