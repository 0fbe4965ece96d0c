"""Hardening tests reuse the web personas (tests/web/conftest.py).

Production hashes passwords with Argon2 (deliberately slow); the personas fixture creates
a dozen users per test, so these tests use a fast hasher. The production order is
checked in test_security_settings against the settings module itself.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import cycle, data_dirs, library, org, sheet  # noqa: F401  (pytest fixtures)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = FAST_HASHERS
