"""{% tr "中文" "English" %}: the text in the page's language; scheme labels for cycle pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


def _en() -> bool:
    return (get_language() or "zh-hans").startswith("en")


@register.simple_tag
def tr(zh: str, en: str) -> str:
    return en if _en() else zh


@register.filter
def in_lang(obj: Any, what: str = "label") -> str:
    """{{ field|in_lang:"label" }} → field.label("zh"/"en"); also help, title, message, hint."""
    method = getattr(obj, what, None)
    return str(method("en" if _en() else "zh")) if callable(method) else ""


@register.filter
def dash(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


@register.inclusion_tag("schemes/_cycle_schemes.html")
def cycle_schemes(cycle: Any) -> dict[str, Any]:
    """The schemes a cycle's sheets are frozen on, by name and version (for the cycle's page)."""
    from kaohe.web.appraisal.models import SchemeSnapshot
    from kaohe.web.ui.formatting import scheme_label

    snaps = SchemeSnapshot.objects.filter(sheets__cycle=cycle).distinct().order_by("scheme_id", "version")
    return {"labels": [scheme_label(s) for s in snaps]}
