"""Import one source file into the event store: validate all, load all-or-nothing, idempotently."""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kaohe.metrics.events import BATCH_COLUMN, ROW_COLUMN, TableSchema
from kaohe.metrics.ingest.fastpath import CleanConverter, plain_columns
from kaohe.metrics.ingest.mapping import Mapping, MappingError, load_mapping
from kaohe.metrics.ingest.readers import (
    CHUNK_ROWS,
    SourceError,
    SourceOptions,
    detect_format,
    iter_arrow_chunks,
    iter_chunks,
    read_header,
    resolve_encoding,
)
from kaohe.metrics.ingest.report import ImportFailed, ImportReport, RowError
from kaohe.metrics.ingest.validate import ChunkValidator
from kaohe.metrics.store import BatchWriter, Store, new_batch_id

_EVENT_TEXT = {
    "two_digit_year": "two-digit year in the date column, read with the 69–99 → 19xx / 00–68 → 20xx rule",
}


MAX_FILE_BYTES = 2 * 2**30  # 2 GB: a month of a large center's CDRs fits; more is split


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _org_ids(store: Store, org: str | os.PathLike[str] | None) -> set[str] | None:
    if org is not None:
        p = Path(org)
        if p.is_dir():
            t = Store(p).read_table("org", ["employee_id"])
        elif p.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            t = pq.read_table(p, columns=["employee_id"])
        else:
            import pandas as pd

            return set(pd.read_csv(p, dtype=str, encoding="utf-8-sig")["employee_id"].str.strip())
        return set(t.column("employee_id").to_pylist())
    if store.has_table("org"):
        return set(store.read_table("org", ["employee_id"]).column("employee_id").to_pylist())
    return None


