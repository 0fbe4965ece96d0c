"""Generated populations for the scoring equality tests: every library scheme and the 15-indicator bench
scheme, with the inputs real sheets have and the awkward ones (missing values, low samples, part-period
employees, a rater who has not rated, a level not in the table, counts given as a value, exemptions).

`sheet_json` writes a result as plain data, every field included (Decimals as their exact text, the trace
text in Chinese and English), so that two results can be compared field by field.
"""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal
from functools import cache
from typing import Any

from kaohe.scheme.models import (
    CountsSource,
    Indicator,
    LevelRule,
    ManualRule,
    ManualSource,
    Scheme,
)
from kaohe.scoring import IndicatorInput, SheetInputs, SheetResult
from kaohe.scoring.applicability import condition_key

FRACTIONS = [Decimal("0.5"), Decimal("0.25"), Decimal("0.8333"), Decimal(0), Decimal("1.5")]


@cache
def library_schemes() -> list[Scheme]:
    from kaohe.library import load_library

    return list(load_library().schemes)


@cache
def fifteen_scheme() -> Scheme:
    """The bench's 15-indicator scheme (bench/cases.py `bench_scheme`), built the same way."""
    schemes = {s.id: s for s in library_schemes()}
    agent, sup = schemes["call_center_agent_monthly"], schemes["agent_supervisor_quarterly"]
    five = ("team_service_level", "staffing_plan", "team_qa_avg", "team_csat", "ops_report")
    picked = [i.model_copy(update={"weight": Decimal(20)}) for i in sup.categories[0].indicators if i.id in five]
    third = sup.categories[0].model_copy(update={"indicators": picked, "weight": Decimal(20)})
    cats = [agent.categories[0].model_copy(update={"weight": Decimal(60)}), agent.categories[1], third]
    return agent.model_copy(update={"categories": cats, "id": "bench_15"})


def _value(rng: random.Random, ind: Indicator) -> Decimal:
    target = getattr(ind.rule, "target", None) or ind.target
    if target is not None and rng.random() < 0.6:
        spread = max(abs(target), Decimal(10))
        return (target + spread * Decimal(rng.randint(-150, 150)) / 100).quantize(Decimal("0.01"))
    return Decimal(rng.randint(0, 40000)) / 100


def indicator_input(rng: random.Random, ind: Indicator, odd: float) -> IndicatorInput | None:
    """One indicator's input; with probability about `odd` something is unusual about it."""
    if rng.random() < odd / 3:
        return None  # no input at all
    fraction = rng.choice(FRACTIONS) if rng.random() < odd / 3 else Decimal(1)
    source, rule = ind.source, ind.rule
    if isinstance(source, CountsSource):
        names = sorted(source.counts)
        if rng.random() < odd / 3 and len(names) == 1:
            return IndicatorInput(value=Decimal(rng.randint(0, 5)), period_fraction=fraction)
        counts = {n: rng.randint(0, 6) for n in names if rng.random() >= odd / 4}
        if rng.random() < odd / 6:
            counts[names[0]] = -1
        return IndicatorInput(counts=counts, period_fraction=fraction)
    if isinstance(source, ManualSource):
        ratings: dict[Any, Decimal | None] = {}
        for rater in source.raters:
            if rng.random() < odd / 3:
                ratings[rater.role] = None
            elif isinstance(rule, LevelRule):
                levels = [Decimal(a.level) for a in rule.levels]
                ratings[rater.role] = rng.choice(levels) if rng.random() >= odd / 4 else Decimal(99)
            else:
                lo, hi = (int(rule.min), int(rule.max)) if isinstance(rule, ManualRule) else (0, 10)
                ratings[rater.role] = Decimal(rng.randint(lo, hi + (5 if rng.random() < odd / 4 else 0)))
        return IndicatorInput(ratings=ratings, period_fraction=fraction)
    value = None if rng.random() < odd / 3 else _value(rng, ind)
    sample = rng.choice([None, rng.randint(0, 40), rng.randint(300, 900)]) if rng.random() < odd else rng.randint(
        300, 900)
    return IndicatorInput(value=value, sample_size=sample, period_fraction=fraction)


def population(scheme: Scheme, employees: int, seed: int, odd: float = 0.15) -> list[SheetInputs]:
    rng = random.Random(seed)
    inds = [i for c in scheme.categories for i in c.indicators]
    sheets = []
    for k in range(employees):
        values = {}
        for ind in inds:
            given = indicator_input(rng, ind, odd)
            if given is not None:
                values[ind.id] = given
        if rng.random() < odd / 3:
            values["not_in_scheme"] = IndicatorInput(value=Decimal(1))
        context: dict[str, Decimal] = {}
        settings: dict[str, bool] = {}
        for ind in inds:
            when = ind.applies_when
            if when is None:
                continue
            if when.kpi is not None and rng.random() < 0.8:
                context[condition_key(when)] = Decimal(rng.randint(0, 600))
            if when.setting is not None and rng.random() < 0.8:
                settings[when.setting] = rng.random() < 0.7
        sheets.append(SheetInputs(f"E{seed % 1000:03d}-{k:04d}", values, context, settings))
    return sheets


def sheet_json(value: Any) -> Any:
    """Every field of a result as plain data: Decimals as their exact text (70.00 stays 70.00)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: sheet_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): sheet_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sheet_json(v) for v in value]
    if hasattr(value, "value") and not isinstance(value, str | int | bool):  # enums
        return sheet_json(value.value)
    return value


def results_json(results: list[SheetResult]) -> list[Any]:
    return [sheet_json(r) for r in results]


@cache
def reference_cases() -> list[tuple[Scheme, list[SheetInputs]]]:
    """The populations the stored reference was scored from: 8 sheets of each library scheme and 100 of the
    15-indicator scheme (more unusual inputs than the bench has, a few sheets with plain bench-like ones)."""
    cases = [(s, population(s, 8, seed)) for seed, s in enumerate(library_schemes(), start=1)]
    bench = fifteen_scheme()
    cases.append((bench, population(bench, 70, 500) + population(bench, 30, 501, odd=0.0)))
    return cases
