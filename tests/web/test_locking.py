"""Optimistic locking on sheets: two people saving the same sheet cannot both win."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Rating, Sheet
from kaohe.web.errors import StaleObject
from tests.web.conftest import walk_to


def test_every_save_bumps_the_version(org, sheet):
    v0 = sheet.version
    sheet = svc.set_targets(sheet, org.supervisor)
    assert sheet.version == v0 + 1


def test_a_stale_save_is_refused_and_changes_nothing(org, sheet):
    sheet = walk_to(org, sheet, "supervisor_review")
    seen_by_supervisor = Sheet.objects.get(pk=sheet.pk)
    seen_by_hr = Sheet.objects.get(pk=sheet.pk)
    svc.submit_rating(seen_by_supervisor, org.supervisor, role="supervisor", indicator="teamwork",
                      score=Decimal(80), expected_version=seen_by_supervisor.version)
    with pytest.raises(StaleObject) as err:
        svc.submit_rating(seen_by_hr, org.supervisor, role="supervisor", indicator="teamwork", score=Decimal(60),
                          expected_version=seen_by_hr.version)
    assert "刷新" in err.value.message_zh and "reload" in err.value.message_en
    assert err.value.details["current_version"] == seen_by_hr.version + 1
    assert Rating.objects.get(sheet=sheet, role="supervisor").score == Decimal(80)  # no lost update


def test_a_stale_workflow_step_is_refused(org, sheet):
    sheet = walk_to(org, sheet, "reviewer_approval")
    old = Sheet.objects.get(pk=sheet.pk)
    svc.return_to_supervisor(sheet, org.reviewer, "请补充依据")
    with pytest.raises(StaleObject):
        svc.approve(old, org.reviewer, expected_version=old.version)
    assert Sheet.objects.get(pk=sheet.pk).state == "supervisor_review"


def test_a_double_submit_of_the_same_step_is_refused(org, sheet):
    sheet = walk_to(org, sheet, "targets_set")
    form_version = sheet.version
    svc.acknowledge_targets(Sheet.objects.get(pk=sheet.pk), org.agent, expected_version=form_version)
    with pytest.raises(Exception) as err:  # stale version or wrong state: either is a clear refusal
        svc.acknowledge_targets(Sheet.objects.get(pk=sheet.pk), org.agent, expected_version=form_version)
    assert hasattr(err.value, "message_zh")
