"""The company's own schemes: copied from the book, edited as drafts, published as immutable versions.

- `CompanyScheme`: one scheme of the company (copied from a book scheme by "use in our company";
  the book's scheme stays read-only in the library). Keeps the book scheme's id, so a cycle's
  frozen copy (`SchemeSnapshot`) of either is the same scheme in another version.
- `SchemeDraft`: what HR is editing (a save is a draft; it may still have checker problems).
- `SchemeVersion`: a published version, numbered 1, 2 … per company scheme; its content never
  changes. When the company requires it, a director other than the author approves it before use.
- `SchemeAssignment`: from which period (label) a version applies to a position, level and period kind.
- `CompanySchemeSettings`: whether versions need a director's approval.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models

from kaohe.web.org.models import Company


def content_digest(content: Any) -> str:
    """The digest a cycle's scheme snapshot uses for the same content (kaohe.web.appraisal.services.cycles)."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class CompanySchemeSettings(models.Model):
    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="scheme_settings")
    require_approval = models.BooleanField(default=False)  # a director approves each version before use
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.company} approval={self.require_approval}"


class CompanyScheme(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="company_schemes")
    scheme_id = models.CharField(max_length=64)  # the book scheme's id, kept
    book_content = models.JSONField()  # the book's scheme when it was copied, for "differences from the book"
    position_code = models.CharField(max_length=64)
    level = models.CharField(max_length=16)
    period = models.CharField(max_length=16)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("company", "scheme_id")]
        ordering = ["position_code", "level", "period"]

    def __str__(self) -> str:
        return f"{self.company.code}:{self.scheme_id}"

    def name(self, lang: str = "zh") -> str:
        draft = getattr(self, "draft", None)
        content = draft.content if draft is not None else self.book_content
        name = content.get("name") or {}
        return str((name.get("en") if lang.startswith("en") else None) or name.get("zh") or self.scheme_id)

    def latest_version(self) -> SchemeVersion | None:
        return self.versions.order_by("-number").first()


class SchemeDraft(models.Model):
    company_scheme = models.OneToOneField(CompanyScheme, on_delete=models.CASCADE, related_name="draft")
    content = models.JSONField()  # Scheme.model_dump(mode="json"); may have checker problems
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


BOOK_NOTE = "从书中方案复制 · Copied from the book"  # the note of version 1, in both languages


class ImmutableVersion(Exception):
    pass


class SchemeVersion(models.Model):
    company_scheme = models.ForeignKey(CompanyScheme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    note = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("company_scheme", "number")]
        ordering = ["company_scheme", "number"]

    def __str__(self) -> str:
        return f"{self.company_scheme.scheme_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A version's content, number and note never change once published (approval may be added)."""
        if self.pk is not None:
            old = SchemeVersion.objects.filter(pk=self.pk).values("content", "number", "note", "sha256").first()
            if old and (old["sha256"] != content_digest(self.content) or old["number"] != self.number
                        or old["note"] != self.note):
                raise ImmutableVersion(f"{self} is published and cannot change")
        self.sha256 = content_digest(self.content)
        super().save(*args, **kwargs)

    def scheme(self):  # type: ignore[no-untyped-def]
        from kaohe.scheme.models import Scheme

        return Scheme.model_validate(self.content)

    def note_in(self, lang: str) -> str:
        if self.note == BOOK_NOTE:
            zh, en = BOOK_NOTE.split(" · ")
            return en if lang.startswith("en") else zh
        return self.note


class SchemeAssignment(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="scheme_assignments")
    position_code = models.CharField(max_length=64)
    level = models.CharField(max_length=16)
    period = models.CharField(max_length=16)
    effective_from = models.CharField(max_length=16)  # a cycle label: 2026-12, 2027-Q1, 2027
    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position_code", "level", "period", "-effective_from", "-assigned_at"]

    def __str__(self) -> str:
        return f"{self.position_code}/{self.level}/{self.period} from {self.effective_from}: {self.version}"
