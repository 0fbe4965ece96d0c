"""Random call sets: the Ibis KPIs agree with a plain-Python reference at agent and team level."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.metrics.backends import duckdb_backend
from kaohe.metrics.compute import compute_kpis

from .conftest import ORG

TEAM = {o["employee_id"]: o["team_id"] for o in ORG}
START = datetime(2026, 9, 30, 16)  # 1 Oct 00:00 in Shanghai
END = datetime(2026, 10, 31, 16)

CALL_FIELDS = {
    "agent_id": st.sampled_from(["a1", "a2", "a3"]),
    "offset_s": st.integers(min_value=-3 * 3600, max_value=31 * 86400 + 3 * 3600),  # also just outside October
    "direction": st.sampled_from(["in", "out"]),
    "outcome": st.sampled_from(["answered", "answered", "abandoned", "other"]),
    "wait": st.integers(min_value=0, max_value=60),
    "talk": st.integers(min_value=0, max_value=900),
    "hold": st.integers(min_value=0, max_value=60),
    "acw": st.integers(min_value=0, max_value=120),
}
call_st = st.fixed_dictionaries(CALL_FIELDS)


def to_row(i, c):
    off = START + timedelta(seconds=c["offset_s"])
    answered = c["outcome"] == "answered"
    return {
        "call_id": f"r{i}", "queue": "q1", "direction": c["direction"], "customer_id": None, "agent_id": c["agent_id"],
        "offered_at": off, "answered_at": off + timedelta(seconds=c["wait"]) if answered else None,
        "ended_at": off + timedelta(seconds=c["wait"] + c["talk"]), "talk_s": float(c["talk"]),
        "hold_s": float(c["hold"]), "acw_s": float(c["acw"]), "outcome": c["outcome"], "transferred": False,
    }


def reference(rows, key):
    """aht, service level (exclude_short, 20 s, 5 s) and abandon rate per key, written plainly."""
    acc = defaultdict(lambda: defaultdict(float))
    for r in rows:
        if not START <= r["offered_at"] < END:
            continue
        a = acc[key(r)]
        if r["outcome"] == "answered":
            a["handled"] += 1
            a["handle_s"] += r["talk_s"] + r["hold_s"] + r["acw_s"]
        if r["direction"] == "in" and r["outcome"] in ("answered", "abandoned"):
            end = r["answered_at"] if r["outcome"] == "answered" else r["ended_at"]
            wait = (end - r["offered_at"]).total_seconds()
            short = r["outcome"] == "abandoned" and wait < 5
            if not short:
                a["counted"] += 1
                a["abandoned"] += r["outcome"] == "abandoned"
                a["in_time"] += r["outcome"] == "answered" and wait <= 20
    out = {}
    for k, a in acc.items():
        out[("aht", k)] = _q(a["handle_s"] / a["handled"]) if a["handled"] else None
        out[("service_level", k)] = _q(100 * a["in_time"] / a["counted"]) if a["counted"] else None
        out[("abandon_rate", k)] = _q(100 * a["abandoned"] / a["counted"]) if a["counted"] else None
    return out


def _q(x):
    return Decimal(x).quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(call_st, min_size=1, max_size=40))
def test_agent_and_team_values_match_the_reference(calls):
    rows = [to_row(i, c) for i, c in enumerate(calls)]
    src = duckdb_backend(tables={"calls": rows, "org": ORG})
    values = compute_kpis(src, ["aht", "service_level", "abandon_rate"], "2026-10", level=["agent", "team"],
                          provenance=False)
    got = {(v.kpi_id, v.entity_id): v.value for v in values}
    want = {**reference(rows, lambda r: r["agent_id"]), **reference(rows, lambda r: TEAM[r["agent_id"]])}
    for key, value in want.items():
        assert got[key] == value, key
    for key, value in got.items():  # everything else is missing, never 0
        if key not in want:
            assert value is None, key


QUEUE_OWNER = {"q1": "t2"}  # q2 has no owner: its agentless calls reach the center only

placed_call_st = st.fixed_dictionaries({
    **CALL_FIELDS,
    "agent_id": st.sampled_from(["a1", "a2", "a3", None]),
    "queue": st.sampled_from(["q1", "q2"]),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(placed_call_st, min_size=1, max_size=40))
def test_calls_without_an_agent_are_placed_by_their_queue_as_the_reference_says(calls):
    rows = [{**to_row(i, c), "agent_id": c["agent_id"], "queue": c["queue"]} for i, c in enumerate(calls)]
    queues = [{"queue": q, "team_id": t} for q, t in QUEUE_OWNER.items()]
    src = duckdb_backend(tables={"calls": rows, "org": ORG, "queues": queues})
    values = compute_kpis(src, ["aht", "service_level", "abandon_rate"], "2026-10", level=["team", "center"],
                          provenance=False)
    got = {(v.kpi_id, v.entity_id): v.value for v in values}

    def team(r):
        return TEAM[r["agent_id"]] if r["agent_id"] else QUEUE_OWNER.get(r["queue"], "nobody")

    want = {**reference(rows, team), **reference(rows, lambda r: "c1")}
    want = {k: v for k, v in want.items() if k[1] != "nobody"}
    for key, value in want.items():
        assert got[key] == value, key
    for key, value in got.items():
        if key not in want:
            assert value is None, key
