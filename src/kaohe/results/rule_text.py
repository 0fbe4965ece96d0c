"""A short description of an indicator's scoring rule, for the 评分规则 column of a sheet.

Generated from the rule itself, so the printed sheet can never disagree with the
rule that scored it.
"""

from __future__ import annotations

from decimal import Decimal

from kaohe.scheme.models import (
    BandRule,
    BonusRule,
    FormulaRule,
    GateRule,
    Indicator,
    LevelRule,
    LinearRule,
    ManualRule,
    PerOccurrenceRule,
    RatioRule,
    Step,
    TiersRule,
    VetoRule,
)


def _n(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _step_zh(step: Step | None, verb: str, unit: str) -> str:
    if step is None:
        return ""
    per = "" if step.per == 1 else _n(step.per)
    limit = f"（至 {_n(step.limit)}{unit} 止）" if step.limit is not None else ""
    return f"每{per}{unit}{verb} {_n(step.points)} 分{limit}"


def _step_en(step: Step | None, verb: str, unit: str) -> str:
    if step is None:
        return ""
    limit = f" (up to {_n(step.limit)}{unit})" if step.limit is not None else ""
    return f"{verb} {_n(step.points)} per {_n(step.per)}{unit}{limit}"


def describe_rule(indicator: Indicator, lang: str = "zh") -> str:
    rule, unit = indicator.rule, indicator.unit
    zh = lang == "zh"
    if isinstance(rule, GateRule):
        return (
            f"{rule.op} {_n(rule.threshold)}{unit} 得 {_n(rule.pass_score)} 分，否则 {_n(rule.fail_score)} 分"
            if zh
            else f"{rule.op} {_n(rule.threshold)}{unit}: {_n(rule.pass_score)}, else {_n(rule.fail_score)}"
        )
    if isinstance(rule, TiersRule):
        parts = []
        for t in rule.tiers:
            lo = f"≥{_n(t.min)}" if t.min is not None else ""
            hi = f"<{_n(t.max)}" if t.max is not None else ""
            rng = " 且 ".join(p for p in (lo, hi) if p) if zh else " and ".join(p for p in (lo, hi) if p)
            parts.append(f"{rng} → {_n(t.score)}")
        if rule.otherwise is not None:
            parts.append(("其他 → " if zh else "otherwise → ") + _n(rule.otherwise))
        return "；".join(parts) if zh else "; ".join(parts)
    if isinstance(rule, LinearRule):
        if zh:
            bits = [f"目标 {_n(rule.target)}{unit} 得 {_n(rule.base)} 分", _step_zh(rule.better, "加", unit),
                    _step_zh(rule.worse, "扣", unit)]
            return "，".join(b for b in bits if b)
        bits = [f"{_n(rule.base)} at target {_n(rule.target)}{unit}", _step_en(rule.better, "+", unit),
                _step_en(rule.worse, "−", unit)]
        return ", ".join(b for b in bits if b)
    if isinstance(rule, BandRule):
        if zh:
            bits = [f"{_n(rule.low)}–{_n(rule.high)}{unit} 得 {_n(rule.inside)} 分",
                    ("低于下限" + _step_zh(rule.below, "扣", unit)) if rule.below else "",
                    ("高于上限" + _step_zh(rule.above, "扣", unit)) if rule.above else ""]
            return "，".join(b for b in bits if b)
        bits = [f"{_n(rule.inside)} within {_n(rule.low)}–{_n(rule.high)}{unit}",
                ("below: " + _step_en(rule.below, "−", unit)) if rule.below else "",
                ("above: " + _step_en(rule.above, "−", unit)) if rule.above else ""]
        return ", ".join(b for b in bits if b)
    if isinstance(rule, PerOccurrenceRule):
        if zh:
            ded = "，".join(
                f"{d.label.zh if d.label else d.count}每次扣 {_n(d.points)} 分" for d in rule.deductions
            )
            return f"基本分 {_n(rule.base)}，{ded}"
        ded = ", ".join(f"−{_n(d.points)} per {d.label.en if d.label and d.label.en else d.count}"
                        for d in rule.deductions)
        return f"base {_n(rule.base)}, {ded}"
    if isinstance(rule, VetoRule):
        effect = {"item_zero": ("本项计 0 分", "item scores 0"), "sheet_zero": ("整表计 0 分", "sheet scores 0"),
                  "cap_grade": (f"等级最高 {rule.cap_grade}", f"grade capped at {rule.cap_grade}")}[rule.effect]
        return (f"发生 ≥{rule.threshold} 次一票否决：{effect[0]}" if zh
                else f"veto at ≥{rule.threshold} occurrence(s): {effect[1]}")
    if isinstance(rule, LevelRule):
        return ("；".join if zh else "; ".join)(
            (f"{lv.level}级 {_n(lv.score)} 分" if zh else f"level {lv.level}: {_n(lv.score)}") for lv in rule.levels
        )
    if isinstance(rule, RatioRule):
        cap = (f"，最高 {_n(rule.cap)}" if zh else f", at most {_n(rule.cap)}") if rule.cap is not None else ""
        return (f"完成目标 {_n(rule.target)}{unit} 得 {_n(rule.full)} 分，按比例计{cap}" if zh
                else f"{_n(rule.full)} at target {_n(rule.target)}{unit}, proportional{cap}")
    if isinstance(rule, BonusRule):
        return (f"每{_n(rule.per)}次加 {_n(rule.points)} 分，最多 {_n(rule.max_points)} 分" if zh
                else f"+{_n(rule.points)} per {_n(rule.per)}, at most {_n(rule.max_points)}")
    if isinstance(rule, ManualRule):
        return (f"评分 {_n(rule.min)}–{_n(rule.max)} 分" if zh else f"rated {_n(rule.min)}–{_n(rule.max)}")
    if isinstance(rule, FormulaRule):
        return f"{'公式' if zh else 'formula'}: {rule.expr}"
    return ""
