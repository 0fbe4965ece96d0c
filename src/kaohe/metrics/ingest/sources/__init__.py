"""Source adapters: what contact-center platforms write, into Kaohe's canonical tables.

=====================  ===============================================  ==========================
source                 reads                                            loads
=====================  ===============================================  ==========================
asterisk-queue-log     Asterisk queue_log (native file or realtime CSV)  calls, agent_states
freeswitch-cdr         FreeSWITCH CDRs with mod_callcenter variables     calls
                       (CSV, JSON, XML)
interval-report        a vendor interval report through a column        interval_stats
                       mapping (Avaya CMS, Genesys Cloud, Alibaba Cloud)
table                  a file in a canonical table's columns, or any    the named table
                       export through a column mapping
=====================  ===============================================  ==========================

``import_source(path, store, source=None, …)`` picks the adapter (detected from the file
when ``source`` is None and only one adapter fits) and returns the import report.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from kaohe.metrics.ingest.readers import SourceError, detect_encoding
from kaohe.metrics.ingest.sources.base import (
    SourceReport,
    line_error,
    load_rows,
    load_state,
    org_ids_of,
    refuse_missing_or_empty,
    save_state,
    source_lock,
)
from kaohe.metrics.store import Store

SOURCES = ("asterisk-queue-log", "freeswitch-cdr", "interval-report", "table")


class SourceDetectError(ValueError):
    pass


def _head(path: Path, n: int = 4096) -> str:
    with open(path, "rb") as fh:
        raw = fh.read(n)
    try:
        enc = detect_encoding(path)
    except (SourceError, OSError):  # detection is best effort; the adapter reports the real problem
        enc = "utf-8"
    return raw.decode(enc, errors="replace").lstrip("\ufeff")


def detect_source(path: str | os.PathLike[str]) -> str:
    """The adapter for a file when exactly one fits; otherwise SourceDetectError naming the candidates."""
    from kaohe.metrics.ingest.sources import asterisk, interval

    p = Path(path)
    if not p.is_file():
        raise SourceDetectError(f"{p}: file not found")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".parquet", ".pq"):
        header = interval.read_header_any(p)
        found = interval.match_mapping(header)
        if found:
            return "interval-report"
        raise SourceDetectError(f"{p.name}: not a known interval report; name --source and a --mapping")
    head = _head(p)
    first = next((ln for ln in head.splitlines() if ln.strip()), "")
    candidates: list[str] = []
    if asterisk.looks_native(first):
        candidates.append("asterisk-queue-log")
    stripped = head.lstrip()
    if stripped.startswith(("{", "[", "<")):
        if "cc_queue" in head or "cc_side" in head or "cc_member_uuid" in head:
            candidates.append("freeswitch-cdr")
    else:
        header = next(csv.reader([first], delimiter="\t" if "\t" in first and "," not in first else ","), [])
        if asterisk.looks_realtime(header):
            candidates.append("asterisk-queue-log")
        if {"cc_queue", "cc_side"} & {h.strip() for h in header}:
            candidates.append("freeswitch-cdr")
        if interval.match_mapping(header):
            candidates.append("interval-report")
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise SourceDetectError(f"{p.name}: cannot tell which source wrote this file; name it with --source "
                                f"({', '.join(SOURCES)})")
    raise SourceDetectError(f"{p.name}: ambiguous ({', '.join(candidates)}); name it with --source")


def import_queue_log(path: str | os.PathLike[str], store: Store | str | os.PathLike[str], *,
                     options: dict[str, Any] | None = None, shape: str | None = None,
                     hold_cdr: str | os.PathLike[str] | None = None, timezone: str | None = None,
                     skip_bad_rows: bool = False, org: str | os.PathLike[str] | None = None,
                     check_org: bool = True) -> SourceReport:
    """Import an Asterisk queue_log file (native or realtime CSV) as calls and agent states."""
    from kaohe.metrics.ingest.importer import file_sha256
    from kaohe.metrics.ingest.sources import asterisk

    p = Path(path)
    store = store if isinstance(store, Store) else Store(store)
    options = dict(options or {})
    hold_columns = options.pop("hold_columns", None) or {}
    if timezone:
        options["timezone"] = timezone
    report = SourceReport(file=str(p), table="calls+agent_states", source=asterisk.SOURCE, skip_bad_rows=skip_bad_rows)
    try:
        opts = asterisk.QueueLogOptions.from_dict(options)
    except (asterisk.OptionsError, ValueError) as exc:
        report.add_error(line_error(p.name, None, None, f"source options: {exc}"))
        return report
    report.stream = opts.stream
    if refuse_missing_or_empty(p, report):
        return report
    if shape is None:
        first = next((ln for ln in _head(p).splitlines() if ln.strip()), "")
        if asterisk.looks_native(first):
            shape = "native"
        elif opts.columns or asterisk.looks_realtime(first.split(opts.delimiter)):
            shape = "realtime"
        else:
            report.add_error(line_error(p.name, 1, None, "neither a native queue_log line (epoch|callid|queue|agent|"
                                        "event|…) nor a realtime export header (time,callid,queuename,agent,event,…)",
                                        first[:80]))
            return report
    report.mapping = f"source:{asterisk.SOURCE}:{shape}"
    report.file_sha256 = file_sha256(p)
    with source_lock(store):
        st = load_state(store, asterisk.SOURCE, opts.stream)
        prior = next((f for f in st["files"] if f["sha256"] == report.file_sha256), None)
        if prior is not None:
            report.already_imported_batch = prior.get("batches") or "earlier import"
            return report
        if hold_cdr is not None:
            opts.hold = read_hold(Path(hold_cdr), report, hold_columns)
        org_ids = org_ids_of(store, org, check_org)
        engine, wm_lines = asterisk.parse(p, opts, st.get("state") or {}, report, p.name, shape,
                                          st.get("watermark"), st.get("watermark_lines") or [])
        # rows are validated even after bad lines, so the report lists every problem at once
        ok = load_rows(store, [engine.call_rows, engine.state_rows], report, file=p.name, source_path=p,
                       skip_bad_rows=skip_bad_rows, org_ids=org_ids, meta={"shape": shape})
        if ok:
            st["files"].append({"name": p.name, "sha256": report.file_sha256, "batches": report.batch_id})
            st["watermark"], st["watermark_lines"], st["state"] = engine.last_ts, wm_lines, engine.dump()
            save_state(store, asterisk.SOURCE, opts.stream, st)
    return report


def read_hold(path: Path, report: SourceReport, columns: dict[str, str]) -> dict[str, float]:
    """Hold seconds per call from a CDR export: ``uniqueid`` and ``hold_s`` columns (names configurable)."""
    id_col, sec_col = columns.get("id", "uniqueid"), columns.get("seconds", "hold_s")
    out: dict[str, float] = {}
    if not path.is_file():
        report.add_error(line_error(str(path), None, None, "hold CDR file not found"))
        return out
    with open(path, encoding=detect_encoding(path), newline="") as fh:
        reader = csv.DictReader(fh)
        names = [n.strip() for n in reader.fieldnames or []]
        missing = [c for c in (id_col, sec_col) if c not in names]
        if missing:
            report.add_error(line_error(path.name, 1, None, f"the hold CDR lacks column(s) {', '.join(missing)}; "
                                        f"its columns: {', '.join(names)}"))
            return out
        for row in reader:
            no = reader.line_num
            raw = (row.get(sec_col) or "").strip()
            try:
                secs = float(raw)
            except ValueError:
                report.add_error(line_error(path.name, no, sec_col, "not a number", raw))
                continue
            if secs < 0:
                report.add_error(line_error(path.name, no, sec_col, "hold seconds are negative", raw))
                continue
            key = (row.get(id_col) or "").strip()
            out[key] = out.get(key, 0.0) + secs
    return out


def import_source(path: str | os.PathLike[str], store: Store | str | os.PathLike[str], source: str | None = None,
                  **kwargs: Any) -> Any:
    """Import ``path`` with the named adapter (detected when None). Returns its report."""
    source = source or detect_source(path)
    if source == "asterisk-queue-log":
        return import_queue_log(path, store, **kwargs)
    if source == "freeswitch-cdr":
        from kaohe.metrics.ingest.sources.freeswitch import import_cdr

        return import_cdr(path, store, **kwargs)
    if source == "interval-report":
        from kaohe.metrics.ingest.sources.interval import import_interval_report

        return import_interval_report(path, store, **kwargs)
    if source == "table":
        from kaohe.metrics.ingest.importer import import_file

        return import_file(path, store, **kwargs)
    raise SourceDetectError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")


__all__ = ["SOURCES", "SourceDetectError", "SourceReport", "detect_source", "import_queue_log", "import_source",
           "read_hold"]
