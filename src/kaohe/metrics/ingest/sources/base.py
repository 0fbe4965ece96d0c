"""What every source adapter shares: the import report, loading canonical rows, pending state.

A *source adapter* reads what a contact-center platform writes (an event log, CDRs, an
interval report) and turns it into rows of the canonical tables (kaohe.metrics.events).
Loading goes through the same checks as a file import: every row typed and validated,
natural keys checked inside the batch and against the store (rows already stored with the
same values are skipped, so re-importing overlapping exports adds nothing), then every
table committed. Nothing is committed when any line or row is bad, unless
``skip_bad_rows``; the report then lists the skipped lines.

Event logs are cut into files at arbitrary moments: a call may start in one file and end
in the next. Adapters keep what is still open in a small JSON state file per source and
stream (``DATA/_sources/<source>-<stream>.json``), written only after the rows committed,
so the next file completes those calls. The state also records each imported file's
SHA-256 (the same file again adds nothing) and a watermark (the last event time and the
lines at that second), so events already processed are recognised when a rotated or
re-exported log repeats them.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from kaohe.metrics.events import BATCH_COLUMN, ROW_COLUMN, get_table
from kaohe.metrics.ingest.report import ImportReport, RowError
from kaohe.metrics.ingest.validate import ChunkValidator
from kaohe.metrics.store import BatchWriter, Store, new_batch_id
from kaohe.problems import Problem

SOURCES_DIR = "_sources"


# Chinese wording of the adapters' own messages (the import report is bilingual)
_ZH: list[tuple[re.Pattern[str], str]] = [(re.compile(a), b) for a, b in (
    (r"a queue_log line has at least 5 fields \(epoch\|callid\|queue\|agent\|event\), this one has (\d+)",
     "队列日志每行至少有 5 个字段(时间戳|callid|队列|座席|事件),此行只有 {0} 个"),
    (r"not a Unix time \(seconds since 1970\)", "不是 Unix 时间戳(自 1970 年起的秒数)"),
    (r"not a Unix time", "不是 Unix 时间戳"),
    (r"the event name is empty", "事件名为空"),
    (r"not a date-time \(YYYY-MM-DD HH:MM:SS\) or Unix time", "不是日期时间(YYYY-MM-DD HH:MM:SS)或 Unix 时间戳"),
    (r"the realtime queue_log export lacks (.+); its columns: (.*); map them with columns: in the config",
     "实时表导出缺少 {0};文件的列:{1};请在来源选项的 columns: 中对应列名"),
    (r"(\S+) without a call id", "{0} 事件缺少 callid"),
    (r"(\S+) without an agent", "{0} 事件缺少座席"),
    (r"(\S+) needs (.+) in (data\d)", "{0} 事件的 {2} 应为{1}"),
    (r"(.+) of (\S+) is not a number", "{1} 事件的{0}不是数字"),
    (r"(.+) of (\S+) is negative", "{1} 事件的{0}为负数"),
    (r"the file is empty", "文件为空"),
    (r"neither a native queue_log line .+ nor a realtime export header .+",
     "既不是原生队列日志行(时间戳|callid|队列|座席|事件|…),也不是实时表导出的表头(time,callid,queuename,agent,event,…)"),
    (r"source options: (.+)", "来源选项有误:{0}"),
    (r"hold CDR file not found", "找不到保持时长话单文件"),
    (r"the hold CDR lacks column\(s\) (.+); its columns: (.*)", "保持时长话单缺少列 {0};文件的列:{1}"),
    (r"hold seconds are negative", "保持秒数为负数"),
    (r"not valid JSON: (.+)", "不是有效的 JSON:{0}"),
    (r"a CDR must be a JSON object", "每条话单须为一个 JSON 对象"),
    (r"not well-formed XML: (.+)", "XML 格式错误:{0}"),
    (r"a mod_callcenter CDR export needs the columns cc_queue and cc_side .+; its columns: (.*)",
     "mod_callcenter 话单须有 cc_queue 与 cc_side 列(可用 columns: 对应列名);文件的列:{0}"),
    (r"not a number of seconds", "不是秒数"),
    (r"must be member or agent", "须为 member 或 agent"),
    (r"a leg without cc_member_uuid or uuid cannot be matched", "没有 cc_member_uuid 或 uuid 的话单无法与另一条腿匹配"),
    (r"no queue join time \(cc_queue_joined_epoch or start_epoch\)", "没有进入队列的时间(cc_queue_joined_epoch 或 start_epoch)"),
)]
_NAMES_ZH = {"the ring time (ms)": "振铃时长(毫秒)", "the queue wait (holdtime)": "排队等待时长(holdtime)",
             "the ring time": "振铃时长", "the call time": "通话时长", "the wait time": "等待时长"}


def message_zh(reason: str) -> str | None:
    """The Chinese text of an adapter message, or None when it is not one of the adapters' own."""
    for pattern, zh in _ZH:
        m = pattern.fullmatch(reason)
        if m:
            return zh.format(*(_NAMES_ZH.get(g or "", g or "") for g in m.groups()))
    return None


