"""The KPI definitions a company chooses (docs/kpi-catalog.md), with their history, and what a
change means for published sheets.

A definition is the set of catalog parameters one KPI is computed with for the whole company
(service-level threshold and abandon treatment, ASA with or without ring time …). Each change
adds a row and closes the previous one (``superseded_at``), so the history is never lost.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class KpiDefinition(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="kpi_definitions")
    kpi = models.CharField(max_length=64)
    params = models.JSONField(default=dict)  # the chosen parameters; the catalog defaults fill the rest
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    valid_from = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["company", "kpi", "-valid_from", "-pk"]
        indexes = [models.Index(fields=["company", "kpi"])]

    def __str__(self) -> str:
        return f"{self.kpi} {self.params}"


class SheetNotice(models.Model):
    """A published sheet whose KPI values a definition change altered. Its score is untouched
    until HR decides: re-score (a new, audited score version) or leave it as published."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待决定 Pending"
        RESCORED = "rescored", "已重新计分 Re-scored"
        LEFT = "left", "保持不变 Left as published"

    definition = models.ForeignKey(KpiDefinition, on_delete=models.CASCADE, related_name="notices")
    sheet = models.ForeignKey("appraisal.Sheet", on_delete=models.CASCADE, related_name="kpi_definition_notices")
    computation = models.ForeignKey("appraisal.KpiComputation", on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(default=list)  # [{kpi, scope, old, new}] for this sheet
    created_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    score_version = models.ForeignKey("appraisal.ScoreVersion", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")

    class Meta:
        unique_together = [("definition", "sheet")]
        ordering = ["-created_at", "-pk"]
