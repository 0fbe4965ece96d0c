"""The built-in KPIs. Importing this module registers them through ``register_kpi``."""

from kaohe.metrics.catalog import (  # noqa: F401
    agent_time,
    calls,
    customers,
    forecast,
    management,
    people,
    quality,
    tickets,
)
