"""The API's list endpoints read a page of sheets in a fixed number of queries, whatever
the number of sheets (no query per row). Counts, not times: speed belongs to `make bench`."""

from __future__ import annotations

import pytest

from tests.ui.test_query_counts import _team_of

LIST_MAX_QUERIES = 12


@pytest.mark.parametrize("size", [4, 40])
@pytest.mark.parametrize("endpoint", ["sheets", "kpi-values"])
def test_the_sheet_and_kpi_lists_need_the_same_few_queries_for_4_and_for_40_sheets(
        api_get, org, issue_token, size, endpoint, django_assert_max_num_queries):
    from kaohe.web.appraisal import services as svc

    cycle = _team_of(org, size)
    svc.record_kpi_values(cycle, org.hr, [{"employee": s.employee.code, "kpi": "csat_top2", "value": "90",
                                           "sample_size": 40} for s in cycle.sheets.select_related("employee")])
    token = issue_token("supervisor")
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = api_get(f"/cycles/{cycle.pk}/{endpoint}", token)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == size  # the supervisor's team: one sheet / one value per agent
