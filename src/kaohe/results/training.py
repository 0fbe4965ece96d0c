"""Training needs from weak indicators and from competency gaps.

Weak indicator: a scored item whose points are below `weak_item_share` of its
maximum points (bonus items and items without a maximum are skipped; an item that
could not be scored is not a training need but a data problem, and is skipped too).
Competency gap: required level − assessed level ≥ `min_competency_gap`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from kaohe.results.policy import ResultsPolicy
from kaohe.scoring.results import SheetResult


@dataclass(frozen=True)
class CompetencyAssessment:
    employee_id: str
    competency_id: str
    name_zh: str
    name_en: str
    required_level: int
    assessed_level: int


@dataclass(frozen=True)
class TrainingNeed:
    employee_id: str
    source: Literal["indicator", "competency"]
    ref_id: str
    name_zh: str
    name_en: str
    measure: Decimal  # indicator: share of max points reached; competency: the level gap
    courses: tuple[str, ...]


def weak_indicator_needs(sheets: Iterable[SheetResult], policy: ResultsPolicy) -> list[TrainingNeed]:
    limit = policy.training.weak_item_share
    needs = []
    for sheet in sheets:
        for item in sheet.items:
            if item.is_bonus or item.points is None or item.max_points <= 0 or item.status != "scored":
                continue
            share = item.points / item.max_points
            if share < limit:
                needs.append(
                    TrainingNeed(
                        employee_id=sheet.employee_id,
                        source="indicator",
                        ref_id=item.indicator_id,
                        name_zh=item.name_zh,
                        name_en=item.name_en,
                        measure=share,
                        courses=tuple(policy.training.indicator_courses.get(item.indicator_id, ())),
                    )
                )
    return needs


def competency_gap_needs(
    assessments: Iterable[CompetencyAssessment], policy: ResultsPolicy
) -> list[TrainingNeed]:
    needs = []
    for a in assessments:
        gap = a.required_level - a.assessed_level
        if gap >= policy.training.min_competency_gap:
            needs.append(
                TrainingNeed(
                    employee_id=a.employee_id,
                    source="competency",
                    ref_id=a.competency_id,
                    name_zh=a.name_zh,
                    name_en=a.name_en,
                    measure=Decimal(gap),
                    courses=tuple(policy.training.competency_courses.get(a.competency_id, ())),
                )
            )
    return needs


def training_needs(
    sheets: Sequence[SheetResult],
    assessments: Sequence[CompetencyAssessment],
    policy: ResultsPolicy,
) -> list[TrainingNeed]:
    """Both kinds, sorted by employee, then indicator needs before competency needs."""
    needs = weak_indicator_needs(sheets, policy) + competency_gap_needs(assessments, policy)
    return sorted(needs, key=lambda n: (n.employee_id, n.source != "indicator", n.ref_id))
