"""Fixtures of the KPI tests: one suite, run on DuckDB and (marked ``spark``) on local PySpark.

Event times in the fixtures are written in company time (Asia/Shanghai) with ``L(...)``
and stored as naive UTC, as the event store holds them.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta

import pytest

from kaohe.metrics.backends import duckdb_backend, spark_backend
from kaohe.metrics.compute import compute_kpis

SHANGHAI = timedelta(hours=8)


def L(text: str) -> datetime:  # noqa: N802  (reads like a literal in the fixtures)
    """A Shanghai wall-clock time as the naive UTC instant the store holds."""
    return datetime.fromisoformat(text) - SHANGHAI


def U(text: str) -> datetime:  # noqa: N802
    return datetime.fromisoformat(text)


ORG = [
    {"employee_id": "a1", "name": "甲", "team_id": "t1", "department_id": "d1", "center_id": "c1", "position_id": "agent"},
    {"employee_id": "a2", "name": "乙", "team_id": "t1", "department_id": "d1", "center_id": "c1", "position_id": "agent"},
    {"employee_id": "a3", "name": "丙", "team_id": "t2", "department_id": "d1", "center_id": "c1", "position_id": "agent"},
]


@pytest.fixture(scope="session")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    pytest.importorskip("pyspark")
    import tempfile

    from kaohe.metrics.backends import spark_session

    session = spark_session(master="local[1]", warehouse_dir=tempfile.mkdtemp(prefix="kaohe-spark-test-"))
    session.sparkContext.setLogLevel("ERROR")
    session.conf.set("spark.sql.shuffle.partitions", "1")
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def backend(request):
    return request.param


@pytest.fixture(params=["records", "rollups"])
def read_from(request):
    """Where KPI parts come from: the records, or the rollups folded from them (kaohe.metrics.rollups).

    In "rollups" mode the tables are written to an event store as import batches and the rollups
    are built on the test's backend; compute_kpis then reads the parts of every rolled-up KPI
    over a whole-day period from the rollups, and the same hand-computed expectations hold."""
    return request.param


def _rollup_store(tmp_path_factory, tables):
    """An event store holding ``tables`` (one batch each) and the tables it cannot hold (empty ones)."""
    from kaohe.metrics.backends import to_arrow
    from kaohe.metrics.events import get_table
    from kaohe.metrics.store import Store

    store = Store(tmp_path_factory.mktemp("store"))
    loose = {}
    for name, rows in tables.items():
        try:
            get_table(name)
        except (KeyError, ValueError, LookupError):
            loose[name] = rows
            continue
        arrow = to_arrow(name, rows)
        if arrow.num_rows:
            store.write_table(name, arrow)
        else:
            loose[name] = rows
    return store, loose


@pytest.fixture
def source(request, backend, read_from, tmp_path_factory):
    """Build an event source of the current backend from a dict of tables."""

    def make(_rollup_specs=None, **tables):
        tables.setdefault("org", ORG)
        session = request.getfixturevalue("spark") if backend == "spark" else None
        if read_from == "rollups":
            from kaohe.metrics.rollups import default_specs, refresh_rollups

            store, loose = _rollup_store(tmp_path_factory, tables)
            refresh_rollups(store, specs=default_specs() + list(_rollup_specs or []), backend=backend, session=session)
            if backend == "spark":
                return spark_backend(session, data_dir=store.root, tables=loose)
            return duckdb_backend(data_dir=store.root, tables=loose)
        if backend == "spark":
            return spark_backend(session, tables=tables)
        return duckdb_backend(tables=tables)

    return make


@pytest.fixture
def kpi(source):
    """Compute KPIs and index the values by (kpi_id, entity_id, period)."""

    def run(tables, kpis, period="2026-10", level="agent", **kw):
        from kaohe.metrics.catalog.registry import kpi_spec

        # in rollups mode, the parameter sets this test asks for are rolled up too
        src = source(_rollup_specs=[s for s in map(kpi_spec, kpis) if s.definition.rollup], **tables)
        values = compute_kpis(src, kpis, period, level=level, **kw)
        return {(v.kpi_id, v.entity_id, v.period): v for v in values}

    return run


def call(call_id, offered, agent="a1", *, answered=None, ended=None, wait=10.0, talk=0.0, hold=0.0, acw=0.0,
         outcome="answered", direction="in", customer=None, transferred=False, queue="q1"):
    """A call offered at Shanghai time ``offered``; answered ``wait`` seconds later unless abandoned."""
    off = L(offered)
    if outcome == "answered":
        ans = answered or off + timedelta(seconds=wait)
        end = ended or ans + timedelta(seconds=talk + hold)
    else:
        ans = None
        end = ended or off + timedelta(seconds=wait)
    return {
        "call_id": call_id, "queue": queue, "direction": direction, "customer_id": customer, "agent_id": agent,
        "offered_at": off, "answered_at": ans, "ended_at": end, "talk_s": talk, "hold_s": hold, "acw_s": acw,
        "outcome": outcome, "transferred": transferred, "disposition": None,
    }
