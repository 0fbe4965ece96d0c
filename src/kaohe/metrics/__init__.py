"""Kaohe's metrics layer: event tables in, KPI values with provenance out.

Importable without Django. Heavy modules (Ibis, DuckDB) load on first use, so that
``kaohe.metrics.events`` stays cheap to import for the ingest code.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "compute_kpis": "kaohe.metrics.compute",
    "KpiValue": "kaohe.metrics.compute",
    "to_frame": "kaohe.metrics.compute",
    "LevelError": "kaohe.metrics.compute",
    "Period": "kaohe.metrics.catalog.periods",
    "PeriodError": "kaohe.metrics.catalog.periods",
    "register_kpi": "kaohe.metrics.catalog.registry",
    "get_kpi": "kaohe.metrics.catalog.registry",
    "list_kpis": "kaohe.metrics.catalog.registry",
    "kpi_spec": "kaohe.metrics.catalog.registry",
    "KpiDefinition": "kaohe.metrics.catalog.registry",
    "KpiSpec": "kaohe.metrics.catalog.registry",
    "Param": "kaohe.metrics.catalog.registry",
    "KpiError": "kaohe.metrics.catalog.registry",
    "KpiParamError": "kaohe.metrics.catalog.registry",
    "UnknownKpiError": "kaohe.metrics.catalog.registry",
    "WorkCalendar": "kaohe.metrics.calendar",
    "CalendarNotLoaded": "kaohe.metrics.calendar",
    "duckdb_backend": "kaohe.metrics.backends",
    "spark_backend": "kaohe.metrics.backends",
    "spark_session": "kaohe.metrics.backends",
    "EventSource": "kaohe.metrics.backends",
    "ProvenanceStore": "kaohe.metrics.provenance",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kaohe.metrics' has no attribute {name!r}")
