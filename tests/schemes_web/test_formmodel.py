"""The editor's form model: every library scheme goes to the form and back unchanged."""

from __future__ import annotations

import pytest

from kaohe.library import default_library
from kaohe.scheme.kinds.registry import all_kinds
from kaohe.web.schemes.formmodel import FormInvalid, SchemeForm, field_name, parse_params

SCHEMES = [s for lp in default_library().positions.values() for s in lp.schemes]


def test_the_library_has_33_schemes():
    assert len(SCHEMES) == 33


@pytest.mark.parametrize("scheme", SCHEMES, ids=[s.id for s in SCHEMES])
def test_every_library_scheme_goes_through_the_form_and_back_unchanged(scheme):
    form = SchemeForm.from_scheme(scheme)
    posted = form.post_data()  # exactly what the page's fields send back
    back = SchemeForm(posted).parse()
    assert back.model_dump() == scheme.model_dump()
    # nothing travels hidden: every value has a labelled field on the page
    hidden = [f.name for b in form.blocks() for f in b.walk_fields() if f.kind == "hidden"]
    assert hidden == []


def test_rule_parameters_come_from_the_kinds_editor_params():
    agent = next(s for s in SCHEMES if s.id == "call_center_agent_monthly")
    form = SchemeForm.from_scheme(agent)
    fields = {f.name: f for b in form.blocks() for f in b.walk_fields()}
    acw = next(i for i, ind in enumerate(agent.categories[0].indicators) if ind.id == "acw_time")
    rule = f"categories.0.indicators.{acw}.rule"
    assert fields[f"{rule}.type"].value == "linear"
    assert fields[f"{rule}.base"].label_zh == "基础分"  # LinearKind.params
    assert fields[f"{rule}.better.per"].label_en == "step"  # STEP_ITEMS
    types = {c[0] for c in fields[f"{rule}.type"].choices}
    assert types == {k.type for k in all_kinds()}


def test_a_changed_weight_and_a_bad_number_are_reported_at_their_fields():
    agent = next(s for s in SCHEMES if s.id == "call_center_agent_monthly")
    data = SchemeForm.from_scheme(agent).post_data()
    data["categories.0.weight"] = "75"
    assert str(SchemeForm(data).parse().categories[0].weight) == "75"
    data["categories.1.weight"] = "lots"
    with pytest.raises(FormInvalid) as caught:
        SchemeForm(data).parse()
    assert [p.path for p in caught.value.problems] == ["categories.1.weight"]


def test_rows_are_added_and_removed():
    agent = next(s for s in SCHEMES if s.id == "call_center_agent_monthly")
    form = SchemeForm.from_scheme(agent)
    n = len(agent.categories[1].indicators)
    added = form.with_row_added("categories.1.indicators").parse()
    assert len(added.categories[1].indicators) == n + 1
    assert added.categories[1].indicators[-1].id == agent.categories[1].indicators[-1].id + "_2"
    data = form.post_data()
    data["categories.1.indicators.0.__remove"] = "on"
    removed = SchemeForm(data).removed().parse()
    assert [i.id for i in removed.categories[1].indicators] == [i.id for i in agent.categories[1].indicators[1:]]


def test_changing_the_rule_kind_starts_from_its_parameters():
    agent = next(s for s in SCHEMES if s.id == "call_center_agent_monthly")
    form = SchemeForm.from_scheme(agent).with_rule_type("categories.0.indicators.0.rule", "gate")
    assert form.data["categories.0.indicators.0.rule.type"] == "gate"
    with pytest.raises(FormInvalid) as caught:  # threshold and pass_score are required and empty
        form.parse()
    assert {p.path for p in caught.value.problems} >= {"categories.0.indicators.0.rule.threshold"}


def test_params_lines_keep_their_types():
    assert parse_params('threshold_s = 20\nname = "30"\nflag = true\nlabel = 话务') == (
        {"threshold_s": 20, "name": "30", "flag": True, "label": "话务"}, [])
    assert parse_params("no equals sign")[1] == ["no equals sign"]
    assert field_name("categories[0].indicators[2].rule") == "categories.0.indicators.2.rule"


def test_every_rule_kind_describes_each_of_its_fields_for_the_editor():
    for kind in all_kinds():
        fields = set(kind.model.model_fields) - {"type"}
        assert {p.name for p in kind.params} == fields, kind.type


def test_k001_marks_the_category_weights():
    from kaohe.problems import Problem

    agent = next(s for s in SCHEMES if s.id == "call_center_agent_monthly")
    form = SchemeForm.from_scheme(agent)
    blocks = form.blocks([Problem("K001", "error", path="categories", message_zh="类别权重合计不是 100%")])
    fields = {f.name: f for b in blocks for f in b.walk_fields()}
    assert fields["categories.0.weight"].flagged and fields["categories.1.weight"].flagged
    assert not fields["categories.0.indicators.0.weight"].flagged
    section = next(b for top in blocks for b in top.walk_blocks() if b.path == "categories")
    assert [p.code for p in section.problems] == ["K001"]
