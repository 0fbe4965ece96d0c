"""The definition choices a center makes (docs/kpi-catalog.md, "KPI definitions each center chooses"),
each against hand-computed values, on DuckDB and Spark."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from .conftest import L, call


def _c(call_id, offered, **kw):
    ring = kw.pop("ring", None)
    disposition = kw.pop("disposition", None)
    row = call(call_id, offered, "a1", **kw)
    return {**row, "ring_s": ring, "disposition": disposition}


CALLS = [
    _c("d1", "2026-10-08 09:00", wait=10, ring=4, talk=100, hold=10, acw=20, customer="u1", disposition="billing"),
    _c("d2", "2026-10-10 09:00", wait=30, ring=6, talk=50, customer="u1", disposition="card"),
    _c("d3", "2026-10-08 10:00", wait=3, outcome="abandoned"),
    _c("d4", "2026-10-08 10:10", wait=15, outcome="abandoned"),
    _c("d5", "2026-10-08 10:20", wait=40, outcome="abandoned"),
    _c("d6", "2026-10-08 10:30", wait=60, outcome="other"),
    _c("d7", "2026-10-08 11:00", wait=0, ring=12, talk=30, direction="out"),
]
for c in CALLS:  # abandoned calls have no agent
    if c["outcome"] != "answered":
        c["agent_id"] = None


def _one(kpi, spec, level="company"):
    got = kpi({"calls": CALLS}, [spec], level=level)
    key = spec[0] if isinstance(spec, tuple) else spec
    return got[(key, "company" if level == "company" else "a1", "2026-10")].value


@pytest.mark.parametrize("treatment, expected", [
    ("exclude_short", "25"),     # 1 in time / (5 offered − 1 short abandon)
    ("exclude", "50"),           # 1 / 2 answered
    ("count_as_miss", "20"),     # 1 / 5 offered
    ("count_as_met", "50"),      # (1 + the 15 s abandon) / 4
])
def test_service_level_abandon_treatments(kpi, treatment, expected):
    spec = ("service_level", {"threshold_s": 20, "abandon_treatment": treatment, "short_abandon_s": 5})
    assert _one(kpi, spec) == Decimal(expected)


@pytest.mark.parametrize("denominator, expected", [("offered", "50"), ("entered", "40")])
def test_abandon_rate_denominator(kpi, denominator, expected):
    # 2 abandons after 5 s; offered 5 − 1 short = 4, entered (the timeout too) 6 − 1 = 5
    assert _one(kpi, ("abandon_rate", {"denominator": denominator})) == Decimal(expected)


@pytest.mark.parametrize("include_ring, expected", [(True, "20"), (False, "15")])
def test_asa_with_or_without_ring_time(kpi, include_ring, expected):
    assert _one(kpi, ("asa", {"include_ring": include_ring}), "agent") == Decimal(expected)


@pytest.mark.parametrize("components, expected", [
    ("talk+hold+acw", "70"),        # (130 + 50 + 30) / 3
    ("talk", "60"),                 # 180 / 3
    ("talk+hold+acw+dial", "74"),   # (210 + 12 dialing of the outbound call) / 3
])
def test_aht_components(kpi, components, expected):
    assert _one(kpi, ("aht", {"components": components}), "agent") == Decimal(expected)


@pytest.mark.parametrize("repeat, expected", [("any", "50"), ("same_queue", "50"), ("same_reason", "100")])
def test_fcr_repeat_definition(kpi, repeat, expected):
    assert _one(kpi, ("fcr", {"window_days": 7, "repeat": repeat}), "agent") == Decimal(expected)


def test_fcr_window(kpi):
    assert _one(kpi, ("fcr", {"window_days": 1}), "agent") == Decimal(100)  # d2 is two days later


def _state(state, start, secs):
    s = L(start)
    return {"agent_id": "a1", "state": state, "reason": None, "start_at": s, "end_at": s + timedelta(seconds=secs)}


STATES = [_state("ready", "2026-10-08 09:00", 100), _state("talk", "2026-10-08 09:01:40", 200),
          _state("hold", "2026-10-08 09:05:00", 50), _state("acw", "2026-10-08 09:05:50", 50),
          _state("not_ready", "2026-10-08 09:06:40", 100), _state("break", "2026-10-08 09:08:20", 100)]


@pytest.mark.parametrize("denominator, expected", [
    ("handling_ready", "75"), ("logged_in", "50"), ("logged_in_minus_break", "60")])
def test_occupancy_denominator(kpi, denominator, expected):
    got = kpi({"agent_states": STATES}, [("occupancy", {"denominator": denominator})])
    assert got[("occupancy", "a1", "2026-10")].value == Decimal(expected)
