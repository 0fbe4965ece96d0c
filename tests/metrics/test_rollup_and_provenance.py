"""Roll-ups sum parts; values carry provenance; recomputation supersedes and keeps history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pyarrow.parquet as pq
import pytest

from kaohe.metrics.backends import duckdb_backend, spark_backend, to_arrow
from kaohe.metrics.compute import LevelError, compute_kpis
from kaohe.metrics.provenance import ProvenanceStore

from .conftest import ORG, U, call

CALLS = [
    call("c1", "2026-10-08 09:00", "a1", talk=200, hold=20, acw=30),
    call("c2", "2026-10-08 10:00", "a1", talk=100),
    call("c3", "2026-10-08 11:00", "a1", talk=60, acw=10),
    call("c4", "2026-10-09 09:00", "a2", talk=600, acw=60),
    call("c5", "2026-10-09 10:00", "a2", talk=100),
]


def test_team_value_is_the_sum_of_parts_not_the_mean_of_means(kpi):
    agents = kpi({"calls": CALLS}, ["aht"])
    team = kpi({"calls": CALLS}, ["aht"], level="team")
    a1, a2, t1 = agents[("aht", "a1", "2026-10")], agents[("aht", "a2", "2026-10")], team[("aht", "t1", "2026-10")]
    assert (a1.value, a2.value) == (Decimal(140), Decimal(380))
    assert t1.numerator == a1.numerator + a2.numerator and t1.sample_size == a1.sample_size + a2.sample_size
    assert t1.value == Decimal(236)  # 1180 / 5, not (140 + 380) / 2 = 260


def test_every_level_of_the_org_tree(kpi):
    for level, entity in (("department", "d1"), ("center", "c1"), ("company", "company")):
        assert kpi({"calls": CALLS}, ["aht"], level=level)[("aht", entity, "2026-10")].value == Decimal(236)
    t2 = kpi({"calls": CALLS}, ["aht"], level="team")[("aht", "t2", "2026-10")]
    assert (t2.value, t2.sample_size) == (None, 0)  # a3 made no calls: missing, never 0


def test_a_level_above_agent_needs_the_org_table():
    src = duckdb_backend(tables={"calls": CALLS})
    with pytest.raises(LevelError, match="org table"):
        compute_kpis(src, ["aht"], "2026-10", level="team")
    with pytest.raises(LevelError, match="valid levels"):
        compute_kpis(src, ["aht"], "2026-10", level="division")


def test_the_frame_output_matches_the_value_objects(source):
    src = source(calls=CALLS)
    frame = compute_kpis(src, ["aht", "handled_calls"], "2026-10", level="team", as_frame=True)
    row = frame[(frame.kpi_id == "aht") & (frame.entity_id == "t1")].iloc[0]
    assert (row.value, row.sample_size, row.inputs["calls"]["rows"]) == (236.0, 5, 5)


def test_values_know_their_input_batches(source):
    calls = [{**c, "_batch_id": "b1" if i < 2 else "b2"} for i, c in enumerate(CALLS)]
    calls.append({**call("c9", "2026-11-08 09:00", "a1", talk=5), "_batch_id": "b3"})  # outside the period
    v = next(v for v in compute_kpis(source(calls=calls), ["aht"], "2026-10") if v.entity_id == "a1")
    assert v.inputs == {"calls": {"rows": 3, "batches": {"b1": 2, "b2": 1}}}  # a1's own rows
    assert isinstance(v.computed_at, datetime)


def test_a_correction_supersedes_the_old_value_and_keeps_history(tmp_path):
    store = ProvenanceStore(tmp_path / "kpi.duckdb")
    first = [{**c, "_batch_id": "b1"} for c in CALLS]
    r1 = store.record(compute_kpis({"calls": first, "org": ORG}, ["aht"], "2026-10"), now=datetime(2026, 11, 2))
    assert r1 == {"new": 3, "superseded": 0, "unchanged": 0}  # a1, a2, and a3 missing
    again = store.record(compute_kpis({"calls": first, "org": ORG}, ["aht"], "2026-10"), now=datetime(2026, 11, 3))
    assert again == {"new": 0, "superseded": 0, "unchanged": 3}
    # the vendor re-sends c2 with the right talk time, as batch b2
    fixed = [c for c in first if c["call_id"] != "c2"] + [{**call("c2", "2026-10-08 10:00", "a1", talk=160), "_batch_id": "b2"}]
    r3 = store.record(compute_kpis({"calls": fixed, "org": ORG}, ["aht"], "2026-10"), now=datetime(2026, 11, 4))
    assert r3 == {"new": 0, "superseded": 1, "unchanged": 2}
    hist = store.history("aht", "agent", "a1", "2026-10")
    assert [(h["version"], h["value"], h["superseded_at"]) for h in hist] == [
        (1, Decimal(140), datetime(2026, 11, 4)), (2, Decimal(160), None)]
    assert hist[1]["inputs"]["calls"]["batches"] == {"b1": 2, "b2": 1}
    assert store.current("aht", "a1")[0]["value"] == Decimal(160)
    store.close()
    reopened = ProvenanceStore(tmp_path / "kpi.duckdb")
    assert len(reopened.history("aht", "agent", "a1", "2026-10")) == 2


def test_a_data_directory_of_parquet_batches_is_read(tmp_path, backend, request):
    (tmp_path / "calls").mkdir()
    (tmp_path / "org").mkdir()
    pq.write_table(to_arrow("calls", [{**c, "_batch_id": "b1"} for c in CALLS[:3]]), tmp_path / "calls" / "batch-b1.parquet")
    pq.write_table(to_arrow("calls", [{**c, "_batch_id": "b2"} for c in CALLS[3:]]), tmp_path / "calls" / "batch-b2.parquet")
    pq.write_table(to_arrow("org", ORG), tmp_path / "org" / "batch-o.parquet")
    if backend == "spark":
        src = spark_backend(request.getfixturevalue("spark"), data_dir=tmp_path)
    else:
        src = duckdb_backend(data_dir=tmp_path)
    vals = {v.entity_id: v for v in compute_kpis(src, ["aht"], "2026-10", level="team")}
    assert vals["t1"].value == Decimal(236)
    assert vals["t1"].inputs["calls"]["batches"] == {"b1": 3, "b2": 2}


def test_a_zone_with_daylight_saving_is_cut_through_the_boundaries_join(source):
    # Europe/Berlin moves to UTC+2 on 29 March 2026
    calls = [
        {**call("b1", "2026-03-29 00:00", "a1", talk=10), "offered_at": U("2026-03-28 23:30"),
         "answered_at": U("2026-03-28 23:30:10"), "ended_at": U("2026-03-28 23:31")},  # 00:30 CET on 29 Mar
        {**call("b2", "2026-03-30 00:00", "a1", talk=10), "offered_at": U("2026-03-29 22:30"),
         "answered_at": U("2026-03-29 22:30:10"), "ended_at": U("2026-03-29 22:31")},  # 00:30 CEST on 30 Mar
    ]
    vals = compute_kpis(source(calls=calls), ["handled_calls"], "2026-03", tz="Europe/Berlin", grain="day")
    days = {v.period: v.value for v in vals if v.entity_id == "a1" and v.value is not None}
    assert days == {"2026-03-29": Decimal(1), "2026-03-30": Decimal(1)}


def test_a_kpi_over_a_table_that_is_not_loaded_says_which_table():
    from kaohe.metrics.catalog.context import MissingTableError

    with pytest.raises(MissingTableError, match="'surveys'"):
        compute_kpis({"calls": CALLS, "org": ORG}, ["aht", "csat_mean"], "2026-10")


def test_kpis_over_unloaded_tables_can_be_reported_missing_instead():
    vals = compute_kpis({"calls": CALLS, "org": ORG}, ["aht", "csat_mean"], "2026-10", missing_tables="missing")
    csat = [v for v in vals if v.kpi_id == "csat_mean"]
    assert {v.entity_id for v in csat} == {"a1", "a2", "a3"}
    assert all(v.value is None and v.sample_size == 0 for v in csat)
    assert next(v for v in vals if v.kpi_id == "aht" and v.entity_id == "a1").value == Decimal(140)
