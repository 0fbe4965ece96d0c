"""Kaohe's scoring engine: pure functions from a scheme and inputs to explained score sheets.

No Django, no I/O: everything here is usable from plain Python. See docs/scoring.md.
"""

from .aggregate import score_sheet
from .explain import render_sheet
from .grading import (
    assign_forced_distribution,
    band_grade,
    effects_for,
    forced_sizes,
    grade_for,
    grade_order,
    rank_key,
)
from .results import (
    CategoryResult,
    IndicatorInput,
    ItemDelta,
    ItemResult,
    ScoreIssue,
    SheetInputs,
    SheetResult,
    Trace,
    TraceStep,
    WhatIf,
)
from .rounding import round_score
from .sheets import score_sheets
from .steps import count_steps
from .whatif import what_if

__all__ = [
    "CategoryResult",
    "IndicatorInput",
    "ItemDelta",
    "ItemResult",
    "ScoreIssue",
    "SheetInputs",
    "SheetResult",
    "Trace",
    "TraceStep",
    "WhatIf",
    "assign_forced_distribution",
    "band_grade",
    "count_steps",
    "effects_for",
    "forced_sizes",
    "grade_for",
    "grade_order",
    "rank_key",
    "render_sheet",
    "round_score",
    "score_sheet",
    "score_sheets",
    "what_if",
]
