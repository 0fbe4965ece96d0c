from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "src" / "kaohe" / "library" / "book_samples"
AGENT = BOOK / "table_9_26_call_center_agent.yaml"
MANAGER = BOOK / "table_9_23_24_cs_manager.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
