"""Forms of the pages. Django validates every field and reports all errors at once;
workflow rules (who may do what, when) are checked by the services, not here."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 4000


class DateInput(forms.DateInput):
    """An HTML date picker: the value must be ISO (YYYY-MM-DD) whatever the UI language."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    # actions and object kinds chosen by name (kaohe.web.ui.audit_labels); the stored codes stay out of sight
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Who"), required=False, max_length=200)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .audit_labels import ACTIONS, OBJECTS

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any")), *sorted(((k, str(v)) for k, v in ACTIONS.items()),
                                                                   key=lambda kv: kv[1])]
        self.fields["object_type"].choices = [("", _("Any")), *sorted(((k, str(v)) for k, v in OBJECTS.items()),
                                                                        key=lambda kv: kv[1])]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ReasonForm(forms.Form):
    """Any step that needs a written reason: returning a sheet, a calibration change."""

    reason = forms.CharField(label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 2:
            raise ValidationError(_("Write a reason the employee can understand."))
        return reason


class RatingsForm(forms.Form):
    """Manual ratings, one decimal field per manually rated indicator of the sheet,
    plus a comment per item. The fields are built from the sheet's scheme."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, items: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            if item.get("counts"):  # a count item: the rater enters how often each thing happened
                for name in item["counts"]:
                    self.fields[f"count_{item['id']}__{name}"] = forms.IntegerField(
                        label=f"{item['label']} · {name}", min_value=0, max_value=100000)
                self.fields[f"comment_{item['id']}"] = forms.CharField(
                    label=_("Comment"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}))
                continue
            if item.get("levels"):  # a level item: one of its levels, each shown with its behaviour anchor
                self.fields[f"score_{item['id']}"] = forms.TypedChoiceField(
                    label=item["label"], coerce=Decimal, required=item.get("required", True),
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    choices=[(str(lv["level"]), lv["text"]) for lv in item["levels"]],
                    error_messages={"invalid_choice": _("Choose one of the levels shown.")},
                    help_text=item.get("help", ""))
            else:
                step = str(item.get("step", "0.01"))
                self.fields[f"score_{item['id']}"] = forms.DecimalField(
                    label=item["label"], min_value=Decimal(item.get("min", 0)),
                    max_value=Decimal(item.get("max", 100)), decimal_places=0 if step == "1" else 2, max_digits=8,
                    required=item.get("required", True), help_text=item.get("help", ""),
                    widget=forms.NumberInput(attrs={"step": step, "min": str(item.get("min", 0)),
                                                    "max": str(item.get("max", 100)), "inputmode": "decimal"}))
            self.fields[f"comment_{item['id']}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}))

    def ratings(self) -> dict[str, Decimal | None]:
        return {item["id"]: self.cleaned_data.get(f"score_{item['id']}") for item in self.items}

    def counts(self) -> dict[str, dict[str, int]]:
        return {item["id"]: {name: self.cleaned_data[f"count_{item['id']}__{name}"] for name in item["counts"]}
                for item in self.items if item.get("counts")}

    def comments(self) -> dict[str, str]:
        return {item["id"]: self.cleaned_data.get(f"comment_{item['id']}", "") for item in self.items}

    def rows(self) -> list[tuple]:
        """(item, its input fields, its comment field) per item, for the template."""
        rows = []
        for item in self.items:
            names = [f"count_{item['id']}__{n}" for n in item["counts"]] if item.get("counts") \
                else [f"score_{item['id']}"]
            rows.append((item, [self[n] for n in names], self[f"comment_{item['id']}"]))
        return rows


class CalibrationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    total = forms.DecimalField(label=_("Score"), required=False, min_value=Decimal(0), max_value=Decimal(200),
                               decimal_places=2, max_digits=6)
    reason = forms.CharField(label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, grades: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", "—")] + [(g, g) for g in grades]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("grade") and data.get("total") is None and not self.has_error("total"):
            raise ValidationError(_("Change the grade, the score, or both."))
        return data


class InterviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)  # required: no lost update
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    strengths = forms.CharField(label=_("Strengths"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    gaps = forms.CharField(label=_("Gaps"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    improvement_plan = forms.CharField(label=_("Improvement plan"), max_length=MAX_TEXT,
                                       widget=forms.Textarea(attrs={"rows": 4}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the appeal service (type, first bytes, size)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".png,.jpg,.jpeg,.gif,.webp,.pdf,.xlsx"}))
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the appeal"), max_length=MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.CharField(label=_("Evidence"), required=False, max_length=MAX_TEXT,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Describe the records or facts that support the appeal."))
    indicators = forms.MultipleChoiceField(label=_("Indicators concerned"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    files = MultipleFileField(label=_("Files (images, PDF or Excel; up to 5 files of 5 MB)"), required=False)

    def __init__(self, *args, indicator_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = indicator_choices

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise ValidationError(_("Explain what you think is wrong, in a sentence or more."))
        return reason


class AssignReviewerForm(forms.Form):
    reviewer = forms.TypedChoiceField(label=_("Re-reviewer"), coerce=int)

    def __init__(self, *args, reviewers: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", "—")] + reviewers


class AppealDecisionForm(forms.Form):
    UPHOLD, ADJUST = "uphold", "adjust"
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (UPHOLD, _("Uphold the published result")), (ADJUST, _("Adjust the score (a new version)"))])
    total = forms.DecimalField(label=_("New score"), required=False, min_value=Decimal(0), max_value=Decimal(200),
                               decimal_places=2, max_digits=6)
    grade = forms.ChoiceField(label=_("New grade"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, grades: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", "—")] + [(g, g) for g in grades]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == self.ADJUST and data.get("total") is None and not data.get("grade") \
                and not self.has_error("total"):
            self.add_error("total", _("An adjustment needs a new score or grade."))
        return data


class UploadForm(forms.Form):
    table = forms.ChoiceField(label=_("Kind of records"))
    source = forms.CharField(label=_("Source"), required=False, max_length=200,
                             help_text=_("The system the file comes from. A source mapped before is reused."))
    file = forms.FileField(label=_("File (CSV, XLSX or Parquet)"))
    correct = forms.BooleanField(
        label=_("These rows correct records already loaded (replace them)"), required=False,
        help_text=_("A row whose key (a call's id, for example) was loaded before replaces the stored row; the "
                    "check shows how many rows of which earlier uploads are replaced before anything is loaded."))

    def __init__(self, *args, tables: list[tuple[str, str]], sources: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table"].choices = [("", "—")] + tables
        self.fields["source"].widget.attrs["list"] = "known-sources"
        self.sources = sources or []

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".parquet")):
            raise ValidationError(_("Use a .csv, .xlsx or .parquet file."))
        return upload


class CompetencyForm(forms.Form):
    """One level field per competency of the position's model; built from the model."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)  # required: no lost update

    def __init__(self, *args, competencies: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        for comp in competencies:
            self.fields[f"level_{comp['id']}"] = forms.TypedChoiceField(
                label=comp["label"], coerce=int,
                choices=[("", "—")] + (comp.get("choices") or [(n, str(n)) for n in comp["levels"]]),
                help_text=comp.get("help", ""))

    def levels(self) -> dict[str, int]:
        return {c["id"]: self.cleaned_data[f"level_{c['id']}"] for c in self.competencies}

    def rows(self) -> list[tuple]:
        return [(c, self[f"level_{c['id']}"]) for c in self.competencies]


class OpenCycleForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Company"), queryset=None, empty_label=None)
    period = forms.ChoiceField(label=_("Period"), choices=[
        ("monthly", _("Monthly")), ("quarterly", _("Quarterly")), ("annual", _("Annual"))])
    label = forms.RegexField(label=_("Period label"), regex=r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
                             help_text=_("2026-10 for a month, 2026-Q4 for a quarter, 2026 for a year"),
                             error_messages={"invalid": _("Write 2026-10, 2026-Q4 or 2026.")})
    start = forms.DateField(label=_("First day"), widget=DateInput())
    end = forms.DateField(label=_("Last day"), widget=DateInput())
    name = forms.CharField(label=_("Name"), required=False, max_length=200)

    def __init__(self, *args, companies: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from kaohe.web.org.models import Company

        self.fields["company"].queryset = Company.objects.filter(pk__in=[c.pk for c in companies])

    def clean(self) -> dict:
        data = super().clean()
        start, end, period, label = data.get("start"), data.get("end"), data.get("period"), data.get("label")
        if start and end and end < start:
            self.add_error("end", _("The last day is before the first day."))
        if period and label:
            shape = {"monthly": r"^\d{4}-\d{2}$", "quarterly": r"^\d{4}-Q[1-4]$", "annual": r"^\d{4}$"}[period]
            if not re.match(shape, label):
                self.add_error("label", _("The label does not match the period."))
        return data


class RequestRatingsForm(forms.Form):
    """Ask colleagues (360) or internal customers to rate an employee."""

    role = forms.ChoiceField(label=_("Rated as"), choices=[("peer", _("Colleague (360)")),
                                                            ("customer", _("Internal customer"))])
    raters = forms.TypedMultipleChoiceField(label=_("Raters"), coerce=int, widget=forms.CheckboxSelectMultiple)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["raters"].choices = people


class EmployeeImportForm(forms.Form):
    """An employee list in Excel; the rows themselves are checked by the org service."""

    MAX_BYTES = 10 * 1024 * 1024  # a list of thousands of employees is well under this

    company = forms.ModelChoiceField(label=_("Company"), queryset=None, empty_label=None)
    file = forms.FileField(label=_("Employee list (.xlsx)"))

    def __init__(self, *args, companies: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from kaohe.web.org.models import Company

        self.fields["company"].queryset = Company.objects.filter(pk__in=[c.pk for c in companies]).order_by("code")

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Use an Excel workbook (.xlsx); save other formats as .xlsx first."))
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        return upload


class GuidedCycleForm(forms.Form):
    """Opening a cycle in one page: the period fills the dates, the scope narrows who gets a sheet,
    each step gets a last day; "preview" shows what would happen, "open" does it."""

    company = forms.ModelChoiceField(label=_("Company"), queryset=None, empty_label=None)
    period = forms.ChoiceField(label=_("Period"), choices=[
        ("monthly", _("Monthly")), ("quarterly", _("Quarterly")), ("annual", _("Annual"))])
    label = forms.RegexField(label=_("Period label"), regex=r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
                             help_text=_("2026-10 for a month, 2026-Q4 for a quarter, 2026 for a year"),
                             error_messages={"invalid": _("Write 2026-10, 2026-Q4 or 2026.")})
    start = forms.DateField(label=_("First day"), widget=DateInput(), required=False,
                            help_text=_("Filled in from the period label."))
    end = forms.DateField(label=_("Last day"), widget=DateInput(), required=False,
                          help_text=_("Filled in from the period label."))
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    positions = forms.MultipleChoiceField(label=_("Positions"), required=False,
                                          widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                          help_text=_("Leave all unticked for every position."))
    departments = forms.MultipleChoiceField(label=_("Departments"), required=False,
                                            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    employees = forms.CharField(label=_("Only these employees (codes)"), required=False, max_length=MAX_TEXT,
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("Employee codes separated by spaces or commas; empty for everyone."))
    leave_out_unschemed = forms.BooleanField(
        label=_("Open without the employees whose position has no scheme for this period"), required=False)

    def __init__(self, *args, companies: list, positions: list[tuple[str, str]],
                 departments: list[tuple[str, str]], steps: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from kaohe.web.org.models import Company

        self.fields["company"].queryset = Company.objects.filter(pk__in=[c.pk for c in companies]).order_by("code")
        self.fields["positions"].choices = positions
        self.fields["departments"].choices = departments
        self.steps = steps
        for step, label in steps:
            self.fields[f"deadline_{step}"] = forms.DateField(label=label, widget=DateInput(), required=False)

    def deadline_fields(self) -> list:
        return [self[f"deadline_{step}"] for step, _label in self.steps]

    def scope_fields(self) -> list:
        return [self["positions"], self["departments"], self["employees"]]

    def clean(self) -> dict:
        from kaohe.web.appraisal.services.cycles import period_bounds

        data = super().clean()
        period, label = data.get("period"), data.get("label")
        if period and label:
            bounds = period_bounds(period, label)
            if bounds is None:
                self.add_error("label", _("The label does not match the period."))
            else:
                data["start"] = data.get("start") or bounds[0]
                data["end"] = data.get("end") or bounds[1]
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last day is before the first day."))
        codes = [c for c in re.split(r"[\s,，;；]+", data.get("employees") or "") if c]
        data["employee_codes"] = codes
        return data
