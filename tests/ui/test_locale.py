"""Chinese is the default language: every page text must have its Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "src" / "kaohe" / "web" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[tuple[str, str, str]]:
    """(flags, msgid, msgstr) per entry; plural entries give msgid_plural and msgstr[0]."""
    found = []
    for block in text.split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        # a plural entry is checked against its plural form (Chinese has a single form)
        mid = re.search(r'^msgid_plural ((?:".*"\n?)+)', block, re.M) or re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        mstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if mid and mstr:
            join = lambda m: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))  # noqa: E731
            found.append((flags, join(mid), join(mstr)))
    return found


def test_every_page_text_has_a_chinese_translation():
    entries = [e for e in _entries(PO.read_text(encoding="utf-8")) if e[1]]
    assert len(entries) > 100
    assert [mid for flags, mid, msgstr in entries if not msgstr] == []
    assert [mid for flags, mid, msgstr in entries if "fuzzy" in flags] == []


def test_placeholders_survive_translation():
    for _flags, mid, msgstr in _entries(PO.read_text(encoding="utf-8")):
        assert sorted(re.findall(r"%\(\w+\)[sd]", mid)) == sorted(re.findall(r"%\(\w+\)[sd]", msgstr)), mid


def test_the_compiled_catalogue_is_not_older_than_its_source():
    mo = PO.with_suffix(".mo")
    assert mo.exists(), "run: .venv/bin/python manage.py compilemessages --ignore .venv --ignore node_modules"
    assert mo.stat().st_mtime >= PO.stat().st_mtime - 1
