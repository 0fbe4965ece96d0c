"""No test reads the real clock.

Every test runs at one fixed instant, ``FROZEN_AT`` (a Friday afternoon in Beijing after
the October test cycle's rating deadline), so the suite gives the same answer on any
machine date — including after the last year the statutory calendar package covers.

A test about dates sets its own time with time-machine's marker or fixture::

    @pytest.mark.time_machine(dt.datetime(2026, 12, 28, 10, tzinfo=SHANGHAI), tick=False)
    def test_acknowledge_after_christmas(...): ...

    def test_later(time_machine):
        time_machine.move_to(dt.datetime(2027, 1, 4, 9, tzinfo=SHANGHAI), tick=False)

Browser and Spark tests talk to other threads and processes (the live server, the JVM)
that wait on real timeouts; they start at the same instant but let the clock tick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")
FROZEN_AT = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
TICKING_MARKERS = ("browser", "spark")


@pytest.fixture(autouse=True)
def _frozen_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("time_machine") is not None:
        yield  # the test sets its own time through time-machine's marker
        return
    tick = any(request.node.get_closest_marker(m) is not None for m in TICKING_MARKERS)
    with time_machine.travel(FROZEN_AT, tick=tick):
        yield


@pytest.fixture
def frozen_at() -> dt.datetime:
    """The instant every test starts at unless it sets its own."""
    return FROZEN_AT
