"""Where the event tables live: DuckDB (default) or PySpark, both through Ibis.

- ``duckdb_backend(data_dir=...)`` reads the local event store (``DATA/<table>/*.parquet``,
  or ``DATA/<table>.parquet``) as views: nothing is copied, nothing to install.
- ``duckdb_backend(tables={...})`` loads in-memory tables (pandas, pyarrow, dict of lists).
- ``spark_backend(...)`` does the same on a Spark session for centers that outgrow one
  machine. The session time zone is set to UTC because stored timestamps are naive UTC;
  periods are cut in the company zone by the KPI code, never by the session.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

EVENT_TABLES = (
    "calls", "agent_states", "schedules", "qa_evaluations", "surveys", "tickets", "callbacks",
    "customers", "forecasts", "attendance", "training", "plans", "incidents", "org", "queues",
    "interval_stats",
)


def canonical_schema(name: str) -> pa.Schema | None:
    """Arrow schema of a canonical table from kaohe.metrics.events, or None if unknown."""
    from kaohe.metrics.events import get_table

    try:
        return get_table(name).arrow_schema(with_batch=False)
    except (KeyError, ValueError, LookupError):
        return None


def to_arrow(name: str, data: Any) -> pa.Table:
    """Any table-like (pandas, pyarrow, dict of lists, list of dicts) as Arrow in the canonical types.

    Optional columns left out are added as nulls, so a test fixture or an API caller
    only writes the columns it has; extra columns (such as ``_batch_id``) are kept.
    """
    if isinstance(data, pa.Table):
        tbl = data
    elif isinstance(data, pd.DataFrame):
        tbl = pa.Table.from_pandas(data, preserve_index=False)
    elif isinstance(data, Mapping):
        tbl = pa.table(dict(data)) if data else pa.table({})
    else:
        tbl = pa.Table.from_pylist(list(data))
    schema = canonical_schema(name)
    if schema is None:
        return tbl
    cols, fields = [], []
    for f in schema:
        if f.name in tbl.column_names:
            col = tbl[f.name]
            if col.type != f.type:
                col = col.cast(f.type)
        else:
            col = pa.nulls(tbl.num_rows, f.type)
        cols.append(col)
        fields.append(pa.field(f.name, f.type))
    for extra in tbl.column_names:
        if extra not in schema.names:
            cols.append(tbl[extra])
            fields.append(tbl.schema.field(extra))
    return pa.Table.from_arrays(cols, schema=pa.schema(fields))


@dataclass
class EventSource:
    """A backend plus the names of the event tables it holds."""

    backend: Any
    names: set[str] = field(default_factory=set)
    kind: str = "duckdb"
    # The event store directory the tables were read from, if any: its rollups (DATA/_rollups)
    # serve KPI parts when they are current (kaohe.metrics.rollups).
    data_dir: Path | None = None

    _tables: dict[str, Any] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> ir.Table | None:
        """The event table ``name`` (looked up once: reading a Parquet glob's schema is not free)."""
        if name not in self.names:
            return None
        t = self._tables.get(name)
        if t is None:
            t = self._tables[name] = self.backend.table(name)
        return t


# --- DuckDB --------------------------------------------------------------------------------
def duckdb_backend(
    data_dir: str | os.PathLike[str] | None = None,
    tables: Mapping[str, Any] | None = None,
    database: str = ":memory:",
    threads: int | None = None,
) -> EventSource:
    con = ibis.duckdb.connect(database, **({"threads": threads} if threads else {}))
    src = EventSource(con, set(), "duckdb")
    if data_dir is not None:
        src.data_dir = Path(data_dir)
        for name, glob in _parquet_tables(Path(data_dir)).items():
            con.read_parquet(glob, table_name=name, union_by_name=True)
            src.names.add(name)
    for name, data in (tables or {}).items():
        con.create_table(name, to_arrow(name, data), overwrite=True)
        src.names.add(name)
    return src


def _parquet_tables(root: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    if not root.is_dir():
        raise FileNotFoundError(f"data directory {root} does not exist")
    for name in EVENT_TABLES:
        d, f = root / name, root / f"{name}.parquet"
        if d.is_dir() and any(d.glob("*.parquet")):
            found[name] = str(d / "*.parquet")
        elif f.is_file():
            found[name] = str(f)
    return found


# --- Spark ---------------------------------------------------------------------------------
def spark_session(master: str = "local[2]", warehouse_dir: str | None = None, app: str = "kaohe") -> Any:
    """A local Spark session set up the way Kaohe needs it (UTC session, loopback only)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    warehouse_dir = warehouse_dir or tempfile.mkdtemp(prefix="kaohe-spark-")
    return (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.sql.warehouse.dir", warehouse_dir)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


def spark_backend(
    session: Any = None,
    data_dir: str | os.PathLike[str] | None = None,
    tables: Mapping[str, Any] | None = None,
) -> EventSource:
    session = session or spark_session()
    con = ibis.pyspark.connect(session, **{"spark.sql.session.timeZone": "UTC"})
    src = EventSource(con, set(), "pyspark")
    if data_dir is not None:
        src.data_dir = Path(data_dir)
        for name, glob in _parquet_tables(Path(data_dir)).items():
            session.read.option("mergeSchema", "true").parquet(glob).createOrReplaceTempView(name)
            src.names.add(name)
    for name, data in (tables or {}).items():
        arrow = to_arrow(name, data)
        df = session.createDataFrame(_spark_rows(arrow), schema=_spark_schema(arrow.schema))
        df.createOrReplaceTempView(name)
        src.names.add(name)
    return src


def _spark_rows(arrow: pa.Table) -> list[tuple[Any, ...]]:
    """Rows for createDataFrame. Naive timestamps are marked UTC: PySpark would read a naive
    datetime in the Python process's local zone."""
    ts_cols = [i for i, f in enumerate(arrow.schema) if pa.types.is_timestamp(f.type)]
    rows = []
    for rec in arrow.to_pylist():
        vals = list(rec.values())
        for i in ts_cols:
            if vals[i] is not None and vals[i].tzinfo is None:
                vals[i] = vals[i].replace(tzinfo=UTC)
        rows.append(tuple(vals))
    return rows


def _spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql import types as T

    def conv(t: pa.DataType) -> Any:
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            return T.StringType()
        if pa.types.is_floating(t):
            return T.DoubleType()
        if pa.types.is_integer(t):
            return T.LongType()
        if pa.types.is_boolean(t):
            return T.BooleanType()
        if pa.types.is_timestamp(t):
            return T.TimestampType()
        if pa.types.is_date(t):
            return T.DateType()
        if pa.types.is_null(t):
            return T.StringType()
        raise TypeError(f"no Spark type for {t}")

    return T.StructType([T.StructField(f.name, conv(f.type), True) for f in schema])


def open_source(source: Any) -> EventSource:
    """Accept an EventSource, an Ibis backend, a data directory or a mapping of tables."""
    if isinstance(source, EventSource):
        return source
    if isinstance(source, str | os.PathLike):
        return duckdb_backend(data_dir=source)
    if isinstance(source, Mapping):
        return duckdb_backend(tables=source)
    if hasattr(source, "list_tables") and hasattr(source, "table"):
        names = set(source.list_tables())
        return EventSource(source, {n for n in names if n in EVENT_TABLES}, getattr(source, "name", "ibis"))
    raise TypeError(f"cannot read event tables from {type(source).__name__}")
