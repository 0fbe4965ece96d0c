"""With English chosen, the sheet pages show the library's English explanation and standard."""

from __future__ import annotations

from django.utils import translation

from kaohe.library import load_library
from kaohe.web.ui import sheetview


def _agent_indicator() -> dict:
    scheme = load_library().position("call_center_agent").scheme()
    dumped = scheme.model_dump(mode="json")
    return next(i for c in dumped["categories"] for i in c["indicators"] if i["id"] == "talk_time")


def test_the_explanation_and_standard_follow_the_page_language() -> None:
    indicator = _agent_indicator()
    with translation.override("en"):
        english = sheetview._explanation(indicator)
        standard = sheetview._standard(indicator)
    with translation.override("zh-hans"):
        chinese = sheetview._explanation(indicator)
    assert english["definition"].startswith("Average length of the employee's answered and outbound calls")
    assert english["formula"] == "Average talk time = total talk time ÷ number of calls"
    assert set(english) == {"definition", "formula", "data_source", "frequency"}
    assert standard.startswith("40 s ≤ average talk time ≤ 180 s")
    assert chinese["definition"].startswith("本人接听和呼出通话的平均通话时长")


def test_a_scheme_without_english_keeps_its_chinese() -> None:
    indicator = {"standard": "≥80 分", "explanation": {"definition": "定义", "formula": "公式"}}
    with translation.override("en"):
        assert sheetview._explanation(indicator) == {"definition": "定义", "formula": "公式"}
        assert sheetview._standard(indicator) == "≥80 分"


def test_the_targets_letter_in_english_shows_the_english_texts_of_the_letter_as_issued() -> None:
    from kaohe.web.ui.views.sheets import english_letter

    issued = {"purpose": "为落实目标", "purpose_en": "To carry the targets down", "duties": ["每月培训"],
              "duties_en": ["Attends training monthly"], "terms": ["一式三份"], "terms_en": [],
              "targets": [{"category": "话务与服务", "category_en": "Calls and service", "standard": "≥80 分",
                           "standard_en": "At least 80", "name_zh": "监听分值", "name_en": "QA score"},
                          {"category": "岗位工作事项", "standard": "每次扣 10 分"}]}
    shown = english_letter(issued)
    assert shown["purpose"] == "To carry the targets down" and shown["duties"] == ["Attends training monthly"]
    assert shown["terms"] == ["一式三份"]  # no English written: the Chinese as issued
    assert [(t["category"], t["standard"]) for t in shown["targets"]] == [
        ("Calls and service", "At least 80"), ("岗位工作事项", "每次扣 10 分")]
    assert issued["purpose"] == "为落实目标"  # the stored letter is not changed
