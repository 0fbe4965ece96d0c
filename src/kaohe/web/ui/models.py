"""The only table the pages own: one-time form tokens already spent.

A form carries a signed token; the view records its nonce in the same transaction
as the change it makes. The unique key turns a second submission of the same form
(double click, browser back + resubmit, a retried request) into a refusal instead
of a second change. If the change fails, the transaction rolls back and the token
stays usable, so the user can correct the form and send it again.
"""

from django.db import models


class SpentFormToken(models.Model):
    nonce = models.CharField(max_length=32, unique=True)
    form_name = models.CharField(max_length=64)
    user_id = models.IntegerField()
    spent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["spent_at"])]

    def __str__(self) -> str:
        return f"{self.form_name}:{self.nonce}"
