"""Calls that never reached an agent count for the unit owning their queue (hand-computed).

The center below is offered 10 inbound calls in October 2026 (Shanghai time): 8 answered
by agents, 2 abandoned in queue Q1 before any agent took them (no agent_id), one of them
a short abandon (3 s < 5 s).

    answered waits: a1 (t1) 5, 10, 15, 25 · a2 (t1) 8, 30 · a3 (t2) 12, 40
    within 20 s:    5, 10, 15, 8, 12 → 5 (4 of them in t1)
    abandons:       Q1 3 s (short), Q1 45 s

Center: abandon rate = 1 / (10 − 1) = 11.111111 %; service level (exclude_short) =
5 / 9 = 55.555556 %; count_as_miss = 5 / 10 = 50 %; exclude = 5 / 8 = 62.5 %;
ASA = (5+10+15+25+8+30+12+40) / 8 = 18.125 s (abandons have no answer time).
Left out, as before the fix, the center would show 0 % abandons and 5 / 8 = 62.5 %.
"""

from __future__ import annotations

from decimal import Decimal

import pyarrow.parquet as pq
import pytest

from kaohe.metrics.backends import duckdb_backend, to_arrow
from kaohe.metrics.compute import LevelError, compute_kpis

from .conftest import ORG, call

ANSWERED = [("a1", 5), ("a1", 10), ("a1", 15), ("a1", 25), ("a2", 8), ("a2", 30), ("a3", 12), ("a3", 40)]
CALLS = [call(f"k{i}", f"2026-10-08 {9 + i:02d}:00", agent, wait=w, talk=60, queue="Q1")
         for i, (agent, w) in enumerate(ANSWERED)]
CALLS += [
    call("x1", "2026-10-08 18:00", None, wait=3, outcome="abandoned", queue="Q1"),
    call("x2", "2026-10-08 19:00", None, wait=45, outcome="abandoned", queue="Q1"),
]
QUEUE_KPIS = ["abandon_rate", "service_level", "asa"]
Q1_TO_T1 = [{"queue": "Q1", "team_id": "t1"}]
TWO_CENTERS = [{**o, "department_id": "d2", "center_id": "c2"} if o["employee_id"] == "a3" else o for o in ORG]


def _v(values, kpi_id, entity):
    return values[(kpi_id, entity, "2026-10")]


def test_the_center_counts_the_abandons_that_reached_no_agent(kpi):
    vals = kpi({"calls": CALLS}, QUEUE_KPIS, level="center")
    ab, sl, asa = (_v(vals, k, "c1") for k in QUEUE_KPIS)
    assert (ab.value, ab.numerator, ab.sample_size) == (Decimal("11.111111"), 1.0, 9)
    assert (sl.value, sl.sample_size) == (Decimal("55.555556"), 9)
    assert (asa.value, asa.sample_size) == (Decimal("18.125"), 8)


def test_the_center_equals_the_company_when_the_org_has_one_center(kpi):
    center = kpi({"calls": CALLS}, QUEUE_KPIS + ["handled_calls"], level="center")
    company = kpi({"calls": CALLS}, QUEUE_KPIS + ["handled_calls"], level="company")
    for k in QUEUE_KPIS + ["handled_calls"]:
        c, co = _v(center, k, "c1"), _v(company, k, "company")
        assert (c.value, c.numerator, c.denominator, c.sample_size) == (co.value, co.numerator, co.denominator,
                                                                        co.sample_size), k


@pytest.mark.parametrize("treatment,expected", [("exclude_short", "55.555556"), ("count_as_miss", "50"),
                                                ("exclude", "62.5")])
def test_the_center_service_level_applies_the_abandon_treatment_to_queue_abandons(kpi, treatment, expected):
    vals = kpi({"calls": CALLS}, [("service_level", {"abandon_treatment": treatment})], level="center")
    assert _v(vals, "service_level", "c1").value == Decimal(expected)


