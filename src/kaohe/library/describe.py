"""Plain-Chinese descriptions of scheme elements, for the printed forms and the CLI.

An HR officer reviewing a form reads "≥80 分得 100 分，否则 0 分", not `type: gate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kaohe.scheme.kinds.registry import kind_of
from kaohe.scheme.models import CountsSource, Indicator, KpiSource, ManualSource, Rule, Source
from kaohe.scheme.rules_support import plain_number

LEVEL_ZH = {"director": "总监", "manager": "经理", "supervisor": "主管", "specialist": "专员"}
PERIOD_ZH = {"monthly": "月度", "quarterly": "季度", "annual": "年度"}
ROLE_ZH = {"self": "本人", "supervisor": "直接上级", "reviewer": "审核人", "peer": "同事", "customer": "内部客户",
           "qa": "质检员"}
SCOPE_ZH = {"self": "本人", "team": "班组", "department": "部门", "center": "中心"}
ROLE_EN = {"self": "Employee", "supervisor": "Direct superior", "reviewer": "Reviewer", "peer": "Peers",
           "customer": "Internal customers", "qa": "QA"}
SCOPE_EN = {"self": "own", "team": "team", "department": "department", "center": "center"}


def n(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return plain_number(Decimal(value))


def describe_rule(rule: Rule, unit: str = "") -> str:
    """One or a few lines that say how the rule turns a value into a score (its kind's words)."""
    text: str = kind_of(rule).describe(rule, unit, "zh")
    return text


def describe_source(source: Source, lang: str = "zh") -> str:
    """Where the value comes from: a KPI id with params and scope, raters, or counts (zh or en)."""
    en = lang == "en"
    roles = ROLE_EN if en else ROLE_ZH
    if isinstance(source, KpiSource):
        params = ", ".join(f"{k}={v}" for k, v in source.params.items())
        text = f"KPI {source.kpi}" + (f"({params})" if params else "")
        if source.scope == "self":
            return text
        return text + (f", {SCOPE_EN[source.scope]} figures" if en else f"，{SCOPE_ZH[source.scope]}数据")
    if isinstance(source, ManualSource):
        return ("Rated by: " if en else "人工评分：") + (", " if en else "、").join(
            f"{roles[r.role.value]} {n(r.weight)}%" for r in source.raters)
    if isinstance(source, CountsSource):
        parts = []
        for name, ref in source.counts.items():
            if ref.kpi:
                params = ", ".join(f"{k}={v}" for k, v in ref.params.items())
                parts.append(f"{name} ← KPI {ref.kpi}" + (f"({params})" if params else ""))
            else:
                who = roles[ref.entered_by.value] if ref.entered_by else "?"
                parts.append(f"{name} ← entered by {who}" if en else f"{name} ← {who}录入")
        return ("Counts: " if en else "计数：") + ("; " if en else "；").join(parts)
    raise TypeError(f"unknown source {source!r}")  # pragma: no cover


def describe_explanation(indicator: Indicator) -> str:
    e = indicator.explanation
    return f"定义：{e.definition}\n公式：{e.formula}\n数据来源：{e.data_source}\n频率：{e.frequency}"


def describe_who(who: Sequence[str]) -> str:
    return "、".join(ROLE_ZH.get(w, w) for w in who)
