"""Uploading operational records into a cycle: the file, its column mapping (once per source),
the check and the load as background jobs with a progress bar, and the report people can act on."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.metrics.events import TABLES, get_table
from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import ColumnMapping, Cycle, Job, Sheet, UploadBatch
from kaohe.web.appraisal.services import data as datasvc
from kaohe.web.errors import InvalidInput
from kaohe.web.permissions import require

from .. import uploadreport
from ..formatting import is_english
from ..forms import UploadForm
from ..refusals import page
from ..tablenames import COLUMNS, column_title, table_title
from ._common import message_of, one_change, put_on_form

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


@page
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.select_related("company"), pk=pk)
    require(request.user, "upload_records", cycle)
    tables = [(name, table_title(name)) for name in TABLES if name != "org"]
    sources = list(ColumnMapping.objects.filter(company=cycle.company).values_list("table", "source"))
    form = UploadForm(request.POST or None, request.FILES or None, tables=tables,
                      sources=sorted({s for _t, s in sources}))
    if request.method == "POST" and form.is_valid():
        incoming = form.cleaned_data["file"]
        batch = None
        with tempfile.TemporaryDirectory(prefix="kaohe-upload-") as tmp:
            path = Path(tmp) / Path(incoming.name).name
            with path.open("wb") as out:
                for chunk in incoming.chunks():
                    out.write(chunk)
            try:
                batch = datasvc.receive_upload(cycle, request.user, path=path, file_name=incoming.name,
                                               table=form.cleaned_data["table"], source=form.cleaned_data["source"],
                                               correct=bool(form.cleaned_data.get("correct")))
            except InvalidInput as error:
                put_on_form(form, error)
            except (ValueError, OSError) as error:
                form.add_error("file", _("The file could not be read: %(error)s") % {"error": error})
        if batch is not None and batch.status == UploadBatch.Status.REJECTED:
            return redirect("ui:upload_report", pk=batch.pk)
        if batch is not None:
            headers = batch.report.get("headers", [])
            if batch.column_mapping_id is None and datasvc.needs_mapping(batch.table, headers):
                return redirect("ui:upload_mapping", pk=batch.pk)
            datasvc.start_upload_job(batch, request.user, "check")
            return redirect("ui:upload_report", pk=batch.pk)
    recent = [{"batch": b, "table": table_title(b.table)}
              for b in UploadBatch.objects.filter(cycle=cycle).order_by("-uploaded_at")[:20]]
    mappings = [{"table": table_title(t), "source": s} for t, s in sources]
    return render(request, "ui/hr/upload.html", {"cycle": cycle, "form": form, "recent": recent,
                                                 "mappings": mappings})


class MappingForm(forms.Form):
    source = forms.CharField(label=gettext_lazy("Source name"), max_length=200,
                             help_text=gettext_lazy("For example the system the file comes from; the next file "
                                                    "from this source is mapped the same way."))

    def __init__(self, *args, table: str, headers: list[str], guess: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        schema = get_table(table)
        choices = [("", _("— not in the file —"))] + [(h, h) for h in headers]
        self.column_names = schema.names
        for col in schema.columns:
            label = column_title(col.name) + ("" if col.required else " " + _("(optional)"))
            self.fields[f"col_{col.name}"] = forms.ChoiceField(label=label, choices=choices, required=False,
                                                               initial=guess.get(col.name, ""))

    def columns(self) -> dict[str, str]:
        return {c: self.cleaned_data.get(f"col_{c}", "") for c in self.column_names}


@page
def upload_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Map the file's headers (Chinese or not) onto the table's fields, once per source."""
    batch = get_object_or_404(UploadBatch.objects.select_related("cycle__company"), pk=pk)
    require(request.user, "upload_records", batch.cycle)
    headers = list(batch.report.get("headers", []))
    guess = datasvc.guess_columns(batch.table, headers, COLUMNS)
    form = MappingForm(request.POST or None, table=batch.table, headers=headers, guess=guess,
                       initial={"source": batch.report.get("source", "")})
    if request.method == "POST" and form.is_valid():
        try:
            with one_change(request, f"upload-mapping-{batch.pk}"):
                mapping = datasvc.save_column_mapping(batch.cycle.company, request.user, table=batch.table,
                                                      source=form.cleaned_data["source"], headers=headers,
                                                      columns=form.columns())
                UploadBatch.objects.filter(pk=batch.pk).update(column_mapping=mapping)
        except InvalidInput as error:
            put_on_form(form, error)
        else:
            batch.refresh_from_db()
            datasvc.start_upload_job(batch, request.user, "check")
            messages.success(request, _("Mapping saved for %(source)s.") % {"source": mapping.source})
            return redirect("ui:upload_report", pk=batch.pk)
    rows = [(form[f"col_{c}"], c) for c in form.column_names]
    return render(request, "ui/hr/upload_mapping.html", {"batch": batch, "form": form, "rows": rows,
                                                         "table": table_title(batch.table), "headers": headers})


