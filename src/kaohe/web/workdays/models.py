"""A year's statutory schedule as a company loaded it, provisional deadlines and their notices.

Precedence for one date (see ``kaohe.metrics.calendar``): a company override
(``org.WorkdayOverride``), then the year schedule loaded here, then the calendar package;
a year none of them knows counts Monday–Friday for deadlines, marked provisional.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class YearSchedule(models.Model):
    """One year's holidays and make-up workdays, loaded by HR from a file or from a package."""

    class Source(models.TextChoices):
        FILE = "file", "文件 File"
        PACKAGE = "package", "软件包 Package"

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="year_schedules")
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=16, choices=Source.choices)
    # the file name, or the package and its version ("chinese-calendar 1.11.0")
    source_label = models.CharField(max_length=200)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    imported_by_label = models.CharField(max_length=150)
    imported_at = models.DateTimeField()

    class Meta:
        unique_together = [("company", "year")]
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"


class ScheduleDay(models.Model):
    HOLIDAY = "holiday"
    WORKDAY = "workday"
    KINDS = [(HOLIDAY, "节假日 Holiday"), (WORKDAY, "调休上班 Make-up workday")]

    schedule = models.ForeignKey(YearSchedule, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    kind = models.CharField(max_length=8, choices=KINDS)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        unique_together = [("schedule", "date")]
        ordering = ["date"]


class ProvisionalDeadline(models.Model):
    """A deadline counted Monday–Friday through a year with no schedule yet.

    ``shown`` is the date people were shown; ``due`` the date in force now. Both equal until
    the year is loaded and the deadline recomputed (``resolved_at`` set then).
    """

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    sheet = models.ForeignKey("appraisal.Sheet", on_delete=models.CASCADE, related_name="provisional_deadlines")
    field = models.CharField(max_length=64)  # the Sheet field holding the date, e.g. "appeal_deadline"
    start = models.DateField()  # counted from this date …
    working_days = models.PositiveSmallIntegerField()  # … this many working days
    years = models.JSONField(default=list)  # the years counted Monday–Friday
    shown = models.DateField()
    due = models.DateField()
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class DeadlineNotice(models.Model):
    """Tells a person that a deadline they were shown has moved (recorded, shown on their sheet)."""

    deadline = models.ForeignKey(ProvisionalDeadline, on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    before = models.DateField()
    after = models.DateField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
