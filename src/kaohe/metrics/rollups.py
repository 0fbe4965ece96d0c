"""Rollups: KPI parts folded per agent, queue and local day as import batches land.

Every rolled-up KPI is additive (see docs/rollups.md): its ``num``, ``den`` and ``n`` are
sums over rows, so the parts of a month are the sums of the parts of its days. The store
keeps them next to the records::

    DATA/_rollups/manifest.json                 time zone, KPI specs, folded batches, partitions
    DATA/_rollups/base=calls/2026-10-08.parquet  one row per (employee_id, queue, day): the parts of
                                                 every rolled-up KPI over the calls base, as columns
    DATA/_rollups/kpi=fcr.<hash>/...             a rolled-up ``build`` KPI (FCR), one file per day
    DATA/_rollups/index=calls/...                the narrow per-day index a windowed KPI is rebuilt from
    DATA/_rollups/inputs=calls/...               rows per (employee, queue, day, batch): drill-down counts

Partitions are whole local days of the company zone. A batch is folded by rebuilding the
days it touches from the records (the same Ibis code as ``compute_kpis``, on DuckDB or
Spark), so a superseding batch (corrected records) is folded exactly: the days of the
rows it replaced and the days of its own rows are rebuilt. A windowed KPI (FCR: did the
customer call again within N days) also rebuilds the N days before each touched day, from a
narrow per-day index of the columns it declares (``rollup_index``) instead of the records.

``compute_kpis`` reads the rollups of a data directory when they are *current* (every
committed batch folded, at its present content), the period is whole local days in the
rollups' zone and the KPI is rolled up; anything else is computed from the records.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import ibis.expr.operations as ops
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from ibis.common.exceptions import IbisError

from kaohe.metrics.backends import EventSource, duckdb_backend, spark_backend
from kaohe.metrics.calendar import WorkCalendar
from kaohe.metrics.catalog.bases import BASES
from kaohe.metrics.catalog.context import BuildContext
from kaohe.metrics.catalog.periods import Period, ZoneCut
from kaohe.metrics.catalog.registry import KpiError, KpiSpec, kpi_spec, list_kpis
from kaohe.metrics.events import get_table
from kaohe.metrics.store import Store

log = logging.getLogger(__name__)

ROLLUP_DIR = "_rollups"
MANIFEST = "manifest.json"
FORMAT = 1
DEFAULT_TZ = "Asia/Shanghai"
PART_KEYS = ("num", "den", "n")
INPUT_KEYS = ("_who", "_queue", "bucket", "_batch")


class RollupError(KpiError):
    pass


# --- what is rolled up ---------------------------------------------------------------------
def default_specs() -> list[KpiSpec]:
    """Every KPI that declares ``rollup=True``, with its default parameters (when it has them)."""
    out = []
    for d in list_kpis():
        if d.rollup and not any(p.required for p in d.params):
            out.append(kpi_spec(d.id))
    return out


def spec_key(spec: KpiSpec) -> str:
    return f"{spec.id}.{hashlib.sha1(spec.params_key.encode()).hexdigest()[:8]}"


@dataclass
class Group:
    """One rollup table: a base shared by parts KPIs, one ``build`` KPI, or a table's drill-down counts."""

    name: str
    kind: str  # base | build | inputs
    tables: tuple[str, ...]
    specs: list[KpiSpec] = field(default_factory=list)
    lookahead: int = 0  # days before a touched day whose partition also changes
    columns: tuple[str, ...] = ()  # an index: the narrow columns kept per day


def plan(specs: Iterable[KpiSpec]) -> dict[str, Group]:
    from kaohe.metrics.compute import DATE_TABLES, TIME_COLUMNS

    groups: dict[str, Group] = {}
    for s in specs:
        d = s.definition
        if not d.rollup:
            raise RollupError(f"KPI {s.id!r} does not declare rollup=True; it is computed from the records")
        if d.parts is not None:
            base = BASES[d.base or ""]
            g = groups.setdefault(f"base={base.name}", Group(f"base={base.name}", "base", (base.table,)))
            g.tables = tuple(sorted(set(g.tables) | set(d.inputs)))
            g.specs.append(s)
        else:
            ahead = int(s.params.get(d.rollup_lookahead) or 0) if d.rollup_lookahead else 0
            name = f"kpi={spec_key(s)}"
            groups[name] = Group(name, "build", tuple(sorted(d.inputs)), [s], ahead)
            if d.rollup_index:  # built before the KPI (names sort "index=" < "kpi=")
                table = d.inputs[0]
                ix = groups.setdefault(f"index={table}", Group(f"index={table}", "index", (table,)))
                ix.columns = tuple(sorted(set(ix.columns) | set(d.rollup_index)))
    for t in sorted({t for g in list(groups.values()) for t in g.tables}):
        if t in TIME_COLUMNS or t in DATE_TABLES:
            groups[f"inputs={t}"] = Group(f"inputs={t}", "inputs", (t,))
    return groups


