"""Property: the checker's tier gaps are exactly the values no tier holds."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.scheme.rules_support import Bound, gaps, is_empty, tier_bounds

edges = st.none() | st.integers(0, 10).map(Decimal)
tier = st.tuples(edges, st.booleans(), edges, st.booleans())


def inside(value: Decimal, low: Bound, high: Bound) -> bool:
    above_low = low.value is None or value > low.value or (value == low.value and low.inclusive)
    below_high = high.value is None or value < high.value or (value == high.value and high.inclusive)
    return above_low and below_high


@settings(max_examples=300, deadline=None)
@given(st.lists(tier, min_size=1, max_size=4), st.sampled_from([None, Decimal(0)]))
def test_a_value_is_in_a_reported_gap_exactly_when_no_tier_holds_it(rows, domain_low) -> None:
    intervals = [tier_bounds(lo, lo_inc, hi, hi_inc) for lo, lo_inc, hi, hi_inc in rows]
    found = gaps(intervals, domain_low)
    # probe every edge, the midpoints between them, and beyond both ends
    probes = [Decimal(k) / 2 for k in range(-4, 25)]
    for value in probes:
        if domain_low is not None and value < domain_low:
            continue
        covered = any(inside(value, *i) for i in intervals if not is_empty(*i))
        in_gap = any(inside(value, *g) for g in found)
        assert covered != in_gap, (value, rows, found)
