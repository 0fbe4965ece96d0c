"""The validation report of an upload as people read it: grouped by column and problem, in the
page's language, the first rows of each group on the page and every row in a workbook."""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from .formatting import is_english
from .tablenames import column_title

# English reasons of the ingest layer → Chinese (a reason not listed is shown as it is written)
_PATTERNS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^required value is empty$"), "必填值为空", "A required value is empty"),
    (re.compile(r"^not a number$"), "不是数字", "Not a number"),
    (re.compile(r"^not a whole number$"), "不是整数", "Not a whole number"),
    (re.compile(r"^not true/false$"), "不是“是/否”", "Not true/false"),
    (re.compile(r"^not a date-time.*$"), "不是日期时间（YYYY-MM-DD HH:MM:SS）", "Not a date-time (YYYY-MM-DD HH:MM:SS)"),
    (re.compile(r"^not a date$"), "不是日期", "Not a date"),
    (re.compile(r"^must be one of (.+)$"), "须为以下之一：{0}", "Must be one of {0}"),
    (re.compile(r"^does not match the pattern (.+)$"), "格式不符（{0}）", "Does not match the pattern {0}"),
    (re.compile(r"^below the minimum (.+)$"), "小于下限 {0}", "Below the minimum {0}"),
    (re.compile(r"^above the maximum (.+)$"), "大于上限 {0}", "Above the maximum {0}"),
    (re.compile(r"^unknown employee.*$"), "未知员工（不在组织架构中）", "Unknown employee (not in the org)"),
    (re.compile(r"^duplicate key.*$"), "文件内主键重复", "Duplicate key in the file"),
    (re.compile(r"^key already stored with different values.*$"), "该主键已导入且数值不同",
     "The key is already stored with different values"),
    (re.compile(r"^(\w+) is before (\w+)$"), "{0} 早于 {1}", "{0} is before {1}"),
    (re.compile(r"^(\w+) is empty although (\w+) is (.+)$"), "{2} 时 {0} 不能为空", "{0} is empty although {1} is {2}"),
    (re.compile(r"^the file has a header but no data rows$"), "文件只有表头，没有数据行", "The file has a header but no data rows"),
]


def problem_text(error: dict[str, Any]) -> str:
    """One problem in the page's language (from the error's own texts when it carries both)."""
    en = is_english()
    own = error.get("message_en" if en else "message_zh")
    if own:
        text = str(own)
        return text[:1].upper() + text[1:]
    reason = str(error.get("reason") or "")
    for pattern, zh, en_text in _PATTERNS:
        m = pattern.match(reason)
        if m:
            args = [column_title(a) if re.fullmatch(r"[a-z_]+", a) else a for a in m.groups()]
            return (en_text if en else zh).format(*args)
    return reason


def grouped(errors: list[dict[str, Any]], *, per_group: int = 100,
            counts: list[list[Any]] | None = None) -> list[dict[str, Any]]:
    """Errors grouped by (column, problem): each group with its count and its first rows.

    `counts` ([column, problem in English, n]) gives the true totals when only the first rows
    of each problem were kept."""
    totals = {(str(c or ""), str(cat)): int(n) for c, cat, n in (counts or [])}
    groups: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
    for e in errors:
        text = problem_text(e)
        key = (str(e.get("column") or ""), text)
        g = groups.get(key)
        if g is None:
            category = str(e.get("message_en") or e.get("reason") or "").split(" (")[0]
            g = groups[key] = {"column": column_title(e.get("column")), "problem": text, "count": 0, "rows": [],
                               "total": totals.get((key[0], category))}
        g["count"] += 1
        if len(g["rows"]) < per_group:
            g["rows"].append({"row": e.get("row"), "value": e.get("value")})
    for g in groups.values():
        g["count"] = max(g["count"], g.pop("total") or 0)
    return sorted(groups.values(), key=lambda g: -g["count"])


def first_errors(errors: list[dict[str, Any]], page: int, size: int = 100) -> tuple[list[dict[str, Any]], int]:
    """One page of individual errors, each with its problem in the page's language, and the page count."""
    pages = max(1, (len(errors) + size - 1) // size)
    page = min(max(1, page), pages)
    chunk = errors[(page - 1) * size: page * size]
    return [{"row": e.get("row"), "column": column_title(e.get("column")), "problem": problem_text(e),
             "value": e.get("value")} for e in chunk], pages


def workbook(errors: list[dict[str, Any]]) -> bytes:
    """Every error in one sheet (row, column, problem, value), formula-safe."""
    from io import BytesIO

    from openpyxl import Workbook

    from kaohe.results import safe_cell

    en = is_english()
    wb = Workbook()
    ws = wb.active
    ws.title = "errors" if en else "错误"
    ws.append(["Row", "Column", "Problem", "Value"] if en else ["行", "列", "问题", "值"])
    for e in errors:
        ws.append([e.get("row"), safe_cell(column_title(e.get("column"))), safe_cell(problem_text(e)),
                   safe_cell(e.get("value"))])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
