"""Several raters on one indicator: weighting, and what happens when one is absent.

The weights come from the indicator's `ManualSource.raters`, else the scheme's
`raters`. When neither lists any rater, every rating given counts equally.

A rater is absent when the scheme weights their role and their rating is missing or
`None`. The scheme's `absent_rater` policy decides:

- RENORMALISE: the present raters' weights are scaled up to 100 % (supervisor 60 % and
  reviewer 40 % with the reviewer absent → supervisor 100 %); an issue names the absent.
- ERROR: the item cannot be scored until every rater has rated.

Ratings from roles the scheme does not weight are left out, with an issue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kaohe.scheme.models import AbsentRaterPolicy, RaterRole, RaterWeight

from .explain import num, short
from .results import ScoreIssue, TraceStep

ROLE_NAMES: dict[RaterRole, tuple[str, str]] = {
    RaterRole.SELF: ("自评", "self"),
    RaterRole.SUPERVISOR: ("考评（直接上级）", "supervisor"),
    RaterRole.REVIEWER: ("审评（上级的上级）", "reviewer"),
    RaterRole.PEER: ("同事", "peers"),
    RaterRole.CUSTOMER: ("客户", "customers"),
    RaterRole.QA: ("质检", "QA"),
}


@dataclass(frozen=True)
class Combined:
    value: Decimal | None  # None: nobody rated, or ERROR policy with an absent rater
    blocked: bool  # True when the ERROR policy stops the item
    steps: list[TraceStep] = field(default_factory=list)
    issues: list[ScoreIssue] = field(default_factory=list)


def combine_ratings(
    indicator_id: str,
    ratings: Mapping[RaterRole, Decimal | None],
    weights: Sequence[RaterWeight],
    policy: AbsentRaterPolicy,
) -> Combined:
    """Weighted mean of the ratings (Σ weight × rating ÷ Σ weight of the raters counted)."""
    issues: list[ScoreIssue] = []
    if not weights:
        weights = [RaterWeight(role=role, weight=Decimal(1)) for role in sorted(ratings) if ratings[role] is not None]
    weighted = {w.role for w in weights}
    for role in sorted(set(ratings) - weighted):
        zh, en = ROLE_NAMES[role]
        issues.append(
            ScoreIssue(
                indicator_id,
                "unexpected_rater",
                f"方案未给{zh}评分设权重，该评分不计入",
                f"the scheme gives no weight to the {en} rating; it is left out",
                "warning",
            )
        )
    present = [w for w in weights if ratings.get(w.role) is not None]
    absent = [w for w in weights if ratings.get(w.role) is None]
    if absent and _absent(indicator_id, absent, bool(present), policy, issues):
        return Combined(None, True, [], issues)
    if not present:
        return Combined(None, False, [], issues)
    return _weighted_mean(ratings, present, issues)


def _absent(indicator_id: str, absent: list[RaterWeight], any_present: bool, policy: AbsentRaterPolicy,
            issues: list[ScoreIssue]) -> bool:
    """Report raters who did not rate; True when the policy blocks scoring."""
    if absent:
        zh = "、".join(ROLE_NAMES[w.role][0] for w in absent)
        en = ", ".join(ROLE_NAMES[w.role][1] for w in absent)
        if policy is AbsentRaterPolicy.ERROR:
            issues.append(
                ScoreIssue(
                    indicator_id,
                    "absent_rater",
                    f"缺少{zh}的评分，方案要求所有评分人评分后才能计分",
                    f"no rating from {en}; the scheme needs every rater before scoring",
                    "error",
                )
            )
            return True
        if any_present:
            issues.append(
                ScoreIssue(
                    indicator_id,
                    "absent_rater",
                    f"缺少{zh}的评分，其余评分人的权重按比例调整至 100%",
                    f"no rating from {en}; the other raters' weights are scaled up to 100 %",
                    "warning",
                )
            )
    return False


def _weighted_mean(ratings: Mapping[RaterRole, Decimal | None], present: list[RaterWeight],
                   issues: list[ScoreIssue]) -> Combined:
    total_weight = sum((w.weight for w in present), Decimal(0))
    value = Decimal(0)
    steps: list[TraceStep] = []
    for w in present:
        rating = ratings[w.role]
        assert rating is not None  # `present` holds only rated roles
        share = w.weight / total_weight
        value += rating * share
        zh, en = ROLE_NAMES[w.role]
        pct = num((share * 100).quantize(Decimal("0.01")))
        # a weight the source does not give (表9-25) is shown as Kaohe's assumption
        mark_zh, mark_en = ("（假设的权重）", " (assumed weight)") if w.assumed else ("", "")
        steps.append(TraceStep(f"{zh} {num(rating)} 分，权重 {pct}%{mark_zh}", f"{en} {num(rating)}, weight {pct} %{mark_en}"))
    steps.append(TraceStep(f"加权评分 {short(value)}", f"weighted rating {short(value)}"))
    return Combined(value, False, steps, issues)
