"""Customer satisfaction (CSAT, NPS) and quality monitoring (QA) KPIs."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from kaohe.metrics.catalog.context import count_if, sum_if
from kaohe.metrics.catalog.registry import KpiDefinition, register_kpi


def _csat(t: ir.Table, value: ir.NumericValue | None, cond: ir.BooleanValue | None = None) -> dict[str, Any]:
    answered = t.csat.notnull()
    # value None: the share of answers meeting cond; else the sum of value
    num = count_if(answered & cond) if value is None else sum_if(value, answered)
    return {"num": num, "den": count_if(answered), "n": count_if(answered)}


def top2_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return _csat(t, None, t.csat >= 4)


def mean_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return _csat(t, t.csat.cast("float64"))


def score100_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return _csat(t, (t.csat.cast("float64") - 1.0) / 4.0 * 100.0)


def nps_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    answered = t.nps.notnull()
    net = count_if(answered & (t.nps >= 9)) - count_if(answered & (t.nps <= 6))
    return {"num": net, "den": count_if(answered), "n": count_if(answered)}


def qa_avg_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    scored = t.score.notnull()
    return {"num": sum_if(t.score.cast("float64"), scored), "den": count_if(scored), "n": count_if(scored)}


def qa_fail_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return {"num": count_if(t.critical_fail.fill_null(False)), "den": None, "n": t.count()}


def _reg(**kw: Any) -> None:
    kw.setdefault("rollup", "parts" in kw)  # parts are sums over rows: they add up over days
    register_kpi(KpiDefinition(**kw))


_SURVEY = {"inputs": ("surveys",), "base": "surveys", "sample_zh": "有该项评分的问卷数", "sample_en": "surveys answering the item"}
_reg(
    id="csat_top2", name_zh="满意率(前两档)", name_en="CSAT top-2-box", unit="%", direction="higher",
    definition_zh="满意度 4–5 分的问卷占有评分问卷的比例。", definition_en="Share of CSAT answers scoring 4 or 5.",
    formula="count(csat ≥ 4) / count(csat answered) × 100", scale=100.0, parts=top2_parts, **_SURVEY,
)
_reg(
    id="csat_mean", name_zh="平均满意度", name_en="Mean CSAT", unit="points", direction="higher",
    definition_zh="满意度评分(1–5)的平均值。", definition_en="Mean CSAT score on its 1–5 scale.",
    formula="Σ csat / count(csat answered)", parts=mean_parts, **_SURVEY,
)
_reg(
    id="csat_score100", name_zh="满意度(百分制)", name_en="CSAT on a 0–100 scale", unit="points", direction="higher",
    definition_zh="满意度评分换算为百分制后的平均值:(评分 − 1) ÷ 4 × 100。",
    definition_en="Mean CSAT rescaled to 0–100: (csat − 1) / 4 × 100.",
    formula="Σ (csat − 1) / 4 × 100 / count(csat answered)", parts=score100_parts, **_SURVEY,
)
_reg(
    id="nps", name_zh="净推荐值", name_en="Net promoter score", unit="points", direction="higher",
    definition_zh="推荐者(9–10 分)比例减去贬损者(0–6 分)比例。",
    definition_en="Percentage of promoters (9–10) minus percentage of detractors (0–6).",
    formula="(count(nps ≥ 9) − count(nps ≤ 6)) / count(nps answered) × 100", scale=100.0, parts=nps_parts, **_SURVEY,
)
_reg(
    id="qa_avg", name_zh="质检平均分", name_en="QA average", unit="points", direction="higher",
    definition_zh="期间内质检(监听)评分的平均值。", definition_en="Mean quality-monitoring score of the period.",
    formula="Σ score / count(evaluations)", sample_zh="质检次数", sample_en="evaluations",
    inputs=("qa_evaluations",), base="qa_evaluations", parts=qa_avg_parts,
)
_reg(
    id="qa_critical_fails", name_zh="质检致命错误数", name_en="QA critical fails", unit="count", direction="lower",
    definition_zh="含致命错误项的质检次数。", definition_en="Evaluations with a critical-fail item.",
    formula="count(critical_fail)", sample_zh="质检次数", sample_en="evaluations", kind="total",
    inputs=("qa_evaluations",), base="qa_evaluations", parts=qa_fail_parts,
)
