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


@pytest.fixture
def source(request, backend):
    """Build an event source of the current backend from a dict of tables."""

    def make(**tables):
        tables.setdefault("org", ORG)
        if backend == "spark":
            return spark_backend(request.getfixturevalue("spark"), tables=tables)
        return duckdb_backend(tables=tables)

    return make


@pytest.fixture
def kpi(source):
    """Compute KPIs and index the values by (kpi_id, entity_id, period)."""

    def run(tables, kpis, period="2026-10", level="agent", **kw):
        src = source(**tables)
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
