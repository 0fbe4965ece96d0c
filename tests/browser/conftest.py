"""Playwright against Debian's chromium and a pytest-django live server.

Playwright never downloads a browser here: every launch points at /usr/bin/chromium
(installed by `make test` through scripts/install_system_deps.sh). Screenshots of
each step are kept under test-artifacts/screenshots/<test name>/ for review.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# The web personas (one org, one agent sheet on a small test scheme) drive the browser tests too.
from tests.web.conftest import cycle, data_dirs, library, org, sheet  # noqa: F401  (pytest fixtures)

# Playwright's sync API runs an event loop in the test thread; Django then refuses
# ORM calls from that thread unless told it is safe (it is: one test thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None,
                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    """The browser suite's SQLite test database is a file, as in production, not shared-cache memory.

    Background jobs (checking and loading an upload) write from their own thread while the live
    server's thread reads the job's progress. In-memory SQLite with a shared cache answers a second
    writer with "database table is locked" at once (its busy timeout does not apply to table locks),
    so jobs would have to run inline; with a file, writers wait for each other as they do in
    production (settings' 20 s timeout). PostgreSQL runs need nothing here.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("browser-db") / "kaohe.sqlite3")


@pytest.fixture(autouse=True)
def background_jobs(settings, data_dirs):  # type: ignore[no-untyped-def]  # noqa: F811
    """Uploads are checked and loaded in a background thread, as in production (the quick suites
    run them inline: their in-memory SQLite cannot take a second writer)."""
    settings.KAOHE_JOBS_INLINE = False


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian chromium is missing: run `make test` as root, or "
            "`apt-get update && apt-get install -y chromium` (Playwright must not download one)."
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # Chinese is the default UI language; the browser says so too, like our users' browsers.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def output_path(request: pytest.FixtureRequest) -> str:
    # Playwright's own failure artefacts (traces, videos) go next to our screenshots.
    return str(REPO / "test-artifacts" / "playwright" / _slug(request.node.name))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Iterator[Callable]:
    """shot(page, "label") saves a numbered full-page screenshot for this test."""
    folder = SCREENSHOTS / _slug(request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 1000))

    def take(page, label: str) -> Path:
        path = folder / f"{next(counter):02d}-{_slug(label)}.png"
        try:
            page.screenshot(path=str(path), full_page=True, timeout=15_000)
        except PlaywrightTimeout:
            # a page that reloads itself (a check in progress reloads when its job ends) can be caught
            # between two documents: take the picture again once the next one has loaded
            page.wait_for_load_state("load")
            page.screenshot(path=str(path), full_page=True)
        return path

    yield take
