"""Indicator-quality analysis: is the appraisal measuring anything? (continuous improvement)

Over one cycle's sheets (and the raters' individual ratings) it finds
- ceiling / floor: every employee at the item's maximum, or nobody reaching it;
- no spread: the standard deviation of the item's share of its maximum is below
  `spread_min_std` percent — the item cannot tell people apart;
- redundancy: two indicators whose shares correlate with |r| ≥ threshold, and
  indicators that correlate that strongly with customer satisfaction;
- lenient or strict raters: a rater's mean deviation from the other raters of the
  same item on the same sheet, in percent of the item's maximum, over at least
  `rater_min_count` ratings.
Each finding carries a plain-language recommendation in Chinese and English.

Statistics (std, Pearson r) are computed in floats: they decide which findings to
show, not anyone's score or pay.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Literal

from kaohe.results.policy import ResultsPolicy
from kaohe.scoring.results import SheetResult

FindingKind = Literal["all_full", "none_full", "no_spread", "correlated", "correlated_csat", "lenient", "strict"]


@dataclass(frozen=True)
class Rating:
    """One rater's rating of one indicator on one sheet."""

    sheet_id: str  # e.g. employee id + cycle
    indicator_id: str
    rater_id: str
    score: Decimal
    max_score: Decimal = Decimal(100)


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    subject: str  # indicator id, "a|b" for a pair, or a rater id
    measure: float  # share, std, r or mean deviation, as the kind says
    count: int  # sheets or ratings behind the finding
    message_zh: str
    message_en: str
    advice_zh: str
    advice_en: str


def _shares(sheets: Sequence[SheetResult]) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """indicator → employee → points / max points (in %), for scored, non-bonus items."""
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    names: dict[str, str] = {}
    for sheet in sheets:
        for item in sheet.items:
            if item.is_bonus or item.points is None or item.max_points <= 0 or item.status != "scored":
                continue
            shares[item.indicator_id][sheet.employee_id] = float(item.points / item.max_points * 100)
            names[item.indicator_id] = item.name_zh
    return shares, names


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 2 or statistics.pstdev(xs) == 0 or statistics.pstdev(ys) == 0:
        return None
    return statistics.correlation(xs, ys)


def indicator_findings(
    sheets: Sequence[SheetResult], policy: ResultsPolicy, csat: Mapping[str, Decimal] | None = None
) -> list[Finding]:
    q = policy.quality
    shares, names = _shares(sheets)
    findings: list[Finding] = []
    for ind in sorted(shares):
        values = list(shares[ind].values())
        n = len(values)
        if n < q.min_sheets:
            continue
        name = names[ind]
        full = sum(1 for v in values if v >= 100 - 1e-9)
        if full == n:
            findings.append(Finding(
                "all_full", ind, 100.0, n,
                f"「{name}」所有 {n} 人均得满分", f"everyone ({n}) gets full marks on {ind}",
                "标准可能过低：提高目标值或改用分档评分，让优秀与一般能区分开",
                "the standard may be too easy: raise the target or use tiers so good and average differ"))
        elif full == 0:
            findings.append(Finding(
                "none_full", ind, max(values), n,
                f"「{name}」{n} 人中无人得满分", f"nobody of {n} reaches full marks on {ind}",
                "标准可能过高或数据有误：核对数据来源，考虑调整目标值",
                "the standard may be out of reach or the data wrong: check the source, reconsider the target"))
        std = statistics.pstdev(values)
        if std < float(q.spread_min_std) and full != n:
            findings.append(Finding(
                "no_spread", ind, std, n,
                f"「{name}」得分几乎没有差异（标准差 {std:.2f}%）", f"{ind} hardly varies (std {std:.2f} %)",
                "该指标无法区分员工表现：考虑降低权重或换用更能反映差异的指标",
                "the indicator does not separate people: lower its weight or replace it"))
    threshold = float(q.correlation_threshold)
    for a, b in combinations(sorted(shares), 2):
        common = sorted(set(shares[a]) & set(shares[b]))
        if len(common) < q.min_sheets:
            continue
        r = _pearson([shares[a][e] for e in common], [shares[b][e] for e in common])
        if r is not None and abs(r) >= threshold:
            findings.append(Finding(
                "correlated", f"{a}|{b}", r, len(common),
                f"「{names[a]}」与「{names[b]}」高度相关（r = {r:.2f}）",
                f"{a} and {b} are strongly correlated (r = {r:.2f})",
                "两项可能在重复衡量同一件事：考虑合并或删去其一，把权重留给其他方面",
                "they may measure the same thing twice: merge them or drop one and give the weight elsewhere"))
    if csat:
        for ind in sorted(shares):
            common = sorted(e for e in shares[ind] if e in csat)
            if len(common) < q.min_sheets:
                continue
            r = _pearson([shares[ind][e] for e in common], [float(csat[e]) for e in common])
            if r is not None and abs(r) >= threshold:
                findings.append(Finding(
                    "correlated_csat", ind, r, len(common),
                    f"「{names[ind]}」与客户满意度高度相关（r = {r:.2f}）",
                    f"{ind} is strongly correlated with customer satisfaction (r = {r:.2f})",
                    "若满意度已单独考核，此项权重可能重复计算；若未考核，可把它作为满意度的先行指标",
                    "if satisfaction is scored already the weight counts twice; if not, the item is a good proxy"))
    return findings


def rater_findings(ratings: Sequence[Rating], policy: ResultsPolicy) -> list[Finding]:
    q = policy.quality
    by_item: dict[tuple[str, str], list[Rating]] = defaultdict(list)
    for r in ratings:
        by_item[(r.sheet_id, r.indicator_id)].append(r)
    deviations: dict[str, list[float]] = defaultdict(list)
    for group in by_item.values():
        if len(group) < 2:
            continue  # nobody to compare with
        pct = [float(r.score / r.max_score * 100) for r in group]
        for i, r in enumerate(group):
            others = pct[:i] + pct[i + 1:]
            deviations[r.rater_id].append(pct[i] - sum(others) / len(others))
    findings = []
    limit = float(q.rater_deviation)
    for rater in sorted(deviations):
        devs = deviations[rater]
        if len(devs) < q.rater_min_count:
            continue
        mean = sum(devs) / len(devs)
        if math.isclose(mean, 0.0) or abs(mean) < limit:
            continue
        if mean > 0:
            findings.append(Finding(
                "lenient", rater, mean, len(devs),
                f"评分人 {rater} 平均比同表其他评分人高 {mean:.1f}%", f"rater {rater} rates {mean:.1f} % above peers",
                "评分偏宽：在校准会上对照行为锚点复核其评分，必要时重新培训评分标准",
                "lenient: review the ratings against the behaviour anchors in calibration; retrain if it persists"))
        else:
            findings.append(Finding(
                "strict", rater, mean, len(devs),
                f"评分人 {rater} 平均比同表其他评分人低 {-mean:.1f}%", f"rater {rater} rates {-mean:.1f} % below peers",
                "评分偏严：在校准会上复核，避免其下属在强制分布中吃亏",
                "strict: review in calibration so the rater's people are not disadvantaged in the distribution"))
    return findings


def quality_report(
    sheets: Sequence[SheetResult],
    ratings: Sequence[Rating],
    policy: ResultsPolicy,
    csat: Mapping[str, Decimal] | None = None,
) -> list[Finding]:
    return indicator_findings(sheets, policy, csat) + rater_findings(ratings, policy)
