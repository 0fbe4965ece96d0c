"""The demo dashboard opened in a real browser: the charts are drawn, not just declared."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.results.demo import write_demo_outputs

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    write_demo_outputs(out, sheet_count=1)
    return out


@pytest.mark.browser
def test_the_dashboard_draws_every_chart_with_data_and_loads_nothing_remote(demo_dir, page):
    remote = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto((demo_dir / "dashboard.html").as_uri())
    page.wait_for_function("window.kaoheCharts && window.kaoheCharts.length > 0")
    declared = page.locator("[data-chart]").count()
    assert declared == 5
    assert page.locator("[data-chart] canvas").count() >= declared  # each chart drew into a canvas
    series = page.evaluate(
        "window.kaoheCharts.map(c => c.getOption().series.map(s => s.data.filter(v => v !== null).length))"
    )
    assert len(series) == declared
    assert all(counts and all(n > 0 for n in counts) for counts in series), series
    # The distribution chart: bars for the actual share and a line for the target.
    kinds = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart-distribution')).getOption().series.map(s => s.type)"
    )
    assert kinds == ["bar", "line"]
    assert "班组排名" in page.content()
    assert errors == [] and remote == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results-dashboard.png"), full_page=True)
    assert (ARTIFACTS / "results-dashboard.png").stat().st_size > 10_000
