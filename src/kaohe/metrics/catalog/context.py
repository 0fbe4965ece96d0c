"""What a KPI implementation gets: the event tables, the period and the cutting helpers.

All helpers return Ibis expressions, so the same KPI code runs on every backend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from kaohe.metrics.calendar import WorkCalendar
from kaohe.metrics.catalog.periods import Period, ZoneCut


class MissingTableError(LookupError):
    def __init__(self, table: str, kpi_id: str | None = None):
        self.table = table
        who = f"KPI {kpi_id!r} needs" if kpi_id else "needs"
        super().__init__(f"{who} the event table {table!r}, which is not loaded")


@dataclass
class BuildContext:
    tables: Callable[[str], ir.Table | None]
    period: Period
    cut: ZoneCut
    calendar: WorkCalendar
    backend: Any = None
    _memo: dict[Any, Any] = field(default_factory=dict)

    # --- tables -------------------------------------------------------------------------
    def table(self, name: str, kpi_id: str | None = None) -> ir.Table:
        t = self.tables(name)
        if t is None:
            raise MissingTableError(name, kpi_id)
        return t

    def has(self, name: str) -> bool:
        return self.tables(name) is not None

    # --- time ---------------------------------------------------------------------------
    @property
    def start_utc(self) -> datetime:
        return self.cut.to_utc(self.period.start)

    @property
    def end_utc(self) -> datetime:
        return self.cut.to_utc(self.period.end)

    def lit_ts(self, d: datetime) -> ir.TimestampScalar:
        return ibis.literal(pd.Timestamp(d), type="timestamp")

    def in_period(self, col: ir.TimestampValue, before: timedelta = timedelta(0), after: timedelta = timedelta(0)) -> ir.BooleanValue:
        return (col >= self.lit_ts(self.start_utc - before)) & (col < self.lit_ts(self.end_utc + after))

    def local(self, col: ir.TimestampValue) -> ir.TimestampValue:
        if self.cut.offset is None:
            raise NotImplementedError(
                f"this KPI needs one UTC offset over the period, but {self.cut.tz} changes its offset "
                f"(daylight saving) between {self.period.start:%Y-%m-%d} and {self.period.end:%Y-%m-%d}; "
                "compute it for shorter periods on either side of the change"
            )
        return col + ibis.interval(seconds=int(self.cut.offset.total_seconds()))

    def bucket_expr(self, col: ir.TimestampValue, grain: str | None = None) -> ir.TimestampValue:
        """Bucket of a UTC timestamp column (fixed-offset zones only)."""
        grain = grain or self.period.grain
        if grain == "whole":
            return self.lit_ts(self.period.start)
        unit = {"day": "D", "month": "M", "quarter": "Q", "year": "Y"}[grain]
        return self.local(col).truncate(unit)

    def buckets_table(self, grain: str | None = None) -> ir.Table:
        """Bucket boundaries in UTC: b_start, b_end (naive UTC) and bucket (local key)."""
        p = self.period if grain is None else self.period.by(grain)
        rows = [
            {"b_start": self.cut.to_utc(s), "b_end": self.cut.to_utc(e), "bucket": p.bucket_key(s)}
            for s, e in p.buckets()
        ]
        df = pd.DataFrame(rows).astype({"b_start": "datetime64[us]", "b_end": "datetime64[us]", "bucket": "datetime64[us]"})
        return ibis.memtable(df)

    def bucket_points(self, t: ir.Table, col: str, grain: str | None = None) -> ir.Table:
        """Rows of ``t`` inside the period with a ``bucket`` column from timestamp ``col``."""
        t = t.filter(self.in_period(t[col]))
        grain = grain or self.period.grain
        if self.cut.offset is not None:
            return t.mutate(bucket=self.bucket_expr(t[col], grain))
        b = self.buckets_table(grain)
        j = t.join(b, [t[col] >= b.b_start, t[col] < b.b_end])
        return j.drop("b_start", "b_end")

    def bucket_dates(self, t: ir.Table, col: str, grain: str | None = None) -> ir.Table:
        """Rows whose local ``date`` column falls in the period, with a ``bucket`` column."""
        grain = grain or self.period.grain
        d = t[col].cast("timestamp")
        t = t.mutate(_d=d)
        t = t.filter((t._d >= self.lit_ts(self.period.start)) & (t._d < self.lit_ts(self.period.end)))
        if grain == "whole":
            b = self.lit_ts(self.period.start)
        else:
            b = t._d.truncate({"day": "D", "month": "M", "quarter": "Q", "year": "Y"}[grain])
        return t.mutate(bucket=b).drop("_d")

    def split_intervals(self, t: ir.Table, start: str, end: str, grain: str | None = None) -> ir.Table:
        """Intervals cut at the period's edges and bucket boundaries.

        Returns the rows of ``t`` as pieces with ``p_start``, ``p_end`` (naive UTC) and
        ``bucket``. Most intervals (agent states, schedules) sit inside one bucket; only
        those crossing a boundary go through the small boundaries join.
        """
        grain = grain or self.period.grain
        s0, e0 = self.lit_ts(self.start_utc), self.lit_ts(self.end_utc)
        t = t.filter((t[start] < e0) & (t[end] > s0))
        t = t.mutate(
            p_start=ibis.greatest(t[start], s0),
            p_end=ibis.least(t[end], e0),
        )
        t = t.filter(t.p_end > t.p_start)
        if grain == "whole":
            return t.mutate(bucket=self.lit_ts(self.period.start))
        b = self.buckets_table(grain)
        if self.cut.offset is None:
            crossing, inside = t, None
        else:
            last = t.p_end - ibis.interval(microseconds=1)
            t = t.mutate(bucket=self.bucket_expr(t.p_start, grain), _b_last=self.bucket_expr(last, grain))
            inside = t.filter(t.bucket == t._b_last).drop("_b_last")
            crossing = t.filter(t.bucket != t._b_last).drop("_b_last", "bucket")
        j = crossing.join(b, [crossing.p_start < b.b_end, crossing.p_end > b.b_start])
        j = j.mutate(p_start=ibis.greatest(j.p_start, j.b_start), p_end=ibis.least(j.p_end, j.b_end))
        j = j.drop("b_start", "b_end")
        if inside is None:
            return j
        return inside.union(j.select(*inside.columns))


def seconds_between(a: ir.TimestampValue, b: ir.TimestampValue) -> ir.FloatingValue:
    """b - a in seconds, exact to the stored microsecond.

    Coarser units differ between backends (DuckDB counts unit boundaries crossed, Spark
    truncates the difference); at the storage precision both are exact and equal.
    """
    return b.delta(a, unit="microsecond").cast("float64") / 1_000_000.0


def count_if(cond: ir.BooleanValue) -> ir.IntegerScalar:
    return cond.ifelse(1, 0).sum()


def sum_if(col: ir.NumericValue, cond: ir.BooleanValue) -> ir.NumericScalar:
    return cond.ifelse(col, 0.0).sum()
