"""The demo walks a whole center to published (small: a dozen agents)."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_the_demo_covers_the_32_positions_and_publishes_every_sheet(db, data_dirs, settings):
    from kaohe.web.demo import run_demo

    summary = run_demo(agents=12)
    assert summary["positions_covered"] == summary["library_positions"] == 32
    for cycle in summary["cycles"]:
        assert cycle["states"] == {"published": cycle["sheets"]}
        assert cycle["complete"] == cycle["sheets"]
    assert summary["audit_ok"]
    assert summary["records"]["calls"] > 0
