"""What-if: the sheet an employee would get with other values, or under another scheme."""

from __future__ import annotations

from collections.abc import Mapping

from kaohe.scheme.models import Scheme

from .aggregate import score_sheet
from .results import IndicatorInput, ItemDelta, SheetInputs, WhatIf


def what_if(
    scheme: Scheme,
    inputs: SheetInputs,
    changes: Mapping[str, IndicatorInput],
    scheme_override: Scheme | None = None,
) -> WhatIf:
    """Score twice and compare. Each change replaces that indicator's whole input."""
    before = score_sheet(scheme, inputs)
    changed = SheetInputs(inputs.employee_id, {**inputs.values, **changes})
    after = score_sheet(scheme_override or scheme, changed)
    old = {i.indicator_id: i for i in before.items}
    new = {i.indicator_id: i for i in after.items}
    ids = [i.indicator_id for i in before.items] + [i.indicator_id for i in after.items if i.indicator_id not in old]
    deltas = []
    for ind_id in ids:
        b, a = old.get(ind_id), new.get(ind_id)
        bp = b.points if b else None
        ap = a.points if a else None
        deltas.append(
            ItemDelta(
                indicator_id=ind_id,
                before_score=b.score if b else None,
                after_score=a.score if a else None,
                before_points=bp,
                after_points=ap,
                delta=None if bp is None or ap is None else ap - bp,
            )
        )
    total_delta = None if before.total is None or after.total is None else after.total - before.total
    return WhatIf(before, after, deltas, total_delta)
