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


def test_competency_forms_name_each_competency_and_level_in_the_page_language() -> None:
    from kaohe.web.ui.views.competency import _dimension, _level_choices, _name

    model = load_library().position("call_center_agent").position.competency_model
    skill = next(c for c in model.competencies if c.id == "call_handling_skill")
    assert _name(skill, skill.name.zh, en=True) == "Call handling skills"
    assert _name(skill, skill.name.zh, en=False) == "呼叫电话处理能力"
    assert _name(None, "旧素质", en=True) == "旧素质"  # a competency no longer in the model keeps its stored name
    english = _level_choices(skill, en=True)
    assert english is not None and english[0] == (1, f"1 · {skill.levels[0].descriptor_en}")
    assert [n for n, _ in english] == [1, 2, 3, 4, 5] and english[4] == (5, "5")  # the model describes 4 levels
    chinese = _level_choices(skill, en=False)
    assert chinese is not None and chinese[1] == (2, f"2 · {skill.levels[1].descriptor}")
    assert _dimension("skill", en=True) == "Skills and abilities" and _dimension("knowledge", en=False) == "知识"
