"""Chinese and English wording for pydantic's validation errors, with a fix hint each.

pydantic speaks English and developer terms; an HR officer editing a scheme needs to
know what is wrong with the field in front of them and what to write instead.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

# error type → (Chinese message, hint zh, hint en); {ctx} fields are filled from the error
_MESSAGES: dict[str, tuple[str, str, str]] = {
    "missing": ("缺少必填字段", "补上这个字段", "add this field"),
    "extra_forbidden": (
        "未知字段（可能拼写有误）",
        "检查拼写，或删除该字段；可用字段见 docs/scheme-language.md",
        "check the spelling or remove it; the fields are listed in docs/scheme-language.md",
    ),
    "string_type": ("应为文字", "给文字加上引号", "put the text in quotes"),
    "string_too_short": ("文字不能为空", "填写内容", "fill it in"),
    "string_too_long": ("文字过长", "缩短文字", "shorten the text"),
    "string_pattern_mismatch": (
        "标识符只能用小写字母、数字和下划线，并以字母开头",
        "例如 avg_talk_time",
        "for example avg_talk_time",
    ),
    "decimal_parsing": ("应为数字", "写成数字，例如 80 或 0.5", "write a number such as 80 or 0.5"),
    "decimal_type": ("应为数字", "写成数字，例如 80 或 0.5", "write a number such as 80 or 0.5"),
    "finite_number": ("数字必须是有限值", "不要写 .inf 或 .nan", "do not write .inf or .nan"),
    "int_parsing": ("应为整数", "写成整数，例如 3", "write a whole number such as 3"),
    "int_type": ("应为整数", "写成整数，例如 3", "write a whole number such as 3"),
    "int_from_float": ("应为整数", "去掉小数部分", "drop the fractional part"),
    "bool_type": ("应为 true 或 false", "写 true 或 false", "write true or false"),
    "bool_parsing": ("应为 true 或 false", "写 true 或 false", "write true or false"),
    "greater_than": ("数值太小", "取值须大于 {gt}", "the value must be greater than {gt}"),
    "greater_than_equal": ("数值太小", "取值须不小于 {ge}", "the value must be at least {ge}"),
    "less_than": ("数值太大", "取值须小于 {lt}", "the value must be less than {lt}"),
    "less_than_equal": ("数值太大", "取值须不大于 {le}", "the value must be at most {le}"),
    "literal_error": ("取值不在允许范围内", "可选值：{expected}", "allowed: {expected}"),
    "enum": ("取值不在允许范围内", "可选值：{expected}", "allowed: {expected}"),
    "union_tag_invalid": (
        "类型名称未知",
        "可选：{expected_tags}",
        "choose one of {expected_tags}",
    ),
    "union_tag_not_found": (
        "缺少类型字段（type 或 kind）",
        "规则写 type:，数据来源写 kind:",
        "rules need type:, data sources need kind:",
    ),
    "rule_type_unknown": (
        "未知的规则类型 {type}",
        "可选：{expected}；公司自定义的规则类型须先注册（见 CONTRIBUTING.md）",
        "choose one of {expected}; a company's own rule kind must be registered first (see CONTRIBUTING.md)",
    ),
    "rule_type_missing": (
        "规则缺少类型字段 type",
        "写 type: 并选择 {expected} 之一",
        "add type: with one of {expected}",
    ),
    "list_type": ("应为列表", "用 - 开头逐行列出", "list the items on lines starting with -"),
    "too_short": ("列表项太少", "至少需要 {min_length} 项", "at least {min_length} item(s) are needed"),
    "dict_type": ("应为键值映射", "写成 键: 值 的形式", "write it as key: value lines"),
    "model_type": ("应为键值映射", "写成 键: 值 的形式", "write it as key: value lines"),
    "model_attributes_type": ("应为键值映射", "写成 键: 值 的形式", "write it as key: value lines"),
}


def pydantic_message(error: ErrorDetails) -> tuple[str, str, str, str]:
    """(message_zh, message_en, hint_zh, hint_en) for one pydantic error."""
    kind = error["type"]
    context: dict[str, Any] = dict(error.get("ctx") or {})
    message_en = error["msg"]
    zh, hint_zh, hint_en = _MESSAGES.get(
        kind, ("取值无效", "对照 docs/scheme-language.md 修改", "compare with docs/scheme-language.md")
    )
    try:
        zh = zh.format(**context)
        hint_zh = hint_zh.format(**context)
        hint_en = hint_en.format(**context)
    except (KeyError, IndexError):
        pass
    if kind == "extra_forbidden":
        message_en = "unknown field (maybe misspelt)"
    return zh, message_en, hint_zh, hint_en
