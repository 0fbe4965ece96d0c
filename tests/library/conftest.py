from __future__ import annotations

import pytest

from kaohe.library import Library, load_library


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()
