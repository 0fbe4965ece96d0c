"""A short description of an indicator's scoring rule, for the 评分规则 column of a sheet.

Generated from the rule itself, so the printed sheet can never disagree with the rule
that scored it. The Chinese text is the library's own (`kaohe.library.describe`), so
a score sheet and the library workbook word a rule the same way; the English text is
written here.
"""

from __future__ import annotations

from kaohe.library.describe import describe_rule as describe_rule_zh
from kaohe.library.describe import n as _n
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


def _step(step: Step | None, verb: str, unit: str) -> str:
    if step is None:
        return ""
    limit = f" (up to {_n(step.limit)}{unit})" if step.limit is not None else ""
    return f"{verb}{_n(step.points)} per {_n(step.per)}{unit}{limit}"


def describe_rule_en(indicator: Indicator) -> str:
    rule, unit = indicator.rule, indicator.unit
    if isinstance(rule, GateRule):
        return f"{rule.op} {_n(rule.threshold)}{unit}: {_n(rule.pass_score)}, else {_n(rule.fail_score)}"
    if isinstance(rule, TiersRule):
        parts = []
        for t in rule.tiers:
            bounds = [f"≥{_n(t.min)}" if t.min is not None else "", f"<{_n(t.max)}" if t.max is not None else ""]
            parts.append(f"{' and '.join(b for b in bounds if b)} → {_n(t.score)}")
        if rule.otherwise is not None:
            parts.append(f"otherwise → {_n(rule.otherwise)}")
        return "; ".join(parts)
    if isinstance(rule, LinearRule):
        bits = [f"{_n(rule.base)} at target {_n(rule.target)}{unit}", _step(rule.better, "+", unit),
                _step(rule.worse, "−", unit)]
        return ", ".join(b for b in bits if b)
    if isinstance(rule, BandRule):
        bits = [f"{_n(rule.inside)} within {_n(rule.low)}–{_n(rule.high)}{unit}",
                ("below: " + _step(rule.below, "−", unit)) if rule.below else "",
                ("above: " + _step(rule.above, "−", unit)) if rule.above else ""]
        return ", ".join(b for b in bits if b)
    if isinstance(rule, PerOccurrenceRule):
        deductions = ", ".join(f"−{_n(d.points)} per {d.label.en if d.label and d.label.en else d.count}"
                               for d in rule.deductions)
        return f"base {_n(rule.base)}, {deductions}"
    if isinstance(rule, VetoRule):
        effect = {"item_zero": "item scores 0", "sheet_zero": "sheet scores 0",
                  "cap_grade": f"grade capped at {rule.cap_grade}"}[rule.effect]
        return f"veto at ≥{rule.threshold} occurrence(s): {effect}"
    if isinstance(rule, LevelRule):
        return "; ".join(f"level {lv.level}: {_n(lv.score)}" for lv in rule.levels)
    if isinstance(rule, RatioRule):
        cap = f", at most {_n(rule.cap)}" if rule.cap is not None else ""
        return f"{_n(rule.full)} at target {_n(rule.target)}{unit}, proportional{cap}"
    if isinstance(rule, BonusRule):
        return f"+{_n(rule.points)} per {_n(rule.per)}, at most {_n(rule.max_points)}"
    if isinstance(rule, ManualRule):
        return f"rated {_n(rule.min)}–{_n(rule.max)}"
    if isinstance(rule, FormulaRule):
        return f"formula: {rule.expr}"
    return ""


def describe_rule(indicator: Indicator, lang: str = "zh") -> str:
    return describe_rule_zh(indicator.rule, indicator.unit) if lang == "zh" else describe_rule_en(indicator)
