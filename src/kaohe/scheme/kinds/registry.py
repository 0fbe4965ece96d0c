"""The registry of rule kinds: `type:` in a scheme file → the kind that knows that rule.

A *rule kind* (gate, tiers, linear …) is one module under `kaohe.scheme.kinds` or in a
company's own package. It holds the rule's pydantic model and everything else Kaohe
needs to know about it (see `kaohe.scheme.kinds.base.RuleKind`), and registers itself
with `register(MyKind())` when imported. Built-in kinds are registered exactly the same
way; they are the modules of this package (`builtin_modules()`: a new file is a new
kind), imported on the first lookup together with the company's kinds named by the
entry-point group `kaohe.rule_kinds` or the environment variable `KAOHE_RULE_KINDS`
(comma-separated module names).

This module imports neither the scheme models nor the kind modules at import time, so
that `kaohe.scheme.models` can use `AnyRule` as the type of `Indicator.rule`.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

if TYPE_CHECKING:
    from kaohe.scheme.kinds.base import RuleKind

# The built-in kinds are the modules of this package other than these helpers; they load in this
# order (the order of the JSON Schema and the docs), any other module of the package after them.
HELPER_MODULES = frozenset({"base", "registry", "words", "strategies"})
BUILTIN_ORDER = ("gate", "tiers", "linear", "band", "per_occurrence", "veto", "levels", "ratio", "bonus", "manual",
                 "formula")
ENTRY_POINT_GROUP = "kaohe.rule_kinds"
ENV_VAR = "KAOHE_RULE_KINDS"


class RuleModel(BaseModel):
    """Base of every rule's model: `type` names the kind; unknown keys are errors; immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: str


class UnknownRuleKind(LookupError):
    def __init__(self, type_: str) -> None:
        self.type = type_
        super().__init__(f"unknown rule type {type_!r}; known: {', '.join(known_types())}")


_KINDS: dict[str, RuleKind[Any]] = {}
_loading = False
_loaded = False


def register(kind: RuleKind[Any]) -> RuleKind[Any]:
    """Add a kind. Registering a second kind under a taken type is an error (use `unregister` first)."""
    type_ = kind.type
    existing = _KINDS.get(type_)
    if existing is not None and existing is not kind and type(existing) is not type(kind):
        raise ValueError(f"rule type {type_!r} is already registered by {type(existing).__module__}")
    model_type = kind.model.model_fields["type"].annotation
    if getattr(model_type, "__args__", (type_,)) != (type_,):
        raise ValueError(f"{kind.model.__name__}.type must be Literal[{type_!r}]")
    _KINDS[type_] = kind
    return kind


def unregister(type_: str) -> None:
    _KINDS.pop(type_, None)


@contextmanager
def registered(kind: RuleKind[Any]) -> Iterator[RuleKind[Any]]:
    """Register a kind for the duration of a `with` block (tests, previews)."""
    _ensure_loaded()
    register(kind)
    try:
        yield kind
    finally:
        unregister(kind.type)


def _ensure_loaded() -> None:
    global _loading, _loaded
    if _loaded or _loading:
        return
    _loading = True
    try:
        for name in builtin_modules():
            importlib.import_module(name)
        for point in entry_points(group=ENTRY_POINT_GROUP):
            point.load()
        for name in filter(None, (part.strip() for part in os.environ.get(ENV_VAR, "").split(","))):
            importlib.import_module(name)
        _loaded = True
    finally:
        _loading = False


def builtin_modules() -> list[str]:
    """The kind modules shipped in this package: adding a file here adds a built-in kind."""
    here = [m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name not in HELPER_MODULES]
    ordered = sorted(here, key=lambda n: (BUILTIN_ORDER.index(n) if n in BUILTIN_ORDER else len(BUILTIN_ORDER), n))
    return [f"{__package__}.{name}" for name in ordered]


def all_kinds() -> list[RuleKind[Any]]:
    _ensure_loaded()
    return list(_KINDS.values())


def known_types() -> list[str]:
    _ensure_loaded()
    return list(_KINDS)


def get_kind(type_: str) -> RuleKind[Any]:
    _ensure_loaded()
    try:
        return _KINDS[type_]
    except KeyError:
        raise UnknownRuleKind(type_) from None


def kind_of(rule: RuleModel) -> RuleKind[Any]:
    if _loaded:  # scoring asks for every item of every sheet: the registry is complete, look it up
        kind = _KINDS.get(rule.type)
        if kind is not None:
            return kind
    return get_kind(rule.type)


def model_class(class_name: str) -> type[BaseModel] | None:
    """A model of a registered kind's module by class name (`TiersRule`, `Tier`), for old imports."""
    import sys

    for kind in all_kinds():
        if kind.model.__name__ == class_name:
            return kind.model
        found = getattr(sys.modules.get(type(kind).__module__), class_name, None)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return None


# --- the pydantic type of Indicator.rule -------------------------------------------------


def _validate_rule(data: Any) -> RuleModel:
    if isinstance(data, RuleModel):
        if data.type not in _KINDS:
            get_kind(data.type)  # loads the built-ins; raises for a truly unknown type
        return data
    if not isinstance(data, dict):
        raise PydanticCustomError("model_type", "a rule must be a mapping with a type: key")
    type_ = data.get("type")
    if type_ is None:
        raise PydanticCustomError(
            "rule_type_missing", "the rule has no type: (known types: {expected})", {"expected": ", ".join(known_types())}
        )
    try:
        kind = get_kind(str(type_))
    except UnknownRuleKind:
        raise PydanticCustomError(
            "rule_type_unknown",
            "unknown rule type {type!r} (known types: {expected})",
            {"type": str(type_), "expected": ", ".join(known_types())},
        ) from None
    rule: RuleModel = kind.model.model_validate(data)
    return rule


def _serialize_rule(rule: RuleModel, info: core_schema.SerializationInfo) -> Any:
    return rule.model_dump(
        mode=info.mode,
        by_alias=bool(info.by_alias),
        exclude_defaults=info.exclude_defaults,
        exclude_none=info.exclude_none,
        exclude_unset=info.exclude_unset,
    )


class _AnyRule:
    """Pydantic hooks for `AnyRule`: validate by the registry, dump as the concrete rule."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate_rule,
            serialization=core_schema.plain_serializer_function_ser_schema(_serialize_rule, info_arg=True),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        members = [handler(kind.model.__pydantic_core_schema__) for kind in all_kinds()]
        return {"oneOf": members}  # kaohe.scheme.jsonschema names each member and adds the discriminator


AnyRule = Annotated[RuleModel, _AnyRule]
