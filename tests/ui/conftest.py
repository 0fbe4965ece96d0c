"""The pages' tests reuse the web personas (tests/web/conftest.py): one org, one agent sheet."""

from tests.web.conftest import cycle, data_dirs, library, org, sheet  # noqa: F401  (pytest fixtures)
