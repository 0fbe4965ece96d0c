"""Promotion eligibility and position-change warnings from runs of grades.

Both look at the company's last N cycles (N from the policy) in the order given by
`cycles` (oldest first). An employee qualifies only with a grade in every one of
those cycles: a cycle without a grade (new hire, incomplete sheet) breaks the run,
because an unknown grade is not evidence either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from kaohe.results.policy import ResultsPolicy, StreakPolicy


@dataclass(frozen=True)
class CareerFlag:
    employee_id: str
    kind: Literal["promotion", "position_change"]
    cycles: tuple[str, ...]
    grades: tuple[str, ...]
    message_zh: str
    message_en: str


def _streak(
    history: Mapping[str, Mapping[str, str | None]],
    cycles: Sequence[str],
    rule: StreakPolicy,
    policy: ResultsPolicy,
    better: bool,
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    n = rule.consecutive_cycles
    if len(cycles) < n:
        return []
    window = tuple(cycles[-n:])
    limit = policy.rank(rule.grade)
    hits = []
    for employee_id in sorted(history):
        grades = [history[employee_id].get(c) for c in window]
        if any(g is None for g in grades):
            continue
        ranks = [policy.rank(g) for g in grades if g is not None]
        if all((r <= limit) if better else (r >= limit) for r in ranks):
            hits.append((employee_id, window, tuple(g for g in grades if g is not None)))
    return hits


def promotion_candidates(
    history: Mapping[str, Mapping[str, str | None]], cycles: Sequence[str], policy: ResultsPolicy
) -> list[CareerFlag]:
    """`history`: employee_id → {cycle_id: grade or None}; `cycles`: cycle ids, oldest first."""
    rule = policy.promotion
    return [
        CareerFlag(
            employee_id=e,
            kind="promotion",
            cycles=window,
            grades=grades,
            message_zh=f"连续 {rule.consecutive_cycles} 个考核周期达到 {rule.grade} 级或以上，具备晋升资格",
            message_en=f"{rule.grade} or better for {rule.consecutive_cycles} consecutive cycles: eligible for promotion",
        )
        for e, window, grades in _streak(history, cycles, rule, policy, better=True)
    ]


def position_change_warnings(
    history: Mapping[str, Mapping[str, str | None]], cycles: Sequence[str], policy: ResultsPolicy
) -> list[CareerFlag]:
    rule = policy.position_change
    return [
        CareerFlag(
            employee_id=e,
            kind="position_change",
            cycles=window,
            grades=grades,
            message_zh=f"连续 {rule.consecutive_cycles} 个考核周期为 {rule.grade} 级或以下，需考虑调岗或培训后再考核",
            message_en=(
                f"{rule.grade} or worse for {rule.consecutive_cycles} consecutive cycles: "
                "consider a position change or retraining"
            ),
        )
        for e, window, grades in _streak(history, cycles, rule, policy, better=False)
    ]
