"""One shape for every problem Kaohe finds in a scheme, whether at load or in the checker.

The HR officer who edits a scheme file sees loader errors and checker findings side by
side, so both carry the same fields: a stable id, a level, where it is (file, line,
path of the element) and what it means and how to fix it, in Chinese and English.
"""

from __future__ import annotations

from kaohe.problems import LEVELS, Level, Problem, format_path

__all__ = ["LEVELS", "Level", "Problem", "SchemeLoadError", "format_path"]


class SchemeLoadError(Exception):
    """A scheme file could not be loaded; `problems` lists every reason at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(p.format("en") for p in problems)
        super().__init__(f"{len(problems)} problem(s) in scheme:\n{lines}")
