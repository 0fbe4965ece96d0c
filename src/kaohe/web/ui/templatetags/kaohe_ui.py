"""Template helpers of the pages: navigation, one-time form tokens, score formatting."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import formtokens
from ..roles import roles_of

register = template.Library()

# (url name, label, roles that see it); "employee" means any user who is an employee.
NAV = [
    ("ui:my_appraisal", _("My appraisal"), {"employee"}),
    ("ui:my_team", _("My team"), {"supervisor"}),
    ("ui:review_queue", _("Approvals"), {"reviewer"}),
    ("ui:rating_requests", _("Ratings to give"), {"employee", "qa"}),
    ("ui:hr_home", _("HR"), {"hr"}),
    ("ui:cycle_list", _("Cycle progress"), {"hr", "director"}),
    ("ui:appeal_list", _("Appeals"), {"employee", "hr", "supervisor", "reviewer"}),
    ("ui:competency_list", _("Competencies"), {"employee", "supervisor"}),
    ("ui:audit_trail", _("Audit trail"), {"auditor", "hr"}),
    ("reports:home", _("Dashboards"), {"director", "hr"}),
]


@register.inclusion_tag("ui/_nav.html", takes_context=True)
def ui_nav(context: template.Context) -> dict:
    request = context["request"]
    roles = roles_of(request.user)
    items = []
    for name, label, who in NAV:
        if not roles & who:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # an area not installed (e.g. reports) simply has no entry
            continue
        items.append({"url": url, "label": label, "current": request.path.startswith(url) and url != "/"})
    return {"items": items}


@register.simple_tag(takes_context=True)
def form_token(context: template.Context, *parts: object) -> str:
    """{% form_token "sheet" sheet.pk "approve" %} → a one-time token for form "sheet-<pk>-approve"."""
    token = formtokens.issue(context["request"], "-".join(str(p) for p in parts))
    return format_html('<input type="hidden" name="{}" value="{}">', formtokens.FIELD, token)


@register.filter
def signed(value: Decimal | None) -> str:
    """A delta with its sign, as in a score trace: +5, -2.5; blank when none."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text if text.startswith("-") else "+" + text


@register.filter
def score(value: Decimal | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".") if value % 1 else str(int(value))
    return str(value)


@register.filter
def bilingual(obj: object, field: str) -> str:
    """obj.<field>_zh or obj.<field>_en by the active language (falls back to Chinese)."""
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    getter = obj.get if isinstance(obj, dict) else lambda k, d=None: getattr(obj, k, d)
    return getter(f"{field}_{lang}") or getter(f"{field}_zh") or ""


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def person(user: object) -> str:
    """A user's full name, else their login name; a dash for nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
