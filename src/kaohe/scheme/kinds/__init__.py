"""Rule kinds: one module per `type:` of scoring rule, looked up through one registry.

    from kaohe.scheme.kinds import kind_of
    kind_of(indicator.rule).describe(indicator.rule, indicator.unit, "en")

See `kaohe.scheme.kinds.base.RuleKind` for what a kind holds, and CONTRIBUTING.md for
how to add one. The built-in kinds are imported on the first lookup.
"""

from kaohe.scheme.kinds.base import EditorParam, RuleInput, RuleKind
from kaohe.scheme.kinds.registry import (
    AnyRule,
    RuleModel,
    UnknownRuleKind,
    all_kinds,
    get_kind,
    kind_of,
    known_types,
    register,
    registered,
    unregister,
)

__all__ = [
    "AnyRule",
    "EditorParam",
    "RuleInput",
    "RuleKind",
    "RuleModel",
    "UnknownRuleKind",
    "all_kinds",
    "get_kind",
    "kind_of",
    "known_types",
    "register",
    "registered",
    "unregister",
]
