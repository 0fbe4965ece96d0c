"""Front-end assets are vendored from npm at the pinned versions; nothing loads from a CDN."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "src" / "kaohe" / "web"


def test_the_vendored_files_are_the_versions_package_json_pins():
    pinned = json.loads((REPO / "package.json").read_text())["dependencies"]
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    vendored = json.loads((WEB / "static" / "vendor" / "VERSIONS.json").read_text())
    for name in ("htmx.org", "echarts"):
        assert vendored[name] == pinned[name] == lock[f"node_modules/{name}"]["version"]
    assert pinned["htmx.org"].startswith("2.") and pinned["echarts"].startswith("6.")
    assert (WEB / "static" / "vendor" / "htmx" / "htmx.min.js").stat().st_size > 10_000
    assert (WEB / "static" / "vendor" / "echarts" / "echarts.min.js").stat().st_size > 500_000


def test_no_template_or_script_loads_anything_from_another_site():
    sources = list((WEB / "ui" / "templates").rglob("*.html")) + list((WEB / "ui" / "static").rglob("*.js"))
    assert sources
    remote = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.I)
    offenders = [str(p.relative_to(REPO)) for p in sources if remote.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
