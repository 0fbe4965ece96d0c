"""The web personas (tests/web/conftest.py) for the scheme editor's tests."""

from tests.web.conftest import cycle, data_dirs, library, org, sheet  # noqa: F401  (pytest fixtures)
