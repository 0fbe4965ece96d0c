"""Files the web app vendors under its static folder, for the pages and exports that inline them."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
ECHARTS = STATIC / "vendor" / "echarts" / "echarts.min.js"


def echarts_source() -> str:
    """ECharts as vendored by scripts/vendor_assets.sh (npm registry, pinned; never a CDN)."""
    if not ECHARTS.exists():
        raise FileNotFoundError(
            f"ECharts is not vendored at {ECHARTS}; run scripts/vendor_assets.sh (npm registry, pinned)"
        )
    return ECHARTS.read_text(encoding="utf-8")
