"""KPIs over agent-state time: 有效工作率, occupancy, schedule adherence, seat utilisation."""

from __future__ import annotations

from decimal import Decimal

from .conftest import L


def st(agent, state, start, end):
    return {"agent_id": agent, "state": state, "reason": None, "start_at": L(start), "end_at": L(end)}


def sch(agent, activity, start, end):
    return {"agent_id": agent, "activity": activity, "start_at": L(start), "end_at": L(end)}


STATES = [
    st("a1", "login", "2026-10-08 08:00", "2026-10-08 08:01"),  # 60
    st("a1", "ready", "2026-10-08 08:01", "2026-10-08 08:10"),  # 540
    st("a1", "talk", "2026-10-08 08:10", "2026-10-08 08:20"),  # 600
    st("a1", "hold", "2026-10-08 08:20", "2026-10-08 08:22"),  # 120
    st("a1", "acw", "2026-10-08 08:22", "2026-10-08 08:25"),  # 180
    st("a1", "not_ready", "2026-10-08 08:25", "2026-10-08 08:40"),  # 900
    st("a1", "break", "2026-10-08 08:40", "2026-10-08 08:55"),  # 900
    st("a1", "ready", "2026-10-08 08:55", "2026-10-08 09:00"),  # 300
    st("a1", "logout", "2026-10-08 09:00", "2026-10-08 09:30"),  # not logged in
    st("a1", "talk", "2026-10-09 23:55", "2026-10-10 00:05"),  # 300 + 300 across local midnight
    st("a2", "ready", "2026-10-31 23:00", "2026-10-31 23:50"),  # 3000
    st("a2", "talk", "2026-10-31 23:50", "2026-11-01 00:10"),  # 600 in October, 600 in November
]
SCHEDULES = [
    sch("a1", "work", "2026-10-08 08:00", "2026-10-08 08:40"),
    sch("a1", "break", "2026-10-08 08:40", "2026-10-08 09:00"),
    sch("a2", "work", "2026-10-31 23:00", "2026-11-01 01:00"),
]
TABLES = {"agent_states": STATES, "schedules": SCHEDULES}


def test_effective_work_rate_is_talk_plus_acw_over_logged_in_time(kpi):
    v = kpi(TABLES, ["effective_work_rate"], period="2026-10-08")[("effective_work_rate", "a1", "2026-10-08")]
    assert (v.value, v.sample_size) == (Decimal("21.666667"), 3600)  # (600 + 180) / 3600


def test_occupancy_leaves_not_ready_and_break_out_of_the_denominator(kpi):
    v = kpi(TABLES, ["occupancy"], period="2026-10-08")[("occupancy", "a1", "2026-10-08")]
    assert v.value == Decimal("51.724138")  # (600 + 120 + 180) / (600 + 120 + 180 + 540 + 300)


def test_month_values_include_both_halves_of_states_inside_the_month(kpi):
    vals = kpi(TABLES, ["effective_work_rate", "occupancy"])
    assert vals[("effective_work_rate", "a1", "2026-10")].value == Decimal("32.857143")  # 1380 / 4200
    assert vals[("occupancy", "a1", "2026-10")].value == Decimal("64.102564")  # 1500 / 2340
    # a2's call crossing into November counts 600 of its 1200 s in October
    assert vals[("effective_work_rate", "a2", "2026-10")].value == Decimal("16.666667")


def test_a_state_crossing_local_midnight_is_split_between_the_days(kpi):
    vals = kpi(TABLES, ["effective_work_rate"], grain="day")
    assert vals[("effective_work_rate", "a1", "2026-10-09")].sample_size == 300
    assert vals[("effective_work_rate", "a1", "2026-10-10")].sample_size == 300
    assert vals[("effective_work_rate", "a1", "2026-10-08")].value == Decimal("21.666667")
    nov = kpi(TABLES, ["effective_work_rate"], period="2026-11-01")
    assert nov[("effective_work_rate", "a2", "2026-11-01")].sample_size == 600


def test_schedule_adherence_counts_matching_states_inside_the_schedule(kpi):
    v = kpi(TABLES, ["schedule_adherence"], period="2026-10-08")[("schedule_adherence", "a1", "2026-10-08")]
    # work 08:00-08:40: ready 540 + talk 600 + hold 120 + acw 180; break 08:40-09:00: break 900
    assert (v.value, v.sample_size) == (Decimal("65"), 3600)


def test_schedule_adherence_cuts_a_shift_crossing_midnight(kpi):
    oct_ = kpi(TABLES, ["schedule_adherence"])[("schedule_adherence", "a2", "2026-10")]
    assert (oct_.value, oct_.sample_size) == (Decimal("100"), 3600)
    nov = kpi(TABLES, ["schedule_adherence"], period="2026-11-01")[("schedule_adherence", "a2", "2026-11-01")]
    assert (nov.value, nov.sample_size) == (Decimal("16.666667"), 3600)


def test_seat_utilisation_uses_head_count_or_given_seats(kpi):
    p = {"open_hours_per_day": 12.0}
    agent = kpi(TABLES, [("seat_utilisation", p)], period="2026-10-08")
    assert agent[("seat_utilisation", "a1", "2026-10-08")].value == Decimal("8.333333")  # 3600 / 43200
    team = kpi(TABLES, [("seat_utilisation", p)], period="2026-10-08", level="team")
    assert team[("seat_utilisation", "t1", "2026-10-08")].value == Decimal("4.166667")  # two heads in t1
    seats = kpi(TABLES, [("seat_utilisation", {**p, "seats": 4})], period="2026-10-08", level="team")
    v = seats[("seat_utilisation", "t1", "2026-10-08")]
    assert (v.value, v.sample_size) == (Decimal("2.083333"), 4 * 43200)