def line_error(file: str, line: int | None, column: str | None, reason: str, value: str | None = None) -> Any:
    """A problem at a line of the source file (line 1 is the first line of the file), in English and Chinese."""
    err = RowError(file, line, column, reason, value)
    zh = message_zh(reason)
    if zh is not None and hasattr(err, "message_zh"):  # the core Problem carries both languages
        err = replace(err, message_zh=zh, code="source_line")
    return err


@dataclass
class SourceReport(ImportReport):
    """An import report for a source adapter: several tables, unused events, pending calls."""

    source: str = ""
    stream: str = "default"
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    unused_events: Counter[str] = field(default_factory=Counter)
    unused_samples: dict[str, list[int]] = field(default_factory=dict)
    pending_calls: int = 0
    completed_from_earlier: int = 0
    already_processed_lines: int = 0
    notes: list[str] = field(default_factory=list)
    provenance: str = "records"  # records | interval report

    def add_error(self, err: Problem, category: str | None = None) -> None:
        super().add_error(err, category)
        if err.row is not None:  # a bad line is skipped when --skip-bad-rows loads the rest
            self.skipped_rows.append(err.row)

    def unused(self, event: str, line: int) -> None:
        self.unused_events[event] += 1
        sample = self.unused_samples.setdefault(event, [])
        if len(sample) < 10:
            sample.append(line)

    def summary(self) -> str:
        lines = [f"{self.file} → {self.source} ({', '.join(self.tables) or self.table})"]
        if self.already_imported_batch:
            lines.append(f"  already imported ({self.already_imported_batch}); nothing added")
            return "\n".join(lines)
        lines.append(f"  lines read {self.rows_read}, bad {len(self.bad_rows)}")
        for name, t in self.tables.items():
            lines.append(f"  {name}: loaded {t.get('rows_loaded', 0)}, already present "
                         f"{t.get('rows_already_present', 0)}")
        if self.completed_from_earlier:
            lines.append(f"  calls left open by an earlier file and completed now: {self.completed_from_earlier}")
        if self.pending_calls:
            lines.append(f"  calls still open at the end of the file (kept pending for the next file): "
                         f"{self.pending_calls}")
        if self.already_processed_lines:
            lines.append(f"  lines already processed by an earlier import (skipped): {self.already_processed_lines}")
        if self.unused_events:
            lines.append("  events not used for KPIs: " + ", ".join(
                f"{e} ×{n} (lines {self.unused_samples[e][:5]})" for e, n in sorted(self.unused_events.items())))
        for d in self.defects.values():
            lines.append(f"  defect {d.id}: {d.count} — {d.description} (e.g. lines {d.sample_rows[:5]})")
        for note in self.notes:
            lines.append(f"  note: {note}")
        for e in self.errors[:50]:
            lines.append(f"  ERROR {e}")
        if self.errors_total > 50:
            lines.append(f"  … {self.errors_total - 50} more errors")
        if self.skipped_rows:
            lines.append(f"  skipped lines: {self.skipped_rows[:200]}" + (" …" if len(self.skipped_rows) > 200 else ""))
        if self.errors_total and not self.committed:
            lines.append("  nothing was loaded (use --skip-bad-rows to load the good lines)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update({
            "source": self.source, "stream": self.stream, "tables": self.tables,
            "unused_events": {k: {"count": v, "sample_lines": self.unused_samples.get(k, [])}
                              for k, v in sorted(self.unused_events.items())},
            "pending_calls": self.pending_calls, "completed_from_earlier": self.completed_from_earlier,
            "already_processed_lines": self.already_processed_lines, "notes": self.notes,
            "provenance": self.provenance,
        })
        return d


@dataclass
class Rows:
    """Rows of one canonical table produced by an adapter, each with the source line it came from."""

    table: str
    columns: dict[str, list[Any]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._names = get_table(self.table).names
        if not self.columns:
            self.columns = {c: [] for c in self._names}

    def add(self, line: int, **values: Any) -> None:
        for c in self._names:
            self.columns[c].append(values.get(c))
        self.lines.append(line)

    def __len__(self) -> int:
        return len(self.lines)


# --- pending state ---------------------------------------------------------------------------
def state_path(store: Store, source: str, stream: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stream)
    return store.root / SOURCES_DIR / f"{source}-{safe}.json"


def load_state(store: Store, source: str, stream: str) -> dict[str, Any]:
    p = state_path(store, source, stream)
    if not p.exists():
        return {"files": [], "watermark": None, "watermark_lines": [], "state": {}}
    data: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
    return data


def save_state(store: Store, source: str, stream: str, data: dict[str, Any]) -> None:
    p = state_path(store, source, stream)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + f".tmp-{secrets.token_hex(4)}")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, p)


@contextmanager
def source_lock(store: Store) -> Iterator[None]:
    """One source import at a time per store (the pending state is read, extended, replaced)."""
    store.root.mkdir(parents=True, exist_ok=True)
    with open(store.root / ".sources.lock", "w") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --- loading ---------------------------------------------------------------------------------
