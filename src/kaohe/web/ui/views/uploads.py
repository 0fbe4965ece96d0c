"""Uploading operational records into a cycle: a validation report first, then confirm."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kaohe.metrics.events import TABLES
from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Cycle, UploadBatch
from kaohe.web.permissions import require

from ..forms import UploadForm
from ..refusals import page
from ._common import one_change


@page
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.select_related("company"), pk=pk)
    require(request.user, "upload_records", cycle)
    tables = [(name, name) for name in TABLES if name != "org"]
    form = UploadForm(request.POST or None, request.FILES or None, tables=tables)
    if request.method == "POST" and form.is_valid():
        incoming = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory(prefix="kaohe-upload-") as tmp:
            path = Path(tmp) / Path(incoming.name).name
            with path.open("wb") as out:
                for chunk in incoming.chunks():
                    out.write(chunk)
            try:
                batch = svc.validate_upload(cycle, request.user, path=path, file_name=incoming.name,
                                            table=form.cleaned_data["table"] or None)
            except (ValueError, OSError) as error:
                # A file the readers cannot open at all (a damaged XLSX or Parquet) is a bad
                # input like any other: say so on the form instead of failing the request.
                form.add_error("file", _("The file could not be read: %(error)s") % {"error": error})
                batch = None
        if batch is not None:
            return redirect("ui:upload_report", pk=batch.pk)
    recent = UploadBatch.objects.filter(cycle=cycle).order_by("-uploaded_at")[:20]
    return render(request, "ui/hr/upload.html", {"cycle": cycle, "form": form, "recent": recent})


@page
def upload_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The validation report of one file, with the button that loads it when it is clean."""
    batch = get_object_or_404(UploadBatch.objects.select_related("cycle__company"), pk=pk)
    require(request.user, "upload_records", batch.cycle)
    if request.method == "POST":
        with one_change(request, f"upload-{batch.pk}"):
            batch = svc.confirm_upload(batch, request.user)
        if batch.status == UploadBatch.Status.LOADED:
            messages.success(request, _("%(n)d rows loaded.") % {"n": batch.rows_loaded})
        else:
            messages.error(request, _("The file could not be loaded; see the report."))
        return redirect("ui:upload_report", pk=batch.pk)
    report = batch.report or {}
    return render(request, "ui/hr/upload_report.html", {
        "batch": batch, "report": report, "errors": report.get("errors", []),
        "defects": report.get("defects", {})})
