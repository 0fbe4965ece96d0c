"""ECharts option objects for the report tables (plain dicts, JSON-ready).

The same options feed the standalone demo dashboard and the web report pages, so
a chart looks the same wherever it is shown. Numbers become floats here: a chart
draws, it does not account.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaohe.results.tables import Table

Option = dict[str, Any]


def _num(v: object) -> float | None:
    if isinstance(v, Decimal | int | float) and not isinstance(v, bool):
        return float(v)
    return None


def _col(table: Table, key: str) -> int:
    return [c.key for c in table.columns].index(key)


def bar_option(table: Table, label_key: str, value_key: str, name: str, horizontal: bool = False) -> Option:
    li, vi = _col(table, label_key), _col(table, value_key)
    labels = [str(r[li]) for r in table.rows]
    values = [_num(r[vi]) for r in table.rows]
    cat_axis = {"type": "category", "data": labels}
    val_axis = {"type": "value"}
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 80 if horizontal else 50, "right": 20, "top": 30, "bottom": 40},
        "xAxis": val_axis if horizontal else cat_axis,
        "yAxis": {**cat_axis, "inverse": True} if horizontal else val_axis,
        "series": [{"type": "bar", "name": name, "data": values, "label": {"show": True, "position": "right" if horizontal else "top"}}],
    }


DISTRIBUTION_SERIES = {"zh": ("实际占比 %", "目标占比 %"), "en": ("Actual share %", "Target share %")}


def distribution_option(table: Table, lang: str = "zh") -> Option:
    """Actual share per grade as bars, the target share as a line over them (legend in `lang`)."""
    gi, ai, ti = _col(table, "grade"), _col(table, "pct"), _col(table, "target")
    actual, target = DISTRIBUTION_SERIES["en" if lang == "en" else "zh"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [actual, target]},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(r[gi]) for r in table.rows]},
        "yAxis": {"type": "value", "name": "%"},
        "series": [
            {"type": "bar", "name": actual, "data": [_num(r[ai]) for r in table.rows]},
            {"type": "line", "name": target, "data": [_num(r[ti]) for r in table.rows], "symbolSize": 8},
        ],
    }


def trend_option(table: Table) -> Option:
    """One line per group across the cycles (the table's columns after the first)."""
    cycles = [c.key for c in table.columns[1:]]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [str(r[0]) for r in table.rows]},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": cycles},
        "yAxis": {"type": "value", "scale": True},
        "series": [{"type": "line", "name": str(r[0]), "data": [_num(v) for v in r[1:]]} for r in table.rows],
    }
