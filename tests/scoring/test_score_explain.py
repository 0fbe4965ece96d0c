"""Numbers in traces read like numbers written by hand."""

from __future__ import annotations

import pytest
from scoring_helpers import D

from kaohe.scoring.explain import num, short, signed, with_unit


@pytest.mark.parametrize(
    ("given", "shown"),
    [("70.00", "70"), ("1E+2", "100"), ("186", "186"), ("9.40", "9.4"), ("-0", "0"), ("0.05", "0.05"), ("1E+30", "1" + "0" * 30)],
)
def test_numbers_are_written_without_exponent_or_trailing_zeros(given, shown):
    assert num(D(given)) == shown


def test_long_fractions_are_shortened_for_display_only():
    assert short(D(100) / D(3)) == "33.3333"
    assert short(D("1E+25")) == "1" + "0" * 25


def test_units_and_signs():
    assert with_unit(D(186), "秒") == "186 秒"
    assert with_unit(D(90), "%") == "90%"
    assert with_unit(D(5), "") == "5"
    assert (signed(D(4)), signed(D(-10))) == ("+4", "−10")
