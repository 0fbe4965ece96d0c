"""The bell in the top bar and HR's count of failed deliveries."""

from __future__ import annotations

from typing import Any

from django import template

from .. import services

register = template.Library()


@register.simple_tag(takes_context=True)
def notify_unread(context: template.Context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    try:
        return services.unread_count(user)
    except Exception:  # noqa: BLE001 (never break a page for the bell: e.g. before migrations ran)
        return 0


@register.simple_tag(takes_context=True)
def notify_failed_count(context: template.Context) -> int:
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    try:
        return int(services.failed_deliveries(user).count()) if user is not None else 0
    except Exception:  # noqa: BLE001
        return 0


@register.simple_tag(takes_context=True)
def notify_is_hr(context: template.Context) -> bool:
    request = context.get("request")
    return bool(services.hr_companies(getattr(request, "user", None)))
