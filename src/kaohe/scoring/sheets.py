"""Scoring a whole population: every sheet, then the forced distribution if the scheme has one.

A population is scored with one plan of its scheme (`aggregate.plan_for`: rule kinds, bounds, rule
contexts and the grade order worked out once), sheets with the very same input for an indicator share
its outcome, and trace text is written when it is read (`results.Words`). Every result is the one
`score_sheet` gives for that sheet alone; tests/scoring/test_score_fast_path.py holds them to a stored
reference field by field, trace text in Chinese and English included.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import replace

from kaohe.scheme.models import Scheme

from .aggregate import plan_for, score_planned
from .grading import assign_forced_distribution, grade_order
from .results import SheetInputs, SheetResult


def score_sheets(scheme: Scheme, population: Sequence[SheetInputs]) -> list[SheetResult]:
    """Sheets in the order given. With a forced distribution, its grades replace the band grades."""
    results = _score_all(scheme, population)
    if scheme.grading is None or not scheme.grading.forced_distribution:
        return results
    grades = assign_forced_distribution(results, scheme.grading.forced_distribution, grade_order(scheme))
    return [replace(r, grade=grades.get(r.employee_id)) for r in results]


def _score_all(scheme: Scheme, population: Sequence[SheetInputs]) -> list[SheetResult]:
    """Every sheet, with the cyclic garbage collector paused: a population's results are millions of
    small objects that all stay alive, and the collector would walk them again and again while they
    are made (about a fifth of the time for 10,000 sheets). It is resumed after."""
    plan = plan_for(scheme)  # the scheme's rule kinds, bounds and contexts, worked out once for all sheets
    if not gc.isenabled() or len(population) < 100:
        return [score_planned(plan, inputs) for inputs in population]
    gc.disable()
    try:
        return [score_planned(plan, inputs) for inputs in population]
    finally:
        gc.enable()
