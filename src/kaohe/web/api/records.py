"""Records pushed through the API go through the file importer itself.

The rows are written to a CSV file in the canonical columns and handed to
`kaohe.metrics.ingest.import_file`, so a push is validated, atomic and idempotent in
exactly the way an uploaded file is — there is no second validation path to drift.
The event store's lock (`store_lock`) serialises concurrent imports into one company's event store.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kaohe.web.errors import InvalidInput, NotFound, ValidationReport

PUSHABLE_EXCLUDED = {"org"}  # the org dimension comes from Kaohe's own org, never from a push


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_csv(path: Path, names: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(names)
        for row in rows:
            out.writerow([_cell(row.get(n)) for n in names])


def push(token: Any, user: Any, table: str, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    from kaohe.metrics.events import TABLES
    from kaohe.metrics.ingest import import_file
    from kaohe.web.appraisal.services.data import _store, store_dir, store_lock, write_org
    from kaohe.web.audit.services import record
    from kaohe.web.permissions import require

    company = token.company
    if table not in TABLES or table in PUSHABLE_EXCLUDED:
        raise NotFound(f"没有名为 {table} 的记录表", f"No record table named {table}",
                       tables=sorted(set(TABLES) - PUSHABLE_EXCLUDED))
    require(user, "upload_records", company)
    schema = TABLES[table]
    report = ValidationReport(rows_read=len(rows))
    known = set(schema.names)
    for i, row in enumerate(rows, start=1):
        for key in row:
            if key not in known:
                report.add(key, f"未知字段 {key}", f"unknown column {key}; expected one of {schema.names}", row=i)
    if not report.ok:
        raise InvalidInput(report)
    present = {k for row in rows for k in row}
    names = [n for n in schema.names if n in present or n in schema.required]
    with tempfile.TemporaryDirectory(prefix="kaohe-push-") as tmp:
        path = Path(tmp) / f"api-{table}.csv"
        _write_csv(path, names, rows)
        root = store_dir(company)
        with store_lock(root):
            store = _store(company)
            write_org(store, company)
            result = import_file(path, store, table=table, timezone=company.time_zone)
    if not result.ok:
        bad = ValidationReport(rows_read=len(rows))
        for e in result.errors:
            # the CSV's header is row 1, so JSON row i (from 1) is CSV row i + 1
            bad.add(str(e.column or ""), e.message_zh, e.message_en, row=None if e.row is None else e.row - 1,
                    value=e.value)
        raise InvalidInput(bad)
    already = bool(result.already_imported_batch)
    record(user, "records.push", None, object_type="event_store", object_id=f"{company.code}/{table}",
           after={"table": table, "rows": len(rows), "rows_loaded": result.rows_loaded,
                  "batch_id": result.batch_id or result.already_imported_batch, "via": f"token {token.key_prefix}"},
           company_id=company.pk)
    return {"table": table, "rows_received": len(rows), "rows_loaded": result.rows_loaded,
            "already_imported": already, "batch_id": result.batch_id or result.already_imported_batch}