def import_file(
    path: str | os.PathLike[str],
    store: Store | str | os.PathLike[str],
    table: str | None = None,
    mapping: Mapping | str | os.PathLike[str] | dict[str, Any] | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    format: str | None = None,
    sheet: str | None = None,
    timezone: str | None = None,
    skip_bad_rows: bool = False,
    org: str | os.PathLike[str] | None = None,
    check_org: bool = True,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
    raise_on_error: bool = False,
    dry_run: bool = False,
    correct: bool = False,
) -> ImportReport:
    """Validate ``path`` and load it into ``store`` as one batch of ``table``.

    - Every bad row is reported (file, row as the user sees it, column, reason). A file
      with any error loads nothing, unless ``skip_bad_rows``: then the good rows load and
      ``report.skipped_rows`` lists the others.
    - Idempotent: the same file (same SHA-256 and mapping) is recognised and adds nothing;
      rows whose natural key is already stored with identical values are skipped; a key
      already stored with different values is an error.
    - Atomic: rows stream to a staging file that is renamed into the store only at the end.
    - Unknown employees are errors when an org table is known (``org=`` a file or data
      directory, or an ``org`` table in the store) and ``check_org`` is true.
    - ``dry_run``: every check against the real store (keys already stored included), nothing
      committed — what an upload page shows before the user confirms.
    - ``correct``: a correction file. Rows whose key is already stored with different values
      replace the stored rows (``Store.supersede``: the replaced rows are kept in
      ``DATA/_superseded`` and the rollups refold exactly) instead of being refused; rows with
      new keys are added; ``report.superseded`` / ``report.rows_replaced`` say what was (with
      ``dry_run``: would be) replaced. Still one outcome: any bad row and nothing changes.
    - A file over MAX_FILE_BYTES is refused before it is read.
    """
    path = Path(path)
    store = store if isinstance(store, Store) else Store(store)
    if mapping is None:
        if table is None:
            raise ValueError("name the target table or give a mapping")
        m = Mapping(table=table)
    else:
        m = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
        if table is not None and table != m.table:
            raise ValueError(f"the mapping is for table {m.table}, not {table}")
    schema = m.schema
    src = m.source
    opts = SourceOptions(format=format or src.get("format"), encoding=encoding or src.get("encoding"),
                         delimiter=delimiter or src.get("delimiter") or _default_delimiter(path),
                         sheet=sheet or src.get("sheet"), chunk_rows=chunk_rows)
    tz = timezone or src.get("timezone") or "UTC"
    report = ImportReport(file=str(path), table=schema.name, mapping=m.name, skip_bad_rows=skip_bad_rows)

    def fail() -> ImportReport:
        if raise_on_error:
            raise ImportFailed(report)
        return report

    if not path.is_file():
        report.add_error(RowError(str(path), None, None, "file not found"))
        return fail()
    if path.stat().st_size > MAX_FILE_BYTES:
        report.add_error(RowError(str(path), None, None,
                                  f"the file is larger than {MAX_FILE_BYTES // 2**20} MB; split it / "
                                  f"文件超过 {MAX_FILE_BYTES // 2**20} MB，请拆分后上传"))
        return fail()
    try:
        report.encoding = resolve_encoding(path, opts)
        header = read_header(path, opts, report.encoding)
    except SourceError as exc:
        report.add_error(RowError(str(path), None, None, str(exc)))
        return fail()
    report.file_sha256 = file_sha256(path)
    previous = store.find_batch(schema.name, report.file_sha256, m.name)
    if previous is not None:
        report.already_imported_batch = previous["batch_id"]
        return report
    try:
        m.check_against(header, path.name)
    except MappingError as exc:
        for problem in exc.problems:
            report.add_error(RowError(str(path), None, None, problem))
        return fail()

    org_ids = _org_ids(store, org) if check_org and schema.name != "org" else None
    validator = ChunkValidator(schema, report, path.name, tz=tz, org_ids=org_ids)
    batch_id = new_batch_id()
    report.batch_id = batch_id
    staged = store.staging_dir() / f"{schema.name}-{batch_id}.parquet"
    writer = BatchWriter(schema.name, batch_id, staged)
    structural: list[tuple[int | None, str]] = []
    # Chunks that are clean throughout are typed and checked in Arrow (fastpath); any other chunk
    # goes through the pandas path, which words every problem. Writing the staging file (compression)
    # runs in a second thread while the next chunk is read and checked.
    plain = plain_columns(m, header) if detect_format(path, opts.format) in ("csv", "parquet") else None
    clean = CleanConverter(schema, plain, tz, org_ids) if plain is not None else None
    staging = _Staging(writer)
    file_keys = _FileKeys(schema)
    try:
        chunks: Iterator[tuple[Any, int]] = (
            iter_arrow_chunks(path, opts, report.encoding, structural) if clean is not None
            else iter_chunks(path, opts, report.encoding, structural))
        for chunk, first_row in chunks:
            n = len(chunk)
            rows = np.arange(first_row, first_row + n, dtype=np.int64)
            typed = clean.convert(chunk) if clean is not None else None
            if typed is None:
                frame = chunk.to_pandas() if clean is not None else chunk
                raw, labels, events = m.apply(frame, header)
                typed, bad = validator.convert(raw, labels, first_row, n)
                _record_events(report, events, rows, m)
            else:
                bad = np.zeros(n, dtype=bool)
            report.rows_read += n
            if bad.any():
                report.skipped_rows.extend(rows[bad].tolist())
            if skip_bad_rows or report.errors_total == 0:
                good = ~bad
                out = typed.filter(pa.array(good)) if bad.any() else typed
                out = out.append_column(BATCH_COLUMN, pa.repeat(pa.scalar(batch_id, pa.string()), out.num_rows))
                out = out.append_column(ROW_COLUMN, pa.array(rows[good]))
                file_keys.add(out)
                staging.write(out)
            if progress:
                progress(report.rows_read)
        staging.finish()
        for line, reason in structural:
            report.add_error(RowError(path.name, line, None, reason))
            if line is not None:
                report.skipped_rows.append(line)
        if report.rows_read == 0 and not structural:
            report.add_error(RowError(path.name, None, None, "the file has a header but no data rows"))
        writer.close()
        if report.errors_total and not skip_bad_rows:
            report.skipped_rows = []
            return fail()
        final = _check_keys(store, schema, staged if writer.rows else None, report, skip_bad_rows, path.name,
                            correct=correct, file_keys=file_keys)
        if report.errors_total and not skip_bad_rows:
            report.skipped_rows = []
            return fail()
        report.skipped_rows.sort()
        report.rows_loaded = _count_rows(final) if final else 0
        if dry_run:
            return report
        meta = {
            "batch_id": batch_id, "source": str(path.resolve()), "file_sha256": report.file_sha256,
            "mapping": m.name, "encoding": report.encoding, "rows_read": report.rows_read,
            "rows_loaded": report.rows_loaded, "rows_already_present": report.rows_already_present,
            "rows_skipped": len(report.skipped_rows),
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if report.rows_replaced and final is not None:
            _supersede(store, schema.name, final, meta, report)
        else:
            store.commit(schema.name, final, meta)
        report.committed = True
        return report
    except SourceError as exc:
        report.add_error(RowError(str(path), None, None, str(exc)))
        report.skipped_rows = []
        return fail()
    finally:
        staging.finish(wait_only=True)
        writer.close()
        for leftover in store.staging_dir().glob(f"*{batch_id}*"):
            leftover.unlink(missing_ok=True)


class _Staging:
    """Hands typed chunks to the staging writer in a second thread, in order, at most two waiting
    (Parquet encoding and compression release the GIL, so the next chunk is read and checked
    meanwhile). ``finish`` waits for every write and raises the first failure."""

    MAX_WAITING = 2

    def __init__(self, writer: BatchWriter):
        self.writer = writer
        self.pool: ThreadPoolExecutor | None = None
        self.waiting: deque[Future[None]] = deque()

    def write(self, table: pa.Table) -> None:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kaohe-staging")
        self.waiting.append(self.pool.submit(self.writer.write, table))
        while len(self.waiting) > self.MAX_WAITING:
            self.waiting.popleft().result()

    def finish(self, wait_only: bool = False) -> None:
        try:
            while self.waiting:
                fut = self.waiting.popleft()
                if wait_only:
                    wait([fut])
                else:
                    fut.result()
        finally:
            if self.pool is not None and (wait_only or not self.waiting):
                self.pool.shutdown(wait=True)
                self.pool = None


def _default_delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() in (".tsv", ".tab") else ","


def _record_events(report: ImportReport, events: dict[str, np.ndarray], rows: np.ndarray, m: Mapping) -> None:
    texts = {f"defect:{k}": v for k, v in m.defect_texts().items()}
    for name, mask in events.items():
        hit = rows[mask]
        if not len(hit):
            continue
        if name.startswith("next_day:"):
            target = name.split(":", 1)[1]
            desc = f"time is past midnight: {target} put on the next day"
            report.defect(f"crossed_midnight_{target}", desc).add(hit.tolist())
        elif name.startswith("defect:"):
            report.defect(name.split(":", 1)[1], texts.get(name, name)).add(hit.tolist())
        else:
            report.defect(name, _EVENT_TEXT.get(name, name)).add(hit.tolist())


def _count_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _supersede(store: Store, table: str, final: Path, meta: dict[str, Any], report: ImportReport) -> None:
    """Commit a correction file: its rows replace the stored rows with the same keys, as one new batch
    (``Store.supersede`` names the batch; the rows keep their source row numbers)."""
    import pyarrow.parquet as pq

    data = pq.read_table(final).drop_columns([BATCH_COLUMN])
    meta = {k: v for k, v in meta.items() if k != "batch_id"}
    report.batch_id = store.supersede(table, data, **meta)
    entry = next((e for e in store.batches(table) if e["batch_id"] == report.batch_id), None)
    if entry is not None:  # what the store replaced, as it counted it
        report.superseded = {str(b): int(n) for b, n in (entry.get("supersedes") or {}).items()}
        report.rows_replaced = sum(report.superseded.values())


def _key_text(key: tuple[str, ...] | list[str], values: Any) -> str:
    """A stored key as the user reads it: the value alone for a one-column key, else column=value pairs."""
    if len(key) == 1:
        return "" if values[0] is None else str(values[0])
    return ", ".join(f"{k}={'' if v is None else v}" for k, v in zip(key, values, strict=True))


class _FileKeys:
    """The key columns (and source rows) of the rows staged so far, kept in memory up to MAX_ROWS rows,
    so that the key checks query them in place instead of reading the staging file back; and the range
    of the key's time column, which bounds the stored rows a key can collide with."""

    MAX_ROWS = 20_000_000

    def __init__(self, schema: TableSchema):
        self.key = list(schema.key)
        self.parts: list[pa.Table] | None = []
        self.rows = 0
        timed = [c.name for c in schema.columns if c.name in self.key and c.type in ("ts", "date")]
        self.time_column = timed[0] if timed else None
        self.low: Any = None
        self.high: Any = None
        self.time_nulls = False

    def add(self, out: pa.Table) -> None:
        if self.time_column is not None and out.num_rows:
            col = out.column(self.time_column)
            self.time_nulls |= col.null_count > 0
            mm = pc.min_max(col)
            lo, hi = mm["min"].as_py(), mm["max"].as_py()
            if lo is not None:
                self.low = lo if self.low is None else min(self.low, lo)
                self.high = hi if self.high is None else max(self.high, hi)
        if self.parts is None:
            return
        self.rows += out.num_rows
        if self.rows > self.MAX_ROWS:
            self.parts = None  # a huge file: DuckDB, which can spill to disk, looks for repeats
        else:
            self.parts.append(out.select([*self.key, ROW_COLUMN]))

    def table(self) -> pa.Table | None:
        """The staged rows' keys and source rows, or None for a file too large to keep them."""
        # a chunk whose key column held no value at all may be typed null: promote it to the others' type
        return pa.concat_tables(self.parts, promote_options="permissive") if self.parts else None

    def surely_unique(self) -> bool:
        """True when no key repeats (an empty key counts as a value: two rows without one repeat it);
        False also when not known. A one-column key is hashed by Arrow, which costs about what the
        DuckDB query does, without loading DuckDB in a process that has not yet (the command line)."""
        if not self.parts or len(self.key) != 1:
            return False
        table = self.table()
        assert table is not None  # parts were kept
        col = table.column(self.key[0])
        return bool(len(pc.unique(col)) == len(col))

    def time_bound(self) -> tuple[str, Any, Any] | None:
        """(column, first, last) when every staged row has a value in the key's time column."""
        if self.time_column is None or self.time_nulls or self.low is None:
            return None
        return self.time_column, self.low, self.high


def _check_keys(store: Store, schema: TableSchema, staged: Path | None, report: ImportReport,
                skip_bad_rows: bool, file: str, *, correct: bool = False,
                file_keys: _FileKeys | None = None) -> Path | None:
    """Duplicate keys inside the file and against the store. Returns the file to commit.

    With ``correct``, a row whose key is stored with different values stays in (it replaces the
    stored row on commit) and is counted in ``report.superseded`` instead of being an error.

    The store is read in two steps: the key columns of every stored row (only the row groups whose
    time range can hold the file's keys when the key has a time column) find the rows whose key is
    stored; only the files holding those are then read whole, to tell identical rows from changed ones."""
    if staged is None:
        return None
    stored = store.has_table(schema.name)
    if not stored and file_keys is not None and file_keys.surely_unique():
        return staged  # nothing repeats and nothing is stored: no query to make
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(f"SET temp_directory = '{store.staging_dir()}'")
    keys = ", ".join(f'"{k}"' for k in schema.key)
    src = f"read_parquet('{staged}')"
    kept = file_keys.table() if file_keys is not None else None
    if kept is not None:
        con.register("file_keys", kept)
    key_src = "file_keys" if kept is not None else src
    drop: set[int] = set()
    # nulls form one group: two rows with the same empty key part repeat it
    dups = con.execute(
        f"SELECT {keys}, list({ROW_COLUMN} ORDER BY {ROW_COLUMN}) FROM {key_src} "
        f"GROUP BY ALL HAVING count(*) > 1").fetchall()
    for rec in dups:
        key_vals, rows = rec[:-1], rec[-1]
        key_text = ", ".join(f"{k}={v}" for k, v in zip(schema.key, key_vals, strict=True))
        for r in rows[1:]:
            report.add_error(RowError(file, r, "+".join(schema.key),
                                      f"duplicate key ({key_text}); first on row {rows[0]}"),
                             "duplicate key in file")
            drop.add(r)
    if stored:
        same = " AND ".join(f's."{c}" IS NOT DISTINCT FROM t."{c}"' for c in schema.names)
        # keys may hold empty parts (interval_stats: a queue row has no agent); empty equals empty
        on = " AND ".join(f's."{k}" IS NOT DISTINCT FROM t."{k}"' for k in schema.key)
        key_cols = ", ".join(f's."{k}"' for k in schema.key)
        bound = file_keys.time_bound() if file_keys is not None else None
        where = ""
        if bound is not None:
            where = f' WHERE "{bound[0]}" BETWEEN ? AND ?'
        params = [bound[1], bound[2]] if bound is not None else []
        files = [str(f) for f, in con.execute(
            f"SELECT DISTINCT t.filename FROM (SELECT {keys} FROM {key_src}) s JOIN "
            f"(SELECT {keys}, filename FROM read_parquet('{store.table_glob(schema.name)}', union_by_name=true, "
            f"filename=true){where}) t ON {on} ORDER BY 1", params).fetchall()]
        # the same glob (so the columns are those of every stored file), pruned to the files with a hit
        only = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        hits = con.execute(
            f"SELECT s.{ROW_COLUMN}, t.{BATCH_COLUMN}, t.{ROW_COLUMN}, ({same}) AS same, {key_cols} "
            f"FROM {src} s JOIN read_parquet('{store.table_glob(schema.name)}', union_by_name=true, filename=true) t "
            f"ON {on} AND t.filename IN ({only}) ORDER BY s.{ROW_COLUMN}").fetchall() if files else []
        replacing: set[int] = set()
        for row, batch, trow, identical, *stored_key in hits:
            if row in drop or row in replacing:
                continue
            if correct and not identical:
                replacing.add(row)
                report.rows_replaced += 1
                report.superseded[batch] = report.superseded.get(batch, 0) + 1
                continue
            drop.add(row)
            if identical:
                report.rows_already_present += 1
            else:
                report.add_error(RowError(file, row, "+".join(schema.key),
                                          f"key already stored with different values (batch {batch}, row {trow})",
                                          _key_text(schema.key, stored_key)),
                                 "key already stored with different values")
    if report.errors_total and skip_bad_rows:
        bad = {e.row for e in report.errors if e.row is not None}
        report.skipped_rows = sorted(set(report.skipped_rows) | (bad & drop))
    if not drop:
        con.close()
        return staged
    con.execute("CREATE TEMP TABLE drop_rows(r BIGINT)")
    con.executemany("INSERT INTO drop_rows VALUES (?)", [(r,) for r in sorted(drop)]) if len(drop) < 1000 else \
        con.execute("INSERT INTO drop_rows SELECT * FROM (SELECT unnest(?::BIGINT[]))", [sorted(drop)])
    final = staged.with_name(staged.stem + "-final.parquet")
    con.execute(f"COPY (SELECT * FROM {src} WHERE {ROW_COLUMN} NOT IN (SELECT r FROM drop_rows)) "
                f"TO '{final}' (FORMAT parquet, COMPRESSION zstd)")
    n = con.execute(f"SELECT count(*) FROM read_parquet('{final}')").fetchone()
    con.close()
    staged.unlink(missing_ok=True)
    if not n or n[0] == 0:
        final.unlink(missing_ok=True)
        return None
    return final


def import_files(paths: list[str | os.PathLike[str]], store: Store | str | os.PathLike[str],
                 **kwargs: Any) -> list[ImportReport]:
    """Import several files one after another (each its own batch)."""
    return [import_file(p, store, **kwargs) for p in paths]


__all__ = ["import_file", "import_files", "file_sha256", "detect_format"]
