"""Compute KPI values per org entity and period: the public entry point of the metrics layer.

The work is split in two:

1. on the backend (DuckDB or Spark), each KPI yields additive *parts* per employee and
   bucket: ``num``, ``den`` and the sample size ``n``. KPIs over the same base table
   share one aggregation, so the calls are scanned once for all call KPIs;
2. in Python, the small per-employee parts are summed up the org tree (team,
   department, center) and divided only at the end: a team value is Σnum / Σden,
   never a mean of agent means.

A value whose sample size is 0 is missing (``None``), never 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import ibis
import pandas as pd

from kaohe.metrics import attribution, uptree
from kaohe.metrics.attribution import Attribution
from kaohe.metrics.backends import EventSource, open_source
from kaohe.metrics.calendar import WorkCalendar
from kaohe.metrics.catalog.bases import BASES
from kaohe.metrics.catalog.context import BuildContext, MissingTableError
from kaohe.metrics.catalog.periods import Period, ZoneCut
from kaohe.metrics.catalog.registry import KpiError, KpiSpec, kpi_spec

ORG_LEVELS = attribution.ORG_LEVELS
UNIT_LEVELS = ("team", "department", "center")
LEVELS = ("agent", "team", "department", "center", "queue", "company")
COMPANY_ID = "company"
VALUE_QUANTUM = Decimal("0.000001")
DEFAULT_TZ = "Asia/Shanghai"

# Column giving the time of a row, used to count a table's rows and batches in the period.
TIME_COLUMNS = {
    "calls": "offered_at", "agent_states": "start_at", "schedules": "start_at", "qa_evaluations": "evaluated_at",
    "surveys": "answered_at", "tickets": "created_at", "callbacks": "visited_at", "forecasts": "interval_start",
    "incidents": "occurred_at", "interval_stats": "interval_start",
}
BATCH_COLUMN = "_batch_id"
DATE_TABLES = ("attendance", "training")
# Whose rows they are, for per-entity provenance.
OWNER_COLUMNS = {
    "calls": "agent_id", "agent_states": "agent_id", "schedules": "agent_id", "qa_evaluations": "agent_id",
    "surveys": "agent_id", "tickets": "owner_id", "callbacks": "employee_id", "customers": "owner_id",
    "forecasts": "forecaster_id", "attendance": "employee_id", "training": "employee_id", "plans": "employee_id",
    "incidents": "employee_id", "interval_stats": "agent_id",
}


@dataclass(frozen=True)
class KpiValue:
    kpi_id: str
    params: dict[str, Any]
    entity_level: str
    entity_id: str
    period: str
    value: Decimal | None
    numerator: float | None
    denominator: float | None
    sample_size: int
    unit: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    computed_at: datetime | None = None
    # Why a value is missing when it is not simply "no data" (a table not loaded, rows
    # that cannot be placed in a center); Chinese first, then English.
    missing_reason: str | None = None

    @property
    def missing(self) -> bool:
        return self.value is None


LevelError = uptree.LevelError


def compute_kpis(
    source: Any,
    kpis: Iterable[Any],
    period: Period | str,
    level: str | Sequence[str] = "agent",
    tz: str = DEFAULT_TZ,
    *,
    grain: str | None = None,
    calendar: WorkCalendar | None = None,
    include_missing: bool = True,
    provenance: bool = True,
    as_frame: bool = False,
    missing_tables: str = "error",
    use_rollups: bool = True,
    rollup_cache: Any = None,
) -> list[KpiValue] | pd.DataFrame:
    """Compute KPIs for every entity of ``level`` in ``period``.

    source   an EventSource (see backends), an Ibis backend, a data directory, or a
             mapping ``{table name: pandas/pyarrow/dict}`` (loaded into DuckDB).
    kpis     ids or specs: ``"aht"``, ``("service_level", {"threshold_s": 30})``,
             ``{"id": ..., "params": ...}`` or KpiSpec.
    period   a Period or its text: ``2026-10-01``, ``2026-10``, ``2026-Q4``, ``2026``,
             ``2026-10-01/2026-10-08`` (end exclusive), in the company zone ``tz``.
    level    agent | team | department | center | queue | company, or several of them.
    grain    cut the period into day / month / quarter / year buckets (default: whole).
    include_missing  also list org entities without data (value None, sample 0).
    as_frame return a pandas DataFrame (``value`` as float, NaN when missing) instead of
             KpiValue objects; cheaper for very many values.
    missing_tables  "error" (default): a KPI over a table that is not loaded raises
             MissingTableError; "missing": its values are reported missing (None, sample 0)
             with a ``missing_reason`` naming the table.
    use_rollups  read KPI parts from the store's rollups (kaohe.metrics.rollups) when they are
             current, the period is whole local days and the KPI is rolled up; drill-down
             (provenance rows per batch) comes from the rollups too. False: always the records.
    rollup_cache  a kaohe.metrics.rollups.RollupCache kept between calls: only the day
             partitions that changed since the last call are read again (month-to-date refresh).

    Rows without an employee of the org (a caller who hung up before reaching an agent)
    are placed in a team, department or center by the owner of their queue (optional
    ``queues`` table), else in the org's only center; see kaohe.metrics.attribution.
    """
    if missing_tables not in ("error", "missing"):
        raise ValueError(f"missing_tables={missing_tables!r} must be 'error' or 'missing'")
    src = open_source(source)
    per = Period.parse(period) if isinstance(period, str) else period
    if grain:
        per = per.by(grain)
    levels = [level] if isinstance(level, str) else list(level)
    for lv in levels:
        if lv not in LEVELS:
            raise LevelError(f"unknown level {lv!r}; valid levels: {', '.join(LEVELS)}")
    specs = _dedupe([kpi_spec(k) for k in kpis])
    margin = timedelta(days=max([s.params.get("window_days", 0) or 0 for s in specs] + [0]))
    ctx = BuildContext(src.table, per, ZoneCut.for_period(per, tz, margin), calendar or WorkCalendar(), src.backend)
    computed_at = datetime.now(UTC).replace(tzinfo=None)

    from_records = [s for s in specs if all(ctx.has(t) for t in s.definition.inputs)]
    from_reports = [s for s in specs if _from_interval_report(ctx, s)]
    unloaded = [s for s in specs if s not in from_records and s not in from_reports]
    if unloaded and missing_tables == "error":
        s0 = unloaded[0]
        raise MissingTableError(next(t for t in s0.definition.inputs if not ctx.has(t)), s0.id)
    view = None
    if use_rollups and src.data_dir is not None:
        from kaohe.metrics import rollups

        view = rollups.open_view(src, per, tz, rollup_cache)
    served = view.parts(from_records) if view is not None else {}
    parts = _compute_parts(ctx, [s for s in from_records if s not in served])
    parts.update(served)
    for s, part in _interval_report_parts(ctx, from_reports).items():
        parts[s] = pd.concat([parts[s], part], ignore_index=True) if s in parts else part
    for s in unloaded:
        parts[s] = pd.DataFrame({"employee_id": pd.Series([], dtype=object), "queue": pd.Series([], dtype=object),
                                 "bucket": pd.Series([], dtype="datetime64[ns]"), "num": pd.Series([], dtype=float),
                                 "den": pd.Series([], dtype=float), "n": pd.Series([], dtype="int64")})
    org = _org(src, levels)
    queues = _queues(src) if org is not None and any(lv in UNIT_LEVELS for lv in levels) else None
    atts = {lv: attribution.build(lv, org, queues) for lv in levels if lv in UNIT_LEVELS and org is not None}
    inputs = _inputs(ctx, src, specs, view) if provenance else None

    frames = []
    stacked = uptree.stack(specs, parts)
    for lv in levels:
        att = atts.get(lv)
        by_entity = _inputs_by_entity(inputs, lv, att, per) if inputs is not None else {}
        f = uptree.level_frame(specs, parts, lv, org, per, include_missing, att, stacked)
        bounds = f["_s"].searchsorted(range(len(specs) + 1))
        buckets = f.pop("_bucket")
        values_inputs: list[Any] = []
        for i, spec in enumerate(specs):
            lo, hi = int(bounds[i]), int(bounds[i + 1])
            if spec in unloaded:
                table = next(t for t in spec.definition.inputs if not ctx.has(t))
                f.iloc[lo:hi, f.columns.get_loc("missing_reason")] = (
                    f"事件表 {table!r} 未载入。 The event table {table!r} is not loaded.")
            values_inputs += (_value_inputs(spec, lv, f["entity_id"].iloc[lo:hi], buckets.iloc[lo:hi], by_entity,
                                            spec in from_reports) if inputs is not None else [{}] * (hi - lo))
        f["inputs"] = values_inputs
        frames.append(f.drop(columns=["_s"]))
    frame = pd.concat(frames, ignore_index=True) if frames else _empty_frame()
    frame = frame.drop(columns=["input_tables"])
    if as_frame:
        frame["computed_at"] = computed_at
        return frame
    return _to_values(frame, computed_at)


def to_frame(values: Iterable[KpiValue]) -> pd.DataFrame:
    return pd.DataFrame([v.__dict__ for v in values])


# --- interval reports ----------------------------------------------------------------------
INTERVAL_TABLE = "interval_stats"
INTERVAL_PROVENANCE = "from an interval report (no per-call drill-down) / 来自区间报表(无逐条明细)"


def _from_interval_report(ctx: BuildContext, spec: KpiSpec) -> bool:
    return spec.definition.interval_parts is not None and ctx.has(INTERVAL_TABLE)


def _input_tables(spec: KpiSpec, reports: bool) -> tuple[str, ...]:
    return spec.definition.inputs + ((INTERVAL_TABLE,) if reports else ())


def provenance_of(value: KpiValue) -> str:
    """"records", "interval report" or "records and interval report": what a value was computed from."""
    rows = {t: (info or {}).get("rows", 0) for t, info in (value.inputs or {}).items() if isinstance(info, dict)}
    report = rows.pop(INTERVAL_TABLE, 0) > 0
    records = any(n > 0 for n in rows.values())
    if report and records:
        return "records and interval report"
    return "interval report" if report else "records"


def _interval_base(ctx: BuildContext) -> Any:
    t = ctx.bucket_points(ctx.table(INTERVAL_TABLE), "interval_start")
    return t.mutate(employee_id=t.agent_id)


def _interval_report_parts(ctx: BuildContext, specs: list[KpiSpec]) -> dict[KpiSpec, pd.DataFrame]:
    """Parts of KPIs from the interval_stats table (sums and counts per agent / queue and interval).

    One aggregation for all of them; a KPI whose record base has no queue (agent time)
    drops the queue column, so its levels stay those of its records."""
    if not specs:
        return {}
    t = _interval_base(ctx)
    out = _aggregate(t, ("employee_id", "queue", "bucket"), [(s, s.definition.interval_parts) for s in specs])
    for s in specs:
        base = BASES.get(s.definition.base or "")
        if base is not None and "queue" not in base.group_by:
            out[s] = out[s].drop(columns=["queue"]).groupby(["employee_id", "bucket"], dropna=False,
                                                             as_index=False).sum(min_count=1)
    return out


def _aggregate(t: Any, group_by: tuple[str, ...], items: list[tuple[KpiSpec, Any]]) -> dict[KpiSpec, pd.DataFrame]:
    """One aggregation of ``t`` for every (spec, parts function); shared reductions computed once."""
    aggs: dict[str, Any] = {}
    by_op: dict[Any, str] = {}
    columns: list[dict[str, str]] = []
    for s, fn in items:
        p = fn(t, s.params)
        mine = {}
        for key in ("num", "den", "n"):
            expr = p.get(key)
            if expr is None:
                mine[key] = ""
                continue
            name = by_op.setdefault(expr.op(), f"a{len(by_op)}")
            aggs[name] = expr
            mine[key] = name
        columns.append(mine)
    df = t.group_by(*group_by).aggregate(**aggs).execute()
    out = {}
    for (s, _fn), mine in zip(items, columns, strict=True):
        part = df[list(group_by)].copy()
        for key, name in mine.items():
            part[key] = df[name] if name else float("nan")
        out[s] = _normalise(part)
    return out


# --- parts on the backend ------------------------------------------------------------------
def _dedupe(specs: list[KpiSpec]) -> list[KpiSpec]:
    seen, out = set(), []
    for s in specs:
        key = (s.id, s.params_key)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _compute_parts(ctx: BuildContext, specs: list[KpiSpec]) -> dict[KpiSpec, pd.DataFrame]:
    out: dict[KpiSpec, pd.DataFrame] = {}
    by_base: dict[str, list[KpiSpec]] = defaultdict(list)
    for s in specs:
        if s.definition.parts is not None:
            by_base[s.definition.base or ""].append(s)
        else:
            build = s.definition.build
            assert build is not None  # a KPI without parts is built on its own
            out[s] = _normalise(build(ctx, s.params).execute())
    for base_name, group in by_base.items():
        base = BASES.get(base_name)
        if base is None:
            raise KpiError(f"KPI {group[0].id!r} uses unknown base {base_name!r}; known: {', '.join(sorted(BASES))}")
        # a base may skip work none of the asked KPIs needs (agent states: the schedule join)
        ctx._memo["base_kpis"] = frozenset(s.id for s in group)
        # KPIs often share a reduction (e.g. the count of handled calls): computed once
        out.update(_aggregate(base.make(ctx), base.group_by, [(s, s.definition.parts) for s in group]))
    return out


def _normalise(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in ("num", "den"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    df["n"] = pd.to_numeric(df["n"], errors="coerce").fillna(0).astype("int64")
    df["bucket"] = pd.to_datetime(df["bucket"])
    if "employee_id" in df:
        df["employee_id"] = df["employee_id"].astype("object").where(df["employee_id"].notna(), None)
    return df


def _org(src: EventSource, levels: list[str]) -> pd.DataFrame | None:
    t = src.table("org")
    if t is None:
        need = [lv for lv in levels if lv in ("team", "department", "center")]
        if need:
            raise LevelError(f"level {need[0]!r} needs the org table (employee_id, team_id, department_id, center_id)")
        return None
    df = t.select("employee_id", "team_id", "department_id", "center_id").execute()
    return df.astype("object").where(df.notna(), None)


def _queues(src: EventSource) -> pd.DataFrame | None:
    """The optional queues dimension (queue -> team / department / center), or None."""
    t = src.table("queues")
    if t is None:
        return None
    cols = [c for c in attribution.QUEUE_COLUMNS if c in t.columns]
    df = t.select(*cols).execute()
    try:
        return attribution.check_queues(df)
    except attribution.AttributionError as exc:
        raise LevelError(str(exc)) from None


def _inputs(ctx: BuildContext, src: EventSource, specs: list[KpiSpec], view: Any = None) -> pd.DataFrame:
    """Rows per input table, employee, bucket and import batch inside the period, for provenance.

    One small aggregation per table; rolled up with the values, so a team's value lists
    the batches its members' rows came from.
    """
    names = sorted({t for s in specs for t in _input_tables(s, _from_interval_report(ctx, s))
                    if src.table(t) is not None})
    if view is None:
        return table_inputs(ctx, src, names)
    rolled = [n for n in names if view.has_inputs(n)]
    frames = [view.inputs(n) for n in rolled]
    frames.append(table_inputs(ctx, src, [n for n in names if n not in rolled]))
    out = pd.concat([f for f in frames if not f.empty] or frames[-1:], ignore_index=True)
    out["bucket"] = pd.to_datetime(out["bucket"])
    return out


def table_inputs(ctx: BuildContext, src: EventSource, names: Sequence[str]) -> pd.DataFrame:
    """Rows per employee, queue, bucket and import batch of each table in ``names`` (see _inputs)."""
    frames = []
    for name in names:
        t = src.table(name)
        assert t is not None  # `names` holds only the tables the source has
        who = OWNER_COLUMNS.get(name)
        col = TIME_COLUMNS.get(name)
        if col and col in t.columns:
            t = ctx.bucket_points(t, col)
        elif name in DATE_TABLES and "date" in t.columns:
            t = ctx.bucket_dates(t, "date")
        else:  # customers, plans: state tables without an event time
            t = t.mutate(bucket=ibis.null("timestamp"))
        t = t.mutate(
            _who=t[who].cast("string") if who and who in t.columns else ibis.null("string"),
            _batch=t[BATCH_COLUMN].cast("string") if BATCH_COLUMN in t.columns else ibis.null("string"),
            # rows without an employee are placed by their queue's owner (see attribution)
            _queue=t["queue"].cast("string") if "queue" in t.columns else ibis.null("string"),
        )
        df = t.group_by("_who", "_queue", "bucket", "_batch").aggregate(rows=t.count()).execute()
        df["table"] = name
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["_who", "_queue", "bucket", "_batch", "rows", "table"])
    out = pd.concat(frames, ignore_index=True)
    out["bucket"] = pd.to_datetime(out["bucket"])
    return out


def _value_inputs(spec: KpiSpec, level: str, entities: pd.Series, buckets: pd.Series,
                  by_entity: dict[Any, Any], reports: bool = False) -> list[dict[str, Any]]:
    """The inputs of each value; one shared dict per (entity, bucket, tables), made when first asked."""
    tables = _input_tables(spec, reports)
    cache: dict[Any, dict[str, Any]] = by_entity.setdefault(("__per_tables__", tables), {})
    empty = {t: {"rows": 0, "batches": {}} for t in tables}
    whole = level in ("queue", "company")  # unattributed rows count for the whole company
    keys = pd.to_datetime(buckets).to_numpy().astype("datetime64[ns]").astype("int64").tolist()
    ents = [COMPANY_ID] * len(keys) if whole else entities.tolist()

    def one(key: tuple[Any, int]) -> dict[str, Any]:
        hit = cache.get(key)
        if hit is None:
            per_table = by_entity.get(key)
            hit = cache[key] = empty if per_table is None else {t: per_table.get(t, empty[t]) for t in tables}
        return hit

    return [one(k) for k in zip(ents, keys, strict=True)]


def _inputs_by_entity(inputs: pd.DataFrame, level: str, att: Attribution | None, per: Period) -> dict[Any, dict[str, Any]]:
    """{(entity_id, bucket): {table: {"rows": n, "batches": {batch: n}}}} for one level."""
    if inputs.empty:
        return {}
    df = inputs
    if level in UNIT_LEVELS and att is not None:
        df = df.assign(entity=att.assign(df["_who"], df["_queue"]))
    elif level == "agent":
        df = df.assign(entity=df["_who"])
    else:  # company and queue: the whole table
        df = df.assign(entity=COMPANY_ID)
    df = df[df["entity"].notna()]
    keys = [per.bucket_key(s) for s in per.bucket_starts()]
    timeless = df[df["bucket"].isna()]
    if not timeless.empty:  # state tables count in every bucket
        df = pd.concat([df[df["bucket"].notna()]] + [timeless.assign(bucket=pd.Timestamp(k)) for k in keys])
    g = df.groupby(["entity", "bucket", "table", "_batch"], dropna=False)["rows"].sum().reset_index()
    ents = g["entity"].astype(str).tolist()
    stamps = pd.to_datetime(g["bucket"]).to_numpy().astype("datetime64[ns]").astype("int64").tolist()
    has_batch = g["_batch"].notna().tolist()
    batch_ids = g["_batch"].astype(str).tolist()
    out: dict[Any, dict[str, Any]] = {}
    for ent, b, table, batch, known, rows in zip(ents, stamps, g["table"].tolist(), batch_ids, has_batch,
                                                  g["rows"].astype("int64").tolist(), strict=True):
        entry = out.setdefault((ent, b), {}).setdefault(table, {"rows": 0, "batches": {}})
        entry["rows"] += rows
        if known:
            entry["batches"][batch] = entry["batches"].get(batch, 0) + rows
    return out


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame(columns=["kpi_id", "params", "params_key", "entity_level", "entity_id", "period", "value",
                                 "numerator", "denominator", "sample_size", "unit", "input_tables", "missing_reason", "inputs"])


def _decimal(v: float) -> Decimal | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return Decimal(v).quantize(VALUE_QUANTUM, rounding=ROUND_HALF_EVEN)


def _opt_float(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _to_values(frame: pd.DataFrame, computed_at: datetime) -> list[KpiValue]:
    out = []
    for row in frame.itertuples(index=False):
        out.append(KpiValue(
            kpi_id=row.kpi_id, params=dict(row.params), entity_level=row.entity_level, entity_id=row.entity_id,
            period=row.period, value=_decimal(row.value), numerator=_opt_float(row.numerator),
            denominator=_opt_float(row.denominator), sample_size=int(row.sample_size), unit=row.unit,
            inputs=row.inputs, computed_at=computed_at, missing_reason=row.missing_reason,
        ))
    return out
