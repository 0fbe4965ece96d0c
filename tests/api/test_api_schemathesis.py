"""schemathesis against the API's own OpenAPI document: no 500s, every response matches its schema.

The app runs in-process (WSGI) on the test database, with an HR token that holds every
scope, so the generated requests reach the real views instead of stopping at 401.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

OPENAPI_PATH = "/api/v1/openapi.json"


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():  # type: ignore[no-untyped-def]
    """schemathesis calls the WSGI app directly, outside Django's test client, so the
    request signals would close the database connection the test transaction runs in
    (on PostgreSQL). Disconnect them for the test, as Django's own test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _schema():  # type: ignore[no-untyped-def]
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi(OPENAPI_PATH, get_wsgi_application())


@pytest.mark.django_db
def test_the_openapi_document_lists_every_endpoint(client):
    doc = client.get(OPENAPI_PATH).json()
    paths = set(doc["paths"])
    assert {"/api/v1/records/{table}", "/api/v1/cycles", "/api/v1/cycles/{cycle_id}/kpi-values",
            "/api/v1/cycles/{cycle_id}/sheets", "/api/v1/sheets/{sheet_id}", "/api/v1/cycles/{cycle_id}/results",
            "/api/v1/audit", "/api/v1/sheets/{sheet_id}/ratings"} <= paths
    assert "BearerAuth" in str(doc["components"]["securitySchemes"]) or doc["components"]["securitySchemes"]


@pytest.mark.django_db
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(org, cycle, sheet, issue_token):
    from schemathesis.specs.openapi import checks as oa_checks

    from kaohe.web.appraisal import services as svc

    svc.record_kpi_values(cycle, org.hr, [{"employee": "A001", "kpi": "csat_top2", "value": "88", "sample_size": 12,
                                           "unit": "%"}])
    token = issue_token("hr")
    schema = _schema()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    checks = [schemathesis.checks.not_a_server_error, oa_checks.response_schema_conformance,
              oa_checks.status_code_conformance, oa_checks.content_type_conformance]
    real_ids = {"cycle_id": cycle.pk, "sheet_id": sheet.pk, "table": "calls"}
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        # once with generated ids (mostly unknown ones), once pinned to real objects so the views do real work
        for pinned in ({}, {k: v for k, v in real_ids.items() if k in names}):
            @settings(max_examples=12, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(path_parameters=pinned or None))
            def run(case):  # type: ignore[no-untyped-def]
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)

            run()
