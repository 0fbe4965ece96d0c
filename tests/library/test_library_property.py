"""Every library scheme scores any plausible input to a total between 0 and 100 plus its bonus."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.library import load_library
from kaohe.scheme.models import (
    BonusRule,
    CountsSource,
    Indicator,
    LevelRule,
    ManualRule,
    ManualSource,
    Scheme,
)
from kaohe.scoring import IndicatorInput, SheetInputs, score_sheet

SCHEMES = {s.id: s for s in load_library().schemes}


def indicator_input(indicator: Indicator) -> st.SearchStrategy[IndicatorInput]:
    source, rule = indicator.source, indicator.rule
    if isinstance(source, CountsSource):
        names = sorted(source.counts)
        return st.lists(st.integers(0, 6), min_size=len(names), max_size=len(names)).map(
            lambda values: IndicatorInput(counts=dict(zip(names, values, strict=True)))
        )
    if isinstance(source, ManualSource):
        if isinstance(rule, LevelRule):
            rating = st.sampled_from([Decimal(a.level) for a in rule.levels])
        elif isinstance(rule, ManualRule):
            rating = st.integers(int(rule.min), int(rule.max)).map(Decimal)
        else:
            rating = st.integers(0, 10).map(Decimal)
        roles = [r.role for r in source.raters]
        return st.lists(rating, min_size=len(roles), max_size=len(roles)).map(
            lambda values: IndicatorInput(ratings=dict(zip(roles, values, strict=True)))
        )
    value = st.decimals(min_value=0, max_value=400, places=1, allow_nan=False, allow_infinity=False)
    return value.map(lambda v: IndicatorInput(value=v, sample_size=500))


def sheet_inputs(scheme: Scheme) -> st.SearchStrategy[dict[str, IndicatorInput]]:
    indicators = [i for c in scheme.categories for i in c.indicators]
    return st.fixed_dictionaries({i.id: indicator_input(i) for i in indicators})


def max_bonus(scheme: Scheme) -> Decimal:
    return sum((i.rule.max_points for c in scheme.categories for i in c.indicators
                if isinstance(i.rule, BonusRule)), Decimal(0))


@pytest.mark.parametrize("scheme_id", sorted(SCHEMES))
def test_any_plausible_input_scores_between_0_and_100_plus_bonus(scheme_id: str) -> None:
    scheme = SCHEMES[scheme_id]

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(values=sheet_inputs(scheme))
    def check(values: dict[str, IndicatorInput]) -> None:
        result = score_sheet(scheme, SheetInputs("e1", values))
        assert result.complete, result.issues
        assert result.total is not None
        assert Decimal(0) <= result.total <= Decimal(100) + max_bonus(scheme)
        assert result.grade is not None
        assert not [i for i in result.issues if i.code == "uncovered_value"]

    check()
