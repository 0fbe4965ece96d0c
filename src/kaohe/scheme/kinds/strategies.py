"""Hypothesis building blocks for the rule kinds' `strategy()` (imported only by tests)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from kaohe.scheme.models import Step, Text

ids = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
texts = st.text(
    alphabet=st.sampled_from(
        list("考核指标客户满意度abcXYZ 019.:-#&*!|>'\"%@`{}[],?=+") + ["\u3000", "—", "≥"]
    ),
    min_size=1,
    max_size=20,
)
decimals = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3)
non_negative = st.decimals(min_value=0, max_value=1000, places=3)
text_models = st.builds(Text, zh=texts, en=st.just("") | texts)
steps = st.builds(Step, per=positive, points=non_negative, limit=st.none() | decimals)
