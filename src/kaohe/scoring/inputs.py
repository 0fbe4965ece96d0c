"""From KPI values, ratings and counts to a sheet's scoring inputs — the one step every path shares.

The web app (`kaohe.web.appraisal.services.scoring.build_inputs`), the API and the
command line (`kaohe score --data`) all turn what they know about an employee into
`SheetInputs` here, so one employee gets one score whichever way it is computed:

- a KPI source takes the KPI value of the indicator's id, parameters and scope, with
  its sample size (a missing value stays missing, never 0);
- a counts source takes each count from its KPI (the employee's own figure) or from
  the counts a rater entered;
- a manual source takes the ratings by role; several ratings of one role (peers,
  internal customers) count as their mean, and the 360 roles count only from the
  company's minimum number of raters — below it the role is absent, so no single
  anonymous rater's score becomes the item's value;
- every item carries the share of the period the employee was employed.

Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kaohe.scheme.models import CountsSource, KpiSource, ManualSource, RaterRole, Scheme

from .applicability import condition_key
from .results import IndicatorInput, SheetInputs

ANONYMOUS_ROLES = frozenset({"peer", "customer"})  # 360 raters: never named, never shown alone

KpiKey = tuple[str, str, str]  # (KPI id, parameters key, scope)


def params_key(params: Mapping[str, Any] | None) -> str:
    """A canonical text of KPI parameters, so that equal parameter sets compare equal."""
    return ";".join(f"{k}={v}" for k, v in sorted((params or {}).items()))


@dataclass(frozen=True)
class KpiFigure:
    """One KPI value of one employee (or the unit they lead), and the sample behind it."""

    value: Decimal | None
    sample_size: int | None = None


@dataclass(frozen=True)
class RatingEntry:
    """One submitted rating: who rated (for the 360 minimum), the score, counts they entered."""

    indicator: str
    role: str
    score: Decimal | None
    rater: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class InputPolicy:
    """The company's settings that shape inputs: the minimum number of 360 raters."""

    min_peer_raters: int = 1
    anonymous_roles: frozenset[str] = ANONYMOUS_ROLES


@dataclass(frozen=True)
class KpiNeed:
    """A KPI a scheme needs: id, parameters and whose figure (self, team, department, center)."""

    kpi: str
    params: Mapping[str, Any]
    scope: str

    @property
    def key(self) -> KpiKey:
        return (self.kpi, params_key(self.params), self.scope)


def kpi_needs(scheme: Scheme) -> list[KpiNeed]:
    """Every KPI the scheme's indicators read, once each, in scheme order."""
    found: dict[KpiKey, KpiNeed] = {}
    for cat in scheme.categories:
        for ind in cat.indicators:
            src = ind.source
            needs: list[KpiNeed] = []
            if isinstance(src, KpiSource):
                needs.append(KpiNeed(src.kpi, dict(src.params), src.scope))
            elif isinstance(src, CountsSource):
                needs += [KpiNeed(r.kpi, dict(r.params), "self") for r in src.counts.values() if r.kpi]
            if ind.applies_when is not None and ind.applies_when.kpi:  # 表9-26's low-volume exemption
                needs.append(KpiNeed(ind.applies_when.kpi, dict(ind.applies_when.params), "self"))
            for need in needs:
                found.setdefault(need.key, need)
    return list(found.values())


def ratings_by_role(ratings: Iterable[RatingEntry], policy: InputPolicy = InputPolicy()
                    ) -> tuple[dict[str, dict[str, Decimal]], dict[str, dict[str, int]]]:
    """(indicator → role → rating, indicator → count name → entered count) from submitted ratings.

    Several ratings of one role count as their mean; a 360 role rated by fewer than the
    minimum number of raters counts as absent.
    """
    scores: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    raters: dict[tuple[str, str], set[str]] = defaultdict(set)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for index, r in enumerate(ratings):
        if r.score is not None:
            scores[r.indicator][r.role].append(r.score)
            if r.role in policy.anonymous_roles:
                raters[(r.indicator, r.role)].add(r.rater or f"#{index}")
        for name, n in r.counts.items():
            counts[r.indicator][name] = int(n)
    minimum = max(1, policy.min_peer_raters)
    for (indicator, role), who in raters.items():
        if len(who) < minimum:
            scores[indicator].pop(role, None)
    means = {ind: {role: sum(given, Decimal(0)) / len(given) for role, given in by_role.items() if given}
             for ind, by_role in scores.items()}
    return means, dict(counts)


def build_sheet_inputs(
    scheme: Scheme,
    employee_id: str,
    kpis: Mapping[KpiKey, KpiFigure],
    ratings: Iterable[RatingEntry] = (),
    *,
    period_fraction: Decimal = Decimal(1),
    policy: InputPolicy = InputPolicy(),
    settings: Mapping[str, bool] | None = None,
) -> SheetInputs:
    """The scoring inputs of one employee's sheet (see the module's description)."""
    rated, entered = ratings_by_role(ratings, policy)
    values: dict[str, IndicatorInput] = {}
    for cat in scheme.categories:
        for ind in cat.indicators:
            src = ind.source
            if isinstance(src, KpiSource):
                figure = kpis.get((src.kpi, params_key(src.params), src.scope))
                values[ind.id] = IndicatorInput(
                    value=None if figure is None else figure.value,
                    sample_size=None if figure is None else figure.sample_size,
                    period_fraction=period_fraction,
                )
            elif isinstance(src, ManualSource):
                roles = [rw.role for rw in (src.raters or scheme.raters)]
                given = rated.get(ind.id, {})
                by_role: dict[RaterRole, Decimal | None] = {role: given.get(str(role)) for role in roles}
                values[ind.id] = IndicatorInput(ratings=by_role, period_fraction=period_fraction)
            else:
                values[ind.id] = IndicatorInput(
                    counts=_counts(src, kpis, entered.get(ind.id, {})) or None, period_fraction=period_fraction
                )
    return SheetInputs(employee_id=employee_id, values=values, context=_conditions(scheme, kpis),
                       settings=dict(settings or {}))


def _conditions(scheme: Scheme, kpis: Mapping[KpiKey, KpiFigure]) -> dict[str, Decimal]:
    """The KPI values the scheme's `applies_when` conditions read, by `condition_key`."""
    found: dict[str, Decimal] = {}
    for cat in scheme.categories:
        for ind in cat.indicators:
            when = ind.applies_when
            if when is None or not when.kpi:
                continue
            figure = kpis.get((when.kpi, params_key(when.params), "self"))
            if figure is not None and figure.value is not None:
                found[condition_key(when)] = figure.value
    return found


def _counts(src: CountsSource, kpis: Mapping[KpiKey, KpiFigure], entered: Mapping[str, int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, ref in src.counts.items():
        if ref.kpi is not None:
            figure = kpis.get((ref.kpi, params_key(ref.params), "self"))
            if figure is not None and figure.value is not None:
                counts[name] = int(figure.value)
        elif name in entered:
            counts[name] = entered[name]
    return counts
