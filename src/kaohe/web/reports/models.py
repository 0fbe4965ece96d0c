"""Improvement plans (绩效改进计划) kept until they end; the rules live in `kaohe.results.plans`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kaohe.web.appraisal.models import Sheet


class ImprovementPlan(models.Model):
    """Opened from a sheet whose grade calls for a plan; closed with the next cycle's grade."""

    class Outcome(models.TextChoices):
        IMPROVED = "improved", "已改进 Improved"
        NOT_IMPROVED = "not_improved", "未改进 Not improved"

    sheet = models.OneToOneField(Sheet, on_delete=models.PROTECT, related_name="improvement_plan")
    trigger_grade = models.CharField(max_length=8)
    goal = models.TextField()
    opened_on = models.DateField()
    due = models.DateField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    next_grade = models.CharField(max_length=8, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["due", "pk"]


class PlanItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "未开始 Open"
        IN_PROGRESS = "in_progress", "进行中 In progress"
        DONE = "done", "已完成 Done"
        CANCELLED = "cancelled", "已取消 Cancelled"

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="items")
    action = models.TextField()
    owner = models.CharField(max_length=200)  # a person's name: the employee, the supervisor, a trainer
    due = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
