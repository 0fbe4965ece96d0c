"""Hypothesis strategies that generate valid schemes of every rule and source type."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from kaohe.scheme import models as m

ids = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
# printable text of the kinds HR writes (CJK, Latin, digits, punctuation, YAML-special characters)
texts = st.text(
    alphabet=st.sampled_from(
        list("考核指标客户满意度abcXYZ 019.:-#&*!|>'\"%@`{}[],?=+") + ["\u3000", "—", "≥"]
    ),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "" or True)
decimals = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3)
non_negative = st.decimals(min_value=0, max_value=1000, places=3)


def text_model() -> st.SearchStrategy[m.Text]:
    return st.builds(m.Text, zh=texts, en=st.just("") | texts)


steps = st.builds(m.Step, per=positive, points=non_negative, limit=st.none() | decimals)
tiers = st.builds(
    m.Tier,
    score=decimals,
    min=st.none() | decimals,
    max=st.none() | decimals,
    min_inclusive=st.booleans(),
    max_inclusive=st.booleans(),
    label=st.just("") | texts,
)
rules: st.SearchStrategy[Any] = st.one_of(
    st.builds(
        m.GateRule,
        type=st.just("gate"),
        threshold=decimals,
        op=st.sampled_from([">=", ">", "<=", "<"]),
        pass_score=decimals,
        fail_score=decimals,
    ),
    st.builds(
        m.TiersRule,
        type=st.just("tiers"),
        tiers=st.lists(tiers, min_size=1, max_size=4),
        otherwise=st.none() | decimals,
    ),
    st.builds(
        m.LinearRule,
        type=st.just("linear"),
        target=decimals,
        base=decimals,
        better=st.none() | steps,
        worse=st.none() | steps,
        floor=st.none() | decimals,
        cap=st.none() | decimals,
    ),
    st.builds(
        m.BandRule,
        type=st.just("band"),
        low=decimals,
        high=decimals,
        inside=decimals,
        below=st.none() | steps,
        above=st.none() | steps,
        floor=st.none() | decimals,
    ),
    st.builds(
        m.PerOccurrenceRule,
        type=st.just("per_occurrence"),
        base=decimals,
        deductions=st.lists(
            st.builds(m.Deduction, count=ids, points=non_negative, label=st.none() | text_model()),
            min_size=1,
            max_size=3,
        ),
        floor=st.none() | decimals,
    ),
    st.builds(
        m.VetoRule,
        type=st.just("veto"),
        effect=st.sampled_from(["item_zero", "sheet_zero", "cap_grade"]),
        cap_grade=st.none() | st.just("C"),
        threshold=st.integers(1, 5),
        clear_score=decimals,
    ),
    st.builds(
        m.LevelRule,
        type=st.just("levels"),
        levels=st.lists(
            st.builds(m.LevelAnchor, level=st.integers(1, 10), score=decimals, anchor=text_model()),
            min_size=2,
            max_size=4,
        ),
    ),
    st.builds(
        m.RatioRule,
        type=st.just("ratio"),
        target=positive,
        full=decimals,
        cap=st.none() | decimals,
        floor=decimals,
    ),
    st.builds(m.BonusRule, type=st.just("bonus"), per=positive, points=positive, max_points=positive),
    st.builds(m.ManualRule, type=st.just("manual"), min=decimals, max=decimals),
    st.builds(
        m.FormulaRule,
        type=st.just("formula"),
        expr=st.sampled_from(
            ["value", "clamp(100 - 2 * (target - value), 0, 100)", "if(value >= 80, 100, 0)"]
        ),
        min=st.none() | decimals,
        max=st.none() | decimals,
    ),
)
params = st.dictionaries(
    ids,
    st.one_of(texts, st.integers(-5, 5), st.booleans(), st.floats(allow_nan=False, allow_infinity=False)),
    max_size=2,
)
raters = st.lists(
    st.builds(
        m.RaterWeight,
        role=st.sampled_from(list(m.RaterRole)),
        weight=st.decimals(min_value=Decimal("0.5"), max_value=100, places=2),
    ),
    max_size=3,
)
sources: st.SearchStrategy[Any] = st.one_of(
    st.builds(
        m.KpiSource,
        kind=st.just("kpi"),
        kpi=ids,
        params=params,
        scope=st.sampled_from(["self", "team", "department", "center"]),
    ),
    st.builds(m.ManualSource, kind=st.just("manual"), raters=raters),
    st.builds(
        m.CountsSource,
        kind=st.just("counts"),
        counts=st.dictionaries(
            ids,
            st.builds(
                m.CountRef,
                kpi=st.none() | ids,
                params=params,
                entered_by=st.none() | st.sampled_from(list(m.RaterRole)),
            ),
            min_size=1,
            max_size=2,
        ),
    ),
)
explanations = st.builds(m.Explanation, definition=texts, formula=texts, data_source=texts, frequency=texts)
indicators = st.builds(
    m.Indicator,
    id=ids,
    name=text_model(),
    weight=non_negative,
    unit=st.sampled_from(["", "%", "s", "秒"]),
    direction=st.sampled_from(list(m.Direction)),
    source=sources,
    target=st.none() | decimals,
    standard=st.just("") | texts,
    rule=rules,
    explanation=explanations,
    missing=st.none() | st.sampled_from(list(m.MissingPolicy)),
    min_sample=st.none()
    | st.builds(m.MinSample, size=st.integers(1, 50), action=st.sampled_from(list(m.LowSamplePolicy))),
    prorate=st.booleans(),
)
categories = st.builds(
    m.Category,
    id=ids,
    name=text_model(),
    weight=non_negative,
    scale=st.none() | st.sampled_from(list(m.Scale)),
    indicators=st.lists(indicators, max_size=3),
)
gradings = st.builds(
    m.Grading,
    bands=st.lists(
        st.builds(
            m.GradeBand,
            grade=st.sampled_from(["S", "A", "B", "C", "D"]),
            min=decimals,
            label=st.none() | text_model(),
        ),
        min_size=1,
        max_size=3,
    ),
    forced_distribution=st.none()
    | st.dictionaries(st.sampled_from(["S", "A", "B"]), non_negative, max_size=3),
    effects=st.lists(
        st.builds(
            m.GradeEffect,
            grade=st.sampled_from(["S", "A"]),
            bonus_coefficient=non_negative,
            salary_adjustment_pct=decimals,
            note=st.none() | text_model(),
        ),
        max_size=2,
    ),
)
schemes = st.builds(
    m.Scheme,
    id=ids,
    name=text_model(),
    position=ids,
    level=st.sampled_from(list(m.Level)),
    period=st.sampled_from(list(m.Period)),
    scale=st.sampled_from(list(m.Scale)),
    step_policy=st.sampled_from(list(m.StepPolicy)),
    rounding=st.builds(m.Rounding, places=st.integers(0, 6), mode=st.sampled_from(list(m.RoundingMode))),
    missing=st.sampled_from(list(m.MissingPolicy)),
    absent_rater=st.sampled_from(list(m.AbsentRaterPolicy)),
    raters=raters,
    categories=st.lists(categories, min_size=1, max_size=3),
    grading=st.none() | gradings,
    source=st.just("") | texts,
    notes=st.just("") | texts,
)
