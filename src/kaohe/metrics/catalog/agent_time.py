"""KPIs over agent-state time: effective work rate (有效工作率), occupancy, adherence, seats.

State intervals are cut at the period's edges and at bucket boundaries, so a state
running over midnight counts on each day for the part that fell on it.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from kaohe.metrics.catalog.bases import Base, register_base
from kaohe.metrics.catalog.context import BuildContext, seconds_between, sum_if
from kaohe.metrics.catalog.registry import KpiDefinition, Param, register_kpi

LOGGED_IN = ("login", "ready", "not_ready", "talk", "hold", "acw", "break")
# Agent states that count as following each scheduled activity.
ADHERENT_STATES = {
    "work": ("ready", "talk", "hold", "acw"),
    "break": ("break",),
    "training": ("not_ready",),
    "meeting": ("not_ready",),
}


def _state_pieces(ctx: BuildContext, kpi_id: str, grain: str | None = None) -> ir.Table:
    st = ctx.table("agent_states", kpi_id)
    st = st.select("agent_id", "state", "start_at", "end_at")
    pieces = ctx.split_intervals(st, "start_at", "end_at", grain)
    return pieces.mutate(secs=seconds_between(pieces.p_start, pieces.p_end))


def _states_base(ctx: BuildContext) -> ir.Table:
    """State pieces of the period: one scan of agent_states serves every state-time KPI."""
    t = _state_pieces(ctx, "agent_states")
    return t.mutate(employee_id=t.agent_id)


register_base(Base("agent_states", "agent_states", _states_base))


def _state_ratio(num_states: tuple[str, ...], den_states: tuple[str, ...]):
    def parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
        den = sum_if(t.secs, t.state.isin(list(den_states)))
        return {"num": sum_if(t.secs, t.state.isin(list(num_states))), "den": den, "n": den}

    return parts


def seat_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    # the denominator comes from the org head count (or the given seats), see seat_denominator
    return {"num": sum_if(t.secs, t.state.isin(list(LOGGED_IN))), "den": None, "n": None}


def seat_denominator(p: dict[str, Any], bucket_seconds: float) -> float:
    return bucket_seconds * p["open_hours_per_day"] / 24.0


def adherence_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    """Overlap of scheduled activities with the matching agent states.

    Both sides are cut into local days first, so the join is on (agent, day) and stays
    small; pieces are then summed into the period's buckets.
    """
    sched = ctx.table("schedules", "schedule_adherence").select("agent_id", "activity", "start_at", "end_at")
    sp = ctx.split_intervals(sched, "start_at", "end_at", "day")
    sp = sp.select(s_agent="agent_id", activity="activity", s_start="p_start", s_end="p_end", day="bucket")
    st = _state_pieces(ctx, "schedule_adherence", "day")
    st = st.select("agent_id", "state", "p_start", "p_end", st_day="bucket")
    rules = ibis.memtable(
        {"r_activity": [a for a, ss in ADHERENT_STATES.items() for _ in ss],
         "r_state": [s for ss in ADHERENT_STATES.values() for s in ss]}
    )
    ok_states = st.join(rules, st.state == rules.r_state)
    j = sp.join(
        ok_states,
        [sp.s_agent == ok_states.agent_id, sp.day == ok_states.st_day, sp.activity == ok_states.r_activity,
         ok_states.p_start < sp.s_end, ok_states.p_end > sp.s_start],
    )
    j = j.mutate(ov=seconds_between(ibis.greatest(j.s_start, j.p_start), ibis.least(j.s_end, j.p_end)))
    inside = j.group_by(s_agent=j.s_agent, day=j.day).aggregate(num=j.ov.sum())
    scheduled = sp.mutate(secs=seconds_between(sp.s_start, sp.s_end))
    scheduled = scheduled.group_by(s_agent=scheduled.s_agent, day=scheduled.day).aggregate(den=scheduled.secs.sum())
    both = scheduled.left_join(inside, [scheduled.s_agent == inside.s_agent, scheduled.day == inside.day])
    both = both.select(employee_id=both.s_agent, day=both.day, num=both.num.fill_null(0.0), den=both.den)
    if ctx.period.grain == "whole":
        bucket = ctx.lit_ts(ctx.period.start)
    elif ctx.period.grain == "day":
        bucket = both.day
    else:
        bucket = both.day.truncate({"month": "M", "quarter": "Q", "year": "Y"}[ctx.period.grain])
    both = both.mutate(bucket=bucket)
    return both.group_by("employee_id", "bucket").aggregate(num=both.num.sum(), den=both.den.sum(), n=both.den.sum())


def _reg(**kw: Any) -> None:
    kw.setdefault("inputs", ("agent_states",))
    register_kpi(KpiDefinition(**kw))


_reg(
    id="effective_work_rate", name_zh="有效工作率", name_en="Effective work rate", unit="%", direction="higher",
    definition_zh="(通话总时长 + 话后处理总时长) ÷ 签入总时长(表9-26),均取自座席状态记录。",
    definition_en="(Talk time + after-call work) over logged-in time (seed table 9-26), all from agent states.",
    formula="Σ secs(talk, acw) / Σ secs(logged-in states) × 100; logged-in = every state except logout",
    sample_zh="签入秒数", sample_en="logged-in seconds", scale=100.0,
    base="agent_states", parts=_state_ratio(("talk", "acw"), LOGGED_IN),
)
_reg(
    id="occupancy", name_zh="占用率", name_en="Occupancy", unit="%", direction="higher",
    definition_zh="处理呼叫(通话、保持、话后处理)时间占可用与处理时间之和的比例;不同于有效工作率,分母不含示忙与小休。",
    definition_en="Handling time (talk, hold, ACW) over handling plus ready time; unlike the effective work rate, "
    "not-ready and break time are outside the denominator.",
    formula="Σ secs(talk, hold, acw) / Σ secs(talk, hold, acw, ready) × 100",
    sample_zh="签入秒数(处理与就绪)", sample_en="handling and ready seconds", scale=100.0,
    base="agent_states", parts=_state_ratio(("talk", "hold", "acw"), ("talk", "hold", "acw", "ready")),
)
_reg(
    id="schedule_adherence", name_zh="排班遵从率", name_en="Schedule adherence", unit="%", direction="higher",
    definition_zh="排班时段内座席处于对应状态的时间占排班时间的比例(工作→就绪/通话/保持/话后;小休→小休;培训、会议→示忙)。",
    definition_en="Time in the state matching the scheduled activity over scheduled time (work → ready/talk/hold/ACW; "
    "break → break; training, meeting → not ready).",
    formula="Σ overlap(schedule, matching states) / Σ scheduled secs × 100", sample_zh="排班秒数",
    sample_en="scheduled seconds", scale=100.0, inputs=("schedules", "agent_states"), build=adherence_build,
)
_reg(
    id="seat_utilisation", name_zh="席位利用率", name_en="Seat utilisation", unit="%", direction="higher",
    definition_zh="签入席位时间占(席位数 × 开放时间)的比例;席位数为 0 时取组织中的人数。",
    definition_en="Logged-in seat time over seats × opening time; seats = 0 takes the head count from the org table.",
    formula="Σ logged-in secs / (seats × bucket days × open_hours_per_day × 3600) × 100",
    sample_zh="席位秒数", sample_en="seat-seconds", scale=100.0, base="agent_states", parts=seat_parts,
    denominator_per_member=seat_denominator,
    params=(
        Param("seats", "int", 0, min=0, doc_zh="席位数,0 表示按组织人数", doc_en="seats; 0 = head count from org"),
        Param("open_hours_per_day", "float", 24.0, min=0.01, doc_zh="每日开放小时数", doc_en="opening hours per day"),
    ),
)
