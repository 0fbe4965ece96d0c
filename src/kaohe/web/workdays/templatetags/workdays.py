"""{% load workdays %}: the provisional note beside a deadline, notices, and HR's calendar to-dos."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from kaohe.web.workdays import services

register = template.Library()


@register.inclusion_tag("workdays/_deadline_note.html")
def deadline_note(sheet: Any, field: str = "appeal_deadline") -> dict[str, Any]:
    """Beside a date: "provisional: Mon–Fri until the 2027 holidays are loaded" when it is."""
    mark = services.open_mark(sheet, field) if sheet is not None and getattr(sheet, "pk", None) else None
    language = get_language() or "zh-hans"
    return {"mark": mark, "note": services.provisional_note(mark.years, language) if mark else ""}


@register.inclusion_tag("workdays/_notices.html", takes_context=True)
def deadline_notices(context: template.Context, sheet: Any = None) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    notices = services.notices_for(user, sheet) if user is not None and user.is_authenticated else []
    return {"notices": notices}


@register.simple_tag(takes_context=True)
def calendar_todos(context: template.Context) -> list[dict[str, str]]:
    request = context.get("request")
    language = get_language() or "zh-hans"
    return [{"message": t.message(language), "url": t.url, "year": str(t.year)}
            for t in services.todos_for(getattr(request, "user", None))]
