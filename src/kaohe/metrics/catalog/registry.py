"""The KPI registry: one definition per KPI id, built-in or added by a customer.

Built-in KPIs are registered through :func:`register_kpi` exactly as a customer's
own KPI would be, so the catalog has a single path and a single set of checks.

A KPI is implemented in one of two shapes:

- ``parts``: a function ``(base_table, params) -> {"num": expr, "den": expr, "n": expr}``
  of Ibis reductions over a shared *base* (e.g. the calls of the period, already
  cut into buckets). All KPIs over the same base are computed in one aggregation,
  so the calls are scanned once for all call KPIs.
- ``build``: a function ``(ctx, params) -> ibis.Table`` with columns
  ``employee_id, bucket, num, den, n`` (and optionally ``queue``) for KPIs that need
  joins or windows.

Either way the result is additive: roll-ups sum ``num``, ``den`` and ``n``, so a
team value is never an average of agent averages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

UNITS = ("calls", "s", "%", "points", "count", "days", "h")
DIRECTIONS = ("higher", "lower", "band", "none")
KINDS = ("ratio", "total")
_PY_TYPES: dict[str, tuple[type, ...]] = {"int": (int,), "float": (int, float), "str": (str,), "bool": (bool,)}


class KpiError(ValueError):
    """Base class of catalog errors."""


class UnknownKpiError(KpiError, KeyError):
    def __init__(self, kpi_id: str, valid: list[str]):
        self.kpi_id, self.valid = kpi_id, valid
        ValueError.__init__(self, f"unknown KPI id {kpi_id!r}; valid ids: {', '.join(valid)}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class KpiParamError(KpiError):
    def __init__(self, kpi_id: str, problems: list[str], valid: str):
        self.kpi_id, self.problems = kpi_id, problems
        super().__init__(f"KPI {kpi_id!r}: " + "; ".join(problems) + f". Valid parameters: {valid}")


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # int | float | str | bool
    default: Any = None
    required: bool = False
    choices: tuple[Any, ...] | None = None
    min: float | None = None
    doc_zh: str = ""
    doc_en: str = ""

    def describe(self) -> str:
        s = f"{self.name}: {self.type}"
        if self.required:
            s += " (required)"
        else:
            s += f" = {self.default!r}"
        if self.choices:
            s += " one of " + "|".join(map(str, self.choices))
        return s

    def check(self, value: Any) -> str | None:
        if self.type not in _PY_TYPES:
            return f"parameter {self.name!r} has unknown type {self.type!r}"
        if isinstance(value, bool) and self.type != "bool":
            return f"{self.name}={value!r} must be {self.type}"
        if not isinstance(value, _PY_TYPES[self.type]):
            return f"{self.name}={value!r} must be {self.type}"
        if self.choices is not None and value not in self.choices:
            return f"{self.name}={value!r} must be one of {', '.join(map(str, self.choices))}"
        if self.min is not None and isinstance(value, int | float) and value < self.min:
            return f"{self.name}={value!r} must be >= {self.min}"
        return None


@dataclass(frozen=True)
class KpiDefinition:
    id: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    definition_zh: str
    definition_en: str
    formula: str
    sample_zh: str
    sample_en: str
    inputs: tuple[str, ...]  # event tables read (for provenance and docs)
    params: tuple[Param, ...] = ()
    kind: str = "ratio"  # ratio: value = num/den*scale; total: value = num
    scale: float = 1.0
    base: str | None = None
    parts: Callable[..., dict[str, Any]] | None = None
    build: Callable[..., Any] | None = None
    # Denominator given per org member and bucket second instead of from data (seat utilisation).
    denominator_per_member: Callable[[Mapping[str, Any], float], float] | None = None
    levels: tuple[str, ...] = ("agent", "team", "department", "center", "company")
    notes_zh: str = ""
    notes_en: str = ""
    # The same KPI from vendor interval reports (table interval_stats): a function
    # ``(interval_base, params) -> {"num", "den", "n"}`` of sums over the report's counts.
    interval_parts: Callable[..., dict[str, Any]] | None = None
    # Rollups (kaohe.metrics.rollups, docs/rollups.md): True declares that the KPI's num / den / n
    # add up over local days, so they are folded per agent (and queue) and day as batches land and
    # read back for any day-aligned period. False (the default): always computed from the records.
    rollup: bool = False
    # A windowed KPI whose value for a day depends on later days (FCR: repeat calls within N days):
    # the int parameter giving how many days ahead a record reaches.
    rollup_lookahead: str | None = None
    # The columns of its first input table such a windowed KPI reads: kept per local day as a narrow
    # index next to the rollups, so a new day rebuilds the window from the index, not from the records.
    rollup_index: tuple[str, ...] = ()

    def resolve_params(self, given: Mapping[str, Any] | None) -> dict[str, Any]:
        given = dict(given or {})
        known = {p.name: p for p in self.params}
        valid = ", ".join(p.describe() for p in self.params) or "(none)"
        problems = [f"unknown parameter {k!r}" for k in given if k not in known]
        out: dict[str, Any] = {}
        for p in self.params:
            if p.name in given:
                v = given[p.name]
                if p.type == "float" and isinstance(v, int) and not isinstance(v, bool):
                    v = float(v)
                msg = p.check(v)
                if msg:
                    problems.append(msg)
                out[p.name] = v
            elif p.required:
                problems.append(f"parameter {p.name!r} is required")
            else:
                out[p.name] = p.default
        if problems:
            raise KpiParamError(self.id, problems, valid)
        return out


@dataclass(frozen=True, eq=False)
class KpiSpec:
    """A KPI id with its parameters, resolved against the registry."""

    definition: KpiDefinition
    params: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.id, self.params_key))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KpiSpec) and (self.id, self.params_key) == (other.id, other.params_key)

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def params_key(self) -> str:
        return json.dumps(self.params, sort_keys=True, ensure_ascii=False)


_REGISTRY: dict[str, KpiDefinition] = {}


def register_kpi(definition: KpiDefinition, *, replace: bool = False) -> KpiDefinition:
    """Add a KPI to the catalog. Built-ins use this same call."""
    problems: list[str] = []
    if not definition.id or not definition.id.replace("_", "").isalnum() or definition.id != definition.id.lower():
        problems.append("id must be lower_snake_case")
    if definition.unit not in UNITS:
        problems.append(f"unit {definition.unit!r} not one of {', '.join(UNITS)}")
    if definition.direction not in DIRECTIONS:
        problems.append(f"direction {definition.direction!r} not one of {', '.join(DIRECTIONS)}")
    if definition.kind not in KINDS:
        problems.append(f"kind {definition.kind!r} not one of {', '.join(KINDS)}")
    if (definition.parts is None) == (definition.build is None):
        problems.append("give exactly one of parts= or build=")
    if definition.parts is not None and not definition.base:
        problems.append("parts= needs base=")
    for p in definition.params:
        if not p.required:
            msg = p.check(p.default)
            if msg:
                problems.append("default " + msg)
    if definition.id in _REGISTRY and not replace:
        problems.append("already registered (pass replace=True to redefine it)")
    if problems:
        raise KpiError(f"cannot register KPI {definition.id!r}: " + "; ".join(problems))
    _REGISTRY[definition.id] = definition
    return definition


def unregister_kpi(kpi_id: str) -> None:
    _REGISTRY.pop(kpi_id, None)


def get_kpi(kpi_id: str) -> KpiDefinition:
    _ensure_builtins()
    try:
        return _REGISTRY[kpi_id]
    except KeyError:
        raise UnknownKpiError(kpi_id, sorted(_REGISTRY)) from None


def list_kpis() -> list[KpiDefinition]:
    _ensure_builtins()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def kpi_spec(item: Any, params: Mapping[str, Any] | None = None) -> KpiSpec:
    """Turn ``"aht"``, ``("service_level", {...})``, ``{"id": .., "params": ..}`` or a KpiSpec into a KpiSpec."""
    if isinstance(item, KpiSpec):
        return item
    if isinstance(item, tuple) and len(item) == 2:
        item, params = item
    elif isinstance(item, Mapping):
        item, params = item.get("id"), item.get("params")
    if not isinstance(item, str):
        raise KpiError(f"a KPI is named by its id string, got {item!r}")
    d = get_kpi(item)
    return KpiSpec(d, d.resolve_params(params))


_loaded = False


def _ensure_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from kaohe.metrics.catalog import builtins  # noqa: F401  (registers on import)
