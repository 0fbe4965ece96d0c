"""JSON Schema of the scheme language, for editors that validate YAML files as you type.

The rules of `Indicator.rule` are the registered rule kinds (`kaohe.scheme.kinds`): each
kind's model becomes one `$defs` entry, chosen by its `type`.
"""

from __future__ import annotations

from typing import Any

from kaohe.scheme.kinds.registry import all_kinds
from kaohe.scheme.models import Scheme

SCHEMA_ID = "https://kaohe.invalid/schemas/scheme.json"


def _rules_as_definitions(schema: dict[str, Any]) -> None:
    """Give every rule kind's model its own `$defs` entry and a discriminator on `type`."""
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    rule = defs["Indicator"]["properties"]["rule"]
    members: list[dict[str, Any]] = []
    mapping: dict[str, str] = {}
    for kind, member in zip(all_kinds(), rule.get("oneOf", []), strict=True):
        name = kind.model.__name__
        if "$ref" not in member:
            defs[name] = member
            member = {"$ref": f"#/$defs/{name}"}
        members.append(member)
        mapping[kind.type] = member["$ref"]
    rule["oneOf"] = members
    rule["discriminator"] = {"propertyName": "type", "mapping": mapping}


def scheme_json_schema() -> dict[str, Any]:
    schema = Scheme.model_json_schema(mode="validation")
    _rules_as_definitions(schema)
    schema.update(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID,
            "title": "Kaohe appraisal scheme (考核方案)",
        }
    )
    return schema
