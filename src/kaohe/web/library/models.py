"""The company's own copy of a book position's competency model and letter template.

The book (`kaohe.library`) stays read-only; "use in our company" stores its competency model and
letter as JSON here, in the shape of `kaohe.scheme.position.CompetencyModel` and
`ResponsibilityLetter`, and HR edits that copy. `version` counts saves (optimistic locking).
The letter filled for each sheet when its cycle opens is kept in `OpeningLetter`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CompanyPosition(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="library_positions")
    position_code = models.CharField(max_length=64)  # the book position's id
    competency_model = models.JSONField()  # CompetencyModel.model_dump(mode="json")
    letter = models.JSONField()  # ResponsibilityLetter.model_dump(mode="json"), shared terms included
    version = models.PositiveIntegerField(default=1)
    copied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    copied_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        unique_together = [("company", "position_code")]
        ordering = ["company", "position_code"]
        verbose_name = "公司岗位库 Company position"

    def __str__(self) -> str:
        return f"{self.position_code} v{self.version}"


class OpeningLetter(models.Model):
    """The target-responsibility letter of one sheet, filled from the template in force when the
    cycle opened: the employee's name, position, period and each indicator's target."""

    sheet = models.OneToOneField("appraisal.Sheet", on_delete=models.CASCADE, related_name="opening_letter")
    title = models.CharField(max_length=300)
    content = models.JSONField()
    template = models.CharField(max_length=16)  # "book" or "company"
    template_version = models.PositiveIntegerField(default=0)  # the company copy's version, 0 for the book
    filled_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title
