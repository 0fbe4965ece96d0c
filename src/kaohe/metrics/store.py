"""The local event store: one directory per canonical table, one Parquet file per import batch.

Layout of a data directory ``DATA``::

    DATA/calls/batch-<batch_id>.parquet      canonical columns + _batch_id + _source_row
    DATA/agent_states/batch-<batch_id>.parquet
    ...                                      (one directory per table of kaohe.metrics.events.TABLES)
    DATA/_batches.json                       manifest: one entry per committed batch
    DATA/.staging/                           work area of running imports (ignored by readers)

Readers glob ``DATA/<table>/*.parquet``. A batch file appears by an atomic rename
only once it is complete, and the manifest is replaced atomically after it, so a
crashed or failed import never leaves a half-written file where readers look.
A batch file without a manifest entry (a crash between the two steps) is removed
by :meth:`Store.recover`.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kaohe.metrics.events import BATCH_COLUMN, ROW_COLUMN, get_table

MANIFEST = "_batches.json"
STAGING = ".staging"
SUPERSEDED = "_superseded"  # rows replaced by corrected records, one file per correction


def new_batch_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


class Store:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    # --- paths -----------------------------------------------------------------------------
    def table_dir(self, table: str) -> Path:
        get_table(table)
        return self.root / table

    def table_files(self, table: str) -> list[Path]:
        d = self.table_dir(table)
        return sorted(d.glob("*.parquet")) if d.is_dir() else []

    def has_table(self, table: str) -> bool:
        return bool(self.table_files(table))

    def table_glob(self, table: str) -> str:
        """A glob DuckDB / pyarrow can read: ``DATA/<table>/*.parquet``."""
        return str(self.table_dir(table) / "*.parquet")

    def staging_dir(self) -> Path:
        d = self.root / STAGING
        d.mkdir(parents=True, exist_ok=True)
        return d

    # --- manifest --------------------------------------------------------------------------
    def batches(self, table: str | None = None) -> list[dict[str, Any]]:
        path = self.root / MANIFEST
        if not path.exists():
            return []
        entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        return [e for e in entries if table is None or e["table"] == table]

    def find_batch(self, table: str, file_sha256: str, mapping: str | None) -> dict[str, Any] | None:
        for entry in self.batches(table):
            if entry.get("file_sha256") == file_sha256 and entry.get("mapping") == mapping:
                return entry
        return None

    def _write_manifest(self, entries: list[dict[str, Any]]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / (MANIFEST + f".tmp-{secrets.token_hex(4)}")
        tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.root / MANIFEST)

    # --- writing ---------------------------------------------------------------------------
    def commit(self, table: str, staged: Path | None, batch: dict[str, Any]) -> None:
        """Move a finished staged file into the table directory and record the batch.

        ``staged`` may be None for a batch that added no rows (it is still recorded, so the
        same file is recognised next time)."""
        batch = dict(batch, table=table)
        self.root.mkdir(parents=True, exist_ok=True)
        # one committer at a time: the manifest is read, extended and replaced
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._commit_locked(table, staged, batch)
        self.fold_rollups()

    def fold_rollups(self) -> None:
        """Fold committed batches into the store's rollups, if it has them (kaohe.metrics.rollups)."""
        if (self.root / "_rollups" / "manifest.json").exists():
            from kaohe.metrics.rollups import fold_after_commit

            fold_after_commit(self)

    def _commit_locked(self, table: str, staged: Path | None, batch: dict[str, Any]) -> None:
        if staged is not None:
            target_dir = self.table_dir(table)
            target_dir.mkdir(parents=True, exist_ok=True)
            target = target_dir / f"batch-{batch['batch_id']}.parquet"
            os.replace(staged, target)
            batch["path"] = str(target.relative_to(self.root))
        else:
            batch["path"] = None
        batch.setdefault("committed_at", datetime.now(UTC).isoformat(timespec="seconds"))
        self._write_manifest(self.batches() + [batch])

    @contextmanager
    def writer(self, table: str, source: str, **meta: Any) -> Iterator[BatchWriter]:
        """Write one batch of already-valid rows (the generator uses this).

        Rows are streamed to a staging file; on a clean exit the file is committed,
        on an exception it is deleted and the store is unchanged."""
        batch_id = new_batch_id()
        staged = self.staging_dir() / f"{table}-{batch_id}.parquet"
        w = BatchWriter(table, batch_id, staged)
        try:
            yield w
            w.close()
            self.commit(table, staged if w.rows else None,
                        {"batch_id": batch_id, "source": source, "rows_loaded": w.rows,
                         "rows_read": w.rows, **meta})
            if not w.rows:
                staged.unlink(missing_ok=True)
        except BaseException:
            w.close()
            staged.unlink(missing_ok=True)
            raise

    def write_table(self, table: str, data: pa.Table, source: str = "api", **meta: Any) -> str:
        with self.writer(table, source, **meta) as w:
            w.write(data)
        return w.batch_id

    def supersede(self, table: str, data: pa.Table, source: str = "correction", **meta: Any) -> str:
        """Store corrected records: rows of ``data`` replace the stored rows with the same key.

        The older batch files lose the replaced rows (each rewritten atomically); the replaced
        rows are kept in ``DATA/_superseded/<table>/<correction>.parquet`` (the history, and what
        rollups subtract); ``data`` becomes a new batch naming the batches it superseded.
        Returns the new batch id."""
        import duckdb

        schema = get_table(table)
        keys = list(schema.key)
        correction = new_batch_id()
        old_dir = self.root / SUPERSEDED / table
        old_dir.mkdir(parents=True, exist_ok=True)
        replaced = old_dir / f"{correction}.parquet"
        con = duckdb.connect()
        con.register("incoming", data.select(keys))
        on = " AND ".join(f'o."{k}" IS NOT DISTINCT FROM n."{k}"' for k in keys)
        superseded: dict[str, int] = {}
        rewrites: list[tuple[Path, Path | None, str]] = []
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            hits = [e for e in self.batches(table) if e.get("path")]
            hit_files = []
            for entry in hits:
                path = self.root / entry["path"]
                n = con.execute(f"SELECT count(*) FROM read_parquet('{path}') o SEMI JOIN incoming n ON {on}").fetchone()
                if not n or not n[0]:
                    continue
                superseded[entry["batch_id"]] = int(n[0])
                hit_files.append(path)
                tmp = self.staging_dir() / f"rewrite-{secrets.token_hex(4)}.parquet"
                con.execute(f"COPY (SELECT o.* FROM read_parquet('{path}') o ANTI JOIN incoming n ON {on}) "
                            f"TO '{tmp}' (FORMAT parquet, COMPRESSION zstd)")
                left = pq.ParquetFile(tmp).metadata.num_rows
                rewrites.append((path, tmp if left else None, entry["batch_id"]))
                if not left:
                    tmp.unlink()
            if hit_files:
                files = ", ".join(f"'{f}'" for f in hit_files)
                con.execute(f"COPY (SELECT o.* FROM read_parquet([{files}], union_by_name=true) o "
                            f"SEMI JOIN incoming n ON {on}) TO '{replaced}' (FORMAT parquet, COMPRESSION zstd)")
            con.close()
            entries = self.batches()
            for path, new, bid in rewrites:
                if new is None:
                    path.unlink()
                else:
                    os.replace(new, path)
                for e in entries:
                    if e["batch_id"] == bid:
                        e["rows_superseded"] = e.get("rows_superseded", 0) + superseded[bid]
                        e.setdefault("rewritten_for", []).append(correction)
                        if new is None:
                            e["path"] = None
            self._write_manifest(entries)
        return self.write_table(table, data, source=source, supersedes=superseded, correction=correction,
                                superseded_path=str(replaced.relative_to(self.root)) if hit_files else None, **meta)

    # --- reading ---------------------------------------------------------------------------
    def read_table(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """Read a whole table (small tables: org, customers...). Empty table when absent."""
        files = self.table_files(table)
        schema = get_table(table).arrow_schema()
        if not files:
            t = schema.empty_table()
        else:
            t = pa.concat_tables([pq.read_table(f) for f in files], promote_options="permissive")
        return t.select(columns) if columns else t

    def recover(self) -> list[Path]:
        """Remove batch files the manifest does not know and leftover staging files."""
        known = {e["path"] for e in self.batches() if e.get("path")}
        removed = []
        if self.root.is_dir():
            for f in self.root.glob("*/batch-*.parquet"):
                if str(f.relative_to(self.root)) not in known:
                    f.unlink()
                    removed.append(f)
        shutil.rmtree(self.root / STAGING, ignore_errors=True)
        return removed


