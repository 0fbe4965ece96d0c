"""API tests reuse the web personas (tests/web/conftest.py) and add integration tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.web.conftest import cycle, data_dirs, library, org, sheet  # noqa: F401  (pytest fixtures)

ALL_SCOPES = ["records:write", "kpis:read", "sheets:read", "results:read", "audit:read", "ratings:write"]


@pytest.fixture
def issue_token(org) -> Callable[..., str]:  # type: ignore[no-untyped-def]
    """Issue a token acting as one of the personas; returns the raw bearer token."""
    from kaohe.web.api.models import IntegrationToken

    def issue(persona: str = "hr", scopes: list[str] | None = None, days: int = 30) -> str:
        _, raw = IntegrationToken.issue(name=f"test {persona}", company=org.company,
                                        acting_user=getattr(org, persona),
                                        scopes=ALL_SCOPES if scopes is None else scopes, days=days)
        return raw

    return issue


@pytest.fixture
def api_get(client) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    def get(path: str, token: str | None, **params: Any) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return client.get("/api/v1" + path, params, **headers)

    return get


@pytest.fixture
def api_post(client) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    def post(path: str, token: str | None, body: Any) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return client.post("/api/v1" + path, body, content_type="application/json", **headers)

    return post


def assert_error_shape(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"code", "status", "message_zh", "message_en", "details"}
    assert err["status"] == status
    assert err["message_zh"] and err["message_en"]
    if code is not None:
        assert err["code"] == code
    return err  # type: ignore[no-any-return]
