"""A store of computed KPI values that keeps their history.

Each value is identified by (kpi_id, params, entity_level, entity_id, period). Recording
a recomputation:

- an identical value (same figures and same input batches) changes nothing;
- a different one (e.g. after a source correction was re-imported) closes the current
  version (``superseded_at``) and adds the next ``version`` with ``valid_from`` = now.

Nothing is ever deleted, so an auditor can see which figure a score sheet used at the
time and why it changed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from kaohe.metrics.compute import KpiValue

KEY = ("kpi_id", "params_key", "entity_level", "entity_id", "period")
_DDL = """
CREATE TABLE IF NOT EXISTS kpi_values (
    kpi_id VARCHAR NOT NULL,
    params_key VARCHAR NOT NULL,
    entity_level VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    value VARCHAR,
    numerator DOUBLE,
    denominator DOUBLE,
    sample_size BIGINT NOT NULL,
    unit VARCHAR,
    inputs VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP
)
"""
# Two versions are the same when these agree (computed_at is not compared).
_SAME = " AND ".join(
    f"c.{c} IS NOT DISTINCT FROM i.{c}" for c in ("value", "numerator", "denominator", "sample_size", "inputs")
)
_ON_KEY = " AND ".join(f"c.{k} = i.{k}" for k in KEY)


class ProvenanceStore:
    def __init__(self, path: str | os.PathLike[str] = ":memory:"):
        self.con = duckdb.connect(str(path))
        self.con.execute(_DDL)

    def close(self) -> None:
        self.con.close()

    def record(self, values: Iterable[KpiValue], now: datetime | None = None) -> dict[str, int]:
        """Store a computation; returns counts of new, superseded and unchanged values."""
        now = now or datetime.now(UTC).replace(tzinfo=None)
        rows = [_row(v) for v in values]
        if not rows:
            return {"new": 0, "superseded": 0, "unchanged": 0}
        incoming = pd.DataFrame(rows)
        con = self.con
        con.register("incoming", incoming)
        try:
            con.execute("BEGIN")
            changed = con.execute(
                f"""SELECT count(*) FROM kpi_values c JOIN incoming i ON {_ON_KEY}
                    WHERE c.superseded_at IS NULL AND NOT ({_SAME})"""
            ).fetchone()[0]  # type: ignore[index]  # count(*) always returns a row
            unchanged = con.execute(
                f"SELECT count(*) FROM kpi_values c JOIN incoming i ON {_ON_KEY} WHERE c.superseded_at IS NULL AND {_SAME}"
            ).fetchone()[0]  # type: ignore[index]
            con.execute(
                f"""UPDATE kpi_values AS c SET superseded_at = ?
                    FROM incoming i WHERE {_ON_KEY} AND c.superseded_at IS NULL AND NOT ({_SAME})""",
                [now],
            )
            con.execute(
                f"""INSERT INTO kpi_values
                    SELECT i.kpi_id, i.params_key, i.entity_level, i.entity_id, i.period, i.value, i.numerator,
                           i.denominator, i.sample_size, i.unit, i.inputs, i.computed_at,
                           coalesce((SELECT max(c.version) FROM kpi_values c WHERE {_ON_KEY}), 0) + 1, ?, NULL
                    FROM incoming i
                    WHERE NOT EXISTS (SELECT 1 FROM kpi_values c WHERE {_ON_KEY} AND c.superseded_at IS NULL)""",
                [now],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("incoming")
        return {"new": len(rows) - changed - unchanged, "superseded": changed, "unchanged": unchanged}

    def current(self, kpi_id: str | None = None, entity_id: str | None = None, period: str | None = None) -> list[dict[str, Any]]:
        where, args = ["superseded_at IS NULL"], []
        for col, val in (("kpi_id", kpi_id), ("entity_id", entity_id), ("period", period)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        return self._query(f"SELECT * FROM kpi_values WHERE {' AND '.join(where)} ORDER BY {', '.join(KEY)}", args)

    def history(self, kpi_id: str, entity_level: str, entity_id: str, period: str,
                params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM kpi_values WHERE kpi_id = ? AND entity_level = ? AND entity_id = ? AND period = ?"
        args: list[Any] = [kpi_id, entity_level, entity_id, period]
        if params is not None:
            sql += " AND params_key = ?"
            args.append(_params_key(params))
        return self._query(sql + " ORDER BY params_key, version", args)

    def _query(self, sql: str, args: list[Any]) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, args)
        names = [d[0] for d in cur.description]
        out = []
        for r in cur.fetchall():
            rec = dict(zip(names, r, strict=True))
            rec["value"] = Decimal(rec["value"]) if rec["value"] is not None else None
            rec["inputs"] = json.loads(rec["inputs"])
            rec["params"] = json.loads(rec["params_key"])
            out.append(rec)
        return out


def _params_key(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, ensure_ascii=False)


def _row(v: KpiValue) -> dict[str, Any]:
    return {
        "kpi_id": v.kpi_id, "params_key": _params_key(v.params), "entity_level": v.entity_level,
        "entity_id": v.entity_id, "period": v.period, "value": None if v.value is None else str(v.value),
        "numerator": v.numerator, "denominator": v.denominator, "sample_size": v.sample_size, "unit": v.unit,
        "inputs": json.dumps(v.inputs, sort_keys=True), "computed_at": v.computed_at or datetime.now(UTC).replace(tzinfo=None),
    }
