"""HR imports the employee list from Excel: every bad row reported at once, nothing
written unless the whole file is clean; and the blank template to fill in."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from kaohe.web.errors import Forbidden, InvalidInput
from kaohe.web.org import services as org_services
from kaohe.web.org.import_report import report_lines
from kaohe.web.org.models import Company
from kaohe.web.permissions import can, require

from ..employee_template import template_bytes
from ..forms import EmployeeImportForm
from ..refusals import page
from ._common import message_of, one_change

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The summary of a successful import survives the redirect in the session, shown once.
SUMMARY_KEY = "kaohe.ui.employee_import"


def _import_companies(request: HttpRequest) -> list[Company]:
    companies = [c for c in Company.objects.order_by("code") if can(request.user, "import_employees", c)]
    if not companies:
        raise Forbidden("只有绩效管理员可以导入员工", "Only HR officers can import employees")
    return companies


@page
def import_employees(request: HttpRequest) -> HttpResponse:
    companies = _import_companies(request)
    form = EmployeeImportForm(request.POST or None, request.FILES or None, companies=companies)
    report = None
    file_name = ""
    if request.method == "POST" and form.is_valid():
        company = form.cleaned_data["company"]
        require(request.user, "import_employees", company)
        incoming = form.cleaned_data["file"]
        file_name = Path(incoming.name).name
        try:
            with tempfile.TemporaryDirectory(prefix="kaohe-employees-") as tmp:
                path = Path(tmp) / "employees.xlsx"
                with path.open("wb") as out:
                    for chunk in incoming.chunks():
                        out.write(chunk)
                # the token is spent only if the import succeeds: a refused file may be corrected and resent
                with one_change(request, "import-employees"):
                    result = org_services.import_employees(company, request.user, path)
        except InvalidInput as error:
            unreadable = [p for p in error.report.problems if p.field == "file"]
            for problem in unreadable:  # not a workbook at all: a problem of the form, not of rows
                form.add_error("file", message_of(problem))
            if not unreadable:
                report = error.report
        else:
            request.session[SUMMARY_KEY] = {"company": company.name, "file": file_name,
                                            "created": result.created, "updated": result.updated}
            return redirect("ui:import_employees")
    summary = request.session.pop(SUMMARY_KEY, None) if request.method == "GET" else None
    language = get_language() or "zh-hans"
    problems = [{"row": line.row, "column": line.column, "value": line.value, "problem": line.problem(language)}
                for line in report_lines(report)] if report is not None else []
    return render(request, "ui/hr/import_employees.html", {
        "form": form, "summary": summary, "report": report, "problems": problems, "file_name": file_name,
        "companies": companies})


@page
def employee_template(request: HttpRequest) -> HttpResponse:
    """The .xlsx to fill in: header row and one example row in the company's own terms."""
    companies = _import_companies(request)
    company = next((c for c in companies if c.code == request.GET.get("company")), companies[0])
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    response = HttpResponse(template_bytes(company, lang), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="kaohe-employees-template.xlsx"'
    return response
