"""HR instantiates one of the book's organisation presets, then edits the tree like any other."""

from __future__ import annotations

import pytest

from kaohe.library.presets import preset
from kaohe.web.audit.models import AuditEvent
from kaohe.web.org.models import Company, Department, Position, Team
from kaohe.web.org.presets import PresetError, instantiate_preset


@pytest.fixture
def company(db, data_dirs):  # type: ignore[no-untyped-def]
    return Company.objects.create(code="acme", name="示范公司")


def test_the_inbound_call_center_becomes_a_department_tree_with_teams_and_positions(company) -> None:  # type: ignore[no-untyped-def]
    result = instantiate_preset(company, None, "inbound_call_center")
    assert (result.departments, result.teams) == (5, 5)
    root = Department.objects.get(company=company, code="call_center")
    assert root.parent is None and root.name == "呼叫中心"
    assert set(root.children.values_list("code", flat=True)) == {"call_operations", "training", "operations_support",
                                                                 "quality"}
    ops = Department.objects.get(company=company, code="call_operations")
    assert set(Team.objects.filter(department=ops).values_list("name", flat=True)) == {"呼入一组", "呼入二组", "投诉处理组"}
    assert set(preset("inbound_call_center").positions) <= set(Position.objects.values_list("code", flat=True))
    event = AuditEvent.objects.get(action="org.instantiate_preset")
    assert event.after["preset"] == "inbound_call_center"


def test_a_preset_never_overwrites_the_tree_and_a_prefix_adds_a_second_copy(company) -> None:  # type: ignore[no-untyped-def]
    instantiate_preset(company, None, "outbound_call_center")
    before = Department.objects.count()
    with pytest.raises(PresetError) as refused:
        instantiate_preset(company, None, "outbound_call_center")
    assert "call_center" in str(refused.value) and "前缀" in refused.value.problems[0][0]
    assert Department.objects.count() == before
    instantiate_preset(company, None, "outbound_call_center", prefix="b_")
    assert Department.objects.filter(code="b_call_center").exists()


def test_after_instantiation_hr_edits_the_tree(company) -> None:  # type: ignore[no-untyped-def]
    instantiate_preset(company, None, "small_enterprise")
    dept = Department.objects.get(company=company, code="customer_service")
    dept.name = "客户服务中心"
    dept.save()
    Team.objects.filter(department=dept, code="information").delete()
    assert Department.objects.get(pk=dept.pk).name == "客户服务中心"
    assert Team.objects.filter(department=dept).count() == 3


def test_an_unknown_preset_is_refused_in_both_languages(company) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PresetError) as refused:
        instantiate_preset(company, None, "nope")
    zh, en = refused.value.problems[0]
    assert "nope" in zh and "nope" in en
