"""Interval reports → ``interval_stats``: sums and counts per agent and/or queue per interval.

Centers on a commercial suite often get only its interval reports: Avaya CMS agent and
split/skill interval tables (``hagent``, ``hsplit``), Genesys Cloud conversation
aggregates (``nOffered``, ``tAnswered``, ``tTalk`` … per queue and user per interval),
Alibaba Cloud contact-center historical agent reports. A column mapping (the same YAML
language as any import, see docs/import-guide.md) names which report column gives which
sum or count; bundled mappings cover the shapes above and a center copies and edits one
when its export differs.

The call and agent-time KPIs read these rows exactly as they read records (every KPI is
made of sums and counts). There is no per-call drill-down: provenance says the value came
from an interval report.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kaohe.metrics.ingest.mapping import MAPPINGS_DIR, Mapping, MappingError, load_mapping
from kaohe.metrics.ingest.readers import SourceError, SourceOptions, read_header, resolve_encoding
from kaohe.metrics.ingest.report import ImportReport, RowError
from kaohe.metrics.store import Store

SOURCE = "interval-report"
BUNDLED = ("avaya_cms_hagent", "avaya_cms_hsplit", "genesys_cloud_aggregates", "alibaba_ccc_agent_report")


def bundled_mappings() -> dict[str, Mapping]:
    return {name: load_mapping(MAPPINGS_DIR / f"{name}.yaml") for name in BUNDLED}


def read_header_any(path: Path, delimiter: str | None = None) -> list[str]:
    opts = SourceOptions(delimiter=delimiter or ("\t" if path.suffix.lower() in (".tsv", ".tab") else ","))
    try:
        enc = resolve_encoding(path, opts)
        return read_header(path, opts, enc)
    except SourceError:
        return []


def match_mapping(header: list[str]) -> str | None:
    """The one bundled interval mapping whose source columns the header has, else None."""
    names = {h.strip() for h in header}
    if not names:
        return None
    hits = []
    for name, m in bundled_mappings().items():
        cols = {c for spec in m.columns.values() for c in m.source_columns(spec)}
        if cols and cols <= names:
            hits.append(name)
    return hits[0] if len(hits) == 1 else None


def import_interval_report(path: str | os.PathLike[str], store: Store | str | os.PathLike[str], *,
                           mapping: Mapping | str | os.PathLike[str] | dict[str, Any] | None = None,
                           **kwargs: Any) -> ImportReport:
    """Import an interval report into ``interval_stats`` through ``mapping`` (detected when None)."""
    from kaohe.metrics.ingest.importer import import_file

    p = Path(path)
    for key in ("options", "hold_cdr", "shape"):
        kwargs.pop(key, None)
    if mapping is None:
        found = match_mapping(read_header_any(p, kwargs.get("delimiter")))
        if found is None:
            rep = ImportReport(file=str(p), table="interval_stats")
            rep.add_error(RowError(p.name, None, None,
                                   "the report's columns match no bundled interval mapping "
                                   f"({', '.join(BUNDLED)}); give one with --mapping"))
            return rep
        mapping = found
    m = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    if m.table != "interval_stats":
        raise MappingError([f"mapping {m.name}: an interval report loads into interval_stats, not {m.table}"])
    return import_file(p, store, mapping=m, **kwargs)
