"""A published result cannot be changed by any service; only the appeal path adds a version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Rating, ScoreVersion, SheetState
from kaohe.web.appraisal.workflow import TRANSITIONS
from kaohe.web.errors import KaoheError
from tests.web.conftest import fresh, walk_to

PEOPLE = ("agent", "supervisor", "reviewer", "hr", "director", "qa", "peer1", "auditor")
RATER_ROLES = ("self", "supervisor", "reviewer", "peer", "customer", "qa")


def _snapshot(sheet):  # type: ignore[no-untyped-def]
    sheet = fresh(sheet)
    versions = list(ScoreVersion.objects.filter(sheet=sheet).order_by("number")
                    .values_list("number", "kind", "total", "grade"))
    ratings = list(Rating.objects.filter(sheet=sheet, submitted_at__isnull=False).order_by("pk")
                   .values_list("pk", "score", "submitted_at"))
    levels = list(sheet.competency_ratings.order_by("pk").values_list("self_level", "supervisor_level"))
    return (sheet.current_score_id, sheet.current_score.total, sheet.current_score.grade, versions, ratings,
            levels)


def _every_change_attempt(org, sheet):  # type: ignore[no-untyped-def]
    """(label, call) for every service that could change a score, a rating or a level."""
    users = {name: getattr(org, name) for name in PEOPLE}
    attempts = []
    for name, user in users.items():
        attempts.append((f"score_sheet by {name}", lambda u=user: svc.score_sheet(fresh(sheet), u)))
        attempts.append((f"calibrate by {name}", lambda u=user: svc.calibrate(
            fresh(sheet), u, reason="再调一次", total=Decimal("99"), grade="A")))
        for role in RATER_ROLES:
            for indicator in ("teamwork", "qa_score", "peer_feedback"):
                attempts.append((f"submit_rating {role}/{indicator} by {name}",
                                 lambda u=user, r=role, i=indicator: svc.submit_rating(
                                     fresh(sheet), u, role=r, indicator=i, score=Decimal("1"))))
        attempts.append((f"rate_competency by {name}", lambda u=user: svc.rate_competency(
            fresh(sheet), u, competency="communication", level=1)))
        for step in TRANSITIONS:
            if SheetState.PUBLISHED in TRANSITIONS[step].sources:
                continue  # the legitimate next step (the interview) changes no score
            attempts.append((f"transition {step} by {name}", lambda u=user, s=step: svc.transition(
                fresh(sheet), s, u, reason="试图改回")))
    return attempts


def test_no_service_changes_a_published_result(org, sheet):
    sheet = walk_to(org, sheet, "published")
    assert sheet.state == SheetState.PUBLISHED
    before = _snapshot(sheet)
    accepted = []
    for label, attempt in _every_change_attempt(org, sheet):
        try:
            attempt()
        except KaoheError:
            continue
        accepted.append(label)
    assert accepted == []
    assert _snapshot(sheet) == before
    assert fresh(sheet).state == SheetState.PUBLISHED


def test_new_kpi_values_do_not_change_a_published_result(org, sheet):
    sheet = walk_to(org, sheet, "published")
    before = _snapshot(sheet)
    svc.record_kpi_values(sheet.cycle, org.hr, [{"employee": "A001", "kpi": "csat_top2", "value": "10",
                                                 "sample_size": 40}])
    assert _snapshot(sheet) == before


def test_an_acknowledged_or_closed_result_is_refused_too(org, sheet):
    sheet = walk_to(org, sheet, "acknowledged")
    before = _snapshot(sheet)
    for who in (org.hr, org.director, org.supervisor):
        with pytest.raises(KaoheError):
            svc.calibrate(fresh(sheet), who, reason="改分", total=Decimal("50"))
        with pytest.raises(KaoheError):
            svc.score_sheet(fresh(sheet), who)
    assert _snapshot(sheet) == before


def test_the_appeal_path_adds_a_new_version_and_keeps_the_old_one(org, sheet):
    sheet = walk_to(org, sheet, "acknowledged")
    published = fresh(sheet).current_score
    appeal = svc.file_appeal(fresh(sheet), org.agent, "质检成绩有误，录音显示已按规范致歉",
                             [{"kind": "text", "note": "第 12 通录音"}])
    assert fresh(sheet).state == SheetState.APPEALED
    appeal = svc.assign_re_reviewer(appeal, org.hr, org.director)
    appeal = svc.resolve_appeal(appeal, org.director, decision="复核后质检成绩上调", adjusted_total=Decimal("94.5"))
    sheet = fresh(sheet)
    assert sheet.state == SheetState.CLOSED
    assert appeal.outcome == "adjusted"
    assert appeal.score_after_id == sheet.current_score_id != published.pk
    assert sheet.current_score.kind == ScoreVersion.Kind.APPEAL
    assert sheet.current_score.total == Decimal("94.5")
    assert sheet.current_score.number == published.number + 1
    old = ScoreVersion.objects.get(pk=published.pk)  # the published version is kept unchanged
    assert (old.total, old.grade, old.kind) == (published.total, published.grade, published.kind)
    # and after the appeal is closed, the result is frozen again
    with pytest.raises(KaoheError):
        svc.calibrate(sheet, org.hr, reason="再改", total=Decimal("60"))
    assert fresh(sheet).current_score.total == Decimal("94.5")


def test_the_appeal_window_is_the_only_door(org, sheet):
    sheet = walk_to(org, sheet, "acknowledged")
    type(sheet).objects.filter(pk=sheet.pk).update(appeal_deadline=dt.date(2020, 1, 1))
    with pytest.raises(KaoheError):
        svc.file_appeal(fresh(sheet), org.agent, "太晚了")
    assert fresh(sheet).state == SheetState.ACKNOWLEDGED


def test_no_new_rating_requests_on_a_published_sheet(org, sheet):
    sheet = walk_to(org, sheet, "published")
    accepted = []
    for name in ("supervisor", "hr"):
        try:
            svc.request_ratings(fresh(sheet), getattr(org, name), role="peer", raters=[org.peer1])
        except KaoheError:
            continue
        accepted.append(name)
    assert accepted == []
