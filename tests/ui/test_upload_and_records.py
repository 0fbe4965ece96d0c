"""Data upload through the pages (validation report first, then confirm), the KPI
computation button, and the drill-down from a KPI to the employee's own records."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kaohe.web.appraisal.models import KpiValue, UploadBatch
from tests.web.test_data_and_competency import GOOD, HEADER


def _hr(org) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(org.hr)
    return client


def _csv(rows: list[str], name: str = "surveys.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + "".join(rows)).encode("utf-8"), content_type="text/csv")


def _token_of_form(page: str, action: str = "") -> str:
    """The one-time token of the page's form (the one posting to `action`, if given)."""
    if action:
        page = page[page.index(f'action="{action}"'):]
    marker = 'name="form_token" value="'
    return page[page.index(marker) + len(marker):].split('"', 1)[0]


def _post_with_token(client: Client, url: str, data: dict) -> object:
    """Submit a page's form the way the browser does: with the token the page issued."""
    return client.post(url, {**data, "form_token": _token_of_form(client.get(url).content.decode())})


def test_a_clean_file_is_reported_then_loaded_on_confirm_and_feeds_the_drill_down(org, cycle, sheet):
    client = _hr(org)
    response = client.post(reverse("ui:upload", args=[cycle.pk]), {"table": "surveys", "file": _csv(GOOD)})
    batch = UploadBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ui:upload_report", args=[batch.pk])
    report = client.get(response["Location"]).content.decode()
    assert 'data-status="validated"' in report and 'data-testid="confirm-upload"' in report
    assert not KpiValue.objects.exists()  # nothing loaded or computed yet

    _post_with_token(client, reverse("ui:upload_report", args=[batch.pk]), {})
    batch.refresh_from_db()
    assert batch.status == UploadBatch.Status.LOADED and batch.rows_loaded == 6

    compute = reverse("ui:compute_kpis", args=[cycle.pk])
    token = _token_of_form(client.get(reverse("ui:cycle_progress", args=[cycle.pk])).content.decode(), compute)
    assert client.post(compute, {"form_token": token}).status_code == 302

    agent = Client()
    agent.force_login(org.agent)
    page = agent.get(reverse("ui:kpi_records", args=[sheet.pk, "csat"])).content.decode()
    assert 'data-testid="kpi-value">75<' in page  # 3 of A001's 4 surveys are 4–5
    records = page[page.index('data-testid="source-records"'):]
    assert all(f"<td>{sid}</td>" in records for sid in ("s1", "s2", "s3", "s4"))
    assert "<td>s5</td>" not in records  # A002's survey is not shown to A001
    assert "surveys.csv" in page  # the upload behind the computation


def test_a_bad_file_lists_every_bad_row_and_offers_no_confirm(org, cycle):
    client = _hr(org)
    rows = GOOD[:2] + ["s7,A001,c7,,,not-a-time,5,9\n", "s8,ZZZ9,c8,,,2026-10-06 10:00:00,9,9\n"]
    response = client.post(reverse("ui:upload", args=[cycle.pk]), {"table": "surveys", "file": _csv(rows)})
    report = client.get(response["Location"]).content.decode()
    assert 'data-status="rejected"' in report
    assert 'data-testid="confirm-upload"' not in report
    table = report[report.index('data-testid="upload-errors"'):]
    assert '<td class="num">4</td>' in table and '<td class="num">5</td>' in table


def test_the_upload_form_reports_a_missing_kind_and_a_wrong_file_type_together(org, cycle):
    response = _hr(org).post(reverse("ui:upload", args=[cycle.pk]), {
        "table": "", "file": SimpleUploadedFile("notes.txt", b"hello")})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"table", "file"}
    assert not UploadBatch.objects.exists()


def test_a_damaged_file_is_reported_and_loads_nothing_never_a_server_error(org, cycle):
    client = _hr(org)
    response = client.post(reverse("ui:upload", args=[cycle.pk]), {
        "table": "surveys", "file": SimpleUploadedFile("broken.parquet", b"nope")}, follow=True)
    assert response.status_code == 200
    batch = UploadBatch.objects.get()
    assert batch.status == UploadBatch.Status.REJECTED and batch.rows_loaded == 0
    assert "Parquet" in response.content.decode()
