"""Rounding as the scheme says: a number of places and a mode, on Decimals only.

Order (see docs/scoring.md): the rule score is rounded, item points are computed from
the rounded score and rounded, category scores are exact sums of rounded points, and
the sheet total is rounded once more at the end.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

from kaohe.scheme.models import Rounding, RoundingMode

_MODES = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.DOWN: ROUND_DOWN,
    RoundingMode.UP: ROUND_UP,
}


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}  # Rounding.places is 0–6


def round_score(value: Decimal, rounding: Rounding) -> Decimal:
    """Round to `rounding.places` places with `rounding.mode` (DOWN/UP: towards/away from zero)."""
    quantum = _QUANTA.get(rounding.places) or Decimal(1).scaleb(-rounding.places)
    return value.quantize(quantum, rounding=_MODES[rounding.mode])
