"""The pieces every checker rule is made of, shared by `kaohe.scheme.checker` and the rule kinds.

A checker rule has a stable id (K001 …), a default level, a title and a fix hint in
Chinese and English. Generic rules are `CheckRule` subclasses in the checker; a rule
kind yields its own findings from `RuleKind.check`, each naming the checker rule id it
belongs to (`Finding.rule_id`), and declares ids only it uses in `RuleKind.check_rules`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from kaohe.problems import Level
from kaohe.scheme.models import Scheme
from kaohe.scheme.rules_support import Item, PathKey

__all__ = ["CheckRule", "CheckSpec", "Context", "Finding", "Item", "PathKey"]


@dataclass(frozen=True)
class Finding:
    path: PathKey
    message_zh: str
    message_en: str
    level: Level | None = None  # None: the rule's default level
    rule_id: str | None = None  # set by rule kinds: the checker rule the finding belongs to


@dataclass(frozen=True)
class Context:
    scheme: Scheme
    kpi_ids: frozenset[str]


@dataclass(frozen=True)
class CheckSpec:
    """A checker rule's id, default level, title and hint (what `docs/scheme-language.md` lists)."""

    id: str
    level: Level
    title_zh: str
    title_en: str
    hint_zh: str
    hint_en: str


class CheckRule:
    id: ClassVar[str]
    level: ClassVar[Level] = "error"
    title_zh: ClassVar[str]
    title_en: ClassVar[str]
    hint_zh: ClassVar[str]
    hint_en: ClassVar[str]

    def check(self, ctx: Context) -> Iterator[Finding]:
        raise NotImplementedError

    @classmethod
    def spec(cls) -> CheckSpec:
        return CheckSpec(cls.id, cls.level, cls.title_zh, cls.title_en, cls.hint_zh, cls.hint_en)
