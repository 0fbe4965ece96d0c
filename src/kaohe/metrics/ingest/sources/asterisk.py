"""Asterisk ``queue_log`` → calls and agent states.

The queue log of Asterisk's app_queue (and of the PBXs built on it: FreePBX, Issabel,
VICIdial …) comes in two shapes:

- the native file, one event a line: ``epoch|callid|queuename|agent|event|data1|data2|…``;
- the realtime table (``queue_log`` in MySQL/PostgreSQL) exported as CSV with a header:
  ``time,callid,queuename,agent,event,data1,…,data5`` (``time`` a local date-time or an
  epoch). Builds that name the columns differently or add columns are read through a
  column mapping (``columns: {time: created, queuename: queue, …}``); extra columns are
  ignored.

What becomes what (data fields as Asterisk documents them):

====================  ==========================================  ===============================
event                 data                                        effect
====================  ==========================================  ===============================
ENTERQUEUE            url | callerid | position                   a call is offered (customer = callerid)
RINGNOANSWER          ringtime (ms)                               a ring attempt; not a new call
CONNECT               holdtime | bridged uniqueid | ringtime      answered by the agent; holdtime is the
                                                                  queue wait (not customer hold)
COMPLETEAGENT/CALLER  holdtime | calltime | origposition          ended; talk = calltime
TRANSFER              ext | context | holdtime | calltime | pos   ended, transferred
BLINDTRANSFER         ext | context | holdtime | calltime | pos   ended, transferred
ATTENDEDTRANSFER      method | … | holdtime | calltime | pos       ended, transferred (last three fields)
ABANDON               position | origposition | waittime          abandoned
EXITWITHTIMEOUT       position | origposition | waittime          left the queue (outcome ``exits_as``)
EXITEMPTY             position | origposition | waittime          left the queue (outcome ``exits_as``)
EXITWITHKEY           key | position | origposition | waittime    left the queue (outcome ``exits_as``)
AGENTLOGIN/…LOGOFF    (channel)                                   agent logged in / out
AGENTCALLBACKLOGIN/…  (extension)                                 agent logged in / out
ADDMEMBER/REMOVEMEMBER                                            member of a queue / not any more
PAUSE/PAUSEALL        reason                                      not ready (or break, by reason)
UNPAUSE/UNPAUSEALL    reason                                      ready again
====================  ==========================================  ===============================

Any other event (QUEUESTART, CONFIGRELOAD, DID, INFO, RINGCANCELED, SYSCOMPAT …) is counted
and listed in the report as not used.

An inbound queue call is ONE call whatever the number of ring attempts before it: its id
is the Asterisk ``callid`` (the caller channel's uniqueid); when the same caller enters a
queue again (transferred to another queue) the next entry is ``callid/2`` and so on.

The log records neither the customer's hold nor after-call work:

- hold comes from a CDR when one is given (``hold``: uniqueid → seconds); talk is then
  the call time minus hold, as the call time covers the whole bridged call;
- ACW comes from a declared policy: ``none`` (0), ``wrapup`` (the queue's ``wrapuptime``
  after each call) or ``pause`` (a pause that begins within ``pause_gap_s`` after a call,
  or during it, is the call's wrap-up until the unpause).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kaohe.metrics.ingest.readers import detect_encoding
from kaohe.metrics.ingest.sources.base import Rows, SourceReport, line_error, utc_from_epoch

SOURCE = "asterisk-queue-log"

CALL_EVENTS = frozenset({
    "ENTERQUEUE", "CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY",
    "EXITWITHKEY", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER", "RINGNOANSWER",
})
AGENT_EVENTS = frozenset({
    "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "ADDMEMBER", "REMOVEMEMBER",
    "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL",
})
END_EVENTS = frozenset({"COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"})
EXIT_EVENTS = {"EXITWITHTIMEOUT": "timeout", "EXITEMPTY": "empty", "EXITWITHKEY": "key"}
REALTIME_COLUMNS = ("time", "callid", "queuename", "agent", "event", "data1", "data2", "data3", "data4", "data5")
DEFAULT_PAUSE_STATES = {"break": "break", "lunch": "break", "rest": "break", "小休": "break", "用餐": "break",
                        "休息": "break"}
ACW_POLICIES = ("none", "wrapup", "pause")
_TECH = re.compile(r"^(?:Local|SIP|PJSIP|IAX2|Agent|DAHDI|Zap|H323|MGCP|SCCP)/", re.IGNORECASE)


class OptionsError(ValueError):
    pass


@dataclass
class QueueLogOptions:
    """How to read a queue log. All of it can come from a YAML file (``--config``)."""

    acw_policy: str = "none"
    wrapup_s: float = 0.0
    wrapup_by_queue: dict[str, float] = field(default_factory=dict)
    pause_gap_s: float = 10.0
    acw_pause_reasons: list[str] | None = None  # None: a pause with any reason counts
    exits_as: str = "other"  # other | abandoned
    pause_states: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PAUSE_STATES))
    agents: dict[str, str] = field(default_factory=dict)  # queue_log agent → employee id
    timezone: str = "UTC"  # zone of date-times in the realtime table
    columns: dict[str, str] = field(default_factory=dict)  # realtime column → the export's column
    delimiter: str = ","
    stream: str = "default"
    hold: dict[str, float] | None = None  # uniqueid → hold seconds, from a CDR

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> QueueLogOptions:
        d = dict(d or {})
        problems: list[str] = []
        acw = d.pop("acw", None)
        opts = cls()
        if isinstance(acw, dict):
            opts.acw_policy = str(acw.get("policy", "none"))
            w = acw.get("wrapup_s", 0)
            if isinstance(w, dict):
                opts.wrapup_by_queue = {str(k): float(v) for k, v in w.items()}
                opts.wrapup_s = float(opts.wrapup_by_queue.pop("default", 0.0))
            else:
                opts.wrapup_s = float(w)
            opts.pause_gap_s = float(acw.get("pause_gap_s", opts.pause_gap_s))
            reasons = acw.get("pause_reasons")
            opts.acw_pause_reasons = None if reasons is None else [str(r) for r in reasons]
        elif acw is not None:
            opts.acw_policy = str(acw)
        for key in ("exits_as", "timezone", "delimiter", "stream"):
            if key in d:
                setattr(opts, key, str(d.pop(key)))
        for key in ("agents", "columns", "pause_states"):
            if key in d:
                val = d.pop(key) or {}
                if not isinstance(val, dict):
                    problems.append(f"{key} must be a mapping")
                    continue
                merged = dict(DEFAULT_PAUSE_STATES) if key == "pause_states" else {}
                merged.update({str(k): str(v) for k, v in val.items()})
                setattr(opts, key, merged)
        d.pop("source", None)
        problems += [f"unknown option {k!r}" for k in d]
        if opts.acw_policy not in ACW_POLICIES:
            problems.append(f"acw policy {opts.acw_policy!r} must be one of {', '.join(ACW_POLICIES)}")
        if opts.exits_as not in ("other", "abandoned"):
            problems.append(f"exits_as {opts.exits_as!r} must be other or abandoned")
        bad_states = sorted({v for v in opts.pause_states.values() if v not in ("break", "not_ready")})
        if bad_states:
            problems.append(f"pause_states values must be break or not_ready, got {', '.join(bad_states)}")
        unknown_cols = sorted(set(opts.columns) - set(REALTIME_COLUMNS) - {"data"})
        if unknown_cols:
            problems.append(f"columns: {', '.join(unknown_cols)} are not realtime queue_log columns "
                            f"({', '.join(REALTIME_COLUMNS)}, data)")
        if problems:
            raise OptionsError("; ".join(problems))
        return opts

    def wrapup(self, queue: str) -> float:
        return self.wrapup_by_queue.get(queue, self.wrapup_s)


@dataclass
class Event:
    ts: float
    callid: str
    queue: str
    agent: str
    event: str
    data: list[str]
    line: int
    digest: str


# --- reading ---------------------------------------------------------------------------------
def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _epoch(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if v > 0 else None


def read_native(path: Path, report: SourceReport, file: str) -> list[Event]:
    """``epoch|callid|queue|agent|event|data…`` lines; malformed ones are errors with their line."""
    encoding = detect_encoding(path)
    events: list[Event] = []
    with open(path, encoding=encoding, newline="") as fh:
        for no, raw in enumerate(fh, start=1):
            text = raw.rstrip("\r\n")
            if not text.strip():
                continue
            parts = text.split("|")
            if len(parts) < 5:
                report.add_error(line_error(file, no, None, f"a queue_log line has at least 5 fields "
                                            f"(epoch|callid|queue|agent|event), this one has {len(parts)}", text[:80]))
                continue
            ts = _epoch(parts[0])
            if ts is None:
                report.add_error(line_error(file, no, "epoch", "not a Unix time (seconds since 1970)", parts[0][:40]))
                continue
            event = parts[4].strip()
            if not event:
                report.add_error(line_error(file, no, "event", "the event name is empty"))
                continue
            events.append(Event(ts, parts[1].strip(), parts[2].strip(), parts[3].strip(), event.upper(),
                                [p.strip() for p in parts[5:]], no, _digest(text)))
    report.encoding = encoding
    return events


def _parse_time(text: str, zone: ZoneInfo | None) -> float | None:
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _epoch(text)
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        try:
            dt = datetime.strptime(text, "%Y/%m/%d %H:%M:%S")
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone)
    return dt.timestamp()


def read_realtime(path: Path, opts: QueueLogOptions, report: SourceReport, file: str) -> list[Event]:
    """The realtime queue_log table exported as CSV (with a header), through the column mapping."""
    encoding = detect_encoding(path)
    report.encoding = encoding
    zone = ZoneInfo(opts.timezone)
    with open(path, encoding=encoding, newline="") as fh:
        text = fh.read()
    reader = csv.reader(io.StringIO(text), delimiter=opts.delimiter)
    header = next(reader, None)
    if header is None:
        report.add_error(line_error(file, None, None, "the file is empty"))
        return []
    header = [h.strip().lstrip("\ufeff") for h in header]
    names = {c: opts.columns.get(c, c) for c in (*REALTIME_COLUMNS, "data")}
    index = {c: header.index(n) for c, n in names.items() if n in header}
    missing = [f"{c} (column {names[c]!r})" for c in REALTIME_COLUMNS[:5] if c not in index]
    if missing:
        report.add_error(line_error(file, 1, None, "the realtime queue_log export lacks " + ", ".join(missing)
                                    + f"; its columns: {', '.join(header)}; map them with columns: in the config"))
        return []
    events: list[Event] = []
    prev_end = 1
    for row in reader:
        no = prev_end + 1
        prev_end = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            report.add_error(line_error(file, no, None, f"row has {len(row)} fields, the header has {len(header)}"))
            continue

        def get(c: str, row: list[str] = row) -> str:
            return row[index[c]].strip() if c in index else ""

        ts = _parse_time(get("time"), zone)
        if ts is None:
            report.add_error(line_error(file, no, names["time"], "not a date-time (YYYY-MM-DD HH:MM:SS) or Unix time",
                                        get("time")[:40]))
            continue
        event = get("event").upper()
        if not event:
            report.add_error(line_error(file, no, names["event"], "the event name is empty"))
            continue
        data = [get(c) for c in REALTIME_COLUMNS[5:]] if any(c in index for c in REALTIME_COLUMNS[5:]) else []
        if not any(data) and get("data"):  # builds that fill only the combined `data` column
            data = [p.strip() for p in get("data").split("|")]
        while data and data[-1] == "":
            data.pop()
        events.append(Event(ts, get("callid"), get("queuename"), get("agent"), event, data, no,
                            _digest("|".join(row))))
    return events


def looks_native(first_line: str) -> bool:
    parts = first_line.split("|")
    return len(parts) >= 5 and re.fullmatch(r"\d{9,11}(\.\d+)?", parts[0].strip()) is not None \
        and parts[4].strip().isupper()


def looks_realtime(header: list[str]) -> bool:
    h = {c.strip().lower() for c in header}
    return {"time", "callid", "queuename", "agent", "event"} <= h


# --- the state machine -------------------------------------------------------------------------
class Engine:
    """Turns events into calls and agent-state intervals; what is still open is its state."""

    def __init__(self, opts: QueueLogOptions, state: dict[str, Any], report: SourceReport, file: str):
        self.opts = opts
        self.report = report
        self.file = file
        self.calls: dict[str, dict[str, Any]] = state.get("calls", {})
        self.agents: dict[str, dict[str, Any]] = state.get("agents", {})
        self.recent: dict[str, list[float]] = state.get("recent", {})
        self.earlier = {c["call_id"] for c in self.calls.values()} | {
            a["after_call"]["call_id"] for a in self.agents.values() if a.get("after_call")}
        self.call_rows = Rows("calls")
        self.state_rows = Rows("agent_states")
        self.rings = 0
        self.last_ts: float | None = None

    # -- helpers --
    def agent_id(self, raw: str) -> str | None:
        raw = raw.strip()
        if not raw or raw.upper() == "NONE":
            return None
        if raw in self.opts.agents:
            return self.opts.agents[raw]
        norm = _TECH.sub("", raw).split("@")[0].split("/")[0].strip()
        return self.opts.agents.get(norm, norm or raw)

    def error(self, ev: Event, column: str | None, reason: str, value: str | None = None) -> None:
        self.report.add_error(line_error(self.file, ev.line, column, reason, value), reason.split(" (")[0])

    def defect(self, key: str, text: str, line: int) -> None:
        self.report.defect(key, text).add([line])

    def number(self, ev: Event, i: int, name: str) -> float | None:
        """data field ``i`` (0-based) as a number ≥ 0, or an error naming it."""
        if len(ev.data) <= i or ev.data[i] == "":
            self.error(ev, f"data{i + 1}", f"{ev.event} needs {name} in data{i + 1}")
            return None
        try:
            v = float(ev.data[i])
        except ValueError:
            self.error(ev, f"data{i + 1}", f"{name} of {ev.event} is not a number", ev.data[i])
            return None
        if v < 0:
            self.error(ev, f"data{i + 1}", f"{name} of {ev.event} is negative", ev.data[i])
            return None
        return v

    # -- calls --
    def new_call(self, ev: Event, offered: float) -> dict[str, Any]:
        seen = self.recent.get(ev.callid)
        n = 1 if seen is None else int(seen[0]) + 1
        self.recent[ev.callid] = [n, ev.ts]
        call_id = ev.callid if n == 1 else f"{ev.callid}/{n}"
        return {"callid": ev.callid, "call_id": call_id, "queue": ev.queue, "offered": offered, "customer": None,
                "line": ev.line, "agent": None, "answered": None, "ring_s": None, "rings": 0, "ended": None,
                "talk_s": 0.0, "outcome": None, "transferred": False, "disposition": None, "acw_s": 0.0}

    def emit_call(self, call: dict[str, Any], line: int) -> None:
        hold = 0.0
        talk = float(call["talk_s"] or 0.0)
        if self.opts.hold is not None and call["outcome"] == "answered":
            hold = float(self.opts.hold.get(call["callid"], 0.0))
            talk = max(0.0, talk - hold)
        if call["call_id"] in self.earlier:
            self.report.completed_from_earlier += 1
        self.call_rows.add(
            line, call_id=call["call_id"], queue=call["queue"] or "NONE", direction="in",
            customer_id=call["customer"] or None, agent_id=call["agent"],
            offered_at=utc_from_epoch(call["offered"]),
            answered_at=utc_from_epoch(call["answered"]) if call["answered"] is not None else None,
            ended_at=utc_from_epoch(call["ended"]), talk_s=talk, hold_s=hold, acw_s=float(call["acw_s"] or 0.0),
            outcome=call["outcome"], transferred=bool(call["transferred"]), disposition=call["disposition"],
            ring_s=call["ring_s"],
        )

    def call_event(self, ev: Event) -> None:
        e = ev.event
        if not ev.callid or ev.callid.upper() == "NONE":
            self.error(ev, "callid", f"{e} without a call id")
            return
        call = self.calls.get(ev.callid)
        if e == "ENTERQUEUE":
            if call is not None:  # the previous entry never left the queue in the log
                self.defect("entered_again", "the caller entered a queue again before the log showed the previous "
                            "entry end: that entry is loaded with outcome other", ev.line)
                call.update(ended=max(ev.ts, call["answered"] or call["offered"]), outcome="other",
                            disposition="no_exit_event")
                self.finish_call(call, ev.line, None)
            call = self.new_call(ev, ev.ts)
            call["customer"] = ev.data[1] if len(ev.data) > 1 and ev.data[1] else None
            self.calls[ev.callid] = call
            return
        if e == "RINGNOANSWER":
            if self.number(ev, 0, "the ring time (ms)") is None:
                return
            self.rings += 1
            if call is not None:
                call["rings"] += 1
            return
        if e == "CONNECT":
            hold = self.number(ev, 0, "the queue wait (holdtime)")
            # Asterisk before 1.6 logs no ring time with CONNECT: then it is unknown, not 0
            has_ring = len(ev.data) > 2 and ev.data[2] != ""
            ring = self.number(ev, 2, "the ring time") if has_ring else None
            agent = self.agent_id(ev.agent)
            if hold is None or (has_ring and ring is None):
                return
            if agent is None:
                self.error(ev, "agent", "CONNECT without an agent")
                return
            if call is None:
                self.defect("connect_without_enterqueue", "CONNECT of a call whose ENTERQUEUE is not in the log: "
                            "offered at the CONNECT time minus the queue wait", ev.line)
                call = self.new_call(ev, ev.ts - hold)
                self.calls[ev.callid] = call
            call.update(agent=agent, answered=ev.ts, ring_s=ring)
            self.agent_connect(agent, ev)
            return
        if call is None:
            self.defect("end_without_call", "an end event of a call whose ENTERQUEUE and CONNECT are not in the log "
                        "(the call is not loaded)", ev.line)
            return
        if e in END_EVENTS:
            if call["answered"] is None:
                self.defect("end_without_connect", f"{e} of a call never connected in the log (not loaded)", ev.line)
                return
            if e == "ATTENDEDTRANSFER":
                calltime = self.number(ev, max(len(ev.data) - 2, 0), "the call time")
            elif e in ("TRANSFER", "BLINDTRANSFER"):
                calltime = self.number(ev, 3, "the call time")
            else:
                calltime = self.number(ev, 1, "the call time")
            if calltime is None:
                return
            call.update(ended=ev.ts, talk_s=calltime, outcome="answered", transferred=e not in
                        ("COMPLETEAGENT", "COMPLETECALLER"))
            call["disposition"] = {"COMPLETEAGENT": "agent_hangup", "COMPLETECALLER": "caller_hangup"}.get(
                e, "transfer:" + (ev.data[0] if ev.data else ""))
            del self.calls[ev.callid]
            self.agent_call_end(call, ev)
            return
        # ABANDON and the EXIT* events: the caller left the queue unanswered
        wait_i = 3 if e == "EXITWITHKEY" else 2
        if self.number(ev, wait_i, "the wait time") is None:
            return
        if call["answered"] is not None:
            self.defect("left_after_connect", f"{e} after CONNECT (ignored)", ev.line)
            return
        outcome = "abandoned" if e == "ABANDON" else self.opts.exits_as
        disposition = "abandon" if e == "ABANDON" else EXIT_EVENTS[e]
        if e == "EXITWITHKEY" and ev.data:
            disposition += ":" + ev.data[0]
        call.update(ended=ev.ts, outcome=outcome, disposition=disposition)
        del self.calls[ev.callid]
        self.finish_call(call, ev.line, None)

    def finish_call(self, call: dict[str, Any], line: int, acw: float | None) -> None:
        if acw is not None:
            call["acw_s"] = acw
        self.emit_call(call, line)

    # -- agents --
    def agent(self, agent_id: str) -> dict[str, Any]:
        return self.agents.setdefault(agent_id, {
            "state": None, "since": None, "reason": None, "logged": [], "paused": False, "pause_reason": None,
            "in_call": None, "acw_until": None, "after_call": None, "call_end": None})

    def base(self, a: dict[str, Any]) -> tuple[str | None, str | None]:
        if not a["logged"]:
            return None, None
        if a["paused"]:
            reason = a["pause_reason"]
            state = self.opts.pause_states.get((reason or "").strip().lower(),
                                               self.opts.pause_states.get(reason or "", "not_ready"))
            return state, reason
        return "ready", None

    def switch(self, agent_id: str, a: dict[str, Any], ts: float, state: str | None, reason: str | None,
               line: int) -> None:
        if a["state"] == state and a["reason"] == reason:
            return
        if a["state"] is not None and a["since"] is not None and ts > a["since"]:
            self.state_rows.add(line, agent_id=agent_id, state=a["state"], reason=a["reason"],
                                start_at=utc_from_epoch(a["since"]), end_at=utc_from_epoch(ts))
        a.update(state=state, since=ts, reason=reason)

    def acw_reason_ok(self, reason: str | None) -> bool:
        allowed = self.opts.acw_pause_reasons
        return allowed is None or (reason or "") in allowed

    def settle(self, agent_id: str, a: dict[str, Any], ev: Event) -> bool:
        """Close what the previous call left open (wrap-up, a pause that may be ACW).
        True when ``ev`` was used up doing so."""
        ts, e = ev.ts, ev.event
        if a["acw_until"] is not None:
            end = min(a["acw_until"], ts)
            a["acw_until"] = None
            state, reason = self.base(a)
            self.switch(agent_id, a, end, state, reason, ev.line)
        if a["state"] == "post_call":
            call = a["after_call"]
            if e in ("PAUSE", "PAUSEALL") and ts - a["call_end"] <= self.opts.pause_gap_s and \
                    self.acw_reason_ok(ev.data[0] if ev.data else None):
                a.update(state="acw", reason=ev.data[0] if ev.data else None, paused=True,
                         pause_reason=ev.data[0] if ev.data else None)
                return True
            a["after_call"] = None
            self.finish_call(call, ev.line, 0.0)
            state, reason = self.base(a)
            a.update(state=state, reason=reason)  # from the call's end on
            if state is None:
                a["since"] = None
        elif a["state"] == "acw" and a["after_call"] is not None:
            call = a["after_call"]
            acw = max(0.0, ts - a["call_end"])
            if e in ("PAUSE", "PAUSEALL"):
                return True  # a second pause while wrapping up changes nothing
            a["after_call"] = None
            self.finish_call(call, ev.line, acw)
            if e in ("UNPAUSE", "UNPAUSEALL"):
                a.update(paused=False, pause_reason=None)
                state, reason = self.base(a)
                self.switch(agent_id, a, ts, state, reason, ev.line)
                return True
            state, reason = self.base(a)
            self.switch(agent_id, a, ts, state, reason, ev.line)
        return False

    def agent_connect(self, agent_id: str, ev: Event) -> None:
        a = self.agent(agent_id)
        self.settle(agent_id, a, ev)
        a["in_call"] = ev.callid
        self.switch(agent_id, a, ev.ts, "talk", None, ev.line)

    def agent_call_end(self, call: dict[str, Any], ev: Event) -> None:
        agent_id = call["agent"]
        a = self.agent(agent_id)
        if a["state"] != "talk":  # e.g. the CONNECT was in a file before the first import
            self.switch(agent_id, a, ev.ts, "talk", None, ev.line)
        a["in_call"] = None
        policy = self.opts.acw_policy
        if policy == "wrapup":
            w = self.opts.wrapup(call["queue"])
            self.finish_call(call, ev.line, w)
            if w > 0:
                self.switch(agent_id, a, ev.ts, "acw", None, ev.line)
                a["acw_until"] = ev.ts + w
            else:
                state, reason = self.base(a)
                self.switch(agent_id, a, ev.ts, state, reason, ev.line)
        elif policy == "pause":
            a["after_call"], a["call_end"] = call, ev.ts
            if a["paused"] and self.acw_reason_ok(a["pause_reason"]):  # paused during the call
                self.switch(agent_id, a, ev.ts, "acw", a["pause_reason"], ev.line)
            else:
                self.switch(agent_id, a, ev.ts, "post_call", None, ev.line)
        else:
            self.finish_call(call, ev.line, 0.0)
            state, reason = self.base(a)
            self.switch(agent_id, a, ev.ts, state, reason, ev.line)

    def agent_event(self, ev: Event) -> None:
        agent_id = self.agent_id(ev.agent)
        if agent_id is None:
            self.error(ev, "agent", f"{ev.event} without an agent")
            return
        a = self.agent(agent_id)
        if self.settle(agent_id, a, ev):
            return
        e = ev.event
        if e in ("AGENTLOGIN", "AGENTCALLBACKLOGIN"):
            if "*" not in a["logged"]:
                a["logged"].append("*")
        elif e == "ADDMEMBER":
            if ev.queue not in a["logged"]:
                a["logged"].append(ev.queue)
        elif e in ("AGENTLOGOFF", "AGENTCALLBACKLOGOFF"):
            a["logged"] = []
        elif e == "REMOVEMEMBER":
            a["logged"] = [q for q in a["logged"] if q != ev.queue]
        elif e in ("PAUSE", "PAUSEALL"):
            a.update(paused=True, pause_reason=(ev.data[0] if ev.data and ev.data[0] else None))
        elif e in ("UNPAUSE", "UNPAUSEALL"):
            a.update(paused=False, pause_reason=None)
        if a["in_call"] is None:
            state, reason = self.base(a)
            self.switch(agent_id, a, ev.ts, state, reason, ev.line)

    # -- driving --
    def process(self, ev: Event) -> None:
        if ev.event in CALL_EVENTS:
            self.call_event(ev)
        elif ev.event in AGENT_EVENTS:
            self.agent_event(ev)
        else:
            self.report.unused(ev.event, ev.line)
        self.last_ts = ev.ts if self.last_ts is None else max(self.last_ts, ev.ts)

    def close_elapsed(self, line: int) -> None:
        """What the end of the file already decides: wrap-up periods that ended before its last event,
        and calls whose pause-gap passed without a pause (their ACW is 0)."""
        if self.last_ts is None:
            return
        for agent_id, a in self.agents.items():
            if a["acw_until"] is not None and a["acw_until"] <= self.last_ts:
                end = a["acw_until"]
                a["acw_until"] = None
                state, reason = self.base(a)
                self.switch(agent_id, a, end, state, reason, line)
            if a["state"] == "post_call" and self.last_ts - a["call_end"] > self.opts.pause_gap_s:
                call, a["after_call"] = a["after_call"], None
                self.finish_call(call, line, 0.0)
                state, reason = self.base(a)
                a.update(state=state, reason=reason)
                if state is None:
                    a["since"] = None

    def dump(self, horizon_s: float = 86_400.0) -> dict[str, Any]:
        last = self.last_ts or 0.0
        recent = {k: v for k, v in self.recent.items() if v[1] >= last - horizon_s or k in self.calls}
        return {"calls": self.calls, "agents": self.agents, "recent": recent}

    @property
    def open_calls(self) -> int:
        return len(self.calls) + sum(1 for a in self.agents.values() if a.get("after_call"))


def parse(path: Path, opts: QueueLogOptions, state: dict[str, Any], report: SourceReport, file: str,
          shape: str, watermark: float | None, watermark_lines: list[str]) -> tuple[Engine, list[str]]:
    """Read and process one file; return the engine (rows + open state) and the new watermark lines."""
    events = read_native(path, report, file) if shape == "native" else read_realtime(path, opts, report, file)
    report.rows_read = len(events) + len(report.bad_rows)
    events.sort(key=lambda e: (e.ts, e.line))
    engine = Engine(opts, state, report, file)
    seen = set(watermark_lines)
    last_lines: list[str] = list(watermark_lines)
    for ev in events:
        if watermark is not None and (ev.ts < watermark or (ev.ts == watermark and ev.digest in seen)):
            report.already_processed_lines += 1
            continue
        engine.process(ev)
        if watermark is None or ev.ts > watermark:
            watermark, last_lines = ev.ts, []
        last_lines.append(ev.digest)
    engine.close_elapsed(events[-1].line if events else 0)
    if engine.rings:
        report.notes.append(f"ring attempts not answered (RINGNOANSWER): {engine.rings}; each call is counted once")
    if opts.acw_policy == "none":
        report.notes.append("ACW policy none: after-call work is 0 (the queue log does not record it)")
    if opts.hold is None:
        report.notes.append("no hold CDR given: hold is 0 (the queue log does not record customer hold)")
    report.pending_calls = engine.open_calls
    engine.last_ts = watermark
    return engine, last_lines
