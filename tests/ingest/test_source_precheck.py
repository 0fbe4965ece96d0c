"""Both source adapters refuse a missing or empty file the same way, in both languages, storing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaohe.metrics.ingest.sources import import_queue_log
from kaohe.metrics.ingest.sources.freeswitch import import_cdr


@pytest.mark.parametrize("importer", [import_queue_log, import_cdr], ids=["queue_log", "cdr"])
def test_missing_file(tmp_path: Path, importer) -> None:  # type: ignore[no-untyped-def]
    report = importer(tmp_path / "nowhere.log", tmp_path / "store")
    assert not report.committed
    [err] = report.errors
    assert err.reason == "file not found"
    assert err.message_zh == "找不到文件"
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*.parquet"))


@pytest.mark.parametrize("importer", [import_queue_log, import_cdr], ids=["queue_log", "cdr"])
def test_empty_file(tmp_path: Path, importer) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    report = importer(empty, tmp_path / "store")
    assert not report.committed
    [err] = report.errors
    assert err.reason == "the file is empty (0 bytes)"
    assert err.file == "empty.csv"
    assert err.message_zh and err.message_zh != err.reason
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").rglob("*.parquet"))
