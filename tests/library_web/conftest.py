"""The library pages' tests reuse the web personas (tests/web/conftest.py) and read the real book."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.conftest import cycle, data_dirs, library, org, sheet  # noqa: F401  (pytest fixtures)


@pytest.fixture
def book() -> Iterator[None]:
    """The book as shipped (the personas' fixture gives the web tests a one-position library)."""
    from kaohe.library import default_library
    from kaohe.web.appraisal import library_bridge

    lib = default_library()
    with library_bridge.override(positions=[e.position for e in lib], schemes=lib.schemes):
        yield
