"""docs/kpi-catalog.md documents every registered KPI, in Chinese and in English."""

from __future__ import annotations

from pathlib import Path

from kaohe.metrics.catalog import list_kpis
from kaohe.metrics.catalog.docs import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "kpi-catalog.md"


def test_every_registered_kpi_is_in_the_catalog_doc_in_both_languages():
    text = DOC.read_text(encoding="utf-8")
    zh, en = text.split("## English", 1)
    missing = [k.id for k in list_kpis() if f"| `{k.id}` | {k.name_zh} |" not in zh or f"| `{k.id}` | {k.name_en} |" not in en]
    assert not missing, f"regenerate docs/kpi-catalog.md (python -m kaohe.metrics.catalog.docs); missing: {missing}"


def test_the_catalog_doc_is_up_to_date_with_the_registry():
    assert DOC.read_text(encoding="utf-8") == render(), "run: python -m kaohe.metrics.catalog.docs > docs/kpi-catalog.md"
