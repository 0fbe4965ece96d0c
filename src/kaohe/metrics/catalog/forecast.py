"""Forecast accuracy of call volume per interval (MAPE and WAPE), for the forecaster.

The actual volume of an interval is the number of inbound calls offered to the queue
whose ``offered_at`` falls in [interval_start, interval_start + interval_minutes); a call
running past the interval's end belongs to the interval it arrived in.
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from kaohe.metrics.catalog.context import BuildContext
from kaohe.metrics.catalog.registry import KpiDefinition, Param, register_kpi


def _interval_start(ts: ir.TimestampValue, minutes: int) -> ir.TimestampValue:
    # Interval grids are aligned on midnight UTC; China's +8h offset keeps them aligned locally.
    mins = (ts.hour() * 60 + ts.minute()) // minutes * minutes
    return ts.truncate("D") + mins.as_interval("m")


def _intervals(ctx: BuildContext, kpi_id: str, minutes: int) -> ir.Table:
    f = ctx.table("forecasts", kpi_id)
    f = f.filter(f.interval_minutes == minutes)
    f = ctx.bucket_points(f, "interval_start").select(
        "queue", "interval_start", "forecast_calls", "forecaster_id", "bucket"
    )
    calls = ctx.table("calls", kpi_id)
    calls = calls.filter((calls.direction == "in") & ctx.in_period(calls.offered_at))
    calls = calls.select(a_queue=calls.queue, a_start=_interval_start(calls.offered_at, minutes))
    actual = calls.group_by("a_queue", "a_start").aggregate(actual=calls.count())
    j = f.left_join(actual, [f.queue == actual.a_queue, f.interval_start == actual.a_start])
    return j.mutate(
        actual=j.actual.fill_null(0).cast("float64"),
        err=(j.actual.fill_null(0).cast("float64") - j.forecast_calls.cast("float64")).abs(),
    )


def mape_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    t = _intervals(ctx, "forecast_mape", p["interval_minutes"])
    t = t.filter(t.actual > 0)  # the percentage error of an empty interval is undefined
    return t.group_by(employee_id=t.forecaster_id, queue=t.queue, bucket=t.bucket).aggregate(
        num=(t.err / t.actual).sum(), den=t.count().cast("float64"), n=t.count()
    )


def wape_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    t = _intervals(ctx, "forecast_wape", p["interval_minutes"])
    return t.group_by(employee_id=t.forecaster_id, queue=t.queue, bucket=t.bucket).aggregate(
        num=t.err.sum(), den=t.actual.sum(), n=t.count()
    )


_MINUTES = Param("interval_minutes", "int", 30, choices=(15, 30, 60), doc_zh="时段长度(分钟)", doc_en="interval length (minutes)")

register_kpi(KpiDefinition(
    id="forecast_mape", name_zh="话务预测准确度(MAPE)", name_en="Forecast error (interval MAPE)", unit="%",
    direction="lower",
    definition_zh="各时段实际来电与预测之差的绝对百分比误差的平均值;实际为 0 的时段不计。",
    definition_en="Mean absolute percentage error of the forecast per interval; intervals with no actual calls are left out.",
    formula="Σ |actual − forecast| / actual / count(intervals with actual > 0) × 100", sample_zh="时段数",
    sample_en="intervals", scale=100.0, inputs=("forecasts", "calls"), build=mape_build, params=(_MINUTES,),
))
register_kpi(KpiDefinition(
    id="forecast_wape", name_zh="话务预测准确度(WAPE)", name_en="Forecast error (WAPE)", unit="%", direction="lower",
    definition_zh="各时段绝对误差之和除以实际来电之和。", definition_en="Sum of absolute errors over the sum of actual calls.",
    formula="Σ |actual − forecast| / Σ actual × 100", sample_zh="时段数", sample_en="intervals", scale=100.0,
    inputs=("forecasts", "calls"), build=wape_build, params=(_MINUTES,),
))
