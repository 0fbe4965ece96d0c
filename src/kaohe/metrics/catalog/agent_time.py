"""KPIs over agent-state time: effective work rate (有效工作率), occupancy, adherence, seats.

All four come from ONE pass over ``agent_states`` (the largest event table, about three
rows per call): the base ``agent_states`` sums state seconds per (employee, bucket,
state) and, in the same pass, the seconds each state overlaps a scheduled activity it
follows. The schedules of an agent-day are few, so they are pivoted into one row of
"slots" per (agent, local day) and every state piece meets its day's slots through an
equality join that keeps one row per piece; the overlap is then plain arithmetic.

States are intervals. A state running over local midnight counts on each day for the
part that fell on it: with a fixed UTC offset (China) the day of an instant is integer
arithmetic on microseconds since the first local midnight of the period, so no row is
converted to a time zone; a zone that changes offset inside the period falls back to
cutting days through the small table of day boundaries (``split_intervals``). When no
KPI needs days (whole period, no adherence asked for), states are only clipped to the
period: cutting them into days is a noticeable part of the pass (about a fifth).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from kaohe.metrics.catalog.bases import Base, register_base
from kaohe.metrics.catalog.context import BuildContext, sum_if
from kaohe.metrics.catalog.registry import KpiDefinition, Param, register_kpi

LOGGED_IN = ("login", "ready", "not_ready", "talk", "hold", "acw", "break")
# Agent states that count as following each scheduled activity.
ADHERENT_STATES = {
    "work": ("ready", "talk", "hold", "acw"),
    "break": ("break",),
    "training": ("not_ready",),
    "meeting": ("not_ready",),
}
ADHERENCE_KPI = "schedule_adherence"
DAY_US = 86_400_000_000
# Periods up to this many days cut intervals into days through a join with a table of
# (span, k) pairs (about n²/2 rows); longer periods use unnest.
MAX_SPANS_DAYS = 800

# Activities followed by the same states share a class, and a state follows at most one
# class: a state piece is compared only with the day's slots of its own class.
_CLASS_OF_STATES = {ss: i + 1 for i, ss in enumerate(dict.fromkeys(ADHERENT_STATES.values()))}
ACTIVITY_CLASS = {a: _CLASS_OF_STATES[ss] for a, ss in ADHERENT_STATES.items()}
STATE_CLASS = {s: c for ss, c in _CLASS_OF_STATES.items() for s in ss}
assert len(STATE_CLASS) == sum(len(ss) for ss in _CLASS_OF_STATES), "a state follows two classes of activity"


def _class_of(col: ir.StringValue, mapping: dict[str, int]) -> ir.IntegerValue:
    cases = [(col == k, v) for k, v in mapping.items()]
    return ibis.cases(*cases, else_=0).cast("int64")


class _Clock:
    """Microseconds since the first local midnight of the period, and local day numbers."""

    def __init__(self, ctx: BuildContext):
        self.ctx = ctx
        p = ctx.period
        self.origin_local = datetime(p.start.year, p.start.month, p.start.day)
        self.fixed = ctx.cut.offset is not None
        self.origin_utc = ctx.cut.to_utc(self.origin_local) if self.fixed else ctx.start_utc
        self.origin = ctx.lit_ts(self.origin_utc)
        self.days = (p.end - self.origin_local).days + 2

    def us(self, col: ir.TimestampValue) -> ir.IntegerValue:
        return col.delta(self.origin, unit="microsecond")

    def pieces(self, t: ir.Table, start: str, end: str, keep: list[str]) -> ir.Table:
        """``t`` clipped to the period and cut at local midnights: ``keep`` + s, e (µs), d (day number)."""
        ctx = self.ctx
        if not self.fixed:
            p = ctx.split_intervals(t.select(*keep, start, end), start, end, "day")
            p = p.mutate(s=self.us(p.p_start), e=self.us(p.p_end), d=p.bucket)
            return p.select(*keep, "s", "e", "d")
        s0, e0 = ctx.lit_ts(ctx.start_utc), ctx.lit_ts(ctx.end_utc)
        t = t.filter((t[start] < e0) & (t[end] > s0) & (t[end] > t[start]))
        t = t.select(*keep, s=self.us(ibis.greatest(t[start], s0)), e=self.us(ibis.least(t[end], e0)))
        if self.days <= MAX_SPANS_DAYS:
            # one row per day an interval touches, through an equality join with the small table
            # of (span, k), k = 0..span: cheaper than unnest(range()). A left join (every span
            # has rows) keeps the big side as the probe side of the slots join that follows.
            t = t.mutate(d=t.s // DAY_US, span=(t.e - 1) // DAY_US - t.s // DAY_US)
            sp = self.spans()
            t = t.left_join(sp, t.span == sp.sp_span)
            t = t.select(*keep, "s", "e", d=t.d + t.sp_k)
        else:
            t = t.mutate(d=ibis.range(t.s // DAY_US, (t.e - 1) // DAY_US + 1).unnest())
        return t.mutate(s=ibis.greatest(t.s, t.d * DAY_US), e=ibis.least(t.e, (t.d + 1) * DAY_US))

    def spans(self) -> ir.Table:
        n = self.days + 1
        df = pd.DataFrame([(a, k) for a in range(n) for k in range(a + 1)], columns=["sp_span", "sp_k"], dtype="int64")
        return ibis.memtable(df)

    def whole_pieces(self, t: ir.Table, start: str, end: str, keep: list[str]) -> ir.Table:
        """``t`` clipped to the period, not cut into days (enough when nothing is needed per day)."""
        ctx = self.ctx
        s0, e0 = ctx.lit_ts(ctx.start_utc), ctx.lit_ts(ctx.end_utc)
        t = t.filter((t[start] < e0) & (t[end] > s0) & (t[end] > t[start]))
        return t.select(*keep, s=self.us(ibis.greatest(t[start], s0)), e=self.us(ibis.least(t[end], e0)))

    def day_buckets(self) -> ir.Table:
        """Day number → bucket of the period's grain (a small table)."""
        p, rows = self.ctx.period, []
        for i in range(-1, self.days + 1):
            day = self.origin_local + timedelta(days=i)
            rows.append({"d": i, "day": day, "bucket": p.bucket_key(max(day, p.start))})
        df = pd.DataFrame(rows).astype({"d": "int64", "day": "datetime64[us]", "bucket": "datetime64[us]"})
        if not self.fixed:  # the day key is then the local day itself
            df = df.drop(columns=["d"]).rename(columns={"day": "d"})
        else:
            df = df.drop(columns=["day"])
        return ibis.memtable(df)


