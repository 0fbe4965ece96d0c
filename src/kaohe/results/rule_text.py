"""A short description of an indicator's scoring rule, for the 评分规则 column of a sheet.

Generated from the rule itself, so the printed sheet can never disagree with the rule
that scored it. The Chinese text is the library's own (`kaohe.library.describe`), so
a score sheet and the library workbook word a rule the same way; the English text is
written here.
"""

from __future__ import annotations

from kaohe.scheme.kinds.registry import kind_of
from kaohe.scheme.models import Indicator


def describe_rule_en(indicator: Indicator) -> str:
    text: str = kind_of(indicator.rule).describe(indicator.rule, indicator.unit, "en")
    return text


def describe_rule(indicator: Indicator, lang: str = "zh") -> str:
    """The rule in the sheet's language: the library's Chinese wording, or English."""
    text: str = kind_of(indicator.rule).describe(indicator.rule, indicator.unit, "en" if lang == "en" else "zh")
    return text
