"""Chinese wording (and a stable code) for every message an import reports.

The readers, mappings and validators word their findings in English; an import's report
carries each finding as a `kaohe.problems.Problem` with both languages, so the Chinese
upload page shows Chinese. Each pattern below matches one English message (its fields
are reused in the Chinese text). A message no pattern knows keeps a Chinese lead-in
with the English detail, and `tests/ingest/test_ingest_messages.py` checks that every
message the ingest code can produce is known.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TYPE_ZH = {"a number": "数字", "a whole number": "整数", "true/false": "是/否（true/false）",
            "a date-time": "日期时间", "a date": "日期", "text": "文字"}

# (code, English pattern, Chinese template with {1}, {2} … for the pattern's groups)
PATTERNS: list[tuple[str, str, str]] = [
    ("required_empty", r"required value is empty", "必填值为空"),
    ("bad_value", r"not (a number|a whole number|true/false|a date-time|a date|text)( \(YYYY-MM-DD HH:MM:SS\))?",
     "不是{type}{2}"),
    ("not_allowed", r"must be one of (.+)", "取值须为 {1} 之一"),
    ("bad_pattern", r"does not match the pattern (.+)", "不符合格式 {1}"),
    ("below_minimum", r"below the minimum (.+)", "低于最小值 {1}"),
    ("above_maximum", r"above the maximum (.+)", "高于最大值 {1}"),
    ("unknown_employee", r"unknown employee \(not in the org table\)", "未知员工（不在组织表中）"),
    ("order", r"(\S+) is before (\S+)", "{1} 早于 {2}"),
    ("required_when", r"(\S+) is empty although (\S+) is (.+)", "{2} 为 {3} 时 {1} 不能为空"),
    ("file_not_found", r"file not found", "找不到文件"),
    ("no_rows", r"the file has a header but no data rows", "文件只有表头，没有数据行"),
    ("duplicate_key", r"duplicate key \((.+)\); first on row (\d+)", "键重复（{1}），首次出现在第 {2} 行"),
    ("key_conflict", r"key already stored with different values \(batch (.+), row (\d+)\)",
     "该键已以不同的值导入过（批次 {1}，第 {2} 行）"),
    ("unknown_encoding", r"unknown encoding (.+)", "未知的编码 {1}"),
    ("encoding_unknown", r"cannot detect the file's encoding; name it \(e\.g\. --encoding gb18030\)",
     "无法识别文件编码，请指定编码（例如 --encoding gb18030）"),
    ("bad_encoding", r"the file is not valid (\S+): undecodable bytes (.+) at byte (\d+) \(line (\d+)\)(; it looks like (\S+) — re-run with --encoding \S+)?",
     "文件不是有效的 {1} 编码：第 {4} 行（第 {3} 字节）有无法解码的字节 {2}{hint}"),
    ("bad_encoding", r"the file is not valid (\S+)( \(after row (\d+)\))?; name its encoding, e\.g\. --encoding gb18030 \[(.*)\]",
     "文件不是有效的 {1} 编码{after}；请指定编码，例如 --encoding gb18030（{4}）"),
    ("bad_text", r"cannot parse the file as delimited text: (.+)", "无法按分隔文本解析文件：{1}"),
    ("empty_file", r"the file is empty \(0 bytes\)", "文件为空（0 字节）"),
    ("empty_sheet", r"the sheet is empty", "工作表为空"),
    ("no_header", r"the file has no header row", "文件没有表头行"),
    ("bad_xlsx", r"not a readable XLSX workbook: (.+)", "不是可读取的 XLSX 工作簿：{1}"),
    ("bad_parquet", r"not a readable Parquet file: (.+)", "不是可读取的 Parquet 文件：{1}"),
    ("damaged_parquet", r"the Parquet file is damaged near row (\d+): (.+)", "Parquet 文件在第 {1} 行附近损坏：{2}"),
    ("field_count", r"row has (\d+) fields, the header has (\d+)", "该行有 {1} 个字段，表头有 {2} 个"),
    ("mapping_column", r"mapping (.+): (\S+) reads column (.+), which is not in (\S+) \(its columns: (.*)\)",
     "映射 {1}：{2} 读取的列 {3} 不在 {4} 中（文件的列：{5}）"),
    ("mapping_defect", r"mapping (.+): defect (\S+) reads column (.+), which is not in (\S+)",
     "映射 {1}：数据缺陷 {2} 读取的列 {3} 不在 {4} 中"),
    ("missing_column", r"required columns? (.+) of table (\S+) (?:is|are) missing from (\S+)( \(its columns: (.*)\))?",
     "文件 {3} 缺少表 {2} 的必需列 {1}{columns}"),
    ("mapping_not_found", r"mapping file (.+) not found \(bundled: (.*)\)", "找不到映射文件 {1}（内置映射：{2}）"),
    ("mapping_table", r"mapping (.*): needs a 'table' key", "映射 {1} 缺少 table 键"),
    ("mapping_target", r"mapping (.*): (.+) is not a column of (\S+)(.*)", "映射 {1}：{2} 不是表 {3} 的列{4}"),
    ("mapping_spec", r"(\S+): (?:a column spec must be a column name or a mapping|unknown column spec), got (.+)|"
     r"(\S+): unknown column spec (.+)", "列定义无效：{0}"),
    ("mapping_condition", r"defect condition (.+) needs one of in/eq/lt/gt", "数据缺陷条件 {1} 须使用 in/eq/lt/gt 之一"),
    ("interval_mapping", r"the report's columns match no bundled interval mapping \((.*)\); give one with --mapping",
     "报表的列与内置的区间报表映射（{1}）都不符；请用 --mapping 指定映射"),
]
_COMPILED = [(code, re.compile(pattern), zh) for code, pattern, zh in PATTERNS]


@lru_cache(maxsize=4096)
def translate(message_en: str) -> tuple[str, str]:
    """(code, Chinese message) for an English ingest message."""
    for code, pattern, zh in _COMPILED:
        match = pattern.fullmatch(message_en)
        if match is None:
            continue
        groups = ["" if g is None else g for g in match.groups()]
        extra = {
            "type": _TYPE_ZH.get(groups[0], groups[0]) if code == "bad_value" else "",
            "hint": f"；看起来是 {groups[5]} 编码，请用 --encoding {groups[5]} 重新导入"
            if code == "bad_encoding" and len(groups) > 5 and groups[5] else "",
            "after": f"（第 {groups[2]} 行之后）" if code == "bad_encoding" and len(groups) > 2 and groups[2] else "",
            "columns": f"（文件的列：{groups[4]}）" if code == "missing_column" and groups[4] else "",
        }
        if code == "bad_value":
            groups[1] = "（格式 YYYY-MM-DD HH:MM:SS）" if groups[1] else ""
        return code, zh.format(message_en, *groups, **extra)
    return "import_error", f"导入错误：{message_en}"
