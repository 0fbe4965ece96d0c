"""docs/scoring.md documents every rule type, policy, issue code and public name of kaohe.scoring."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kaohe.scoring
from kaohe.scheme import models
from kaohe.scheme.kinds import all_kinds
from kaohe.scoring import ScoreIssue

DOC = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
RULE_TYPES = [kind.type for kind in all_kinds()]  # the registered rule kinds (built-in at import)
ISSUE_CODES = re.findall(r"\b([a-z_]+)(?=[,.]|$)", ScoreIssue.__doc__.split("Codes:")[1])
POLICY_VALUES = [
    *[p.value for p in models.StepPolicy],
    *[p.value for p in models.MissingPolicy],
    *[p.value for p in models.LowSamplePolicy],
    *[p.value for p in models.AbsentRaterPolicy],
    *[p.value for p in models.RoundingMode],
    *[p.value for p in models.Scale],
]


def test_the_doc_is_chinese_first_then_english():
    assert DOC.index("## 中文") < DOC.index("## English")


@pytest.mark.parametrize("rule_type", RULE_TYPES)
def test_every_rule_type_is_documented_in_both_languages(rule_type):
    zh, en = DOC.split("## English")
    assert f"`{rule_type}`" in zh and f"`{rule_type}`" in en


@pytest.mark.parametrize("code", ISSUE_CODES)
def test_every_issue_code_is_documented(code):
    assert f"`{code}`" in DOC


@pytest.mark.parametrize("value", sorted(set(POLICY_VALUES)))
def test_every_policy_setting_is_documented(value):
    assert f"`{value}`" in DOC


@pytest.mark.parametrize("name", kaohe.scoring.__all__)
def test_every_public_name_is_documented(name):
    assert name in DOC


def test_the_issue_codes_were_found():
    assert len(RULE_TYPES) == 11 and "nothing_scored" in ISSUE_CODES and len(ISSUE_CODES) == 13