def _frame_column(values: list[Any], typ: str) -> pd.Series:
    if typ == "ts":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object), errors="coerce"))
    if typ in ("float", "int"):
        return pd.Series([np.nan if v is None else v for v in values], dtype=float)
    if typ == "bool":
        return pd.Series(values, dtype="boolean")
    return pd.Series(values, dtype=object)


def stage_rows(store: Store, rows: Rows, report: SourceReport, file: str, org_ids: set[str] | None,
               skip_bad_rows: bool, batch_id: str) -> Path | None:
    """Type and validate the rows, write the good ones to a staging file; errors name source lines."""
    schema = get_table(rows.table)
    n = len(rows)
    if n == 0:
        return None
    raw = {c.name: _frame_column(rows.columns[c.name], c.type) for c in schema.columns}
    validator = ChunkValidator(schema, report, file, tz="UTC", org_ids=org_ids)
    before = len(report.errors)
    typed, bad = validator.convert(raw, {}, 0, n)
    for i in range(before, len(report.errors)):
        e = report.errors[i]
        report.errors[i] = replace(e, row=rows.lines[e.row] if e.row is not None else None)
    lines = np.asarray(rows.lines, dtype=np.int64)
    if bad.any():
        report.skipped_rows.extend(sorted(set(lines[bad].tolist())))
    if report.errors_total and not skip_bad_rows:
        return None
    good = ~bad
    out = typed.filter(pa.array(good)) if bad.any() else typed
    if out.num_rows == 0:
        return None
    out = out.append_column(BATCH_COLUMN, pa.repeat(pa.scalar(batch_id, pa.string()), out.num_rows))
    out = out.append_column(ROW_COLUMN, pa.array(lines[good]))
    staged = store.staging_dir() / f"{rows.table}-{batch_id}.parquet"
    writer = BatchWriter(rows.table, batch_id, staged)
    writer.write(out)
    writer.close()
    return staged


def load_rows(store: Store, outputs: list[Rows], report: SourceReport, *, file: str, source_path: Path,
              skip_bad_rows: bool, org_ids: set[str] | None, meta: dict[str, Any]) -> bool:
    """Validate, key-check and commit every table of ``outputs``; True when committed."""
    from kaohe.metrics.ingest.importer import _check_keys, _count_rows

    staged: dict[str, tuple[str, Path | None]] = {}
    try:
        for rows in outputs:
            batch_id = new_batch_id()
            staged[rows.table] = (batch_id, stage_rows(store, rows, report, file, org_ids, skip_bad_rows, batch_id))
        if report.errors_total and not skip_bad_rows:
            report.skipped_rows = []
            return False
        finals: dict[str, tuple[str, Path | None]] = {}
        for rows in outputs:
            batch_id, path = staged[rows.table]
            schema = get_table(rows.table)
            before = report.rows_already_present
            final = _check_keys(store, schema, path, report, skip_bad_rows, file)
            finals[rows.table] = (batch_id, final)
            report.tables[rows.table] = {"batch_id": batch_id,
                                         "rows_already_present": report.rows_already_present - before}
        if report.errors_total and not skip_bad_rows:
            report.skipped_rows = []
            return False
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for rows in outputs:
            batch_id, final = finals[rows.table]
            loaded = _count_rows(final) if final else 0
            report.tables[rows.table]["rows_loaded"] = loaded
            report.rows_loaded += loaded
            store.commit(rows.table, final, {
                "batch_id": batch_id, "source": str(source_path.resolve()), "file_sha256": report.file_sha256,
                "mapping": f"source:{report.source}", "adapter": report.source, "stream": report.stream,
                "provenance": report.provenance, "rows_read": len(rows), "rows_loaded": loaded,
                "rows_already_present": report.tables[rows.table]["rows_already_present"],
                "imported_at": now, **meta,
            })
        report.batch_id = ",".join(b for b, _ in finals.values())
        report.skipped_rows = sorted(set(report.skipped_rows))
        report.committed = True
        return True
    finally:
        for leftover in store.staging_dir().glob("*.parquet"):
            if any(b in leftover.name for b, _ in staged.values()):
                leftover.unlink(missing_ok=True)


def refuse_missing_or_empty(p: Path, report: SourceReport) -> bool:
    """The file pre-check every adapter makes before reading: "file not found" or "the file is empty"
    goes on the report (in both languages, through ``line_error``). True when the file cannot be read."""
    if not p.is_file():
        report.add_error(line_error(str(p), None, None, "file not found"))
        return True
    if p.stat().st_size == 0:
        report.add_error(line_error(p.name, None, None, "the file is empty (0 bytes)"))
        return True
    return False


def org_ids_of(store: Store, org: str | os.PathLike[str] | None, check_org: bool) -> set[str] | None:
    from kaohe.metrics.ingest.importer import _org_ids

    return _org_ids(store, org) if check_org else None


def utc_from_epoch(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)
