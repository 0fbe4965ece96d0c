"""A synthetic call center: seeded, reproducible, vectorised, written straight into an event store.

What it models (all in the company's local time, stored as naive UTC):

- org: one center → departments (≈10 teams) → teams (≈12 agents and a supervisor), with a
  director, department managers, QA inspectors, a workforce planner and account managers;
- agents work fixed 8-hour shifts (staggered starts 08:00–14:00), two days off a week, a
  30-minute lunch break in the middle of the shift; some days they are late, leave early,
  are absent or on leave (attendance) and then take no calls;
- arrivals: Poisson per 30-minute interval with an intraday profile (morning and afternoon
  peaks) and a weekly profile (Monday busiest, Sunday quietest), over four queues;
- each call: a queue wait that grows with the interval's load, caller patience (abandons,
  including short abandons under 5 s), lognormal talk time scaled by the agent's speed,
  holds on a quarter of the calls, ACW on most, transfers, dispositions, repeat callers
  from a skewed customer pool (FCR);
- each agent handles calls one at a time (a single-server queue per agent, solved in closed
  form with a running maximum), so agent states (login, ready, talk, hold, ACW, break,
  not-ready, logout) tile the shift exactly and agree with the calls;
- QA samples (≈8 per agent-month, 2% critical fails), surveys (CSAT, NPS), tickets
  (complaint/repair/inquiry with response, resolution, reopen, escalation), callbacks and
  visits of owned customers, customers (owners, key accounts, churn, acquisition),
  forecasts per queue and 30-minute interval, training, plans/budgets/reports for managers,
  incidents, and the ownership of each queue (the whole center).

The same seed always gives the same data, whatever the chunking: every day and table draws
from its own generator seeded by (seed, table, day).
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import math
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kaohe.metrics.events import get_table
from kaohe.metrics.store import Store

US = 1_000_000  # microseconds per second
DAY_US = 86_400 * US
SLOT_US = 1800 * US
QUEUES = np.array(["general", "card", "loan", "vip"])
QUEUE_SHARE = np.array([0.55, 0.2, 0.15, 0.1])
DISPOSITIONS = np.array(["resolved", "info_given", "follow_up", "sale", "complaint_logged"])
# relative call volume per 30-minute slot of the local day (the center is open 08:00–22:00)
_HOURLY = {8: 0.6, 9: 1.1, 10: 1.45, 11: 1.4, 12: 1.0, 13: 1.05, 14: 1.35, 15: 1.4, 16: 1.25,
           17: 1.0, 18: 0.8, 19: 0.65, 20: 0.5, 21: 0.35}
SLOT_PROFILE = np.array([_HOURLY.get(k // 2, 0.0) for k in range(48)])
WEEKDAY_PROFILE = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.7, 0.6])  # Monday..Sunday
SHIFT_STARTS_SLOT = np.array([16, 18, 20, 22, 24, 26, 28])  # 08:00 .. 14:00, 8 h each
SHIFT_WEIGHTS = np.array([0.22, 0.2, 0.16, 0.12, 0.1, 0.1, 0.1])
SHIFT_SLOTS = 16

_TABLE_CODE = {name: i for i, name in enumerate(
    ("org", "calls", "agent_states", "schedules", "qa_evaluations", "surveys", "tickets", "callbacks",
     "customers", "forecasts", "attendance", "training", "plans", "incidents", "arrivals", "roster", "queues"))}


@dataclass(frozen=True)
class GeneratorConfig:
    agents: int = 100
    month: str = "2026-03"  # first month, YYYY-MM
    months: int = 1
    seed: int = 0
    calls: int | None = None  # total calls; default ≈ calls_per_agent_day × agents × days
    calls_per_agent_day: float = 32.0
    utc_offset_hours: int = 8  # Asia/Shanghai: no DST since 1991, so a fixed offset is exact
    customers: int | None = None
    agent_states: bool = True

    @property
    def first_day(self) -> dt.date:
        y, m = (int(x) for x in self.month.split("-"))
        return dt.date(y, m, 1)

    def days(self) -> list[dt.date]:
        out: list[dt.date] = []
        y, m = self.first_day.year, self.first_day.month
        for _ in range(self.months):
            out += [dt.date(y, m, d) for d in range(1, _cal.monthrange(y, m)[1] + 1)]
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def _rng(cfg: GeneratorConfig, table: str, day: int = 0) -> np.random.Generator:
    return np.random.default_rng([cfg.seed, _TABLE_CODE[table], day])


def _ids(prefix: str, n: int, width: int = 0) -> pa.Array:
    nums = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    if width:
        nums = pc.utf8_lpad(nums, width, "0")
    return pc.binary_join_element_wise(prefix, nums, "")


def _prefixed(prefix: str, values: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(values), pa.string()), "")


def _labels(names: list[str] | np.ndarray, codes: np.ndarray) -> pa.Array:
    """Text column from small integer codes (much faster than building strings per row)."""
    return pa.array(list(names), pa.string()).take(pa.array(codes.astype(np.int32)))


def _ts(values_us: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(values_us.astype(np.int64), type=pa.timestamp("us"), mask=mask)


# --- org ---------------------------------------------------------------------------------------
@dataclass
class Org:
    table: pa.Table
    agent_ids: pa.Array  # index i -> employee id of agent i
    supervisors: pa.Array
    managers: pa.Array
    director: str
    qa_ids: pa.Array
    planner: str
    account_managers: pa.Array
    agent_team: np.ndarray

    def all_ids(self) -> pa.Array:
        return self.table.column("employee_id").combine_chunks()


def build_org(cfg: GeneratorConfig) -> Org:
    rng = _rng(cfg, "org")
    n = cfg.agents
    team_size = 12
    n_teams = max(1, math.ceil(n / team_size))
    n_depts = max(1, math.ceil(n_teams / 10))
    n_qa = max(1, n // 50)
    n_am = max(1, n // 50)
    agent_team = np.arange(n) // team_size
    team_dept = np.arange(n_teams) // 10
    width = len(str(n + n_teams + n_depts + n_qa + n_am + 2))
    total = n + n_teams + n_depts + 1 + n_qa + 1 + n_am
    ids = _ids("E", total, width)
    surnames = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"))
    given = np.array(["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞"])
    names = pc.binary_join_element_wise(pa.array(surnames[rng.integers(0, len(surnames), total)]),
                                        pa.array(given[rng.integers(0, len(given), total)]), "")
    team_ids = [f"T{t + 1:03d}" for t in range(n_teams)]
    dept_ids = [f"D{d + 1:02d}" for d in range(n_depts)]
    team_col: list[str] = [team_ids[t] for t in agent_team]
    dept_col: list[str] = [dept_ids[team_dept[t]] for t in agent_team]
    pos: list[str] = ["call_center_agent"] * n
    for t in range(n_teams):  # supervisors
        team_col.append(team_ids[t])
        dept_col.append(dept_ids[team_dept[t]])
        pos.append("call_center_supervisor")
    for d in range(n_depts):  # department managers: their own management team
        team_col.append(f"M{d + 1:02d}")
        dept_col.append(dept_ids[d])
        pos.append("call_center_manager")
    team_col.append("DIR")
    dept_col.append("DIR")
    pos.append("customer_service_director")
    staff = [("QA", "quality_inspector", n_qa), ("WFM", "workforce_planner", 1), ("AM", "account_manager", n_am)]
    for team, position, count in staff:
        team_col += [team] * count
        dept_col += ["SUPPORT"] * count
        pos += [position] * count
    table = pa.table({
        "employee_id": ids, "name": names, "team_id": pa.array(team_col), "department_id": pa.array(dept_col),
        "center_id": pa.array(["C01"] * total), "position_id": pa.array(pos)})
    o = n
    sup = ids.slice(o, n_teams)
    o += n_teams
    mgr = ids.slice(o, n_depts)
    o += n_depts
    director = ids[o].as_py()
    o += 1
    qa = ids.slice(o, n_qa)
    o += n_qa
    planner = ids[o].as_py()
    o += 1
    am = ids.slice(o, n_am)
    return Org(table, ids.slice(0, n), sup, mgr, director, qa, planner, am, agent_team)


# --- roster: who works when ----------------------------------------------------------------------
@dataclass
class Roster:
    shift_slot: np.ndarray  # agent -> first slot of the shift
    break_slot: np.ndarray  # agent -> lunch slot
    speed: np.ndarray  # agent -> talk-time factor
    quality: np.ndarray  # agent -> QA / CSAT tilt
    off_days: np.ndarray  # agent -> two weekdays off (0=Mon)


def build_roster(cfg: GeneratorConfig) -> Roster:
    rng = _rng(cfg, "roster")
    n = cfg.agents
    shift = SHIFT_STARTS_SLOT[rng.choice(len(SHIFT_STARTS_SLOT), n, p=SHIFT_WEIGHTS)]
    brk = shift + 7 + rng.integers(0, 3, n)  # lunch 3.5–4.5 h into the shift
    speed = np.exp(rng.normal(0, 0.15, n))
    quality = rng.normal(0, 1, n)
    first_off = rng.integers(0, 7, n)
    off = np.stack([first_off, (first_off + 1 + rng.integers(0, 2, n)) % 7], axis=1)
    return Roster(shift, brk, speed, quality, off)


def _attendance_day(cfg: GeneratorConfig, day_index: int, n: int) -> dict[str, np.ndarray]:
    rng = _rng(cfg, "attendance", day_index)
    u = rng.random(n)
    return {
        "absent": u < 0.004,
        "leave": (u >= 0.004) & (u < 0.03),
        "late_min": np.where(rng.random(n) < 0.05, rng.integers(1, 31, n), 0),
        "early_min": np.where(rng.random(n) < 0.02, rng.integers(10, 91, n), 0),
    }


# --- generation ----------------------------------------------------------------------------------
def generate(out: str | Path | Store, agents: int = 100, month: str = "2026-03", seed: int = 0, *,
             months: int = 1, calls: int | None = None, agent_states: bool = True, overwrite: bool = False,
             progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Generate a center into the data directory ``out``. Returns rows written per table."""
    cfg = GeneratorConfig(agents=agents, month=month, months=months, seed=seed, calls=calls,
                          agent_states=agent_states)
    return generate_config(out, cfg, overwrite=overwrite, progress=progress)