DICTIONARY_SAMPLE_ROWS = 16_384


def _dictionary_columns(data: pa.Table) -> list[str]:
    """Columns worth dictionary encoding, judged on the first rows: those with at most one distinct
    value in ten (queue, direction, outcome, state, the batch id …). A column of mostly distinct values
    (ids, times, durations) overflows the dictionary page and falls back to plain encoding anyway, after
    the cost of building it: writing 1M calls that way took twice the CPU and gave a larger file."""
    sample = data.slice(0, DICTIONARY_SAMPLE_ROWS)
    n = sample.num_rows
    return [name for name, col in zip(sample.column_names, sample.columns, strict=True)
            if col.null_count == n or pc.count_distinct(col, mode="all").as_py() * 10 <= n]


class BatchWriter:
    """Streams record batches of one canonical table into a staging Parquet file."""

    def __init__(self, table: str, batch_id: str, path: Path):
        self.schema = get_table(table).arrow_schema()
        self.batch_id = batch_id
        self.path = path
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def write(self, data: pa.Table | pa.RecordBatch, first_row: int | None = None) -> None:
        """Append rows; adds ``_batch_id`` and ``_source_row`` when missing."""
        n = data.num_rows
        if n == 0:
            return
        if isinstance(data, pa.RecordBatch):
            data = pa.Table.from_batches([data])
        if BATCH_COLUMN not in data.column_names:
            data = data.append_column(BATCH_COLUMN, pa.repeat(pa.scalar(self.batch_id, pa.string()), n))
        if ROW_COLUMN not in data.column_names:
            start = self.rows + 1 if first_row is None else first_row
            data = data.append_column(ROW_COLUMN, pa.array(np.arange(start, start + n, dtype=np.int64)))
        for f in self.schema:  # optional columns a writer leaves out are empty
            if f.name not in data.column_names:
                data = data.append_column(f.name, pa.nulls(n, f.type))
        data = data.select(self.schema.names).cast(self.schema)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self.schema, compression="zstd",
                                            use_dictionary=_dictionary_columns(data))
        self._writer.write_table(data, row_group_size=1 << 20)
        self.rows += n

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
