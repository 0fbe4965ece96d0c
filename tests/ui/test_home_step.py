"""HR's home names each open cycle's step: the earliest state a sheet is in, with how many are still there."""

from __future__ import annotations

from collections import Counter

from django.utils import translation

from kaohe.web.ui.home import cycle_step


def test_the_step_is_the_earliest_state_and_counts_the_sheets_left_there():
    spread = Counter({"published": 3, "draft": 1, "self_review": 1})
    with translation.override("zh-hans"):
        assert cycle_step(spread) == "草稿（5 张中的 1 张）"
        assert cycle_step(Counter({"self_review": 5})) == "自评"  # all at one step: no count
    with translation.override("en"):
        assert cycle_step(spread) == "Draft (1 of 5 sheets)"
        assert cycle_step(Counter({"self_review": 5})) == "Self-review"
        assert cycle_step(Counter()) == "No sheets"