# --- additivity ---------------------------------------------------------------------------
def additive(expr: Any) -> bool:
    """Whether a parts reduction is a linear combination of sums and counts (adds up over days)."""
    if expr is None:
        return True
    return _additive_op(expr.op())


def _additive_op(op: Any) -> bool:
    if isinstance(op, ops.Sum | ops.CountStar | ops.Count):
        return True
    if isinstance(op, ops.Literal):
        return op.value is None or isinstance(op.value, int | float)
    if isinstance(op, ops.Cast | ops.Negate):
        return _additive_op(op.arg)
    if isinstance(op, ops.Add | ops.Subtract):
        return _additive_op(op.left) and _additive_op(op.right)
    if isinstance(op, ops.Multiply):
        return (isinstance(op.left, ops.Literal) and _additive_op(op.right)) or (
            isinstance(op.right, ops.Literal) and _additive_op(op.left))
    if isinstance(op, ops.Divide):
        return isinstance(op.right, ops.Literal) and _additive_op(op.left)
    return False


# --- manifest -------------------------------------------------------------------------------
def rollup_root(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / ROLLUP_DIR


def load_manifest(data_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    p = rollup_root(data_dir) / MANIFEST
    if not p.is_file():
        return None
    m: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
    return m if m.get("format") == FORMAT else None


def _write_manifest(root: Path, m: dict[str, Any]) -> None:
    tmp = root / f"{MANIFEST}.tmp-{secrets.token_hex(4)}"
    tmp.write_text(json.dumps(m, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, root / MANIFEST)


def _fingerprint(store: Store, entry: Mapping[str, Any]) -> str | None:
    """The present content of a batch file (a superseding batch rewrites older files)."""
    if not entry.get("path"):
        return None
    p = store.root / entry["path"]
    try:
        st = p.stat()
    except FileNotFoundError:
        return None
    return f"{entry['path']}:{st.st_size}:{st.st_mtime_ns}"


def _tables(groups: Mapping[str, Group]) -> set[str]:
    return {t for g in groups.values() for t in g.tables}


def pending(store: Store, manifest: Mapping[str, Any], tables: set[str]) -> tuple[dict[str, set[date]], dict[str, Any]]:
    """Days to rebuild per table, and the batch entries the manifest will hold afterwards."""
    tz = manifest["tz"]
    old: dict[str, Any] = manifest.get("batches", {})
    new: dict[str, Any] = {}
    touched: dict[str, set[date]] = {}
    entries = store.batches()
    # corrections whose new batch is committed: the rows they replaced are kept, so a rewritten
    # older batch changes exactly the days of those rows (added below), not all of its days
    corrections = {e["correction"]: e for e in entries if e.get("correction")}
    for entry in entries:
        table = entry["table"]
        if table not in tables:
            continue
        fp = _fingerprint(store, entry)
        if fp is None:
            continue
        bid = entry["batch_id"]
        was = old.get(bid)
        if was is not None and was["fingerprint"] == fp:
            new[bid] = was
            continue
        days = batch_days(store.root / entry["path"], table, tz)
        new[bid] = {"table": table, "fingerprint": fp, "days": sorted(d.isoformat() for d in days)}
        explained = was is not None and _explained(entry, corrections)
        if was is None or not explained:
            touched.setdefault(table, set()).update(days)
        if was is not None and not explained:  # rewritten: the days of its former rows change too
            touched[table].update(date.fromisoformat(d) for d in was["days"])
        if was is None and entry.get("superseded_path"):  # the rows this correction replaced
            replaced = store.root / entry["superseded_path"]
            if replaced.is_file():
                touched[table].update(batch_days(replaced, table, tz))
    by_id = {e["batch_id"]: e for e in entries}
    for bid, was in old.items():
        if bid not in new and not (bid in by_id and _explained(by_id[bid], corrections)):
            # removed, or every row superseded by a correction not committed yet
            touched.setdefault(was["table"], set()).update(date.fromisoformat(d) for d in was["days"])
    return touched, new


def _explained(entry: Mapping[str, Any], corrections: Mapping[str, Any]) -> bool:
    """Whether every rewrite of a batch file is a committed correction with its replaced rows kept."""
    done = entry.get("rewritten_for") or []
    return bool(done) and all(c in corrections and corrections[c].get("superseded_path") for c in done)


def batch_days(path: Path, table: str, tz: str) -> set[date]:
    """Local days a batch file's rows fall on: every timestamp and date column, and for
    intervals (start_at .. end_at) every day in between."""
    schema = get_table(table)
    ts = [c.name for c in schema.columns if c.type == "ts"]
    dates = [c.name for c in schema.columns if c.type == "date"]
    t = pq.read_table(path, columns=ts + dates)
    days: set[date] = set()

    def quarters(col: Any) -> Any:
        # every zone's offset is a whole number of quarter hours, so the instants of one quarter
        # hour fall on one local day: converting the distinct quarter hours is enough
        return pc.floor_temporal(pc.cast(col, pa.timestamp("us")), multiple=15, unit="minute")

    def local_days(col: Any) -> pd.Series:
        s = pd.Series(pc.unique(col).drop_null().to_pandas())
        if s.empty:
            return s
        return s.dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D")

    interval = "start_at" in ts and "end_at" in ts
    for c in ts:
        if interval and c in ("start_at", "end_at"):
            continue
        days.update(d.date() for d in local_days(quarters(t[c])).unique())
    for c in dates:
        days.update(d for d in t[c].unique().to_pylist() if d is not None)
    if interval and t.num_rows:
        s = pc.cast(t["start_at"], pa.timestamp("us"))
        e = pc.coalesce(pc.cast(t["end_at"], pa.timestamp("us")), s)
        tick = pa.scalar(1, pa.duration("us"))
        e = pc.subtract(pc.if_else(pc.greater(e, s), e, pc.add(s, tick)), tick)  # the last instant in the state
        pairs = pa.table({"a": quarters(s), "b": quarters(e)}).group_by(["a", "b"]).aggregate([]).to_pandas()
        pairs = pairs.dropna()
        frame = pd.DataFrame({"a": _local(pairs["a"], tz), "b": _local(pairs["b"], tz)}).drop_duplicates()
        for a, b in frame.itertuples(index=False):
            d = a.date()
            while d <= b.date():
                days.add(d)
                d += timedelta(days=1)
    return days


def _local(s: pd.Series, tz: str) -> pd.Series:
    """UTC instants (naive) as the start of their local day in ``tz``."""
    return pd.to_datetime(s).dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D")


# --- building -----------------------------------------------------------------------------
@dataclass
class RefreshReport:
    """What a refresh did: the day partitions rebuilt per rollup table and the batches folded."""

    rebuilt: dict[str, list[date]] = field(default_factory=dict)
    batches_folded: list[str] = field(default_factory=list)
    full: bool = False
    # day files of a narrow index read to rebuild windowed KPIs (FCR)
    index_reads: list[tuple[str, date]] = field(default_factory=list)

    @property
    def days(self) -> set[date]:
        return {d for ds in self.rebuilt.values() for d in ds}


def refresh_rollups(
    store: Store | str | os.PathLike[str],
    *,
    tz: str | None = None,
    specs: Iterable[Any] | None = None,
    backend: str = "duckdb",
    session: Any = None,
    threads: int | None = None,
) -> RefreshReport:
    """Build the rollups of a store, or bring them up to date with the batches committed since.

    tz       the company zone whose local days partition the rollups (default: the zone the
             rollups were built in, else Asia/Shanghai). A different zone rebuilds everything.
    specs    KPI specs to roll up (ids, (id, params) ...): default every KPI declaring rollup=True
             at its default parameters, plus the specs already rolled up. A different list
             rebuilds everything.
    backend  "duckdb" or "spark" (``session``: a Spark session): the parts are computed by the
             same Ibis code as compute_kpis on that backend.
    """
    store = store if isinstance(store, Store) else Store(store)
    root = rollup_root(store.root)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _refresh_locked(store, root, tz, specs, backend, session, threads)


def _refresh_locked(store: Store, root: Path, tz: str | None, specs: Iterable[Any] | None, backend: str,
                    session: Any, threads: int | None) -> RefreshReport:
    old = load_manifest(store.root)
    tz = tz or (old or {}).get("tz") or DEFAULT_TZ
    if specs is None:
        chosen = default_specs() + ([kpi_spec((s["id"], s["params"])) for s in old["specs"]] if old else [])
    else:
        chosen = [kpi_spec(s) for s in specs]
    seen: dict[str, KpiSpec] = {}
    for s in chosen:
        seen.setdefault(spec_key(s), s)
    spec_list = [seen[k] for k in sorted(seen)]
    groups = plan(spec_list)
    spec_rows = [{"id": s.id, "params": s.params, "key": spec_key(s)} for s in spec_list]
    report = RefreshReport()
    if old is None or old.get("tz") != tz or old.get("specs") != spec_rows:
        # no reader may trust the old manifest while the tables are rebuilt (or if the build fails)
        (root / MANIFEST).unlink(missing_ok=True)
        for f in root.glob("*=*/*.parquet"):
            f.unlink()
        # a new build id: a month summary written for the old partitions can never pass for a new one
        old = {"format": FORMAT, "tz": tz, "specs": spec_rows, "batches": {}, "groups": {},
               "generation": int((old or {}).get("generation", 0)), "build": secrets.token_hex(8)}
        report.full = True
    m: dict[str, Any] = dict(old)
    touched, batches = pending(store, m, _tables(groups))
    report.batches_folded = sorted(b for b in batches if b not in m.get("batches", {})
                                   or m["batches"][b] != batches[b])
    gen = int(m.get("generation", 0)) + 1
    work: dict[str, set[date]] = {}
    for g in groups.values():
        days = set().union(*[touched.get(t, set()) for t in g.tables]) if g.tables else set()
        for d in list(days):
            days.update(d - timedelta(days=k) for k in range(1, g.lookahead + 1))
        if days:
            work[g.name] = days
    if work:
        src = _source(store, backend, session, threads)
        ginfo: dict[str, Any] = {k: dict(v, days=dict(v["days"])) for k, v in m.get("groups", {}).items()}
        for name, days in sorted(work.items()):
            g = groups[name]
            info = ginfo.setdefault(name, {"kind": g.kind, "tables": list(g.tables), "days": {},
                                            "specs": [spec_key(s) for s in g.specs]})
            for start, end in _runs(days):
                frame, keys = _build(g, src, start, end, tz, _IndexReader(root, ginfo, report))
                info["keys"] = keys
                table = _write_days(root / name, frame, keys, start, end, info["days"], gen)
                if table is not None and g.kind != "index" and start.day == 1 and end == _next_month(start):
                    # a whole month rebuilt (a first build): its summary costs one group-by of what is in hand
                    month = start.isoformat()[:7]
                    present = {d: v for d, v in info["days"].items() if d.startswith(month + "-")}
                    _keep_summary(root / name / f"month-{month}-{month_signature(m, present)}.parquet",
                                  month_summary([table], keys, month))
            report.rebuilt[name] = sorted(days)
        m["groups"] = ginfo
    m["batches"] = batches
    m["generation"] = gen
    m["last_refresh"] = {k: [d.isoformat() for d in v] for k, v in report.rebuilt.items()}
    m["last_index_reads"] = sorted({f"{g}/{d.isoformat()}" for g, d in report.index_reads})
    _write_manifest(root, m)
    return report


def _source(store: Store, backend: str, session: Any, threads: int | None) -> EventSource:
    if backend == "duckdb":
        return duckdb_backend(data_dir=store.root, threads=threads)
    if backend in ("spark", "pyspark"):
        return spark_backend(session, data_dir=store.root)
    raise ValueError(f"backend {backend!r} must be 'duckdb' or 'spark'")


def _runs(days: set[date]) -> list[tuple[date, date]]:
    """Contiguous runs of days as [start, end) pairs, cut at each month's start: one aggregation
    holds at most a month of parts in memory, however long the store's history."""
    out: list[tuple[date, date]] = []
    for d in sorted(days):
        if out and out[-1][1] == d and d.day != 1:
            out[-1] = (out[-1][0], d + timedelta(days=1))
        else:
            out.append((d, d + timedelta(days=1)))
    return out


def _context(src: EventSource, start: date, end: date, tz: str, margin: int) -> BuildContext:
    per = Period(datetime(start.year, start.month, start.day), datetime(end.year, end.month, end.day), "day")
    return BuildContext(src.table, per, ZoneCut.for_period(per, tz, timedelta(days=margin)), WorkCalendar(), src.backend)


class _IndexReader:
    """The narrow per-day index of a table, as an Ibis table over some days (for windowed KPIs)."""

    def __init__(self, root: Path, ginfo: Mapping[str, Any], report: RefreshReport):
        self.root, self.ginfo, self.report = root, ginfo, report

    def table(self, table: str, start: date, end: date) -> Any:
        import ibis

        name = f"index={table}"
        info = self.ginfo.get(name)
        if info is None or not info.get("keys"):
            return None
        schema = get_table(table).arrow_schema(with_batch=False)
        cols = [c for c in info["keys"] if c != "bucket"]
        parts = []
        d = start
        while d < end:
            if d.isoformat() in info["days"]:
                parts.append(pq.read_table(self.root / name / f"{d.isoformat()}.parquet", columns=cols))
                self.report.index_reads.append((name, d))
            d += timedelta(days=1)
        empty = pa.schema([schema.field(c) for c in cols]).empty_table()
        return ibis.memtable(pa.concat_tables([empty.cast(empty.schema), *[p.cast(empty.schema) for p in parts]]))


def _build(g: Group, src: EventSource, start: date, end: date, tz: str,
           index: _IndexReader | None = None) -> tuple[pd.DataFrame | pa.Table, list[str]]:
    """The parts of a group's KPIs for the days [start, end), one row per key and day."""
    from kaohe.metrics.compute import TIME_COLUMNS, table_inputs

    ctx = _context(src, start, end, tz, g.lookahead)
    if any(not ctx.has(t) for t in g.tables if g.kind != "base") or (g.kind == "base" and not ctx.has(g.tables[0])):
        return pd.DataFrame(), []
    if g.kind == "inputs":
        df = table_inputs(ctx, src, [g.tables[0]]).drop(columns=["table"])
        df["rows"] = df["rows"].astype("int64")
        return df, list(INPUT_KEYS)
    if g.kind == "index":
        table = g.tables[0]
        t = ctx.bucket_points(ctx.table(table), TIME_COLUMNS[table])
        res = t.select(*g.columns, "bucket").to_pyarrow()
        # in a fixed order (customer first when there is one), so the index is the same however batches came
        order = sorted(g.columns, key=lambda c: (c != "customer_id", c != "offered_at", c))
        idx = pc.sort_indices(res, sort_keys=[(c, "ascending", "at_end") for c in ["bucket", *order]])
        keys = [*g.columns, "bucket"]
        return _typed(res.take(idx), keys), keys
    if g.kind == "build":
        s = g.specs[0]
        build = s.definition.build
        assert build is not None  # a build group holds a build KPI
        if s.definition.rollup_index and index is not None:
            # the window reads the narrow index of the days it spans, not the records
            table = s.definition.inputs[0]
            narrow = index.table(table, start - timedelta(days=1), end + timedelta(days=g.lookahead + 1))
            if narrow is not None:
                ctx = BuildContext(lambda n: narrow if n == table else src.table(n), ctx.period, ctx.cut,
                                   ctx.calendar, ctx.backend)
        res = build(ctx, s.params).to_pyarrow()
        keys = [c for c in ("employee_id", "queue", "bucket") if c in res.column_names]
        res = res.rename_columns([f"{spec_key(s)}:{c}" if c in PART_KEYS else c for c in res.column_names])
        return _typed(res, keys), keys
    base = BASES[g.name.split("=", 1)[1]]
    # the base computes what its KPIs need (agent states: the schedule join for adherence)
    ctx._memo["base_kpis"] = frozenset(s.id for s in g.specs)
    t = base.make(ctx)
    aggs: dict[str, Any] = {}
    by_op: dict[Any, str] = {}
    cols: dict[str, str] = {}
    for s in g.specs:
        assert s.definition.parts is not None  # base groups hold parts KPIs
        p = s.definition.parts(t, s.params)
        for k in PART_KEYS:
            expr = p.get(k)
            if not additive(expr):
                raise RollupError(f"KPI {s.id!r} declares rollup=True but its {k} is not a sum or count; "
                                  "set rollup=False (computed from records) or express it as sums")
            if expr is None:
                cols[f"{spec_key(s)}:{k}"] = ""
                continue
            name = by_op.setdefault(expr.op(), f"a{len(by_op)}")
            aggs[name] = expr
            cols[f"{spec_key(s)}:{k}"] = name
    keys = list(base.group_by)
    res = t.group_by(*keys).aggregate(**aggs).to_pyarrow()  # Arrow end to end: no pandas round trip
    columns = {k: res[k] for k in keys}
    for col, name in cols.items():
        columns[col] = res[name] if name else pa.nulls(res.num_rows, pa.float64())
    return _typed(pa.table(columns), keys), keys


def _typed(t: pa.Table, keys: Sequence[str]) -> pa.Table:
    """The partition's column types: keys as text (the bucket a timestamp), parts as float64."""
    fields = []
    for name in t.column_names:
        if name == "bucket" or pa.types.is_timestamp(t.schema.field(name).type):
            fields.append(pa.field(name, pa.timestamp("us")))
        elif name in keys:
            fields.append(pa.field(name, pa.string()))
        else:
            fields.append(pa.field(name, pa.float64()))
    return t.cast(pa.schema(fields))


def _arrow(df: pd.DataFrame, keys: Sequence[str]) -> pa.Table:
    fields = []
    for c in df.columns:
        if c == "bucket" or pd.api.types.is_datetime64_any_dtype(df[c]):
            fields.append(pa.field(c, pa.timestamp("us")))
        elif c == "rows":
            fields.append(pa.field(c, pa.int64()))
        elif c in keys:
            fields.append(pa.field(c, pa.string()))
        else:
            fields.append(pa.field(c, pa.float64()))
    df = df.copy()
    for c in keys:
        if c != "bucket" and not pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = df[c].astype("object").where(df[c].notna(), None)
    return pa.Table.from_pandas(df, schema=pa.schema(fields), preserve_index=False)


def _next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def _write_days(d: Path, frame: pd.DataFrame | pa.Table, keys: list[str], start: date, end: date,
                days: dict[str, int], gen: int) -> pa.Table | None:
    """Write one partition per day of [start, end) (none for a day without rows); returns the rows
    written as one Arrow table (None when there were none)."""
    d.mkdir(parents=True, exist_ok=True)
    by_day: dict[date, pa.Table] = {}
    table = None
    if len(frame):
        # one Arrow table for the whole run of days, then a slice per day
        table = frame if isinstance(frame, pa.Table) else \
            _arrow(frame.assign(bucket=pd.to_datetime(frame["bucket"])), keys)
        day_of = pc.cast(pc.floor_temporal(table["bucket"], unit="day"), pa.date32())
        order = pc.sort_indices(day_of)
        table, day_of = table.take(order), day_of.take(order)
        values, counts = pc.value_counts(day_of).flatten() if len(day_of) else ([], [])
        pos = 0
        runs = sorted(zip(values.to_pylist(), counts.to_pylist(), strict=True)) if len(day_of) else []
        for day_value, count in runs:
            by_day[day_value] = table.slice(pos, count)
            pos += count
    day = start
    while day < end:
        path = d / f"{day.isoformat()}.parquet"
        sub = by_day.get(day)
        if sub is None or sub.num_rows == 0:
            path.unlink(missing_ok=True)
            days.pop(day.isoformat(), None)
        else:
            tmp = d / f".{day.isoformat()}.tmp-{secrets.token_hex(4)}"
            pq.write_table(sub, tmp)
            os.replace(tmp, path)
            days[day.isoformat()] = gen
        day += timedelta(days=1)
    return table


# --- reading ------------------------------------------------------------------------------
@dataclass
class RollupCache:
    """Partitions read so far, kept between ``compute_kpis`` calls: a month-to-date refresh reads
    only the days whose partition changed. ``reads`` lists every (group, day or month) read from disk."""

    tables: dict[tuple[str, str], tuple[Any, pa.Table]] = field(default_factory=dict)
    reads: list[tuple[str, str]] = field(default_factory=list)

    def get(self, root: Path, group: str, day: str, gen: Any) -> pa.Table:
        hit = self.tables.get((group, day))
        if hit is not None and hit[0] == gen:
            return hit[1]
        t = pq.read_table(root / group / f"{day}.parquet")
        self.tables[(group, day)] = (gen, t)
        self.reads.append((group, day))
        return t

    def month(self, root: Path, group: str, month: str, sig: str, days: Mapping[str, Any],
              keys: Sequence[str], build: str = "") -> pa.Table:
        """A whole month of a group summed over its days (one row per key): read from its summary
        file when one exists for these day partitions, else summed from the days and kept."""
        slot = f"month-{month}"
        hit = self.tables.get((group, slot))
        if hit is not None and hit[0] == sig:
            return hit[1]
        path = root / group / f"{slot}-{sig}.parquet"
        try:
            t = pq.read_table(path)
            self.reads.append((group, slot))
        except FileNotFoundError:
            t = month_summary([self.get(root, group, d, f"{build}:{g}") for d, g in sorted(days.items())], keys,
                              month)
            _keep_summary(path, t)
        self.tables[(group, slot)] = (sig, t)
        return t


def month_signature(manifest: Mapping[str, Any], days: Mapping[str, Any]) -> str:
    """Which partitions a month summary was made from: the build and each day's generation."""
    items = [manifest.get("build", ""), sorted((d, int(g)) for d, g in days.items())]
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()[:16]


def month_summary(tables: Sequence[pa.Table], keys: Sequence[str], month: str) -> pa.Table:
    """The day partitions of one month summed per key (sums and counts add up; see ``additive``)."""
    t = pa.concat_tables(list(tables), promote_options="permissive")
    group_keys = [k for k in keys if k != "bucket"]
    values = [c for c in t.column_names if c not in keys]
    agg = t.group_by(group_keys, use_threads=False).aggregate([(c, "sum") for c in values])
    agg = agg.rename_columns([c[:-4] if c.endswith("_sum") and c[:-4] in values else c for c in agg.column_names])
    start = datetime.fromisoformat(f"{month}-01")
    agg = agg.append_column("bucket", pa.repeat(pa.scalar(start, pa.timestamp("us")), agg.num_rows))
    return agg.select(t.column_names).cast(t.schema)


def _keep_summary(path: Path, t: pa.Table) -> None:
    """Write a month summary atomically and drop the month's older summaries; a read-only or
    full disk only means the next reader sums the days again."""
    tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    try:
        pq.write_table(t, tmp)
        os.replace(tmp, path)
        prefix = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{prefix}-*.parquet"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        log.warning("month summary %s not kept", path, exc_info=True)
        tmp.unlink(missing_ok=True)


class RollupView:
    """The rollups of one data directory, seen for one period."""

    def __init__(self, root: Path, manifest: dict[str, Any], period: Period, cache: RollupCache):
        self.root, self.m, self.period, self.cache = root, manifest, period, cache
        self.keys = {s["key"]: s for s in manifest["specs"]}
        self.served: list[KpiSpec] = []

    def _group_of(self, spec: KpiSpec) -> str | None:
        k = spec_key(spec)
        if k not in self.keys:
            return None
        for name, info in self.m.get("groups", {}).items():
            if k in info.get("specs", []) and info.get("keys"):
                return str(name)
        return None

    def _days(self) -> list[str]:
        out, d = [], self.period.start
        while d < self.period.end:
            out.append(d.date().isoformat())
            d += timedelta(days=1)
        return out

    def _whole_month(self, days: list[str]) -> bool:
        """Do ``days`` make a whole calendar month that falls in one bucket of the period?"""
        first = date.fromisoformat(days[0])
        nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        if first.day != 1 or len(days) != (nxt - first).days:
            return False
        return bool(self.period.bucket_key(datetime.fromisoformat(days[0]))
                    == self.period.bucket_key(datetime.fromisoformat(days[-1])))

    def _read(self, group: str) -> pa.Table | None:
        info = self.m["groups"][group]
        tables = []
        by_month: dict[str, list[str]] = {}
        for day in self._days():
            by_month.setdefault(day[:7], []).append(day)
        for month, days in by_month.items():
            present = {d: info["days"][d] for d in days if d in info["days"]}
            if not present:
                continue
            if self._whole_month(days):
                t = self.cache.month(self.root, group, month, month_signature(self.m, present), present,
                                     info["keys"], str(self.m.get("build", "")))
                tables.append(self._in_bucket(t, days[0]))
                continue
            for day, gen in present.items():
                # the build id too: a full rebuild starts the generations again
                version = f"{self.m.get('build', '')}:{gen}"
                tables.append(self._in_bucket(self.cache.get(self.root, group, day, version), day))
        if not tables:
            return None
        return pa.concat_tables(tables, promote_options="permissive")

    def _in_bucket(self, t: pa.Table, day: str) -> pa.Table:
        key = self.period.bucket_key(datetime.fromisoformat(day))
        i = t.schema.get_field_index("bucket")
        return t.set_column(i, "bucket", pa.repeat(pa.scalar(key, pa.timestamp("us")), t.num_rows))

    def parts(self, specs: Sequence[KpiSpec]) -> dict[KpiSpec, pd.DataFrame]:
        from kaohe.metrics.compute import _normalise

        by_group: dict[str, list[KpiSpec]] = {}
        for s in specs:
            g = self._group_of(s)
            if g is not None:
                by_group.setdefault(g, []).append(s)
        out: dict[KpiSpec, pd.DataFrame] = {}
        for g, mine in by_group.items():
            keys = list(self.m["groups"][g]["keys"])
            t = self._read(g)
            cols = [f"{spec_key(s)}:{k}" for s in mine for k in PART_KEYS]
            if t is None:
                df = pd.DataFrame({k: pd.Series([], dtype="datetime64[us]" if k == "bucket" else object)
                                   for k in keys} | {c: pd.Series([], dtype="float64") for c in cols})
            else:
                agg = t.select(keys + cols).group_by(keys, use_threads=False).aggregate([(c, "sum") for c in cols])
                df = agg.rename_columns([f"{c}_sum" if c in cols else c for c in agg.column_names]).to_pandas()
                df = df.rename(columns={f"{c}_sum": c for c in cols})
            for s in mine:
                part = df[keys].copy()
                for k in PART_KEYS:
                    part[k] = df[f"{spec_key(s)}:{k}"]
                out[s] = _normalise(part)
                self.served.append(s)
        return out

    def has_inputs(self, table: str) -> bool:
        info = self.m.get("groups", {}).get(f"inputs={table}")
        return bool(info and info.get("keys"))

    def inputs(self, table: str) -> pd.DataFrame:
        t = self._read(f"inputs={table}")
        if t is None:
            return pd.DataFrame(columns=[*INPUT_KEYS, "rows", "table"])
        agg = t.group_by(list(INPUT_KEYS), use_threads=False).aggregate([("rows", "sum")])
        df = agg.to_pandas().rename(columns={"rows_sum": "rows"})
        df["table"] = table
        return df


def open_view(src: EventSource, period: Period, tz: str, cache: RollupCache | None = None) -> RollupView | None:
    """The rollups of ``src``'s data directory for ``period`` when they can serve it, else None."""
    if src.data_dir is None:
        return None
    m = load_manifest(src.data_dir)
    if m is None or m.get("tz") != tz:
        return None
    if period.start.time() != datetime.min.time() or period.end.time() != datetime.min.time():
        return None
    store = Store(src.data_dir)
    tables = {t for info in m.get("groups", {}).values() for t in info.get("tables", [])}
    if any((store.root / f"{t}.parquet").exists() for t in tables):
        return None  # tables outside the store's batches: the rollups do not know them
    touched, _ = pending(store, m, tables)
    if touched:
        return None  # batches not folded yet: the records are the truth
    return RollupView(rollup_root(src.data_dir), m, period, cache if cache is not None else RollupCache())


def rollups_current(data_dir: str | os.PathLike[str]) -> bool:
    """Whether every committed batch of the store is folded into its rollups."""
    m = load_manifest(data_dir)
    if m is None:
        return False
    tables = {t for info in m.get("groups", {}).values() for t in info.get("tables", [])}
    return not pending(Store(data_dir), m, tables)[0]


def fold_after_commit(store: Store) -> None:
    """Called by Store.commit: fold a new batch into the rollups of a store that has them.

    A failure leaves the rollups stale, never wrong: compute_kpis then reads the records
    until the next refresh_rollups."""
    if load_manifest(store.root) is None:
        return
    try:
        refresh_rollups(store)
    except (OSError, ValueError, RuntimeError, pa.ArrowException, IbisError, duckdb.Error):
        # the batch is committed; the rollups wait for the next refresh (a bug elsewhere still raises)
        log.exception("rollups of %s not refreshed", store.root)
