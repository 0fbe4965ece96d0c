"""The operational records behind a KPI value: the drill-down from a score to its rows.

Reads the company's event store (DuckDB over its Parquet files) for the employee's rows
of each table the KPI reads, within the cycle's period cut in the company's zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from kaohe.web.appraisal.models import KpiValue
from kaohe.web.appraisal.services.data import store_dir
from kaohe.web.permissions import require

# the column naming the employee a row belongs to, and the column giving its time
EMPLOYEE_COLUMN = {
    "calls": "agent_id", "agent_states": "agent_id", "schedules": "agent_id", "qa_evaluations": "agent_id",
    "surveys": "agent_id", "tickets": "owner_id", "callbacks": "employee_id", "customers": "owner_id",
    "forecasts": "forecaster_id", "attendance": "employee_id", "training": "employee_id",
    "plans": "employee_id", "incidents": "employee_id",
}
TIME_COLUMN = {
    "calls": "offered_at", "agent_states": "start_at", "schedules": "start_at", "qa_evaluations": "evaluated_at",
    "surveys": "answered_at", "tickets": "created_at", "callbacks": "visited_at", "forecasts": "interval_start",
    "incidents": "occurred_at", "attendance": "date", "training": "date",
}


@dataclass
class RecordsPage:
    table: str
    columns: list[str]
    rows: list[dict[str, Any]]
    total: int
    note_zh: str = ""
    note_en: str = ""
    tables: list[str] = field(default_factory=list)  # every table the KPI reads


def _utc_bounds(cycle: Any) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(cycle.company.time_zone)
    start = dt.datetime.combine(cycle.start, dt.time(), zone).astimezone(dt.UTC).replace(tzinfo=None)
    end = dt.datetime.combine(cycle.end + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    return start, end.replace(tzinfo=None)


def kpi_records(kpi_value: KpiValue, user: Any, *, table: str | None = None, limit: int = 200,
                offset: int = 0) -> RecordsPage:
    """A page of the employee's rows behind `kpi_value` (first input table unless `table` is named)."""
    import duckdb

    from kaohe.metrics.catalog.registry import get_kpi

    cycle = kpi_value.computation.cycle
    sheet = cycle.sheets.filter(employee=kpi_value.employee).first()
    if sheet is not None:
        require(user, "view_kpi_records", sheet)
    else:
        require(user, "view_employee", kpi_value.employee)
    tables = [t for t in get_kpi(kpi_value.kpi).inputs if t in EMPLOYEE_COLUMN]
    table = table or (tables[0] if tables else None)
    if table is None or table not in tables:
        return RecordsPage(table or "", [], [], 0, "该指标没有可追溯的明细记录", "This KPI has no row-level records",
                           tables)
    if kpi_value.scope != "self":
        return RecordsPage(table, [], [], 0, "团队/部门指标由全体成员的记录汇总，请在报表中按成员查看",
                           "A team or department figure sums its members' records; drill down per member",
                           tables)
    files = sorted((store_dir(cycle.company) / table).glob("*.parquet"))
    if not files:
        return RecordsPage(table, [], [], 0, "尚未导入此类记录", "No records of this kind were loaded", tables)
    start, end = _utc_bounds(cycle)
    emp_col, time_col = EMPLOYEE_COLUMN[table], TIME_COLUMN.get(table)
    where = f"{emp_col} = ?"
    args: list[Any] = [kpi_value.employee.code]
    if time_col in ("date",):
        where += f" AND {time_col} BETWEEN ? AND ?"
        args += [cycle.start, cycle.end]
    elif time_col:
        where += f" AND {time_col} >= ? AND {time_col} < ?"
        args += [start, end]
    source = "read_parquet([" + ", ".join("?" for _ in files) + "], union_by_name = true)"
    con = duckdb.connect()
    try:
        params = [str(f) for f in files] + args
        total = con.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0]
        order = f" ORDER BY {time_col}" if time_col else ""
        cur = con.execute(f"SELECT * EXCLUDE (_batch_id) FROM {source} WHERE {where}{order} LIMIT ? OFFSET ?"
                          if _has_batch_column(con, files) else
                          f"SELECT * FROM {source} WHERE {where}{order} LIMIT ? OFFSET ?", params + [limit, offset])
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    return RecordsPage(table, columns, rows, int(total), tables=tables)


def _has_batch_column(con: Any, files: list[Any]) -> bool:
    cols = con.execute("SELECT name FROM parquet_schema(?)", [str(files[0])]).fetchall()
    return any(c[0] == "_batch_id" for c in cols)
