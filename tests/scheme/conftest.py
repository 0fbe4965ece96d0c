"""Builders for small schemes, so each test states only what it is about."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

from kaohe.scheme.models import Scheme

REPO = Path(__file__).resolve().parents[2]
BOOK = REPO / "src" / "kaohe" / "library" / "book_samples"


def shared_dir() -> Path:
    return Path(os.environ.get("KAOHE_SHARED_DIR") or REPO / ".." / "shared")


EXPLANATION = {"definition": "d", "formula": "f", "data_source": "s", "frequency": "monthly"}


def indicator(id: str, weight: Any = 50, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": id,
        "name": {"zh": f"指标{id}", "en": id},
        "weight": weight,
        "unit": "%",
        "direction": "higher",
        "source": {"kind": "kpi", "kpi": "qa_avg"},
        "standard": "目标 80",
        "rule": {"type": "ratio", "target": 100, "full": 100, "cap": 100},
        "explanation": dict(EXPLANATION),
    }
    data.update(overrides)
    return data


def scheme_data(*categories: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    if not categories:
        categories = (category("perf", 100, [indicator("a", 50), indicator("b", 50)]),)
    data: dict[str, Any] = {
        "id": "test_scheme",
        "name": {"zh": "测试方案"},
        "position": "agent",
        "level": "specialist",
        "period": "monthly",
        "categories": list(categories),
    }
    data.update(overrides)
    return copy.deepcopy(data)


def category(id: str, weight: Any, indicators: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    return {"id": id, "name": {"zh": f"类别{id}"}, "weight": weight, "indicators": indicators, **overrides}


def build(data: dict[str, Any]) -> Scheme:
    return Scheme.model_validate(data)


@pytest.fixture
def book() -> Path:
    return BOOK
