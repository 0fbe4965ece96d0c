"""The one shape of every problem Kaohe reports about its input.

A scheme file, a checker finding, an imported CSV or Excel row, a values file, an
employee import or a web form: each problem says where it is (file or sheet, row or
line, column or element path), what the bad value was, what is wrong and how to fix it,
in Chinese and in English. The web app's refusal page and the API's JSON error body
are both built from it (`as_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Problem:
    """One problem. `code` is stable (K001 checker, L002 loader, `bad_number` ingest …).

    - `file`: the file name (or upload name); `sheet`: the worksheet of a workbook.
    - `line` / `column`: where in a text file (scheme YAML: line and character column).
    - `row` / `column`: where in a table (row as the user sees it, the header is row 1;
      column by its name).
    - `path`: the element of a scheme (`categories[0].indicators[2].rule`) or a form field.
    - `value`: the offending value as text.
    """

    code: str
    level: Level = "error"
    file: str | None = None
    line: int | None = None
    path: str = ""
    message_zh: str = ""
    message_en: str = ""
    hint_zh: str = ""
    hint_en: str = ""
    column: int | str | None = None
    row: int | None = None
    value: str | None = None
    sheet: str | None = None

    def __post_init__(self) -> None:
        if not self.message_zh and self.message_en:
            object.__setattr__(self, "message_zh", self.message_en)
        if not self.message_en and self.message_zh:
            object.__setattr__(self, "message_en", self.message_zh)

    # --- old names ------------------------------------------------------------------------

    @property
    def rule_id(self) -> str:
        return self.code

    @property
    def reason(self) -> str:
        return self.message_en

    @property
    def field(self) -> str:
        return str(self.column) if self.column is not None else self.path

    # --- words ----------------------------------------------------------------------------

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh

    def hint(self, lang: str = "zh") -> str:
        return self.hint_en if lang.startswith("en") else self.hint_zh

    @property
    def location(self) -> str:
        """`file:line:column` for text files, as editors and terminals understand it."""
        where = self.file or "<scheme>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def where(self, lang: str = "zh") -> str:
        """Where the problem is, in words: file, sheet, row, column."""
        en = lang.startswith("en")
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"sheet {self.sheet}" if en else f"工作表 {self.sheet}")
        if self.line is not None:
            parts.append(f"line {self.line}" if en else f"第 {self.line} 行")
        if self.row is not None:
            parts.append(f"row {self.row}" if en else f"第 {self.row} 行")
        if self.column is not None and self.line is None:
            parts.append(f"column {self.column}" if en else f"列 {self.column}")
        elif self.path and self.line is None:
            parts.append(self.path)
        return ", ".join(parts) if en else "，".join(parts)

    def format(self, lang: str = "zh") -> str:
        """One line for a terminal: location, level, code, path, message, hint."""
        en = lang.startswith("en")
        message = self.message(lang)
        hint = self.hint(lang)
        if self.line is None and not _is_rule_id(self.code):  # a file, table or form: "file, row 3, column x: …"
            text = f"{self.where(lang)}: {message}"
            if self.value is not None:
                text += f" (value {self.value!r})" if en else f"（值 {self.value!r}）"
        else:
            text = f"{self.location}: {self.level} {self.code} {self.path or '<root>'}: {message}"
        if hint:
            text += f" ({'hint' if en else '提示'}: {hint})"
        return text

    def __str__(self) -> str:
        return self.format("en")

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of one problem (the API's error body lists these)."""
        return {
            "code": self.code,
            "rule_id": self.code,
            "level": self.level,
            "file": self.file,
            "sheet": self.sheet,
            "line": self.line,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "path": self.path,
            "value": self.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "hint_zh": self.hint_zh,
            "hint_en": self.hint_en,
        }


def _is_rule_id(code: str) -> bool:
    """K001 (checker), L002 (loader), P019 (library): problems of a scheme file, shown editor-style."""
    return len(code) >= 2 and code[0].isupper() and code[1:].isdigit()


def format_path(parts: tuple[str | int, ...]) -> str:
    """('categories', 0, 'indicators', 2, 'rule') → 'categories[0].indicators[2].rule'."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


class ProblemsError(Exception):
    """Input refused: `problems` lists every reason at once (nothing was changed)."""

    def __init__(self, problems: list[Problem], summary_zh: str = "输入有误，未作任何更改",
                 summary_en: str = "The input has errors; nothing was changed") -> None:
        self.problems = problems
        self.summary_zh = summary_zh
        self.summary_en = summary_en
        lines = "\n".join(p.format("en") for p in problems)
        super().__init__(f"{summary_en}: {len(problems)} problem(s):\n{lines}")