def _slots(ctx: BuildContext, clock: _Clock) -> tuple[ir.Table | None, ir.Table, dict[int, int]]:
    """Schedule pieces per (agent, day) as one row of slots per activity class, the scheduled µs
    per (agent, day), and the number of slots of each class."""
    sched = ctx.table("schedules", ADHERENCE_KPI)
    sp = clock.pieces(sched, "start_at", "end_at", ["agent_id", "activity"])
    scheduled = sp.group_by("agent_id", "d").aggregate(sched_us=(sp.e - sp.s).sum())
    sp = sp.mutate(cls=_class_of(sp.activity, ACTIVITY_CLASS))
    sp = sp.filter(sp.cls > 0)  # activities no state follows count in the denominator only
    sp = sp.mutate(k=ibis.row_number().over(group_by=[sp.agent_id, sp.d, sp.cls], order_by=[sp.s, sp.e]))
    counts = sp.group_by("cls").aggregate(top=sp.k.max()).execute()
    per_class = {int(c): int(top) + 1 for c, top in zip(counts["cls"], counts["top"], strict=True)}
    if not per_class:
        return None, scheduled, {}
    cols: dict[str, Any] = {}
    for c, n in per_class.items():
        for k in range(n):
            mine = (sp.cls == c) & (sp.k == k)
            # an empty slot is [0, 0): it overlaps nothing, every state starts at 0 or later
            cols[f"s{c}_{k}"] = mine.ifelse(sp.s, ibis.null("int64")).max().fill_null(0)
            cols[f"e{c}_{k}"] = mine.ifelse(sp.e, ibis.null("int64")).max().fill_null(0)
    slots = sp.group_by(sl_agent=sp.agent_id, sl_d=sp.d).aggregate(sl_one=sp.k.min() * 0 + 1, **cols)
    return slots, scheduled, per_class


