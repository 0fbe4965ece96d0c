"""Ingestion of operational records (CSV, XLSX, Parquet) into the Kaohe event store."""

from kaohe.metrics.ingest.importer import file_sha256, import_file, import_files
from kaohe.metrics.ingest.mapping import Mapping, MappingError, load_mapping
from kaohe.metrics.ingest.readers import SourceError, detect_encoding
from kaohe.metrics.ingest.report import Defect, ImportFailed, ImportReport, RowError

__all__ = [
    "Defect",
    "ImportFailed",
    "ImportReport",
    "Mapping",
    "MappingError",
    "RowError",
    "SourceError",
    "detect_encoding",
    "file_sha256",
    "import_file",
    "import_files",
    "load_mapping",
]
