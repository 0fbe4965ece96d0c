"""Two people saving the same sheet at the same moment, with real threads (PostgreSQL only)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Rating, Sheet
from kaohe.web.errors import StaleObject
from tests.web.conftest import walk_to

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_only_one_of_two_simultaneous_saves_wins(org, sheet):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (KAOHE_DB=postgres)")
    sheet = walk_to(org, sheet, "supervisor_review")
    version = sheet.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(score: int) -> None:
        try:
            mine = Sheet.objects.get(pk=sheet.pk)
            barrier.wait()
            svc.submit_rating(mine, org.supervisor, role="supervisor", indicator="teamwork", score=Decimal(score),
                              expected_version=version)
            outcomes.append(f"saved {score}")
        except StaleObject:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(s,)) for s in (60, 95)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.split()[0] for o in outcomes) == ["saved", "stale"]
    winner = Decimal(next(o for o in outcomes if o.startswith("saved")).split()[1])
    assert Rating.objects.get(sheet=sheet, role="supervisor").score == winner
    assert Sheet.objects.get(pk=sheet.pk).version == version + 1