def _states_base(ctx: BuildContext) -> ir.Table:
    """State seconds per (employee, bucket, state) and, if adherence is asked for, the
    seconds overlapping matching scheduled activities and the scheduled seconds."""
    clock = _Clock(ctx)
    wanted = ctx._memo.get("base_kpis")
    adherence = ctx.has("schedules") and (wanted is None or ADHERENCE_KPI in wanted)
    per_day = adherence or ctx.period.grain != "whole" or not clock.fixed
    st = ctx.table("agent_states", "agent_states")
    if per_day:
        t = clock.pieces(st, "start_at", "end_at", ["agent_id", "state"])
    else:
        t = clock.whole_pieces(st, "start_at", "end_at", ["agent_id", "state"])
    ov = ibis.null("int64")
    if adherence:
        slots, scheduled, per_class = _slots(ctx, clock)
        if slots is not None:
            j = t.left_join(slots, [t.agent_id == slots.sl_agent, t.d == slots.sl_d])
            cases = []
            for c, n in per_class.items():
                terms = [ibis.greatest(ibis.least(j.e, j[f"e{c}_{k}"]) - ibis.greatest(j.s, j[f"s{c}_{k}"]), 0)
                         for k in range(n)]
                total = terms[0]
                for x in terms[1:]:
                    total = total + x
                states = [st for st, sc in STATE_CLASS.items() if sc == c]
                cases.append((j.state.isin(states), total))
            # no slots that day: the overlap is missing, not 0 (the day has no schedule)
            t = j.select("agent_id", "state", "s", "e", "d", ov=ibis.cases(*cases, else_=0) * j.sl_one)
            ov = t.ov
    else:
        scheduled = None
    t = t.mutate(us=t.e - t.s, ov=ov)
    keys = ["agent_id", "d"] if per_day and ctx.period.grain != "whole" else ["agent_id"]
    agg = t.group_by(*keys, "state").aggregate(us=t.us.sum(), ov_us=t.ov.sum())
    agg = agg.mutate(sched_us=ibis.null("int64"))
    if scheduled is not None:
        sc = scheduled.select(*keys, state=ibis.null("string"), us=ibis.null("int64"), ov_us=ibis.literal(0, "int64"),
                              sched_us=scheduled.sched_us)
        if keys == ["agent_id"]:
            sc = sc.group_by("agent_id", "state").aggregate(us=sc.us.max(), ov_us=sc.ov_us.max(),
                                                           sched_us=sc.sched_us.sum())
        agg = agg.union(sc.select(*agg.columns))
    if "d" in keys:
        b = clock.day_buckets()
        agg = agg.join(b, agg.d == b.d).drop("d")
    else:
        agg = agg.mutate(bucket=ctx.lit_ts(ctx.period.start))
    return agg.select(
        employee_id=agg.agent_id, bucket=agg.bucket, state=agg.state,
        secs=agg.us.cast("float64") / 1e6, ov=agg.ov_us.cast("float64") / 1e6, sched=agg.sched_us.cast("float64") / 1e6,
    )


register_base(Base("agent_states", "agent_states", _states_base))


def _state_ratio(num_states: tuple[str, ...],
                 den_states: tuple[str, ...]) -> Callable[[ir.Table, dict[str, Any]], dict[str, Any]]:
    def parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
        den = sum_if(t.secs, t.state.isin(list(den_states)))
        return {"num": sum_if(t.secs, t.state.isin(list(num_states))), "den": den, "n": den}

    return parts


OCCUPANCY_DENOMINATORS = {
    "handling_ready": ("talk", "hold", "acw", "ready"),
    "logged_in": LOGGED_IN,
    "logged_in_minus_break": tuple(s for s in LOGGED_IN if s != "break"),
}


def occupancy_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return _state_ratio(("talk", "hold", "acw"), OCCUPANCY_DENOMINATORS[p["denominator"]])(t, p)


# --- the same KPIs from interval reports (interval_stats) -------------------------------------
def _x(t: ir.Table, col: str) -> ir.FloatingValue:
    return t[col].cast("float64").fill_null(0.0)