def test_without_a_queue_mapping_teams_keep_the_figures_of_their_members(kpi):
    vals = kpi({"calls": CALLS}, QUEUE_KPIS, level=["team", "department"])
    t1, t2 = _v(vals, "abandon_rate", "t1"), _v(vals, "abandon_rate", "t2")
    assert (t1.value, t1.sample_size, t2.value, t2.sample_size) == (Decimal(0), 6, Decimal(0), 2)
    assert _v(vals, "service_level", "t1").value == Decimal("66.666667")  # 4 of t1's 6 answered
    assert _v(vals, "service_level", "d1").value == Decimal("62.5")  # 5 / 8: no mapping, no abandons


def test_a_queue_mapped_to_a_team_brings_its_abandons_to_the_team(kpi):
    vals = kpi({"calls": CALLS, "queues": Q1_TO_T1}, QUEUE_KPIS, level=["team", "department", "center"])
    ab, sl = _v(vals, "abandon_rate", "t1"), _v(vals, "service_level", "t1")
    # t1: 6 answered + 1 counted abandon (the short one is left out) = 7
    assert (ab.value, ab.numerator, ab.sample_size) == (Decimal("14.285714"), 1.0, 7)
    assert (sl.value, sl.sample_size) == (Decimal("57.142857"), 7)  # 4 / 7
    t2 = _v(vals, "service_level", "t2")
    assert (t2.value, t2.sample_size) == (Decimal("50"), 2)  # 1 / 2, untouched
    # the department and center of t1 come from the org
    assert _v(vals, "service_level", "d1").value == Decimal("55.555556")
    assert _v(vals, "abandon_rate", "c1").value == Decimal("11.111111")


def test_answered_calls_roll_up_by_their_agent_even_in_a_mapped_queue(kpi):
    # Q1 belongs to t1, but a3 (t2) answered two of its calls: they stay t2's
    vals = kpi({"calls": CALLS, "queues": Q1_TO_T1}, ["asa", "handled_calls"], level="team")
    assert _v(vals, "handled_calls", "t2").value == Decimal(2)
    assert _v(vals, "asa", "t2").value == Decimal(26)  # (12 + 40) / 2


def test_several_centers_without_a_queue_mapping_report_the_center_values_missing_with_the_reason(kpi):
    vals = kpi({"calls": CALLS, "org": TWO_CENTERS}, QUEUE_KPIS + ["aht"], level="center")
    for k in ("abandon_rate", "service_level"):
        for c in ("c1", "c2"):
            v = _v(vals, k, c)
            assert v.value is None, (k, c)
            assert "Q1" in v.missing_reason and "queues" in v.missing_reason and "2 centers" in v.missing_reason
    # abandons change neither ASA nor AHT: those stay the members' figures
    assert _v(vals, "asa", "c1").value == Decimal("15.5")  # (5+10+15+25+8+30) / 6
    assert _v(vals, "aht", "c2").value == Decimal(60) and _v(vals, "aht", "c2").missing_reason is None


def test_several_centers_with_a_queue_mapping_place_the_abandons(kpi):
    for queues in ([{"queue": "Q1", "center_id": "c1"}], Q1_TO_T1):  # given, or derived from t1 via the org
        vals = kpi({"calls": CALLS, "org": TWO_CENTERS, "queues": queues}, QUEUE_KPIS, level="center")
        c1, c2 = _v(vals, "service_level", "c1"), _v(vals, "service_level", "c2")
        assert (c1.value, c1.sample_size, c1.missing_reason) == (Decimal("57.142857"), 7, None)
        assert (c2.value, c2.sample_size) == (Decimal("50"), 2)
        assert _v(vals, "abandon_rate", "c1").value == Decimal("14.285714")


def test_only_the_buckets_with_unplaced_abandons_go_missing(kpi):
    vals = kpi({"calls": CALLS, "org": TWO_CENTERS}, ["service_level"], level="center", grain="day")
    assert vals[("service_level", "c1", "2026-10-08")].value is None
    assert vals[("service_level", "c1", "2026-10-09")].missing_reason is None  # no data that day: plain missing


