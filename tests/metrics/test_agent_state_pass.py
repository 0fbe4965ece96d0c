"""The one pass over agent states: long states, days without schedules, overlapping shifts, DST zones."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .conftest import L


def st(agent, state, start, end):
    return {"agent_id": agent, "state": state, "reason": None, "start_at": L(start), "end_at": L(end)}


def sch(agent, activity, start, end):
    return {"agent_id": agent, "activity": activity, "start_at": L(start), "end_at": L(end)}


STATES = [
    # a1 forgets to end a break: it runs over three local midnights (4 h + 24 h + 24 h + 2 h)
    st("a1", "break", "2026-10-09 20:00", "2026-10-12 02:00"),
    st("a2", "ready", "2026-10-10 09:00", "2026-10-10 09:30"),  # a2 has no schedule
    st("a3", "talk", "2026-10-10 10:00", "2026-10-10 11:30"),
    st("a3", "ready", "2026-10-10 23:30", "2026-10-11 00:30"),  # across midnight, inside a night shift
]
SCHEDULES = [
    sch("a1", "break", "2026-10-10 12:00", "2026-10-10 13:00"),  # inside the long break: 3600
    sch("a1", "work", "2026-10-11 09:00", "2026-10-11 10:00"),  # on a break instead of working: 0
    sch("a1", "lunch", "2026-10-11 12:00", "2026-10-11 12:30"),  # no state follows lunch: scheduled only
    sch("a1", "break", "2026-10-12 01:00", "2026-10-12 03:00"),  # the break ends at 02:00: 3600 of 7200
    sch("a3", "work", "2026-10-10 10:00", "2026-10-10 11:00"),  # two overlapping shifts each count
    sch("a3", "work", "2026-10-10 10:30", "2026-10-10 11:30"),
    sch("a3", "work", "2026-10-10 23:00", "2026-10-11 01:00"),  # night shift across midnight
]
TABLES = {"agent_states": STATES, "schedules": SCHEDULES}


def test_a_state_over_several_midnights_counts_on_every_day_it_covers(kpi):
    vals = kpi(TABLES, ["effective_work_rate"], grain="day")
    sizes = [vals[("effective_work_rate", "a1", f"2026-10-{d:02d}")].sample_size for d in (9, 10, 11, 12)]
    assert sizes == [4 * 3600, 86400, 86400, 2 * 3600]
    assert vals[("effective_work_rate", "a1", "2026-10-13")].sample_size == 0


def test_adherence_per_day_follows_the_long_state_into_each_day(kpi):
    vals = kpi(TABLES, ["schedule_adherence"], grain="day")
    got = {d: (vals[("schedule_adherence", "a1", d)].value, vals[("schedule_adherence", "a1", d)].sample_size)
           for d in ("2026-10-10", "2026-10-11", "2026-10-12")}
    assert got == {"2026-10-10": (Decimal("100"), 3600), "2026-10-11": (Decimal("0"), 5400),
                   "2026-10-12": (Decimal("50"), 7200)}


def test_adherence_of_the_month_is_overlap_over_scheduled_seconds(kpi):
    v = kpi(TABLES, ["schedule_adherence"])[("schedule_adherence", "a1", "2026-10")]
    assert (v.value, v.numerator, v.sample_size) == (Decimal("44.444444"), 7200.0, 16200)  # 7200 / 16200


def test_an_agent_without_schedules_has_no_adherence_value_not_zero(kpi):
    vals = kpi(TABLES, ["schedule_adherence", "occupancy"])
    v = vals[("schedule_adherence", "a2", "2026-10")]
    assert (v.value, v.numerator, v.denominator, v.sample_size) == (None, None, None, 0)
    assert vals[("occupancy", "a2", "2026-10")].value == Decimal("0")  # ready only: a real 0 %


def test_overlapping_shifts_each_count_and_a_night_shift_is_cut_at_midnight(kpi):
    vals = kpi(TABLES, ["schedule_adherence"], grain="day")
    oct10 = vals[("schedule_adherence", "a3", "2026-10-10")]
    # 3600 + 3600 for the two day shifts, 1800 of the night shift's 3600 before midnight
    assert (oct10.value, oct10.sample_size) == (Decimal("83.333333"), 10800)
    oct11 = vals[("schedule_adherence", "a3", "2026-10-11")]
    assert (oct11.value, oct11.sample_size) == (Decimal("50"), 3600)


def test_asking_for_state_kpis_with_or_without_adherence_gives_the_same_values(kpi):
    alone = kpi(TABLES, ["occupancy", "effective_work_rate"], grain="day")
    together = kpi(TABLES, ["occupancy", "effective_work_rate", "schedule_adherence"], grain="day")
    assert all(together[k].value == v.value and together[k].sample_size == v.sample_size for k, v in alone.items())


def test_a_zone_changing_its_offset_inside_the_period_still_cuts_local_days(kpi):
    # Berlin leaves summer time on 2026-10-25 (a 25-hour day that starts 2026-10-24 22:00 UTC)
    states = [{"agent_id": "a1", "state": "ready", "reason": None,
               "start_at": datetime(2026, 10, 24, 21), "end_at": datetime(2026, 10, 25, 0)}]
    schedules = [{"agent_id": "a1", "activity": "work",
                  "start_at": datetime(2026, 10, 24, 21, 30), "end_at": datetime(2026, 10, 24, 23, 30)}]
    vals = kpi({"agent_states": states, "schedules": schedules}, ["schedule_adherence", "effective_work_rate"],
               period="2026-10-25", tz="Europe/Berlin")
    adh, ewr = vals[("schedule_adherence", "a1", "2026-10-25")], vals[("effective_work_rate", "a1", "2026-10-25")]
    assert (adh.value, adh.sample_size) == (Decimal("100"), 5400)  # 22:00-23:30 UTC, all of it ready
    assert (ewr.value, ewr.sample_size) == (Decimal("0"), 7200)  # 22:00-24:00 UTC
