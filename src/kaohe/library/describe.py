"""Plain-Chinese descriptions of scheme elements, for the printed forms and the CLI.

An HR officer reviewing a form reads "≥80 分得 100 分，否则 0 分", not `type: gate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kaohe.scheme.models import (
    BandRule,
    BonusRule,
    CountsSource,
    FormulaRule,
    GateRule,
    Indicator,
    KpiSource,
    LevelRule,
    LinearRule,
    ManualRule,
    ManualSource,
    PerOccurrenceRule,
    RatioRule,
    Rule,
    Source,
    TiersRule,
    VetoRule,
)
from kaohe.scheme.rules_support import plain_number

LEVEL_ZH = {"director": "总监", "manager": "经理", "supervisor": "主管", "specialist": "专员"}
PERIOD_ZH = {"monthly": "月度", "quarterly": "季度", "annual": "年度"}
ROLE_ZH = {"self": "本人", "supervisor": "直接上级", "reviewer": "审核人", "peer": "同事", "customer": "内部客户",
           "qa": "质检员"}
SCOPE_ZH = {"self": "本人", "team": "班组", "department": "部门", "center": "中心"}
EFFECT_ZH = {"item_zero": "本项记 0 分", "sheet_zero": "总分记 0 分", "cap_grade": "等级封顶"}


def n(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return plain_number(Decimal(value))


def _range(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is not None:
        return f"<{n(high)}"
    if high is None and low is not None:
        return f"≥{n(low)}"
    return f"{n(low)}–{n(high)}"


def describe_rule(rule: Rule, unit: str = "") -> str:
    """One or a few lines that say how the rule turns a value into a score."""
    if isinstance(rule, GateRule):
        return f"{rule.op}{n(rule.threshold)}{unit} 得 {n(rule.pass_score)} 分，否则 {n(rule.fail_score)} 分"
    if isinstance(rule, TiersRule):
        rows = [f"{_range(t.min, t.max)}{unit}：{n(t.score)} 分" for t in rule.tiers]
        if rule.otherwise is not None:
            rows.append(f"其他：{n(rule.otherwise)} 分")
        return "；".join(rows)
    if isinstance(rule, LinearRule):
        text = f"达到 {n(rule.target)}{unit} 得 {n(rule.base)} 分"
        if rule.better:
            text += f"；每好 {n(rule.better.per)}{unit} 加 {n(rule.better.points)} 分"
            if rule.better.limit is not None:
                text += f"（至 {n(rule.better.limit)}{unit} 为止）"
        if rule.worse:
            text += f"；每差 {n(rule.worse.per)}{unit} 扣 {n(rule.worse.points)} 分"
        if rule.cap is not None:
            text += f"；最高 {n(rule.cap)} 分"
        if rule.floor is not None:
            text += f"；最低 {n(rule.floor)} 分"
        return text
    if isinstance(rule, BandRule):
        text = f"{n(rule.low)}–{n(rule.high)}{unit} 得 {n(rule.inside)} 分"
        if rule.below:
            text += f"；低于下限每 {n(rule.below.per)}{unit} 扣 {n(rule.below.points)} 分"
        if rule.above:
            text += f"；高于上限每 {n(rule.above.per)}{unit} 扣 {n(rule.above.points)} 分"
        return text
    if isinstance(rule, PerOccurrenceRule):
        parts = [f"{d.label.zh if d.label else d.count}扣 {n(d.points)} 分" for d in rule.deductions]
        return f"基础 {n(rule.base)} 分；" + "，".join(parts)
    if isinstance(rule, VetoRule):
        effect = EFFECT_ZH[rule.effect] + (f"（{rule.cap_grade}）" if rule.cap_grade else "")
        return f"发生 {rule.threshold} 次及以上：{effect}"
    if isinstance(rule, LevelRule):
        return "；".join(f"{lv.level} 级 {n(lv.score)} 分：{lv.anchor.zh}" for lv in rule.levels)
    if isinstance(rule, RatioRule):
        cap = f"，最高 {n(rule.cap)} 分" if rule.cap is not None else ""
        return f"实际 ÷ {n(rule.target)}{unit} × {n(rule.full)} 分{cap}"
    if isinstance(rule, BonusRule):
        return f"每 {n(rule.per)}{unit} 加 {n(rule.points)} 分，最多加 {n(rule.max_points)} 分"
    if isinstance(rule, ManualRule):
        return f"评分人直接给分，{n(rule.min)}–{n(rule.max)} 分"
    if isinstance(rule, FormulaRule):
        return f"公式：{rule.expr}"
    raise TypeError(f"unknown rule {rule!r}")  # pragma: no cover


def describe_source(source: Source) -> str:
    """Where the value comes from: a KPI id with params and scope, raters, or counts."""
    if isinstance(source, KpiSource):
        params = ", ".join(f"{k}={v}" for k, v in source.params.items())
        text = f"KPI {source.kpi}" + (f"({params})" if params else "")
        return text + (f"，{SCOPE_ZH[source.scope]}数据" if source.scope != "self" else "")
    if isinstance(source, ManualSource):
        return "人工评分：" + "、".join(f"{ROLE_ZH[r.role.value]} {n(r.weight)}%" for r in source.raters)
    if isinstance(source, CountsSource):
        parts = []
        for name, ref in source.counts.items():
            if ref.kpi:
                params = ", ".join(f"{k}={v}" for k, v in ref.params.items())
                parts.append(f"{name} ← KPI {ref.kpi}" + (f"({params})" if params else ""))
            else:
                parts.append(f"{name} ← {ROLE_ZH[ref.entered_by.value] if ref.entered_by else '?'}录入")
        return "计数：" + "；".join(parts)
    raise TypeError(f"unknown source {source!r}")  # pragma: no cover


def describe_explanation(indicator: Indicator) -> str:
    e = indicator.explanation
    return f"定义：{e.definition}\n公式：{e.formula}\n数据来源：{e.data_source}\n频率：{e.frequency}"


def describe_who(who: Sequence[str]) -> str:
    return "、".join(ROLE_ZH.get(w, w) for w in who)
