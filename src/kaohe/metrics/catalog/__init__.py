"""The KPI catalog: registry, periods and the built-in KPI definitions."""

from kaohe.metrics.catalog.periods import Period, PeriodError
from kaohe.metrics.catalog.registry import (
    KpiDefinition,
    KpiError,
    KpiParamError,
    KpiSpec,
    Param,
    UnknownKpiError,
    get_kpi,
    kpi_spec,
    list_kpis,
    register_kpi,
    unregister_kpi,
)

__all__ = [
    "KpiDefinition",
    "KpiError",
    "KpiParamError",
    "KpiSpec",
    "Param",
    "Period",
    "PeriodError",
    "UnknownKpiError",
    "get_kpi",
    "kpi_spec",
    "list_kpis",
    "register_kpi",
    "unregister_kpi",
]
