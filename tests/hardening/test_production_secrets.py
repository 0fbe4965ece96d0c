"""Issue 12, item 10: production refuses known placeholder secrets, weak keys and missing signing keys;
the OpenAPI docs need a login in production unless configured public."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest

from kaohe.web.audit.checks import check_secrets, secret_key_problem
from tests.hardening.test_security_settings import _manage, _production_env

REPO = Path(__file__).resolve().parents[2]


def _example_secret() -> str:
    text = (REPO / "deploy" / "kaohe.env.example").read_text(encoding="utf-8")
    return re.search(r"^KAOHE_SECRET_KEY=(.*)$", text, re.M).group(1).strip()  # type: ignore[union-attr]


def test_attack_placeholder_secret_from_the_example_env_file_starts_and_passes_the_deploy_check(tmp_path):
    env = _production_env(tmp_path)
    env["KAOHE_SECRET_KEY"] = _example_secret()
    done = _manage(env, "check", "--deploy")
    assert done.returncode != 0
    assert "kaohe.E010" in done.stdout + done.stderr


def test_a_weak_secret_is_refused_in_production(tmp_path):
    env = _production_env(tmp_path)
    env["KAOHE_SECRET_KEY"] = "a" * 60
    done = _manage(env, "check")
    assert done.returncode != 0 and "kaohe.E010" in done.stdout + done.stderr


def test_production_without_an_audit_key_is_refused(tmp_path):
    env = _production_env(tmp_path)
    del env["KAOHE_AUDIT_KEY"]
    done = _manage(env, "check")
    assert done.returncode != 0 and "kaohe.E012" in done.stdout + done.stderr


@pytest.mark.parametrize("key", ["kaohe-dev-only-insecure-key-never-in-production", "django-insecure-abc",
                                 "change-me-to-50-random-characters", "short"])
def test_known_placeholders_and_short_keys_are_named(key):
    assert secret_key_problem(key)


def test_a_random_key_passes():
    assert secret_key_problem(secrets.token_urlsafe(50)) is None


def test_debug_is_not_checked(settings):
    settings.PRODUCTION = False
    settings.SECRET_KEY = "change-me"
    assert check_secrets() == []


def test_the_openapi_docs_need_a_login_in_production(client, settings, db):
    settings.PRODUCTION = True
    settings.KAOHE_API_DOCS_PUBLIC = False
    for path in ("/api/v1/openapi.json", "/api/v1/docs"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path
    settings.KAOHE_API_DOCS_PUBLIC = True
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_the_openapi_docs_open_for_a_logged_in_user_and_in_development(client, settings, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="pw-reader-x")
    settings.PRODUCTION = True
    settings.KAOHE_API_DOCS_PUBLIC = False
    client.force_login(reader)
    assert client.get("/api/v1/openapi.json").status_code == 200
    client.logout()
    settings.PRODUCTION = False
    assert client.get("/api/v1/openapi.json").status_code == 200
