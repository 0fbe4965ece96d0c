"""FreeSWITCH CDRs with mod_callcenter variables → calls.

FreeSWITCH writes one CDR per channel (leg): mod_cdr_csv (CSV, the columns its template
names), mod_json_cdr (JSON: ``{"variables": {…}, "callflow": …}``; a file may hold one
CDR, a JSON array, or one CDR a line) and mod_xml_cdr (XML ``<cdr><variables>…``, values
URL-encoded). A queue call has a *member* leg (the caller, ``cc_side=member``) and one
*agent* leg per agent offered the call (``cc_side=agent``); both carry ``cc_member_uuid``.

Variables read:

===========================  ==========================================================
cc_queue                     the queue (call's queue)
cc_side                      member | agent
cc_member_uuid               the caller's entry in the queue: groups the legs of a call
cc_agent                     the agent who took the call
cc_queue_joined_epoch        offered_at
cc_queue_answered_epoch      answered_at (answered when set)
cc_queue_terminated_epoch    ended_at of an answered call
cc_queue_canceled_epoch      ended_at of a call that left the queue unanswered
cc_cause, cc_cancel_reason   BREAK_OUT (caller hung up) → abandoned; TIMEOUT,
                             NO_AGENT_TIMEOUT, EXIT_WITH_KEY → outcome ``exits_as``
hold_accum_seconds           hold (the larger of the legs' values: the held leg records it)
caller_id_number             customer_id (member leg)
start_epoch, answer_epoch    ring time of the answering agent leg (answer − start)
transfer_history             transferred when present on either leg
===========================  ==========================================================

The two legs (and a CDR posted twice) are one call: the member leg gives the times, the
answering agent leg the ring time and hold; agent legs that never answered are ring
attempts, counted in the report. Talk is the bridged time (terminated − answered) minus
hold. CDRs without ``cc_queue`` are not queue calls and are counted as not used.
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from kaohe.metrics.ingest.readers import detect_encoding
from kaohe.metrics.ingest.sources.base import (
    Rows,
    SourceReport,
    line_error,
    load_rows,
    load_state,
    org_ids_of,
    refuse_missing_or_empty,
    save_state,
    source_lock,
    utc_from_epoch,
)
from kaohe.metrics.store import Store

SOURCE = "freeswitch-cdr"
EXIT_REASONS = {"TIMEOUT": "timeout", "NO_AGENT_TIMEOUT": "no_agent_timeout", "EXIT_WITH_KEY": "key"}
EPOCHS = ("cc_queue_joined_epoch", "cc_queue_answered_epoch", "cc_queue_terminated_epoch",
          "cc_queue_canceled_epoch", "start_epoch", "answer_epoch", "end_epoch")


class OptionsError(ValueError):
    pass


@dataclass
class CdrOptions:
    exits_as: str = "other"
    acw_policy: str = "none"  # none | wrapup (the agent's wrap-up-time)
    wrapup_s: float = 0.0
    agents: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # variable → CSV column
    delimiter: str = ","
    stream: str = "default"

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> CdrOptions:
        d = dict(d or {})
        o = cls()
        acw = d.pop("acw", None)
        if isinstance(acw, dict):
            o.acw_policy = str(acw.get("policy", "none"))
            o.wrapup_s = float(acw.get("wrapup_s", 0) or 0)
        elif acw is not None:
            o.acw_policy = str(acw)
        for key in ("exits_as", "delimiter", "stream"):
            if key in d:
                setattr(o, key, str(d.pop(key)))
        for key in ("agents", "columns"):
            if key in d:
                setattr(o, key, {str(k): str(v) for k, v in (d.pop(key) or {}).items()})
        d.pop("source", None)
        problems = [f"unknown option {k!r}" for k in d]
        if o.acw_policy not in ("none", "wrapup"):
            problems.append(f"acw policy {o.acw_policy!r} must be none or wrapup for CDRs")
        if o.exits_as not in ("other", "abandoned"):
            problems.append(f"exits_as {o.exits_as!r} must be other or abandoned")
        if problems:
            raise OptionsError("; ".join(problems))
        return o


@dataclass
class Leg:
    line: int
    vars: dict[str, str]

    def get(self, name: str) -> str:
        return (self.vars.get(name) or "").strip()


# --- reading the three formats ---------------------------------------------------------------
def _flat_json(obj: Any) -> dict[str, str]:
    if not isinstance(obj, dict):
        return {}
    inner = obj.get("variables")
    variables: dict[str, Any] = inner if isinstance(inner, dict) else obj
    # mod_json_cdr URL-encodes values by default (encode-values); a plain value decodes to itself
    out = {str(k): ("" if v is None else unquote(str(v))) for k, v in variables.items()
           if not isinstance(v, dict | list)}
    if "uuid" not in out and isinstance(obj.get("core-uuid"), str):
        out.setdefault("uuid", obj["core-uuid"])
    return out


def read_json(text: str, report: SourceReport, file: str) -> list[Leg]:
    """One CDR, a JSON array of CDRs, or one CDR a line; a syntax error is reported at its line."""
    dec = json.JSONDecoder()
    legs: list[Leg] = []
    pos, n = 0, len(text)
    in_array = False
    while pos < n:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n:
            break
        if text[pos] == "[" and not in_array and not legs:
            in_array, pos = True, pos + 1
            continue
        if text[pos] == "]" and in_array:
            pos += 1
            continue
        line = text.count("\n", 0, pos) + 1
        try:
            obj, end = dec.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            where = f" (line {exc.lineno}, column {exc.colno})" if exc.lineno != line else ""
            report.add_error(line_error(file, line, None, f"not valid JSON: {exc.msg}{where}"))
            nxt = text.find("\n", pos)
            if in_array or nxt < 0:  # inside an array the rest cannot be trusted
                break
            pos = nxt + 1  # one CDR a line: go on with the next line
            continue
        if not isinstance(obj, dict):
            report.add_error(line_error(file, line, None, "a CDR must be a JSON object"))
        else:
            legs.append(Leg(line, _flat_json(obj)))
        pos = end
    return legs


def read_xml(text: str, report: SourceReport, file: str) -> list[Leg]:
    """``<cdr>`` elements (one document, or several one after another); values are URL-decoded."""
    legs: list[Leg] = []
    body = text.lstrip("\ufeff")
    if body.startswith("<?xml"):
        body = body[body.index("?>") + 2:]
    offset = text.count("\n", 0, len(text) - len(body))
    wrapped = "<cdrs>" + body + "</cdrs>"
    parser = xml.parsers.expat.ParserCreate()
    stack: list[str] = []
    current: dict[str, Any] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        stack.append(name)
        if name == "cdr":
            current.clear()
            current.update(line=parser.CurrentLineNumber + offset, vars={}, text=[])
        elif len(stack) >= 2 and stack[-2] == "variables" and "cdr" in stack:
            current["text"] = []

    def chars(data: str) -> None:
        if "text" in current:
            current["text"].append(data)

    def end(name: str) -> None:
        stack.pop()
        if name == "cdr" and current:
            legs.append(Leg(current["line"], dict(current["vars"])))
            current.clear()
        elif stack and stack[-1] == "variables" and "cdr" in stack and current:
            current["vars"][name] = unquote("".join(current["text"]).strip())
            current["text"] = []

    parser.StartElementHandler = start
    parser.CharacterDataHandler = chars
    parser.EndElementHandler = end
    try:
        parser.Parse(wrapped, True)
    except xml.parsers.expat.ExpatError as exc:
        line = (exc.lineno or 0) + offset
        what = xml.parsers.expat.ErrorString(exc.code)
        if line > text.count("\n") and current.get("line"):  # the file ended inside a <cdr>
            line, what = current["line"], "the <cdr> opened on this line is never closed"
        report.add_error(line_error(file, line, None, f"not well-formed XML: {what}"))
    return legs


def read_csv(text: str, opts: CdrOptions, report: SourceReport, file: str) -> list[Leg]:
    reader = csv.reader(io.StringIO(text), delimiter=opts.delimiter)
    header = next(reader, None)
    if not header:
        report.add_error(line_error(file, None, None, "the file is empty"))
        return []
    header = [h.strip().lstrip("\ufeff") for h in header]
    rename = {v: k for k, v in opts.columns.items()}
    names = [rename.get(h, h) for h in header]
    if "cc_queue" not in names or "cc_side" not in names:
        report.add_error(line_error(file, 1, None, "a mod_callcenter CDR export needs the columns cc_queue and "
                                    f"cc_side (map yours with columns:); its columns: {', '.join(header)}"))
        return []
    legs: list[Leg] = []
    prev = 1
    for row in reader:
        no, prev = prev + 1, reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            report.add_error(line_error(file, no, None, f"row has {len(row)} fields, the header has {len(header)}"))
            continue
        legs.append(Leg(no, dict(zip(names, row, strict=True))))
    return legs


def read_legs(path: Path, opts: CdrOptions, report: SourceReport, file: str) -> list[Leg]:
    encoding = detect_encoding(path)
    report.encoding = encoding
    text = path.read_text(encoding=encoding)
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head in ("{", "["):
        return read_json(text, report, file)
    if head == "<":
        return read_xml(text, report, file)
    return read_csv(text, opts, report, file)


# --- legs → calls ----------------------------------------------------------------------------
class Builder:
    def __init__(self, opts: CdrOptions, report: SourceReport, file: str):
        self.opts, self.report, self.file = opts, report, file
        self.rows = Rows("calls")
        self.ring_attempts = 0

    def epoch(self, leg: Leg, name: str) -> float | None | bool:
        """The epoch variable as a number, None when empty/0, False (reported) when not a number."""
        raw = leg.get(name)
        if raw in ("", "0"):
            return None
        try:
            v = float(raw)
        except ValueError:
            self.report.add_error(line_error(self.file, leg.line, name, "not a Unix time", raw[:40]))
            return False
        return v if v > 0 else None

    def seconds(self, leg: Leg | None, name: str) -> float:
        if leg is None:
            return 0.0
        raw = leg.get(name)
        if raw == "":
            return 0.0
        try:
            return max(0.0, float(raw))
        except ValueError:
            self.report.add_error(line_error(self.file, leg.line, name, "not a number of seconds", raw[:40]))
            return 0.0

    def agent_id(self, raw: str) -> str | None:
        raw = raw.strip()
        if not raw:
            return None
        if raw in self.opts.agents:
            return self.opts.agents[raw]
        short = raw.split("@")[0]
        return self.opts.agents.get(short, short)

    def build(self, legs: list[Leg], stored: set[str]) -> None:
        groups: dict[str, list[Leg]] = {}
        seen_uuid: dict[str, int] = {}
        for leg in legs:
            if not leg.get("cc_queue"):
                self.report.unused("CDR without cc_queue (not a queue call)", leg.line)
                continue
            side = leg.get("cc_side").lower()
            if side not in ("member", "agent"):
                self.report.add_error(line_error(self.file, leg.line, "cc_side", "must be member or agent",
                                                 leg.get("cc_side")))
                continue
            uuid = leg.get("uuid")
            if uuid and uuid in seen_uuid:
                self.report.defect("duplicate_cdr", "the same leg (uuid) appears twice: used once").add([leg.line])
                continue
            if uuid:
                seen_uuid[uuid] = leg.line
            key = leg.get("cc_member_uuid") or leg.get("cc_member_session_uuid") or uuid
            if not key:
                self.report.add_error(line_error(self.file, leg.line, "cc_member_uuid",
                                                 "a leg without cc_member_uuid or uuid cannot be matched"))
                continue
            groups.setdefault(key, []).append(leg)
        for key, group in groups.items():
            self.call(key, group, stored)

    def call(self, key: str, group: list[Leg], stored: set[str]) -> None:
        members = [g for g in group if g.get("cc_side").lower() == "member"]
        agents = [g for g in group if g.get("cc_side").lower() == "agent"]
        if len(members) > 1:
            self.report.defect("two_member_legs", "two member legs for one queue entry: the first is used").add(
                [m.line for m in members[1:]])
        answering = [a for a in agents if self.seconds(a, "billsec") > 0 or a.get("cc_agent_bridged") == "true"]
        self.ring_attempts += len(agents) - len(answering[:1])
        agent_leg = max(answering, key=lambda a: self.seconds(a, "billsec")) if answering else None
        member = members[0] if members else None
        if member is None:
            if key in stored:
                self.report.defect("second_leg_later", "an agent leg of a call already loaded from its member leg "
                                   "(an earlier file): not loaded again").add([group[0].line])
                return
            if agent_leg is None:
                self.report.defect("ring_only", "agent legs that never answered, without a member leg: not a call"
                                   ).add([g.line for g in group])
                return
            self.report.defect("no_member_leg", "a call known only from its agent leg: its queue times come from "
                               "that leg").add([agent_leg.line])
        main = member or agent_leg
        assert main is not None
        vals = {n: self.epoch(main, n) for n in EPOCHS}
        if any(v is False for v in vals.values()):
            return
        joined = vals["cc_queue_joined_epoch"] or vals["start_epoch"]
        answered = vals["cc_queue_answered_epoch"]
        if answered is None and member is None and agent_leg is not None:
            answered = vals["answer_epoch"]
        if joined is None:
            self.report.add_error(line_error(self.file, main.line, "cc_queue_joined_epoch",
                                             "no queue join time (cc_queue_joined_epoch or start_epoch)"))
            return
        hold = max(self.seconds(member, "hold_accum_seconds"), self.seconds(agent_leg, "hold_accum_seconds"))
        transferred = any(g.get("transfer_history") for g in group)
        if answered is not None:
            ended = vals["cc_queue_terminated_epoch"] or vals["end_epoch"] or answered
            bridged = max(0.0, float(ended) - float(answered))
            agent = self.agent_id(main.get("cc_agent") or (agent_leg.get("cc_agent") if agent_leg else ""))
            ring = None
            if agent_leg is not None:
                a_start, a_answer = self.epoch(agent_leg, "start_epoch"), self.epoch(agent_leg, "answer_epoch")
                if isinstance(a_start, float) and isinstance(a_answer, float) and a_answer >= a_start:
                    ring = a_answer - a_start
            self.rows.add(
                main.line, call_id=key, queue=main.get("cc_queue"), direction="in",
                customer_id=(member.get("caller_id_number") if member else "") or None, agent_id=agent,
                offered_at=utc_from_epoch(joined), answered_at=utc_from_epoch(answered), ended_at=utc_from_epoch(ended),
                talk_s=max(0.0, bridged - hold), hold_s=hold,
                acw_s=self.opts.wrapup_s if self.opts.acw_policy == "wrapup" else 0.0, outcome="answered",
                transferred=transferred, disposition=(main.get("cc_cause") or None), ring_s=ring)
            return
        reason = main.get("cc_cancel_reason").upper()
        ended = vals["cc_queue_canceled_epoch"] or vals["end_epoch"] or joined
        if reason in EXIT_REASONS:
            outcome, disposition = self.opts.exits_as, EXIT_REASONS[reason]
        else:  # BREAK_OUT, or a caller who hung up without a reason recorded
            outcome, disposition = "abandoned", "abandon"
        self.rows.add(
            main.line, call_id=key, queue=main.get("cc_queue"), direction="in",
            customer_id=(member.get("caller_id_number") if member else "") or None, agent_id=None,
            offered_at=utc_from_epoch(joined), answered_at=None, ended_at=utc_from_epoch(ended), talk_s=0.0,
            hold_s=0.0, acw_s=0.0, outcome=outcome, transferred=False, disposition=disposition, ring_s=None)


def _stored_call_ids(store: Store, keys: list[str]) -> set[str]:
    if not store.has_table("calls") or not keys:
        return set()
    import duckdb

    con = duckdb.connect()
    try:
        rows = con.execute(f"SELECT call_id FROM read_parquet('{store.table_glob('calls')}', union_by_name=true) "
                           "WHERE call_id IN (SELECT unnest(?::VARCHAR[]))", [keys]).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def import_cdr(path: str | os.PathLike[str], store: Store | str | os.PathLike[str], *,
               options: dict[str, Any] | None = None, skip_bad_rows: bool = False,
               org: str | os.PathLike[str] | None = None, check_org: bool = True, **_: Any) -> SourceReport:
    """Import FreeSWITCH mod_callcenter CDRs (CSV, JSON or XML) as calls, one per queue entry."""
    from kaohe.metrics.ingest.importer import file_sha256

    p = Path(path)
    store = store if isinstance(store, Store) else Store(store)
    report = SourceReport(file=str(p), table="calls", source=SOURCE, skip_bad_rows=skip_bad_rows)
    try:
        opts = CdrOptions.from_dict(options)
    except (OptionsError, ValueError) as exc:
        report.add_error(line_error(p.name, None, None, f"source options: {exc}"))
        return report
    report.stream = opts.stream
    if refuse_missing_or_empty(p, report):
        return report
    report.mapping = f"source:{SOURCE}"
    report.file_sha256 = file_sha256(p)
    with source_lock(store):
        st = load_state(store, SOURCE, opts.stream)
        prior = next((f for f in st["files"] if f["sha256"] == report.file_sha256), None)
        if prior is not None:
            report.already_imported_batch = prior.get("batches") or "earlier import"
            return report
        legs = read_legs(p, opts, report, p.name)
        report.rows_read = len(legs) + len(set(report.bad_rows))
        keys = sorted({leg.get("cc_member_uuid") or leg.get("cc_member_session_uuid") or leg.get("uuid")
                       for leg in legs})
        builder = Builder(opts, report, p.name)
        builder.build(legs, _stored_call_ids(store, keys))
        if builder.ring_attempts:
            report.notes.append(f"agent legs that rang without answering: {builder.ring_attempts}; "
                                "each call is counted once")
        ok = load_rows(store, [builder.rows], report, file=p.name, source_path=p, skip_bad_rows=skip_bad_rows,
                       org_ids=org_ids_of(store, org, check_org), meta={})
        if ok:
            st["files"].append({"name": p.name, "sha256": report.file_sha256, "batches": report.batch_id})
            save_state(store, SOURCE, opts.stream, st)
    return report
