"""HR's working-day calendar page: which years are loaded and from where, which years open
cycles need but lack, loading a year from a file or an installed package, the template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kaohe.web.errors import Forbidden, InvalidInput
from kaohe.web.org.models import Company
from kaohe.web.permissions import can, require
from kaohe.web.ui.refusals import page
from kaohe.web.ui.views._common import message_of, one_change

from . import fileio, services

MAX_BYTES = 2 * 1024 * 1024


class ImportForm(forms.Form):
    company = forms.ModelChoiceField(queryset=Company.objects.none(), label=gettext_lazy("Company"))
    year = forms.IntegerField(min_value=services.MIN_YEAR, max_value=services.MAX_YEAR,
                              label=gettext_lazy("Year"))
    file = forms.FileField(label=gettext_lazy("Schedule file (.xlsx or .csv)"))

    def __init__(self, *args: Any, companies: list[Company], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["company"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Company.objects.filter(pk__in=[c.pk for c in companies])
        field.initial = companies[0].pk if companies else None
        if len(companies) == 1:
            field.widget = forms.HiddenInput()


def _companies(request: HttpRequest) -> list[Company]:
    companies = [c for c in Company.objects.order_by("code") if can(request.user, "manage_org", c)]
    if not companies:
        raise Forbidden("只有绩效管理员可以管理工作日历", "Only HR officers can manage the working-day calendar")
    return companies


def _company(request: HttpRequest, companies: list[Company]) -> Company:
    raw = request.POST.get("company") or request.GET.get("company") or ""
    return next((c for c in companies if str(c.pk) == raw), companies[0])


def _outcome_message(outcome: services.ImportOutcome) -> str:
    text = _("%(year)s holiday schedule loaded from %(source)s: %(holidays)d holidays, %(workdays)d make-up "
             "workdays.") % {"year": outcome.year, "source": outcome.source_label, "holidays": outcome.holidays,
                             "workdays": outcome.workdays}
    if outcome.changes:
        text += " " + _("%(n)d provisional deadline(s) recounted.") % {"n": len(outcome.changes)}
    return text


@page
def calendar_page(request: HttpRequest) -> HttpResponse:
    companies = _companies(request)
    company = _company(request, companies)
    form = ImportForm(request.POST or None, request.FILES or None, companies=companies,
                      initial={"company": company.pk, "year": services.local_today(company).year + 1})
    problems: list[dict[str, Any]] = []
    file_name = ""
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "package":
        require(request.user, "manage_org", company)
        try:
            with one_change(request, "calendar-package"):
                outcome = services.load_package_year(company, request.user, int(request.POST.get("year") or 0))
        except InvalidInput as error:
            for p in error.report.problems:
                messages.error(request, message_of(p))
        else:
            messages.success(request, _outcome_message(outcome))
        return redirect(f"{request.path}?company={company.pk}")
    if request.method == "POST" and form.is_valid():
        company = form.cleaned_data["company"]
        require(request.user, "manage_org", company)
        incoming = form.cleaned_data["file"]
        file_name = Path(incoming.name).name
        if incoming.size > MAX_BYTES:
            form.add_error("file", _("The file is larger than 2 MB."))
        else:
            rows, report = fileio.read_schedule(file_name, incoming.read())
            try:
                if not report.ok:
                    raise InvalidInput(report)
                with one_change(request, "calendar-import"):
                    outcome = services.import_year_schedule(company, request.user, form.cleaned_data["year"], rows,
                                                            source_label=file_name, report=report)
            except InvalidInput as error:
                language = get_language() or "zh-hans"
                problems = [{"row": p.row, "column": p.field, "value": p.value or "",
                             "problem": p.message_en if language.startswith("en") else p.message_zh}
                            for p in error.report.problems]
            else:
                messages.success(request, _outcome_message(outcome))
                return redirect(f"{request.path}?company={company.pk}")
    status = services.calendar_status(company)
    from kaohe.metrics.calendar import package_label, package_years

    years = package_years()
    return render(request, "workdays/calendar.html", {
        "company": company, "companies": companies, "form": form, "status": status, "problems": problems,
        "file_name": file_name, "package_label": package_label(), "package_first": years.start,
        "package_last": years.stop - 1, "next_year": services.local_today(company).year + 1})


@page
def template(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    _companies(request)
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    if fmt == "csv":
        response = HttpResponse(fileio.template_csv(year, lang), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(fileio.template_xlsx(year, lang), content_type=fileio.XLSX)
        fmt = "xlsx"
    response["Content-Disposition"] = f'attachment; filename="kaohe-holidays-{year}.{fmt}"'
    return response