def test_the_center_value_lists_the_rows_of_the_queue_abandons(source):
    calls = [{**c, "_batch_id": "b1"} for c in CALLS]
    vals = compute_kpis(source(calls=calls), ["abandon_rate"], "2026-10", level=["team", "center"])
    by = {v.entity_id: v.inputs["calls"]["rows"] for v in vals}
    assert by == {"c1": 10, "t1": 6, "t2": 2}


def test_a_queue_mapped_twice_to_different_owners_is_refused():
    queues = [{"queue": "Q1", "team_id": "t1"}, {"queue": "Q1", "team_id": "t2"}]
    with pytest.raises(LevelError, match="Q1"):
        compute_kpis({"calls": CALLS, "org": ORG, "queues": queues}, ["abandon_rate"], "2026-10", level="team")


def test_a_queues_table_in_the_data_directory_is_read(tmp_path):
    for name, rows in (("calls", CALLS), ("org", ORG), ("queues", Q1_TO_T1)):
        (tmp_path / name).mkdir()
        pq.write_table(to_arrow(name, rows), tmp_path / name / "batch-1.parquet")
    vals = compute_kpis(duckdb_backend(data_dir=tmp_path), ["abandon_rate"], "2026-10", level="team")
    assert next(v for v in vals if v.entity_id == "t1").value == Decimal("14.285714")


def test_a_generated_month_no_longer_shows_a_zero_center_abandon_rate(tmp_path):
    from kaohe.metrics.generator import generate

    generate(tmp_path, agents=6, month="2026-03", seed=3, calls=600, agent_states=False)
    vals = compute_kpis(str(tmp_path), ["abandon_rate", "service_level"], "2026-03", level=["center", "company"],
                        provenance=False)
    got = {(v.kpi_id, v.entity_level): (v.value, v.sample_size) for v in vals}
    for k in ("abandon_rate", "service_level"):
        assert got[(k, "center")] == got[(k, "company")], k
    assert got[("abandon_rate", "center")][0] > 0


def test_a_queues_file_goes_through_the_importer_and_is_used(tmp_path):
    from kaohe.metrics.ingest import import_file
    from kaohe.metrics.store import Store

    store = Store(tmp_path / "store")
    for name, rows in (("calls", CALLS), ("org", ORG)):
        store.write_table(name, to_arrow(name, rows), source="test")
    f = tmp_path / "queues.csv"
    f.write_text("queue,team_id,department_id,center_id\nQ1,t1,,\n", encoding="utf-8")
    assert import_file(f, store, table="queues").ok
    vals = compute_kpis(str(store.root), ["abandon_rate"], "2026-10", level="team")
    assert next(v for v in vals if v.entity_id == "t1").value == Decimal("14.285714")


def test_a_kpi_over_a_table_not_loaded_is_missing_at_every_level_with_the_table_named(tmp_path):
    # as the web app computes a cycle: a data directory, several levels, missing tables allowed
    for name, rows in (("calls", CALLS), ("org", ORG)):
        (tmp_path / name).mkdir()
        pq.write_table(to_arrow(name, rows), tmp_path / name / "batch-1.parquet")
    vals = compute_kpis(str(tmp_path), ["forecast_mape", "seat_utilisation", "abandon_rate"], "2026-10",
                        ["agent", "center", "department", "team"], missing_tables="missing")
    fc = [v for v in vals if v.kpi_id == "forecast_mape"]
    assert {v.entity_level for v in fc} == {"agent", "team", "department", "center"}
    assert all(v.value is None and v.sample_size == 0 and "'forecasts'" in v.missing_reason for v in fc)
    assert all(v.value is None and "'agent_states'" in v.missing_reason for v in vals if v.kpi_id == "seat_utilisation")
    c1 = next(v for v in vals if v.kpi_id == "abandon_rate" and v.entity_id == "c1")
    assert (c1.value, c1.missing_reason) == (Decimal("11.111111"), None)
