"""How a batch file is written: dictionary encoding only for the columns with few values."""

from __future__ import annotations

import pyarrow.parquet as pq
from ingest_helpers import CALL_HEADER, call_row, write

from kaohe.metrics.ingest import import_file
from kaohe.metrics.store import Store


def _dictionary_encoded(path, column: str) -> bool:
    meta = pq.ParquetFile(path).metadata
    i = meta.schema.names.index(column)
    return any("DICTIONARY" in enc for enc in meta.row_group(0).column(i).encodings)


def test_few_valued_columns_are_dictionary_encoded_and_ids_are_not(tmp_path, data_dir):
    # 40 calls: 40 ids and times, 2 agents, one queue, one outcome
    rows = [call_row(i, agent=("A1", "A2")[i % 2]) for i in range(40)]
    rep = import_file(write(tmp_path / "calls.csv", [CALL_HEADER, *rows]), data_dir, table="calls")
    assert rep.committed
    (path,) = Store(data_dir).table_files("calls")
    assert [c for c in ("queue", "agent_id", "outcome", "_batch_id", "disposition") if _dictionary_encoded(path, c)] \
        == ["queue", "agent_id", "outcome", "_batch_id", "disposition"]
    assert [c for c in ("call_id", "_source_row") if _dictionary_encoded(path, c)] == []
    calls = pq.read_table(path)
    assert calls.column("call_id").to_pylist() == [f"C{i}" for i in range(40)]
    assert calls.column("agent_id").to_pylist() == [("A1", "A2")[i % 2] for i in range(40)]
