"""Missing values, too-small samples and partial periods: each case is decided by the
scheme and always leaves an issue on the sheet — a missing value never becomes a silent 0.

Missing value (indicator's `missing`, else the scheme's):
- ERROR   → item `missing_error`, the sheet has no total and is not complete;
- ZERO    → item scores 0, status `missing_zero`;
- EXCLUDE → item `excluded`; the other weights of its category are renormalised
            (and the category weights, when a whole category drops out).

Minimum sample (`min_sample`): a value from fewer than `size` observations, or with no
sample size given at all, is
- FLAG    → scored, status `low_sample`;
- EXCLUDE → handled as a missing value under EXCLUDE;
- ERROR   → item `missing_error`.

Proration (`prorate: true`): an employee who worked a fraction f of the period (new
hire, long leave) has counts and count-like KPI values scaled to a full period:
    full-period value = value ÷ f        (exact Decimal, no rounding before the item points)
f must satisfy 0 < f ≤ 1. Any f < 1 is recorded on the sheet, prorated or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kaohe.scheme.models import Indicator, LowSamplePolicy, MissingPolicy, Scheme

from .explain import names, num
from .results import IssueLevel, ItemStatus, ScoreIssue


def missing_policy(scheme: Scheme, indicator: Indicator) -> MissingPolicy:
    return indicator.missing or scheme.missing


@dataclass(frozen=True)
class Decision:
    """What happens to an item that cannot be scored normally."""

    status: ItemStatus
    score: Decimal | None
    issue: ScoreIssue
    zh: str
    en: str


_STATUS: dict[MissingPolicy, ItemStatus] = {
    MissingPolicy.ERROR: "missing_error",
    MissingPolicy.ZERO: "missing_zero",
    MissingPolicy.EXCLUDE: "excluded",
}

_CONSEQUENCE: dict[MissingPolicy, tuple[str, str]] = {
    MissingPolicy.ERROR: ("方案规定缺失即报错，本表暂不能计算总分", "the scheme treats it as an error: no total until it is supplied"),
    MissingPolicy.ZERO: ("方案规定缺失计 0 分", "the scheme scores a missing value as 0"),
    MissingPolicy.EXCLUDE: (
        "方案规定缺失不计入，同类别其他指标的权重按比例调整",
        "the scheme leaves it out and renormalises the other weights of its category",
    ),
}


def missing_decision(indicator: Indicator, policy: MissingPolicy, what_zh: str, what_en: str) -> Decision:
    name_zh, name_en = names(indicator)
    czh, cen = _CONSEQUENCE[policy]
    zh = f"{name_zh} 缺少数据（{what_zh}），{czh}"
    en = f"{name_en} has no data ({what_en}); {cen}"
    level: IssueLevel = "error" if policy is MissingPolicy.ERROR else "warning"
    issue = ScoreIssue(indicator.id, "missing_value", zh, en, level)
    score = Decimal(0) if policy is MissingPolicy.ZERO else None
    return Decision(_STATUS[policy], score, issue, zh, en)


def low_sample_decision(indicator: Indicator, sample_size: int | None) -> Decision | None:
    """None when the sample is large enough (or no minimum is set)."""
    rule = indicator.min_sample
    if rule is None or (sample_size is not None and sample_size >= rule.size):
        return None
    name_zh, name_en = names(indicator)
    if sample_size is None:
        got_zh, got_en = "未提供样本量", "no sample size was given"
    else:
        got_zh, got_en = f"样本量 {sample_size}", f"a sample of {sample_size}"
    head_zh = f"{name_zh} {got_zh}，低于最低样本量 {rule.size}"
    head_en = f"{name_en}: {got_en}, below the minimum of {rule.size}"
    if rule.action is LowSamplePolicy.FLAG:
        zh, en = f"{head_zh}，照常计分并提请审核人注意", f"{head_en}; scored, flagged for the reviewer"
        return Decision("low_sample", None, ScoreIssue(indicator.id, "low_sample", zh, en, "warning"), zh, en)
    if rule.action is LowSamplePolicy.EXCLUDE:
        zh = f"{head_zh}，不计入，同类别其他指标的权重按比例调整"
        en = f"{head_en}; left out, the other weights of its category renormalised"
        return Decision("excluded", None, ScoreIssue(indicator.id, "low_sample", zh, en, "warning"), zh, en)
    zh, en = f"{head_zh}，方案要求足够样本后才能计分", f"{head_en}; the scheme needs a larger sample before scoring"
    return Decision("missing_error", None, ScoreIssue(indicator.id, "low_sample", zh, en, "error"), zh, en)


def bad_fraction_decision(indicator: Indicator, fraction: Decimal) -> Decision | None:
    if Decimal(0) < fraction <= Decimal(1):
        return None
    name_zh, name_en = names(indicator)
    zh = f"{name_zh} 的在岗比例 {num(fraction)} 无效（应大于 0 且不超过 1）"
    en = f"{name_en}: the period fraction {num(fraction)} is invalid (it must be > 0 and ≤ 1)"
    return Decision("missing_error", None, ScoreIssue(indicator.id, "bad_period_fraction", zh, en, "error"), zh, en)


def prorate(value: Decimal, fraction: Decimal) -> Decimal:
    """Scale a count over a fraction of the period to a full period: value ÷ fraction."""
    return value / fraction