def occupancy_interval(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    handling = _x(t, "talk_s") + _x(t, "hold_s") + _x(t, "acw_s")
    den = {"handling_ready": handling + _x(t, "ready_s"), "logged_in": _x(t, "staffed_s"),
           "logged_in_minus_break": _x(t, "staffed_s") - _x(t, "break_s")}[p["denominator"]]
    # only agent rows carry agent time: a queue row's talk is not anybody's occupancy
    mine = t.agent_id.notnull()
    return {"num": mine.ifelse(handling, 0.0).sum(), "den": mine.ifelse(den, 0.0).sum(),
            "n": mine.ifelse(den, 0.0).sum()}


def effective_work_interval(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    mine = t.agent_id.notnull()
    den = mine.ifelse(_x(t, "staffed_s"), 0.0).sum()
    return {"num": mine.ifelse(_x(t, "talk_s") + _x(t, "acw_s"), 0.0).sum(), "den": den, "n": den}


def seat_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    # the denominator comes from the org head count (or the given seats), see seat_denominator
    return {"num": sum_if(t.secs, t.state.isin(list(LOGGED_IN))), "den": None, "n": None}


def seat_denominator(p: dict[str, Any], bucket_seconds: float) -> float:
    return bucket_seconds * float(p["open_hours_per_day"]) / 24.0


def adherence_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    """Σ overlap of states with the matching scheduled activity over Σ scheduled seconds.

    Only days with a schedule carry an overlap, so an agent without schedules has no value.
    """
    sched = t.sched.sum()
    return {"num": t.ov.sum(), "den": sched, "n": sched}


def _reg(**kw: Any) -> None:
    kw.setdefault("rollup", "parts" in kw)  # parts are sums over rows: they add up over days
    kw.setdefault("inputs", ("agent_states",))
    register_kpi(KpiDefinition(**kw))


_reg(
    id="effective_work_rate", name_zh="有效工作率", name_en="Effective work rate", unit="%", direction="higher",
    definition_zh="(通话总时长 + 话后处理总时长) ÷ 签入总时长(表9-26),均取自座席状态记录。",
    definition_en="(Talk time + after-call work) over logged-in time (seed table 9-26), all from agent states.",
    formula="Σ secs(talk, acw) / Σ secs(logged-in states) × 100; logged-in = every state except logout",
    sample_zh="签入秒数", sample_en="logged-in seconds", scale=100.0,
    base="agent_states", parts=_state_ratio(("talk", "acw"), LOGGED_IN), interval_parts=effective_work_interval,
)
_reg(
    id="occupancy", name_zh="占用率", name_en="Occupancy", unit="%", direction="higher",
    definition_zh="处理呼叫(通话、保持、话后处理)时间占可用与处理时间之和的比例;不同于有效工作率,分母不含示忙与小休。",
    definition_en="Handling time (talk, hold, ACW) over handling plus ready time; unlike the effective work rate, "
    "not-ready and break time are outside the denominator.",
    formula="Σ secs(talk, hold, acw) / Σ secs(talk, hold, acw, ready) × 100; denominator logged_in: every "
    "logged-in state, logged_in_minus_break: logged-in time without breaks",
    sample_zh="签入秒数(处理与就绪)", sample_en="handling and ready seconds", scale=100.0,
    base="agent_states", parts=occupancy_parts, interval_parts=occupancy_interval,
    params=(Param("denominator", "str", "handling_ready", choices=tuple(OCCUPANCY_DENOMINATORS),
                  doc_zh="分母:处理+就绪、签入时长、签入时长减小休",
                  doc_en="denominator: handling + ready, logged-in time, logged-in time without breaks"),),
)
_reg(
    id="schedule_adherence", name_zh="排班遵从率", name_en="Schedule adherence", unit="%", direction="higher",
    definition_zh="排班时段内座席处于对应状态的时间占排班时间的比例(工作→就绪/通话/保持/话后;小休→小休;培训、会议→示忙)。",
    definition_en="Time in the state matching the scheduled activity over scheduled time (work → ready/talk/hold/ACW; "
    "break → break; training, meeting → not ready).",
    formula="Σ overlap(schedule, matching states) / Σ scheduled secs × 100", sample_zh="排班秒数",
    sample_en="scheduled seconds", scale=100.0, inputs=("schedules", "agent_states"), base="agent_states",
    parts=adherence_parts,
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