def generate_config(out: str | Path | Store, cfg: GeneratorConfig, *, overwrite: bool = False,
                    progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    store = out if isinstance(out, Store) else Store(out)
    existing = [t for t in _TABLE_CODE if t in _store_tables() and store.has_table(t)]
    if existing and not overwrite:
        raise FileExistsError(f"{store.root} already holds {', '.join(existing)}; pass overwrite=True")
    if overwrite:
        import shutil

        for t in existing:
            shutil.rmtree(store.table_dir(t))
        (store.root / "_batches.json").unlink(missing_ok=True)
    org = build_org(cfg)
    roster = build_roster(cfg)
    days = cfg.days()
    counts: dict[str, int] = {}
    meta = {"generator": "kaohe.metrics.generator", "seed": cfg.seed, "agents": cfg.agents,
            "month": cfg.month, "months": cfg.months}
    store.write_table("org", org.table, source="generator", **meta)
    counts["org"] = org.table.num_rows
    n_customers = cfg.customers or int(np.clip((cfg.calls or cfg.agents * cfg.calls_per_agent_day * len(days)) // 2,
                                               1000, 5_000_000))
    cust = _customers(cfg, org, n_customers, days)
    store.write_table("customers", cust["table"], source="generator", **meta)
    counts["customers"] = cust["table"].num_rows
    per_day = _daily_volume(cfg, days)
    streamed = ["calls", "schedules", "qa_evaluations", "surveys", "tickets", "attendance"]
    if cfg.agent_states:
        streamed.append("agent_states")
    with ExitStack() as stack:
        writers = {t: stack.enter_context(store.writer(t, source="generator", **meta)) for t in streamed}
        call_no = 0
        for di, day in enumerate(days):
            parts = _day(cfg, org, roster, di, day, per_day[di], call_no, n_customers)
            call_no += parts.pop("_calls")
            for t, tbl in parts.items():
                if t in writers:
                    writers[t].write(tbl)
            if progress:
                progress(day.isoformat(), call_no)
    for t in streamed:
        counts[t] = writers[t].rows
    small = {
        "forecasts": _forecasts(cfg, org, days, per_day),
        "callbacks": _callbacks(cfg, org, cust, days),
        "training": _training(cfg, org, days),
        "plans": _plans(cfg, org, days),
        "incidents": _incidents(cfg, org, days),
    }
    if "queues" in _store_tables():
        # every queue is served by the whole center (agents are not split by queue)
        small["queues"] = pa.table({"queue": pa.array(list(QUEUES)), "team_id": pa.nulls(len(QUEUES), pa.string()),
                                    "department_id": pa.nulls(len(QUEUES), pa.string()),
                                    "center_id": pa.array(["C01"] * len(QUEUES))})
    for t, tbl in small.items():
        store.write_table(t, tbl, source="generator", **meta)
        counts[t] = tbl.num_rows
    return counts


def _store_tables() -> set[str]:
    from kaohe.metrics.events import TABLES

    return set(TABLES)


def _daily_volume(cfg: GeneratorConfig, days: list[dt.date]) -> np.ndarray:
    weights = np.array([WEEKDAY_PROFILE[d.weekday()] for d in days])
    total = cfg.calls if cfg.calls is not None else cfg.calls_per_agent_day * cfg.agents * len(days)
    return np.asarray(total * weights / weights.sum(), dtype=float)


def _day(cfg: GeneratorConfig, org: Org, roster: Roster, di: int, day: dt.date, volume: float,
         call_no: int, n_customers: int) -> dict[str, Any]:
    rng = _rng(cfg, "calls", di)
    n_agents = cfg.agents
    off = cfg.utc_offset_hours * 3600 * US
    day0 = int((dt.datetime.combine(day, dt.time()) - dt.datetime(1970, 1, 1)).total_seconds()) * US - off
    att = _attendance_day(cfg, di, n_agents)
    wd = day.weekday()
    rostered = ~((roster.off_days[:, 0] == wd) | (roster.off_days[:, 1] == wd))
    working = rostered & ~att["absent"] & ~att["leave"]
    shift_start = day0 + roster.shift_slot * SLOT_US
    login_start = shift_start + att["late_min"] * 60 * US
    login_end = login_start + 60 * US
    shift_end = shift_start + SHIFT_SLOTS * SLOT_US - att["early_min"] * 60 * US
    brk0 = day0 + roster.break_slot * SLOT_US
    brk1 = brk0 + SLOT_US

    # arrivals per slot, then one caller each
    slot_w = SLOT_PROFILE / SLOT_PROFILE.sum()
    load = SLOT_PROFILE / SLOT_PROFILE[SLOT_PROFILE > 0].mean()
    counts = rng.poisson(volume * slot_w)
    n = int(counts.sum())
    slot = np.repeat(np.arange(48), counts)
    offered = np.sort(day0 + slot * SLOT_US + rng.integers(0, SLOT_US, n))
    queue_idx = rng.choice(len(QUEUES), n, p=QUEUE_SHARE)
    outbound = rng.random(n) < 0.05
    # agent on duty in that slot (not at lunch, not absent, inside the shift)
    agent = np.full(n, -1, dtype=np.int64)
    bounds = np.r_[0, np.cumsum(counts)]
    for k in np.flatnonzero(counts):
        on = (working & (roster.shift_slot <= k) & (k < roster.shift_slot + SHIFT_SLOTS)
              & (roster.break_slot != k) & (day0 + (k + 1) * SLOT_US <= shift_end))
        pool = np.flatnonzero(on)
        if len(pool):
            # calls go round the agents on duty in arrival order (like longest-idle routing),
            # which keeps each agent's calls spaced out; the order of agents is shuffled per slot
            pool = rng.permutation(pool)
            agent[bounds[k]:bounds[k + 1]] = pool[(rng.integers(0, len(pool)) + np.arange(counts[k])) % len(pool)]
    # all times are whole microseconds in int64: float arithmetic on epoch microseconds
    # would lose precision and could put an answer a microsecond before its offer
    wait = np.round(rng.exponential(8.0 * load[slot] ** 2) * US).astype(np.int64)
    patience = np.round(rng.exponential(150.0, n) * US).astype(np.int64)
    no_agent = agent < 0
    abandoned = ((patience < wait) | no_agent) & ~outbound
    # a few calls end without either (IVR-only, fax); outbound calls need an agent on duty
    other = ((rng.random(n) < 0.004) & ~abandoned & ~outbound) | (outbound & no_agent)
    answered = ~abandoned & ~other
    wait = np.where(outbound, 0, wait)
    speed = np.where(agent >= 0, roster.speed[np.maximum(agent, 0)], 1.0)
    talk = np.round(rng.lognormal(np.log(170.0), 0.65, n) * speed * US)
    hold = np.where(rng.random(n) < 0.25, np.round(rng.lognormal(np.log(35.0), 0.7, n) * US), 0)
    acw = np.where(rng.random(n) < 0.85, np.round(rng.lognormal(np.log(22.0), 0.6, n) * US), 0)
    talk = np.where(answered, talk, 0).astype(np.int64)
    hold = np.where(answered, hold, 0).astype(np.int64)
    acw = np.where(answered, acw, 0).astype(np.int64)

    # each agent serves its answered calls one at a time: start_j = s_j + max_{i<=j}(a_i - s_i),
    # with s_j the busy time of the agent's earlier calls (a single-server queue, in closed form)
    ans_idx = np.flatnonzero(answered)
    ag = agent[ans_idx]
    arrive = np.maximum(offered[ans_idx] + wait[ans_idx], login_end[ag])
    order = np.lexsort((arrive, ag))
    ans_idx, ag, arrive = ans_idx[order], ag[order], arrive[order]
    busy = (talk + hold + acw)[ans_idx].astype(np.int64)
    first = np.r_[True, ag[1:] != ag[:-1]]
    grp = np.cumsum(first) - 1
    csum = np.cumsum(busy) - busy
    s = csum - csum[first][grp]
    big = np.int64(4) * DAY_US * 3
    x = arrive - s + grp * big
    start = s + np.maximum.accumulate(x) - grp * big
    answered_at = np.zeros(n, dtype=np.int64)
    answered_at[ans_idx] = start
    ended = np.where(answered, answered_at + talk + hold, offered + np.where(abandoned, patience, 0))
    ended = np.where(other, offered + rng.integers(1, 30, n) * US, ended)

    # customers: a skewed pool, so some callers come back (FCR); 8% unidentified
    cust = (n_customers * rng.random(n) ** 1.6).astype(np.int64) + 1
    cust_null = rng.random(n) < 0.08
    transferred = answered & (rng.random(n) < 0.06)
    call_ids = _prefixed("C", np.arange(call_no + 1, call_no + n + 1))
    agent_ids = org.agent_ids.take(pa.array(np.maximum(agent, 0)))
    has_agent = answered & (agent >= 0)
    agent_col = pc.if_else(pa.array(has_agent), agent_ids, pa.nulls(n, pa.string()))
    outcome = np.where(answered, 0, np.where(abandoned, 1, 2))
    disp = rng.integers(0, len(DISPOSITIONS), n)
    calls = pa.table({
        "call_id": call_ids, "queue": _labels(QUEUES, queue_idx),
        "direction": _labels(["in", "out"], outbound.astype(np.int8)),
        "customer_id": pc.if_else(pa.array(cust_null), pa.nulls(n, pa.string()), _prefixed("K", cust)),
        "agent_id": agent_col, "offered_at": _ts(offered), "answered_at": _ts(answered_at, ~answered),
        "ended_at": _ts(ended), "talk_s": pa.array(talk / US), "hold_s": pa.array(hold / US),
        "acw_s": pa.array(acw / US), "outcome": _labels(["answered", "abandoned", "other"], outcome),
        "transferred": pa.array(transferred),
        "disposition": pc.if_else(pa.array(answered), _labels(DISPOSITIONS, disp), pa.nulls(n, pa.string())),
    })
    out: dict[str, Any] = {"_calls": n, "calls": calls}
    if cfg.agent_states:
        out["agent_states"] = _states(org, working, login_start, login_end, shift_end, brk0, brk1, ag, start,
                                      talk[ans_idx], hold[ans_idx], acw[ans_idx], rng)
    out["schedules"] = _schedules(org, rostered, shift_start, brk0, brk1)
    out["attendance"] = _attendance_rows(org, att, working, roster, day, wd)
    out.update(_call_followups(cfg, org, roster, di, calls, answered, agent, answered_at, ended, cust, cust_null))
    return out


def _states(org: Org, working: np.ndarray, login_start: np.ndarray, login_end: np.ndarray,
            shift_end: np.ndarray, brk0: np.ndarray, brk1: np.ndarray, ag: np.ndarray, start: np.ndarray,
            talk: np.ndarray, hold: np.ndarray, acw: np.ndarray, rng: np.random.Generator) -> pa.Table:
    """States that tile each working agent's day: login, then ready/break/not-ready gaps around
    talk → hold → ACW of every call, then logout."""
    talk = talk.astype(np.int64)
    hold = hold.astype(np.int64)
    acw = acw.astype(np.int64)
    work = np.flatnonzero(working)
    busy_end = start + talk + hold + acw
    # gaps: from login end (or the previous call's end) to the next call's start, and the last one
    first = np.r_[True, ag[1:] != ag[:-1]] if len(ag) else np.zeros(0, bool)
    prev_end = np.where(first, login_end[ag], np.r_[0, busy_end[:-1]])
    last = np.r_[ag[1:] != ag[:-1], True] if len(ag) else np.zeros(0, bool)
    logout = login_end.copy()
    if len(ag):
        np.maximum.at(logout, ag, busy_end)
    logout = np.maximum(logout, shift_end)
    has_calls = np.zeros(len(working), bool)
    has_calls[ag] = True
    idle = work[~has_calls[work]]
    gap_agent = np.concatenate([ag, ag[last], idle])
    gap_start = np.concatenate([prev_end, busy_end[last], login_end[idle]])
    gap_end = np.concatenate([start, logout[ag[last]], logout[idle]])
    # lunch break inside a gap; the rest of the gap is ready (a few gaps start with not-ready)
    b0 = np.clip(brk0[gap_agent], gap_start, gap_end)
    b1 = np.clip(brk1[gap_agent], gap_start, gap_end)
    nr = (rng.random(len(gap_agent)) < 0.08) & (b0 - gap_start > 120 * US)
    nr_end = np.where(nr, gap_start + (b0 - gap_start) // 3, gap_start)
    pieces = [
        (gap_agent, nr_end - gap_start, gap_start, nr_end, "not_ready"),
        (gap_agent, b0 - nr_end, nr_end, b0, "ready"),
        (gap_agent, b1 - b0, b0, b1, "break"),
        (gap_agent, gap_end - b1, b1, gap_end, "ready"),
        (ag, talk, start, start + talk, "talk"),
        (ag, hold, start + talk, start + talk + hold, "hold"),
        (ag, acw, start + talk + hold, busy_end, "acw"),
    ]
    pieces += [(work, login_end[work] - login_start[work], login_start[work], login_end[work], "login"),
               (work, np.ones(len(work)), logout[work], logout[work], "logout")]
    names = ["login", "ready", "not_ready", "talk", "hold", "acw", "break", "logout"]
    agents, starts, ends, codes = [], [], [], []
    for who, length, s, e, state in pieces:
        keep = length > 0
        agents.append(who[keep])
        starts.append(s[keep])
        ends.append(e[keep])
        codes.append(np.full(int(keep.sum()), names.index(state), dtype=np.int8))
    a = np.concatenate(agents)
    st = np.concatenate(starts)
    order = np.lexsort((st, a))
    code = np.concatenate(codes)[order]
    reason_code = np.where(code == names.index("break"), 1, np.where(code == names.index("not_ready"), 2, 0))
    return pa.table({
        "agent_id": org.agent_ids.take(pa.array(a[order])),
        "state": _labels(names, code),
        "reason": pc.if_else(pa.array(reason_code > 0), _labels(["", "lunch", "coaching"], reason_code),
                             pa.nulls(len(code), pa.string())),
        "start_at": _ts(st[order]), "end_at": _ts(np.concatenate(ends)[order]),
    })


def _schedules(org: Org, rostered: np.ndarray, shift_start: np.ndarray, brk0: np.ndarray,
               brk1: np.ndarray) -> pa.Table:
    """Planned day: work before lunch, lunch, work after; absences keep their plan (adherence sees them)."""
    roster_day = np.flatnonzero(rostered)
    end = shift_start + SHIFT_SLOTS * SLOT_US
    a = np.concatenate([roster_day, roster_day, roster_day])
    s = np.concatenate([shift_start[roster_day], brk0[roster_day], brk1[roster_day]])
    e = np.concatenate([brk0[roster_day], brk1[roster_day], end[roster_day]])
    act = np.concatenate([np.full(len(roster_day), "work", object), np.full(len(roster_day), "break", object),
                          np.full(len(roster_day), "work", object)])
    order = np.lexsort((s, a))
    return pa.table({"agent_id": org.agent_ids.take(pa.array(a[order])), "start_at": _ts(s[order]),
                     "end_at": _ts(e[order]), "activity": pa.array(act[order], pa.string())})


def _attendance_rows(org: Org, att: dict[str, np.ndarray], working: np.ndarray, roster: Roster,
                     day: dt.date, wd: int) -> pa.Table:
    rostered = ~((roster.off_days[:, 0] == wd) | (roster.off_days[:, 1] == wd))
    parts = [
        (rostered & att["absent"], "absent", None),
        (rostered & att["leave"], "leave", None),
        (working & (att["late_min"] > 0), "late", att["late_min"]),
        (working & (att["early_min"] > 0), "early_leave", att["early_min"]),
    ]
    who, kind, minutes = [], [], []
    for mask, k, mins in parts:
        idx = np.flatnonzero(mask)
        who.append(idx)
        kind.append(np.full(len(idx), k, object))
        minutes.append(mins[idx].astype(float) if mins is not None else np.full(len(idx), np.nan))
    a = np.concatenate(who)
    m = np.concatenate(minutes)
    return pa.table({
        "employee_id": org.agent_ids.take(pa.array(a)), "date": pa.array([day] * len(a), pa.date32()),
        "kind": pa.array(np.concatenate(kind), pa.string()), "count": pa.array(np.ones(len(a), np.int64)),
        "minutes": pa.array(m, pa.float64(), mask=np.isnan(m)),
    })


def _call_followups(cfg: GeneratorConfig, org: Org, roster: Roster, di: int, calls: pa.Table,
                    answered: np.ndarray, agent: np.ndarray, answered_at: np.ndarray, ended: np.ndarray,
                    cust: np.ndarray, cust_null: np.ndarray) -> dict[str, pa.Table]:
    n = len(answered)
    handled = answered & (agent >= 0)
    q = np.where(agent >= 0, roster.quality[np.maximum(agent, 0)], 0.0)
    # QA: about eight evaluations per agent and month
    rng = _rng(cfg, "qa_evaluations", di)
    p_qa = 8.0 / max(cfg.calls_per_agent_day * 30.0, 1.0) if cfg.calls is None else \
        8.0 * cfg.agents * len(cfg.days()) / 30.0 / max(cfg.calls, 1)
    pick = np.flatnonzero(handled & (rng.random(n) < p_qa))
    score = np.clip(rng.normal(86 + 3 * q[pick], 6), 0, 100).round(1)
    crit = rng.random(len(pick)) < 0.02
    score = np.where(crit, np.minimum(score, 55.0), score)
    qa = pa.table({
        "eval_id": _prefixed(f"Q{di:03d}-", pick), "agent_id": calls["agent_id"].take(pa.array(pick)),
        "call_id": calls["call_id"].take(pa.array(pick)),
        "evaluated_at": _ts(ended[pick] + rng.integers(1, 3 * 86400, len(pick)) * US),
        "score": pa.array(score), "critical_fail": pa.array(crit),
        "evaluator_id": org.qa_ids.take(pa.array(rng.integers(0, len(org.qa_ids), len(pick)))),
    })
    # surveys: 8% of answered calls answer a post-call survey
    rng = _rng(cfg, "surveys", di)
    sv = np.flatnonzero(answered & (rng.random(n) < 0.08))
    base = 4.1 + 0.35 * q[sv] + rng.normal(0, 0.9, len(sv))
    csat = np.clip(np.round(base), 1, 5).astype(np.int64)
    nps = np.clip(np.round(2.2 * csat - 1 + rng.normal(0, 1.3, len(sv))), 0, 10).astype(np.int64)
    no_nps = rng.random(len(sv)) < 0.3
    surveys = pa.table({
        "survey_id": _prefixed(f"S{di:03d}-", sv), "agent_id": calls["agent_id"].take(pa.array(sv)),
        "customer_id": calls["customer_id"].take(pa.array(sv)), "call_id": calls["call_id"].take(pa.array(sv)),
        "ticket_id": pa.nulls(len(sv), pa.string()),
        "answered_at": _ts(ended[sv] + rng.integers(30, 3600, len(sv)) * US),
        "csat": pa.array(csat), "nps": pa.array(nps, mask=no_nps),
    })
    # tickets raised from calls: complaints, repairs, inquiries
    rng = _rng(cfg, "tickets", di)
    u = rng.random(n)
    kind = np.where(u < 0.004, 0, np.where(u < 0.009, 1, np.where(u < 0.02, 2, -1)))
    tk = np.flatnonzero(answered & (kind >= 0))
    kind = kind[tk]
    m = len(tk)
    created = ended[tk]
    first_resp = created + (rng.lognormal(np.log(0.8), 0.9, m) * 3600 * US).astype(np.int64)
    resolved = first_resp + (rng.lognormal(np.log(20.0), 0.9, m) * 3600 * US).astype(np.int64)
    unresolved = rng.random(m) < 0.06
    no_response = unresolved & (rng.random(m) < 0.3)
    closed = resolved + rng.integers(600, 2 * 86400, m) * US
    reopened = np.where((kind == 1) & (rng.random(m) < 0.1), rng.integers(1, 3, m), 0)
    caused = (kind == 0) & (rng.random(m) < 0.5)
    owner = calls["agent_id"].take(pa.array(tk))
    tickets = pa.table({
        "ticket_id": _prefixed(f"T{di:03d}-", tk),
        "type": pa.array(np.array(["complaint", "repair", "inquiry"])[kind]),
        "customer_id": calls["customer_id"].take(pa.array(tk)), "owner_id": owner,
        "caused_by_id": pc.if_else(pa.array(caused), owner, pa.nulls(m, pa.string())),
        "created_at": _ts(created), "first_response_at": _ts(first_resp, no_response),
        "resolved_at": _ts(resolved, unresolved), "closed_at": _ts(closed, unresolved),
        "reopened_count": pa.array(reopened.astype(np.int64)), "escalated": pa.array(rng.random(m) < 0.05),
    })
    return {"qa_evaluations": qa, "surveys": surveys, "tickets": tickets}


# --- small tables ------------------------------------------------------------------------------
def _customers(cfg: GeneratorConfig, org: Org, n: int, days: list[dt.date]) -> dict[str, Any]:
    rng = _rng(cfg, "customers")
    off = cfg.utc_offset_hours * 3600 * US
    start = int((dt.datetime.combine(days[0], dt.time()) - dt.datetime(1970, 1, 1)).total_seconds()) * US - off
    span = len(days) * DAY_US
    key = rng.random(n) < 0.05
    owner_idx = rng.integers(0, len(org.account_managers), n)
    owned = key | (rng.random(n) < 0.1)
    acquired = start - (rng.random(n) * 3 * 365 * DAY_US).astype(np.int64)
    new = rng.random(n) < 0.02
    acquired = np.where(new, start + (rng.random(n) * span).astype(np.int64), acquired)
    churn = rng.random(n) < np.where(key, 0.01, 0.03) * len(days) / 30
    churned = np.maximum(start + (rng.random(n) * span).astype(np.int64), acquired + DAY_US)
    no_acq = rng.random(n) < 0.02
    table = pa.table({
        "customer_id": _prefixed("K", np.arange(1, n + 1)),
        "owner_id": pc.if_else(pa.array(owned), org.account_managers.take(pa.array(owner_idx)),
                               pa.nulls(n, pa.string())),
        "segment": pa.array(np.where(key, "key", "regular")),
        "acquired_at": _ts(acquired, no_acq), "churned_at": _ts(churned, ~churn),
    })
    return {"table": table, "owned": np.flatnonzero(owned), "owner_idx": owner_idx, "key": key, "start": start}


def _forecasts(cfg: GeneratorConfig, org: Org, days: list[dt.date], per_day: np.ndarray) -> pa.Table:
    rng = _rng(cfg, "forecasts")
    off = cfg.utc_offset_hours * 3600 * US
    slots = np.flatnonzero(SLOT_PROFILE > 0)
    slot_w = SLOT_PROFILE / SLOT_PROFILE.sum()
    rows_q, rows_t, rows_f = [], [], []
    for di, day in enumerate(days):
        day0 = int((dt.datetime.combine(day, dt.time()) - dt.datetime(1970, 1, 1)).total_seconds()) * US - off
        for qi, share in enumerate(QUEUE_SHARE):
            expected = per_day[di] * slot_w[slots] * share
            rows_q.append(np.full(len(slots), QUEUES[qi]))
            rows_t.append(day0 + slots * SLOT_US)
            rows_f.append(np.round(expected * np.exp(rng.normal(0, 0.08, len(slots))), 1))
    n = sum(len(x) for x in rows_t)
    return pa.table({
        "queue": pa.array(np.concatenate(rows_q)), "interval_start": _ts(np.concatenate(rows_t)),
        "interval_minutes": pa.array(np.full(n, 30, np.int64)), "forecast_calls": pa.array(np.concatenate(rows_f)),
        "forecaster_id": pa.array([org.planner] * n),
    })


def _callbacks(cfg: GeneratorConfig, org: Org, cust: dict[str, Any], days: list[dt.date]) -> pa.Table:
    """Account managers call or visit owned customers; key accounts roughly every 90 days."""
    rng = _rng(cfg, "callbacks")
    owned = cust["owned"]
    key = cust["key"][owned]
    p = np.where(key, 0.38, 0.12) * len(days) / 30
    visits = owned[rng.random(len(owned)) < np.minimum(p, 1.0)]
    m = len(visits)
    when = cust["start"] + (rng.random(m) * len(days) * DAY_US).astype(np.int64)
    # inside working hours: shift the time of day to 09:00–18:00 local
    tod = (9 * 3600 + rng.integers(0, 9 * 3600, m)) * US
    when = when - (when + cfg.utc_offset_hours * 3600 * US) % DAY_US + tod
    return pa.table({
        "visit_id": _ids("V", m), "customer_id": _prefixed("K", visits + 1),
        "employee_id": org.account_managers.take(pa.array(cust["owner_idx"][visits])),
        "visited_at": _ts(when), "kind": pa.array(np.where(rng.random(m) < 0.15, "visit", "callback")),
        "complaint": pa.array(rng.random(m) < 0.02),
    })


def _training(cfg: GeneratorConfig, org: Org, days: list[dt.date]) -> pa.Table:
    rng = _rng(cfg, "training")
    ids = org.all_ids()
    n = len(ids)
    per = rng.poisson(1.2 * len(days) / 30, n)
    who = np.repeat(np.arange(n), per)
    m = len(who)
    day_idx = rng.integers(0, len(days), m)
    course = rng.integers(1, 21, m)
    # one session per employee, course and day (the natural key)
    key = who.astype(np.int64) * 10_000_000 + course * 10_000 + day_idx
    _, first = np.unique(key, return_index=True)
    who, day_idx, course = who[first], day_idx[first], course[first]
    m = len(who)
    exam = rng.random(m) < 0.6
    score = np.clip(rng.normal(78, 12, m), 0, 100).round(1)
    return pa.table({
        "employee_id": ids.take(pa.array(who)), "course_id": _prefixed("COURSE-", course),
        "date": pa.array([days[i] for i in day_idx], pa.date32()),
        "hours": pa.array(rng.choice([1.0, 2.0, 3.0, 4.0, 8.0], m)),
        "exam_score": pa.array(score, mask=~exam), "passed": pa.array(score >= 60, mask=~exam),
    })


def _plans(cfg: GeneratorConfig, org: Org, days: list[dt.date]) -> pa.Table:
    """Monthly plans for supervisors and managers, budgets for managers, reports for all of them."""
    rng = _rng(cfg, "plans")
    months = sorted({(d.year, d.month) for d in days})
    leaders = pa.concat_arrays([org.supervisors, org.managers, pa.array([org.director]), org.account_managers])
    rows: dict[str, list[Any]] = {k: [] for k in ("employee_id", "period", "measure", "kind", "target", "actual",
                                                   "due_at", "delivered_at")}
    off = dt.timedelta(hours=cfg.utc_offset_hours)
    budget_holders = set(org.managers.to_pylist()) | {org.director}
    for y, mth in months:
        period = f"{y:04d}-{mth:02d}"
        nxt = dt.datetime(y + (mth == 12), mth % 12 + 1, 5, 18) - off
        for emp in leaders.to_pylist():
            target = float(rng.integers(80, 121)) * 100
            rows_add = [("calls_handled", "plan", target, round(target * rng.normal(1.0, 0.08), 1), None, None),
                        ("monthly_report", "report", 1.0, 1.0, nxt,
                         nxt + dt.timedelta(hours=float(rng.normal(-20, 30))))]
            if emp in budget_holders:
                budget = float(rng.integers(50, 200)) * 10_000
                rows_add.append(("budget", "budget", budget, round(budget * rng.normal(0.97, 0.05), 0), None, None))
            for measure, kind, tgt, act, due, delivered in rows_add:
                for k, v in zip(rows, (emp, period, measure, kind, tgt, act, due, delivered), strict=True):
                    rows[k].append(v)
    return pa.table(rows, schema=get_table("plans").arrow_schema(with_batch=False))


def _incidents(cfg: GeneratorConfig, org: Org, days: list[dt.date]) -> pa.Table:
    rng = _rng(cfg, "incidents")
    ids = org.all_ids()
    per = rng.poisson(0.04 * len(days) / 30, len(ids))
    who = np.repeat(np.arange(len(ids)), per)
    m = len(who)
    types = np.array(["report_error", "data_loss", "complaint_caused", "info_error", "major_incident",
                      "missed_followup"])
    t = rng.choice(len(types), m, p=[0.25, 0.05, 0.3, 0.25, 0.02, 0.13])
    start = int((dt.datetime.combine(days[0], dt.time()) - dt.datetime(1970, 1, 1)).total_seconds()) * US
    return pa.table({
        "incident_id": _ids("I", m), "employee_id": ids.take(pa.array(who)),
        "occurred_at": _ts(start + (rng.random(m) * len(days) * DAY_US).astype(np.int64)),
        "type": pa.array(types[t]), "severity": pa.array(np.where(types[t] == "major_incident", "major", "minor")),
    })
