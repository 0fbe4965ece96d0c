"""The web dashboard in a real browser: served by Django, charts drawn by the vendored ECharts."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.mark.browser
def test_the_director_dashboard_draws_its_charts_from_local_files(world_live, live_server, client, page):
    client.force_login(world_live.director)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/reports/cycle/{world_live.cycles[-1].pk}/")
    page.wait_for_function("window.kaoheCharts && window.kaoheCharts.length === 5")
    assert page.locator("[data-chart] canvas").count() >= 5
    counts = page.evaluate(
        "window.kaoheCharts.map(c => c.getOption().series.reduce((n, s) => n + s.data.filter(v => v !== null).length, 0))"
    )
    assert all(n > 0 for n in counts), counts
    teams = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart-teams')).getOption().yAxis[0].data"
    )
    assert sorted(teams) == ["一组", "三组", "二组"]
    assert errors == [] and outside == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reports-dashboard-web.png"), full_page=True)


@pytest.mark.browser
def test_a_ranking_name_opens_the_score_sheet_in_the_book_layout(world_live, live_server, client, page):
    client.force_login(world_live.hr)
    # The book's column names are the Chinese page's: choose Chinese whatever the browser's own language.
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url},
                              {"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.set_viewport_size({"width": 1300, "height": 900})
    page.goto(f"{live_server.url}/reports/cycle/{world_live.cycles[-1].pk}/")
    page.locator("[data-testid=report-ranking] a").first.click()
    sheet = page.locator("[data-testid=score-sheet]")
    sheet.wait_for()
    headers = sheet.locator("th").all_inner_texts()
    assert headers[6:9] == ["自评", "考评", "审评"]
    assert page.locator("[data-testid=drill-qa_score]").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reports-score-sheet-web.png"), full_page=True)
