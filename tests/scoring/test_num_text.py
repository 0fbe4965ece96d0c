"""Trace numbers read the same whether or not their text was made before (num keeps recent texts)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kaohe.scoring.explain import num


def _plain(value: Decimal) -> str:
    return "0" if value == 0 else format(value.normalize(), "f")


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=-10**9, max_value=10**9))
def test_num_is_the_normalised_text(value: Decimal) -> None:
    assert num(value) == _plain(value)
    assert num(value) == _plain(value)  # second time from the kept text


def test_equal_values_written_differently_read_alike() -> None:
    assert [num(Decimal(t)) for t in ("70", "70.00", "7E+1", "-0", "0.000", "1E+2", "0.50")] == \
        ["70", "70", "70", "0", "0", "100", "0.5"]
    assert num(Decimal("NaN")) == "NaN"
