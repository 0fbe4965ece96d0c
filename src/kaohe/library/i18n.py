"""Library texts in the reader's language: the `*_en` field when it is written, else the Chinese.

Position files keep Chinese in `definition`, `purpose`, `problem` … and English beside it in
`definition_en`, `purpose_en`, `problem_en` …; pages and exports call `localized` instead of
choosing the field themselves.
"""

from __future__ import annotations

from typing import Any


def localized(obj: Any, name: str, lang: str) -> Any:
    """`obj.<name>_en` for English when it is non-empty, otherwise `obj.<name>` (a str or a list)."""
    if lang.startswith("en"):
        english = getattr(obj, f"{name}_en", None)
        if english:
            return english
    return getattr(obj, name)
