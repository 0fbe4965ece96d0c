"""Manual ratings: ranges, deadlines and overdue lists, and 360 anonymity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.web.appraisal import services as svc
from kaohe.web.errors import InvalidInput
from tests.web.conftest import fresh, walk_to


def test_it_rejects_a_score_out_of_range_or_for_the_wrong_indicator(org, sheet):
    sheet = walk_to(org, sheet, "self_review")
    with pytest.raises(InvalidInput) as err:
        svc.submit_rating(sheet, org.agent, role="self", indicator="teamwork", score=Decimal(101))
    assert err.value.report.problems[0].field == "score"
    with pytest.raises(InvalidInput) as err:
        svc.submit_rating(sheet, org.agent, role="self", indicator="qa_score", score=Decimal(50))
    assert err.value.report.problems[0].field == "indicator"


def test_overdue_ratings_are_listed_for_the_rater_and_the_supervisor(org, sheet):
    sheet = walk_to(org, sheet, "targets_acknowledged")
    deadline = dt.datetime(2026, 11, 5, tzinfo=dt.UTC)
    svc.request_ratings(sheet, org.supervisor, role="peer", raters=[org.peer1, org.peer2], deadline=deadline)
    svc.submit_rating(fresh(sheet), org.peer2, role="peer", indicator="peer_feedback", score=Decimal(70))
    before = deadline - dt.timedelta(hours=1)
    after = deadline + dt.timedelta(hours=1)
    assert list(svc.overdue_ratings(org.peer1, now=before)) == []
    overdue = list(svc.overdue_ratings(org.peer1, now=after))
    assert [(r.rater, r.indicator) for r in overdue] == [(org.peer1, "peer_feedback")]
    assert [r.rater for r in svc.overdue_ratings(org.supervisor, now=after)] == [org.peer1]
    assert list(svc.overdue_ratings(org.other_supervisor, now=after)) == []
    assert [r.indicator for r in svc.pending_ratings(org.peer1)] == ["peer_feedback"]


def _peers(org, n):
    from django.contrib.auth import get_user_model

    return [get_user_model().objects.create_user(f"extra{i}") for i in range(n)]


@pytest.mark.parametrize("raters,shown", [(0, False), (1, False), (2, False), (3, True), (4, True)])
def test_peer_feedback_is_shown_only_from_the_minimum_number_of_raters(org, sheet, raters, shown):
    sheet = walk_to(org, sheet, "targets_acknowledged")
    users = _peers(org, raters)
    if users:  # asking nobody is refused (test_a_request_that_creates_nothing_is_refused)
        svc.request_ratings(sheet, org.supervisor, role="peer", raters=users)
    for i, user in enumerate(users):
        svc.submit_rating(fresh(sheet), user, role="peer", indicator="peer_feedback", score=Decimal(60 + 10 * i))
    fb = svc.peer_feedback(fresh(sheet), org.agent)
    assert fb.shown is shown
    assert fb.raters == raters and fb.minimum == 3
    if shown:
        assert fb.average == sum(Decimal(60 + 10 * i) for i in range(raters)) / raters
    else:
        assert fb.average is None and fb.per_indicator == {}


def test_the_minimum_is_a_company_setting(org, sheet):
    org.company.min_peer_raters = 2
    org.company.save()
    sheet = walk_to(org, sheet, "targets_acknowledged")
    users = _peers(org, 2)
    svc.request_ratings(sheet, org.supervisor, role="peer", raters=users)
    for user in users:
        svc.submit_rating(fresh(sheet), user, role="peer", indicator="peer_feedback", score=Decimal(80))
    assert svc.peer_feedback(fresh(sheet), org.agent).shown


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scores=st.lists(st.integers(min_value=0, max_value=100), min_size=3, max_size=6))
def test_peer_feedback_never_reveals_a_single_rating_or_a_rater(org, sheet, scores):
    """Whatever the ratings, the employee gets one mean per indicator and a count, never a name or a list."""
    from kaohe.web.appraisal.models import Rating

    Rating.objects.filter(sheet=sheet, role="peer").delete()
    sheet = walk_to(org, sheet, "targets_acknowledged")
    users = [_user(f"h{i}") for i in range(len(scores))]
    svc.request_ratings(sheet, org.supervisor, role="peer", raters=users)
    for user, s in zip(users, scores, strict=True):
        svc.submit_rating(fresh(sheet), user, role="peer", indicator="peer_feedback", score=Decimal(s))
    fb = svc.peer_feedback(fresh(sheet), org.agent)
    assert fb.shown and fb.raters == len(scores)
    assert set(fb.per_indicator) == {"peer_feedback"}
    assert fb.per_indicator["peer_feedback"] == (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"))
    text = repr(fb)
    assert not any(u.username in text for u in users)


def _user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get_or_create(username=name)[0]


def test_a_request_that_creates_nothing_is_refused_with_the_reason(org, sheet):
    from kaohe.web.appraisal.models import Rating
    from kaohe.web.errors import InvalidInput

    sheet = walk_to(org, sheet, "targets_acknowledged")
    with pytest.raises(InvalidInput) as nobody:
        svc.request_ratings(sheet, org.supervisor, role="peer", raters=[])
    assert nobody.value.report.problems[0].field == "raters"
    with pytest.raises(InvalidInput) as no_item:  # the test scheme has no item rated by internal customers
        svc.request_ratings(sheet, org.supervisor, role="customer", raters=[org.peer1])
    assert "内部客户" in no_item.value.report.problems[0].message_zh
    assert not Rating.objects.filter(sheet=sheet, role__in=["peer", "customer"]).exists()
