"""One Problem type: scheme loader, checker, ingest, values files, pay files and web forms report with it,
in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaohe.metrics.ingest import import_file
from kaohe.metrics.ingest.messages import PATTERNS, translate
from kaohe.metrics.store import Store
from kaohe.problems import Problem
from kaohe.scheme import SchemeLoadError, load_scheme_text


@pytest.mark.parametrize(
    ("english", "code", "chinese"),
    [
        ("required value is empty", "required_empty", "必填值为空"),
        ("not a number", "bad_value", "不是数字"),
        ("not a date-time (YYYY-MM-DD HH:MM:SS)", "bad_value", "不是日期时间（格式 YYYY-MM-DD HH:MM:SS）"),
        ("must be one of inbound, outbound", "not_allowed", "取值须为 inbound, outbound 之一"),
        ("below the minimum 0", "below_minimum", "低于最小值 0"),
        ("unknown employee (not in the org table)", "unknown_employee", "未知员工（不在组织表中）"),
        ("duplicate key (c1); first on row 3", "duplicate_key", "键重复（c1），首次出现在第 3 行"),
        ("ended_at is before started_at", "order", "ended_at 早于 started_at"),
        ("row has 3 fields, the header has 5", "field_count", "该行有 3 个字段，表头有 5 个"),
        ("the file is empty (0 bytes)", "empty_file", "文件为空（0 字节）"),
    ],
)
def test_ingest_messages_read_in_chinese(english: str, code: str, chinese: str) -> None:
    assert translate(english) == (code, chinese)


def test_every_pattern_has_chinese_and_an_unknown_message_keeps_a_chinese_lead() -> None:
    assert all(zh and not zh.isascii() for _, _, zh in PATTERNS)
    assert translate("something new") == ("import_error", "导入错误：something new")


def test_an_import_reports_every_bad_row_in_both_languages(tmp_path: Path) -> None:
    csv = tmp_path / "surveys.csv"
    csv.write_text(
        "survey_id,agent_id,customer_id,call_id,ticket_id,answered_at,csat,nps\n"
        "s1,A001,c1,,,2026-10-03 10:00:00,five,9\n"
        "s2,A001,c2,,,not a time,4,8\n",
        encoding="utf-8",
    )
    report = import_file(csv, Store(tmp_path / "store"), table="surveys")
    assert not report.ok
    assert all(isinstance(e, Problem) and e.message_zh and e.message_en for e in report.errors)
    by_row = {e.row: e for e in report.errors}
    assert by_row[2].column == "csat" and by_row[2].value == "five" and by_row[2].message_zh == "不是整数"
    assert by_row[3].message_zh.startswith("不是日期时间")
    assert by_row[2].format("zh").startswith("surveys.csv，第 2 行，列 csat: 不是整数")
    first = report.to_dict()["errors"][0]
    assert {"message_zh", "message_en", "code", "reason"} <= set(first)


def test_the_scheme_loader_reports_the_same_type() -> None:
    with pytest.raises(SchemeLoadError) as raised:
        load_scheme_text("id: x\n", "x.yaml")
    assert all(isinstance(p, Problem) and p.code.startswith("L") for p in raised.value.problems)


def test_the_json_shape_of_a_problem() -> None:
    p = Problem("bad_value", file="v.csv", row=3, column="csat", value="x", message_zh="不是数字",
                message_en="not a number")
    data = p.as_dict()
    assert (data["code"], data["row"], data["column"], data["field"], data["value"]) == (
        "bad_value", 3, "csat", "csat", "x")
    assert data["message_zh"] == "不是数字" and data["message_en"] == "not a number"
    assert p.format("en") == "v.csv, row 3, column csat: not a number (value 'x')"
