"""Findings a library keeps on purpose, so that `kaohe lint` on the library reads clean.

The book's sample tables (表9-23 … 表9-27) are transcribed as printed, defects included:
their weights that do not add up, their tier gaps and the 表9-23 "去年同期" boundary are
what the checker is there to find. A directory may list such findings in a file named
`kaohe-lint-accepted.yaml`; each entry names the file (relative to that directory), the
checker code, the element path and why it is kept:

    - file: table_9_26_call_center_agent.yaml
      code: K002
      path: categories[0].indicators
      reason_zh: 书中原表权重合计 95%，照原样保留
      reason_en: the printed weights add up to 95 %; kept as printed

`kaohe lint` still prints every accepted finding, with its code, place and the reason,
but at the `info` level, so it no longer counts as an error; `--all-errors` reports them at
their own level. A listed finding the checker no longer reports is itself a warning (the
list must not outlive the defects it excuses).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from kaohe.problems import Problem

ACCEPTED_FILE = "kaohe-lint-accepted.yaml"


@dataclass(frozen=True)
class Accepted:
    file: Path  # absolute
    code: str
    path: str
    reason_zh: str
    reason_en: str


def load_accepted(directory: Path) -> tuple[list[Accepted], list[Problem]]:
    """The accepted findings listed in `directory`, and any problems reading the list."""
    listing = directory / ACCEPTED_FILE
    if not listing.is_file():
        return [], []
    problems: list[Problem] = []
    try:
        raw = yaml.safe_load(listing.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [], [Problem("L001", file=str(listing), line=(mark.line + 1) if mark else None,
                            message_zh=f"YAML 语法错误：{exc}", message_en=f"YAML syntax error: {exc}",
                            hint_zh="修正该文件的 YAML 语法", hint_en="fix the file's YAML syntax")]
    if not isinstance(raw, list):
        raw = [raw]
    entries: list[Accepted] = []
    for index, item in enumerate(raw):
        needed = ("file", "code", "path", "reason_zh", "reason_en")
        missing = [key for key in needed if not isinstance(item, dict) or not str(item.get(key, "")).strip()]
        if missing:
            problems.append(Problem(
                "L002", file=str(listing), path=f"[{index}]",
                message_zh=f"已接受的问题缺少字段：{'、'.join(missing)}",
                message_en=f"an accepted finding lacks: {', '.join(missing)}",
                hint_zh="每项写明 file、code、path 和中英文理由", hint_en="give file, code, path and the reason in both languages"))
            continue
        entries.append(Accepted((directory / str(item["file"])).resolve(), str(item["code"]), str(item["path"]),
                                str(item["reason_zh"]), str(item["reason_en"])))
    return entries, problems


def apply_accepted(problems: list[Problem], accepted: list[Accepted], linted: set[Path]) -> list[Problem]:
    """Mark the accepted findings as `info` with their reason; warn about stale entries.

    `linted`: the files checked in this run (resolved); only their entries can be stale.
    """
    used: set[int] = set()
    out: list[Problem] = []
    for problem in problems:
        where = Path(problem.file).resolve() if problem.file else None
        match = next((i for i, a in enumerate(accepted)
                      if a.file == where and a.code == problem.code and a.path == problem.path), None)
        if match is None:
            out.append(problem)
            continue
        used.add(match)
        entry = accepted[match]
        out.append(replace(
            problem, level="info",
            message_zh=f"{problem.message_zh}（已接受：{entry.reason_zh}）",
            message_en=f"{problem.message_en} (accepted: {entry.reason_en})"))
    for i, entry in enumerate(accepted):
        if i not in used and entry.file in linted:
            out.append(Problem(
                "L010", level="warning", file=str(entry.file), path=entry.path,
                message_zh=f"{ACCEPTED_FILE} 接受的 {entry.code} 已不再出现",
                message_en=f"{entry.code} is listed in {ACCEPTED_FILE} but no longer reported",
                hint_zh=f"从 {ACCEPTED_FILE} 删除这一项", hint_en=f"remove the entry from {ACCEPTED_FILE}"))
    return out
