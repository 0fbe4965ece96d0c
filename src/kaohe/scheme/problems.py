"""One shape for every problem Kaohe finds in a scheme, whether at load or in the checker.

The HR officer who edits a scheme file sees loader errors and checker findings side by
side, so both carry the same fields: a stable id, a level, where it is (file, line,
path of the element) and what it means and how to fix it, in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Problem:
    rule_id: str
    level: Level
    file: str | None
    line: int | None
    path: str
    message_zh: str
    message_en: str
    hint_zh: str = ""
    hint_en: str = ""
    column: int | None = None

    @property
    def location(self) -> str:
        """`file:line:column` as editors and terminals understand it."""
        where = self.file or "<scheme>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self, lang: str = "zh") -> str:
        message = self.message_zh if lang == "zh" else self.message_en
        hint = self.hint_zh if lang == "zh" else self.hint_en
        text = f"{self.location}: {self.level} {self.rule_id} {self.path or '<root>'}: {message}"
        if hint:
            text += f" ({'提示' if lang == 'zh' else 'hint'}: {hint})"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id,
            "level": self.level,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "hint_zh": self.hint_zh,
            "hint_en": self.hint_en,
        }


def format_path(parts: tuple[str | int, ...]) -> str:
    """('categories', 0, 'indicators', 2, 'rule') → 'categories[0].indicators[2].rule'."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


class SchemeLoadError(Exception):
    """A scheme file could not be loaded; `problems` lists every reason at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(p.format("en") for p in problems)
        super().__init__(f"{len(problems)} problem(s) in scheme:\n{lines}")