def _job_of(batch: UploadBatch) -> Job | None:
    return Job.objects.filter(upload=batch).order_by("-pk").first()


def _job_text(job: Job | None) -> str:
    if job is None:
        return ""
    if job.status == Job.Status.FAILED:
        return job.message_en if is_english() else job.message_zh
    if job.total:
        return _("%(done)s of about %(total)s rows") % {"done": f"{job.done:,}", "total": f"{job.total:,}"}
    return _("Starting…")


@page
def upload_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of the file's current job, for the page's progress bar."""
    batch = get_object_or_404(UploadBatch.objects.select_related("cycle__company"), pk=pk)
    require(request.user, "upload_records", batch.cycle)
    job = _job_of(batch)
    return JsonResponse({"status": job.status if job else "done", "percent": job.percent if job else 100,
                         "text": _job_text(job), "batch_status": batch.status})


@page
def upload_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of one file, with the button that loads it when it is clean."""
    batch = get_object_or_404(UploadBatch.objects.select_related("cycle__company"), pk=pk)
    require(request.user, "upload_records", batch.cycle)
    if request.method == "POST":
        with one_change(request, f"upload-{batch.pk}"):
            if batch.status in (UploadBatch.Status.CHECKING, UploadBatch.Status.LOADING):
                messages.warning(request, _("The file is still being processed."))
            else:
                try:
                    svc_job = datasvc.start_upload_job(batch, request.user, "load")
                except Exception as error:  # an illegal state, said plainly
                    messages.error(request, message_of(error) if hasattr(error, "message_zh") else str(error))
                else:
                    if svc_job.status == Job.Status.DONE:
                        batch.refresh_from_db()
                        if batch.status == UploadBatch.Status.LOADED and batch.correct:
                            messages.success(request, _("%(n)d rows loaded, %(r)d of them replacing rows loaded "
                                                        "before.") % {"n": batch.rows_loaded,
                                                                      "r": (batch.report or {}).get("rows_replaced", 0)})
                        elif batch.status == UploadBatch.Status.LOADED:
                            messages.success(request, _("%(n)d rows loaded.") % {"n": batch.rows_loaded})
                        else:
                            messages.error(request, _("The file could not be loaded; see the report."))
        return redirect("ui:upload_report", pk=batch.pk)
    report = batch.report or {}
    errors = report.get("errors", []) or []
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(uploadreport.workbook(errors), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="upload-{batch.pk}-errors.xlsx"'
        return response
    page_no = int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1
    rows, pages = uploadreport.first_errors(errors, page_no)
    job = _job_of(batch)
    running = batch.status in (UploadBatch.Status.CHECKING, UploadBatch.Status.LOADING) and (
        job is None or job.status in (Job.Status.QUEUED, Job.Status.RUNNING))
    return render(request, "ui/hr/upload_report.html", {
        "batch": batch, "report": report, "table": table_title(batch.table), "groups": uploadreport.grouped(errors, counts=report.get("error_counts")),
        "rows": rows, "page": min(max(1, page_no), pages), "pages": pages, "page_range": range(1, pages + 1),
        "errors_total": report.get("errors_total", len(errors)), "errors_kept": len(errors),
        "defects": report.get("defects", {}), "job": job, "job_text": _job_text(job), "running": running,
        "source": report.get("source", ""), "mapping": batch.column_mapping,
        "rows_replaced": int(report.get("rows_replaced", 0) or 0), "replaced": report.get("replaced", []),
        "corrected_sheets": _corrected_sheets(batch, report)})


def _corrected_sheets(batch: UploadBatch, report: dict) -> list[Sheet]:
    """The cycle's sheets of the employees a loaded correction changes (their values change at the next compute)."""
    codes = report.get("employees") or []
    if not batch.correct or batch.status != UploadBatch.Status.LOADED or not codes:
        return []
    return list(Sheet.objects.filter(cycle=batch.cycle, employee__code__in=codes).select_related("employee")
                .order_by("employee__code"))


__all__ = ["upload", "upload_job", "upload_mapping", "upload_report", "svc"]
