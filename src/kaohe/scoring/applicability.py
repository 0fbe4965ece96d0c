"""Whether an indicator applies to this sheet (表9-26: 对于话务量较少的项目公司此项可不做为考核指标).

An indicator with `applies_when` applies when its condition holds: a KPI of the employee
(handled calls ≥ 300) and/or a company setting that is on. When it does not apply the
item is left out like an excluded item, and its weight goes to the other items of its
category in proportion to their weights (`redistribute: category`); the trace says why.
A condition whose KPI value is not known leaves the item in (nothing is exempted on a
guess) and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kaohe.scheme.models import Applicability, Indicator

from .explain import num
from .results import ScoreIssue, TraceStep

_OPS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}


def condition_key(when: Applicability) -> str:
    """The key of the condition's KPI value in `SheetInputs.context`: the KPI id, then its parameters."""
    params = ",".join(f"{k}={when.params[k]}" for k in sorted(when.params))
    return f"{when.kpi}({params})" if params else str(when.kpi)


@dataclass(frozen=True)
class Applies:
    applies: bool
    steps: list[TraceStep]
    issue: ScoreIssue | None = None


def check_applies(indicator: Indicator, context: Mapping[str, Decimal], settings: Mapping[str, bool]) -> Applies:
    when = indicator.applies_when
    if when is None:
        return Applies(True, [])
    steps: list[TraceStep] = []
    if when.setting is not None:
        on = settings.get(when.setting)
        if on is False:
            return Applies(False, [TraceStep(f"公司设置 {when.setting} 未开启，本项不考核",
                                             f"company setting {when.setting} is off: the item is not appraised")],
                           _issue(indicator, f"公司设置 {when.setting} 未开启", f"company setting {when.setting} is off"))
    if when.kpi is not None and when.threshold is not None:
        value = context.get(condition_key(when))
        if value is None:
            return Applies(True, [TraceStep(f"不知道 {when.kpi} 的数值，无法判断是否豁免，本项照常考核",
                                            f"{when.kpi} is not known, so the exemption cannot apply: the item counts")])
        if not _OPS[when.op](value, when.threshold):
            why_zh = f"{when.kpi} = {num(value)}，不满足 {when.op} {num(when.threshold)}"
            why_en = f"{when.kpi} = {num(value)}, not {when.op} {num(when.threshold)}"
            return Applies(False, [TraceStep(f"{why_zh}：本项不考核", f"{why_en}: the item is not appraised")],
                           _issue(indicator, why_zh, why_en))
        steps.append(TraceStep(f"{when.kpi} = {num(value)}，满足 {when.op} {num(when.threshold)}，本项考核",
                               f"{when.kpi} = {num(value)} is {when.op} {num(when.threshold)}: the item is appraised"))
    return Applies(True, steps)


def _issue(indicator: Indicator, why_zh: str, why_en: str) -> ScoreIssue:
    note = indicator.applies_when.note if indicator.applies_when else None
    policy_zh = "权重按比例分给本类其他指标"
    policy_en = "its weight goes to the rest of its category in proportion"
    return ScoreIssue(
        indicator.id, "not_applicable",
        f"「{indicator.name.zh}」不适用（{why_zh}），{policy_zh}" + (f"：{note.zh}" if note else ""),
        f"{indicator.name.en or indicator.id} does not apply ({why_en}); {policy_en}" + (f": {note.en}" if note and note.en else ""),
        "info",
    )
