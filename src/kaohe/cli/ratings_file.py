"""Read the ratings CSV of `kaohe score --data`: one row per submitted rating.

Columns: `employee_id`, `indicator`, `role` (self, supervisor, reviewer, peer, customer,
qa), `rater` (who rated: needed for the 360 minimum), `score` (may be empty when the
rater only entered counts), `counts` (optional: `late=1;absent=0`). Every problem is
reported at once with its row and column; nothing is scored when there is one.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kaohe.problems import Problem, ProblemsError
from kaohe.scheme.models import RaterRole
from kaohe.scoring.inputs import RatingEntry

COLUMNS = ("employee_id", "indicator", "role", "rater", "score")
ROLES = {r.value for r in RaterRole}


def _problem(file: str, row: int | None, column: str | None, zh: str, en: str, value: str | None = None) -> Problem:
    return Problem("bad_rating", file=file, row=row, column=column, message_zh=zh, message_en=en, value=value)


def read_ratings(path: Path | str) -> dict[str, list[RatingEntry]]:
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError([_problem(file, None, None, f"无法读取文件：{exc}", f"cannot read the file: {exc}")]) from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    problems: list[Problem] = []
    header = next(csv.reader(io.StringIO(text)), [])
    for column in COLUMNS:
        if column not in header:
            problems.append(_problem(file, 1, column, f"缺少 {column} 列", f"the {column} column is missing"))
    if problems:
        raise ProblemsError(problems)
    found: dict[str, list[RatingEntry]] = defaultdict(list)
    for number, row in enumerate(rows, start=2):
        entry = _entry(file, number, row, problems)
        if entry is not None:
            found[row["employee_id"].strip()].append(entry)
    if problems:
        raise ProblemsError(problems)
    return dict(found)


def _entry(file: str, number: int, row: dict[str, str], problems: list[Problem]) -> RatingEntry | None:
    before = len(problems)
    role = (row.get("role") or "").strip()
    if role not in ROLES:
        problems.append(_problem(file, number, "role", f"评分角色须为 {'、'.join(sorted(ROLES))} 之一",
                                 f"the role must be one of {', '.join(sorted(ROLES))}", role))
    for column in ("employee_id", "indicator"):
        if not (row.get(column) or "").strip():
            problems.append(_problem(file, number, column, f"{column} 不能为空", f"{column} is empty"))
    score: Decimal | None = None
    raw = (row.get("score") or "").strip()
    if raw:
        try:
            score = Decimal(raw)
        except InvalidOperation:
            problems.append(_problem(file, number, "score", "评分不是数字", "the score is not a number", raw))
    counts: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in (row.get("counts") or "").split(";"))):
        name, _, n = part.partition("=")
        if not name.strip() or not n.strip().isdigit():
            problems.append(_problem(file, number, "counts", "计数须写成 名称=次数，用分号分隔",
                                     "counts are written name=n, separated by semicolons", part))
        else:
            counts[name.strip()] = int(n)
    if len(problems) > before:
        return None
    rater = (row.get("rater") or "").strip() or None
    return RatingEntry(row["indicator"].strip(), role, score, rater, counts)
