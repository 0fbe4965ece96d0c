"""Concurrency on PostgreSQL with real threads: no lost update, no double load.

Each thread has its own database connection (Django keeps one per thread), so the two
saves really race inside PostgreSQL. A barrier releases both at the same moment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Rating, Sheet, UploadBatch
from kaohe.web.errors import StaleObject
from tests.web.conftest import walk_to

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SURVEYS = ("survey_id,agent_id,customer_id,call_id,ticket_id,answered_at,csat,nps\n"
           "s1,A001,c1,,,2026-10-03 10:00:00,5,9\ns2,A001,c2,,,2026-10-04 10:00:00,4,8\n"
           "s3,A002,c3,,,2026-10-05 10:00:00,2,3\n")


@pytest.fixture(autouse=True)
def _postgres_only():  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("runs with KAOHE_DB=postgres (the PostgreSQL on 127.0.0.1:5432)")


def race(*calls: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run the calls in threads released together; each result is ("ok", value) or ("error", exc)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = [("none", None)] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 — reported to the test
            results[i] = ("error", exc)
        finally:
            connections.close_all()  # this thread's connection, so the test database can be dropped

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def second_reviewer(org):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from kaohe.web.org.models import RoleAssignment

    user = get_user_model().objects.create_user("reviewer2")
    RoleAssignment.objects.create(user=user, company=org.company, role="reviewer", scope="department",
                                  department=org.inbound)
    return user


def test_two_reviewers_saving_the_same_sheet_at_once_lose_no_update(org, sheet, second_reviewer):
    sheet = walk_to(org, sheet, "reviewer_approval")
    for round_no, (a, b) in enumerate([(70, 60), (55, 65), (80, 90)], start=1):
        seen = Sheet.objects.get(pk=sheet.pk)  # both reviewers opened the same page
        version = seen.version

        def save(user: Any, score: int, seen_version: int = version) -> Rating:
            return svc.submit_rating(Sheet.objects.get(pk=sheet.pk), user, role="reviewer", indicator="teamwork",
                                     score=Decimal(score), expected_version=seen_version)

        results = race(lambda a=a: save(org.reviewer, a), lambda b=b: save(second_reviewer, b))
        kinds = sorted(k for k, _ in results)
        assert kinds == ["error", "ok"], (round_no, results)
        error = next(v for k, v in results if k == "error")
        assert isinstance(error, StaleObject), error
        assert error.details["expected_version"] == version
        winner = Decimal(a if results[0][0] == "ok" else b)
        stored = Rating.objects.get(sheet=sheet, role="reviewer", indicator="teamwork")
        assert stored.score == winner  # the loser's score did not overwrite it
        assert Sheet.objects.get(pk=sheet.pk).version == version + 1  # exactly one save


def test_two_workflow_steps_at_once_only_one_wins(org, sheet, second_reviewer):
    sheet = walk_to(org, sheet, "reviewer_approval")
    svc.submit_rating(Sheet.objects.get(pk=sheet.pk), org.reviewer, role="reviewer", indicator="teamwork",
                      score=Decimal(70))
    version = Sheet.objects.get(pk=sheet.pk).version
    results = race(
        lambda: svc.approve(Sheet.objects.get(pk=sheet.pk), org.reviewer, expected_version=version),
        lambda: svc.return_to_supervisor(Sheet.objects.get(pk=sheet.pk), second_reviewer, "依据不足",
                                         expected_version=version))
    assert sorted(k for k, _ in results) == ["error", "ok"], results
    assert isinstance(next(v for k, v in results if k == "error"), StaleObject)
    final = Sheet.objects.get(pk=sheet.pk)
    assert final.version == version + 1
    assert final.state == ("calibration" if results[0][0] == "ok" else "supervisor_review")


# Two confirms of one upload, or of two uploads of the same file, race for the event store:
# services.confirm_upload takes the store lock and re-reads the batch under it, so the rows land once.


def _store_rows(company: Any, table: str) -> int:
    import pyarrow.parquet as pq

    from kaohe.web.appraisal.services.data import store_dir

    return sum(pq.read_metadata(f).num_rows for f in (store_dir(company) / table).glob("*.parquet"))


def _write(tmp_path, name: str = "surveys.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(SURVEYS, encoding="utf-8")
    return path


def test_one_upload_confirmed_twice_at_once_is_loaded_once(org, cycle, tmp_path):
    batch = svc.validate_upload(cycle, org.hr, path=_write(tmp_path), file_name="surveys.csv", table="surveys")
    results = race(lambda: svc.confirm_upload(UploadBatch.objects.get(pk=batch.pk), org.hr),
                   lambda: svc.confirm_upload(UploadBatch.objects.get(pk=batch.pk), org.hr))
    assert [k for k, _ in results] == ["ok", "ok"], results
    assert _store_rows(org.company, "surveys") == 3
    assert UploadBatch.objects.get(pk=batch.pk).status == UploadBatch.Status.LOADED


def test_the_same_file_uploaded_twice_and_confirmed_at_once_is_loaded_once(org, cycle, tmp_path):
    first = svc.validate_upload(cycle, org.hr, path=_write(tmp_path, "a.csv"), file_name="a.csv", table="surveys")
    second = svc.validate_upload(cycle, org.hr, path=_write(tmp_path, "b.csv"), file_name="b.csv", table="surveys")
    results = race(lambda: svc.confirm_upload(UploadBatch.objects.get(pk=first.pk), org.hr),
                   lambda: svc.confirm_upload(UploadBatch.objects.get(pk=second.pk), org.hr))
    assert [k for k, _ in results] == ["ok", "ok"], results
    assert _store_rows(org.company, "surveys") == 3
    loaded = UploadBatch.objects.filter(pk__in=[first.pk, second.pk])
    assert {b.status for b in loaded} == {UploadBatch.Status.LOADED}
    # the rows went in once: one upload loaded them, the other found them already stored
    assert sorted(b.rows_loaded for b in loaded) == [0, 3], [(b.batch_id, b.rows_loaded) for b in loaded]


def test_an_api_push_and_an_upload_of_the_same_rows_at_once_load_once(org, cycle, tmp_path):
    """The API's push takes the store lock; the upload path must not slip past it."""
    from kaohe.web.api.models import IntegrationToken
    from kaohe.web.api.records import push

    token, _ = IntegrationToken.issue(name="t", company=org.company, acting_user=org.hr, scopes=["records:write"])
    rows = [{"survey_id": "p1", "agent_id": "A001", "customer_id": "c9", "answered_at": "2026-10-08 10:00:00",
             "csat": 5, "nps": 9}]
    results = race(lambda: push(token, org.hr, "surveys", rows), lambda: push(token, org.hr, "surveys", rows))
    assert [k for k, _ in results] == ["ok", "ok"], results
    assert _store_rows(org.company, "surveys") == 1
