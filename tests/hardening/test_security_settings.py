"""Production security settings: the deploy check, headers, CSP, login throttling, hashing."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

REPO = Path(__file__).resolve().parents[2]
GOOD = secrets.token_urlsafe(16)  # a fresh password per run, never a literal in the repo


def _production_env(tmp_path: Path) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    # a production process has no KAOHE_* leftovers and never allows async-unsafe ORM calls
    # (the test runner sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("KAOHE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({
        "KAOHE_ENV": "production", "KAOHE_DEBUG": "false",
        "KAOHE_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "KAOHE_ALLOWED_HOSTS": "kaohe.example", "KAOHE_CSRF_TRUSTED_ORIGINS": "https://kaohe.example",
        "KAOHE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kaohe.web.settings",
        # signing keys outside the database (kaohe.web.keys): production refuses to run without them
        "KAOHE_AUDIT_KEY": "prod1:" + secrets.token_urlsafe(40),
        "KAOHE_BACKUP_KEY": "prod1:" + secrets.token_urlsafe(40),
    })
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "manage.py"), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    done = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_deploy_check_fails_without_production_settings(tmp_path):
    # the check above can fail: the development defaults (DEBUG, dev key, plain cookies) are flagged
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOHE_")}
    env.update({"KAOHE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kaohe.web.settings"})
    done = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "security.W018" in done.stderr + done.stdout  # DEBUG on


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["KAOHE_SECRET_KEY"]
    done = _manage(env, "check")
    assert done.returncode != 0
    assert "KAOHE_SECRET_KEY" in done.stderr


def test_production_settings_turn_on_https_only_cookies_and_hsts(tmp_path):
    code = ("from django.conf import settings as s; import django; django.setup(); "
            "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
            " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_PROXY_SSL_HEADER,"
            " s.CSRF_TRUSTED_ORIGINS, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=_production_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "31536000", "True", "True",
                                   "('HTTP_X_FORWARDED_PROTO',", "'https')", "['https://kaohe.example']",
                                   "Argon2PasswordHasher"]


def test_argon2_is_the_first_password_hasher():
    from kaohe.web import settings as kaohe_settings

    assert kaohe_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_security_headers(client):
    response = client.get("/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline scripts, no CDN
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in csp  # nothing from another origin
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_ui_templates_have_no_inline_scripts():
    """Inline <script> code would be blocked by script-src 'self'; JSON data blocks are fine."""
    import re

    offenders = []
    for root in (REPO / "src/kaohe/web/ui/templates", REPO / "src/kaohe/web/reports/templates"):
        for tpl in root.rglob("*.html"):
            text = tpl.read_text(encoding="utf-8")
            for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
                offenders.append(f"{tpl.relative_to(REPO)}: {m.group(0)}")
    assert offenders == []


@pytest.mark.django_db
def test_login_page_locks_a_user_name_after_repeated_failures(client, settings):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("agent7", password=GOOD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/login/", {"username": "agent7", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post("/login/", {"username": "agent7", "password": "wrong"})
    assert response.status_code == 429
    # locked: even the right password is refused during the cool-off
    response = client.post("/login/", {"username": "agent7", "password": GOOD})
    assert response.status_code == 429
    # … but only for that user name from that address
    other = client.post("/login/", {"username": "agent7", "password": GOOD},
                        REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


@pytest.mark.django_db
def test_login_page_accepts_the_right_password(client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("agent8", password=GOOD)
    client.post("/login/", {"username": "agent8", "password": "wrong"})
    response = client.post("/login/", {"username": "agent8", "password": GOOD})
    assert response.status_code == 302
    assert client.get("/me/").status_code != 302  # logged in: not sent back to the login page


@pytest.mark.django_db
def test_throttling_works_on_a_request_without_an_address():
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("agent9", password=GOOD)
    request = RequestFactory().post("/login/")
    del request.META["REMOTE_ADDR"]
    assert authenticate(request, username="agent9", password=GOOD) is not None
    for _ in range(6):
        assert authenticate(request, username="agent9", password="wrong") is None
    assert authenticate(request, username="agent9", password=GOOD) is None  # locked


@pytest.mark.django_db
def test_force_login_is_not_throttled(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("agent10", password=GOOD)
    client.force_login(user)
    assert client.get("/me/").status_code != 302


def test_client_ip_uses_the_proxy_hop_only_when_a_proxy_is_configured(settings, monkeypatch):
    from kaohe.web import settings as kaohe_settings

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.1",
                                   REMOTE_ADDR="127.0.0.1")
    monkeypatch.setattr(kaohe_settings, "KAOHE_PROXY_COUNT", 0)
    assert kaohe_settings._client_ip(request) == "127.0.0.1"  # a forged header is ignored
    monkeypatch.setattr(kaohe_settings, "KAOHE_PROXY_COUNT", 1)
    assert kaohe_settings._client_ip(request) == "198.51.100.1"  # the address nginx saw


INLINE_HANDLER = r"""\son[a-z]+\s*=\s*["']"""


def _inline_handlers() -> list[str]:
    import re

    found = []
    for root in (REPO / "src/kaohe/web/ui/templates", REPO / "src/kaohe/web/reports/templates"):
        for tpl in sorted(root.rglob("*.html")):
            for n, line in enumerate(tpl.read_text(encoding="utf-8").splitlines(), start=1):
                if re.search(INLINE_HANDLER, line):
                    found.append(f"{tpl.relative_to(REPO)}:{n}")
    return found


def test_templates_have_no_inline_event_handlers():
    """onclick= / onchange= attributes are inline scripts too: the CSP blocks them, so the page
    would silently lose that behaviour. The pages use data attributes and kaohe.js instead."""
    assert _inline_handlers() == []


def test_production_refuses_to_start_in_debug_mode(tmp_path):
    env = _production_env(tmp_path)
    env["KAOHE_DEBUG"] = "true"
    done = _manage(env, "check")
    assert done.returncode != 0
    assert "KAOHE_DEBUG=false" in done.stderr
