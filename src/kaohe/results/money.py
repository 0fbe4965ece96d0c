"""Rounding money the way the policy says: once, at the end, on Decimals."""

from __future__ import annotations

from decimal import Decimal

from kaohe.results.policy import MoneyRounding
from kaohe.scheme.models import Rounding
from kaohe.scoring.rounding import round_score


def round_money(value: Decimal, money: MoneyRounding) -> Decimal:
    return round_score(value, Rounding(places=money.places, mode=money.mode))
