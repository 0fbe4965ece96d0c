"""JSON Schema of the scheme language, for editors that validate YAML files as you type."""

from __future__ import annotations

from typing import Any

from kaohe.scheme.models import Scheme

SCHEMA_ID = "https://kaohe.invalid/schemas/scheme.json"


def scheme_json_schema() -> dict[str, Any]:
    schema = Scheme.model_json_schema(mode="validation")
    schema.update(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID,
            "title": "Kaohe appraisal scheme (考核方案)",
        }
    )
    return schema
