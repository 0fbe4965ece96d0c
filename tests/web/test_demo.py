"""The demo walks a whole center to published (small: a dozen agents)."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_the_demo_covers_the_32_positions_and_publishes_every_sheet(db, data_dirs, settings):
    from kaohe.web.demo import run_demo

    summary = run_demo(agents=12)
    assert summary["positions_covered"] == summary["library_positions"] == 32
    monthly, *others = summary["cycles"]
    # the published month has one open appeal, every other sheet is published
    assert monthly["states"] == {"published": monthly["sheets"] - 1, "appealed": 1}
    for cycle in others:
        assert cycle["states"] == {"published": cycle["sheets"]}
    for cycle in summary["cycles"]:
        assert cycle["complete"] == cycle["sheets"]
    # this month's cycle is in progress with work waiting at each step, for every demo login
    live = summary["live"]["states"]
    for state in ("targets_set", "self_review", "supervisor_review", "reviewer_approval", "calibration"):
        assert live.get(state, 0) > 0, (state, live)
    assert summary["audit_ok"]
    assert summary["records"]["calls"] > 0
