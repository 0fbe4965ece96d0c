"""Template helpers of the pages: navigation, one-time form tokens, score formatting."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_noop

from .. import formatting, formtokens, nav

register = template.Library()


@register.inclusion_tag("ui/_nav.html", takes_context=True)
def ui_nav(context: template.Context) -> dict:
    """The top bar's menu for this user (kaohe.web.ui.nav holds the entries)."""
    request = context["request"]
    return {"items": nav.menu(request.user, request.path)}


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


# --- numbers, units and labels (kaohe.web.ui.formatting) ----------------------------------


@register.filter
def num(value: object, places: int = 2) -> str:
    """{{ x|num }} → at most 2 decimals, trailing zeros dropped, thousands grouped; "—" for none."""
    return formatting.number(value, int(places))


@register.filter
def unit(value: object, unit_name: str = "") -> str:
    """{{ x|unit:"%" }} 95.46% · {{ x|unit:"s" }} 35 秒 / 35 s · {{ x|unit:indicator.unit }}."""
    return formatting.with_unit(value, unit_name)


@register.filter
def pct(value: object) -> str:
    """A value already in percent: {{ 95.456|pct }} → 95.46%."""
    return formatting.percent(value)


@register.filter
def ratio_pct(value: object) -> str:
    """A ratio: {{ 0.9546|ratio_pct }} → 95.46%."""
    return formatting.ratio_percent(value)


@register.filter
def secs(value: object) -> str:
    """{{ 35.2|secs }} → 35 秒 / 35 s."""
    return formatting.seconds(value)


@register.filter
def lang_label(value: object) -> str:
    """{{ ra.get_role_display|lang_label }}: "绩效管理员 HR" → 绩效管理员 (zh) / HR (en)."""
    return formatting.lang_label(value)


@register.filter
def text_of(obj: object, field: str = "name") -> str:
    """{{ position|text_of:"name" }} → name_en / name_zh by the page's language."""
    return formatting.text_of(obj, field)


@register.filter
def scheme_label(snapshot: object) -> str:
    """{{ sheet.scheme|scheme_label }} → "座席员月度考核方案 · 第 1 版" / "Agent monthly scheme · version 1"."""
    return formatting.scheme_label(snapshot)


@register.filter
def bs(field: object) -> str:
    """{{ field|bs }}: the widget with Bootstrap's class (form-control, form-select, form-check-input)."""
    from django import forms

    widget = field.field.widget  # type: ignore[attr-defined]
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        css = ""
    elif isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select"
    else:
        css = "form-control"
    existing = widget.attrs.get("class", "")
    classes = " ".join(c for c in (existing, css, "is-invalid" if field.errors else "") if c)  # type: ignore[attr-defined]
    return field.as_widget(attrs={"class": classes} if classes else None)  # type: ignore[attr-defined]


@register.filter
def is_checkbox(field: object) -> bool:
    from django import forms

    return isinstance(field.field.widget, forms.CheckboxInput)  # type: ignore[attr-defined]


@register.inclusion_tag("ui/_home_sections.html", takes_context=True)
def home_sections(context: template.Context, *roles: str) -> dict:
    """{% home_sections "hr" %}: the to-do cards of those roles (all the user's roles without arguments)."""
    from .. import home

    user = context["request"].user
    return {"sections": home.sections(user, set(roles) if roles else None)}


@register.filter
def audit_action(code: str) -> str:
    from .. import audit_labels

    return audit_labels.action_label(code)


@register.filter
def audit_object(object_type: str) -> str:
    from .. import audit_labels

    return audit_labels.object_label(object_type)


@register.filter
def audit_fields(data: object) -> list:
    from .. import audit_labels

    return audit_labels.described(data)


# The report pages of a cycle and the permission each needs (kaohe.web.reports.views).
REPORT_TABS = [
    ("reports:dashboard", "view_reports", gettext_noop("Dashboard")),
    ("reports:quality", "view_reports", gettext_noop("Indicator quality")),
    ("reports:what_if", "view_calibration_board", gettext_noop("What-if")),
    ("reports:application", "view_reports", gettext_noop("Applying results")),
    ("reports:plans", "view_team", gettext_noop("Improvement plans")),
]


@register.simple_tag(takes_context=True)
def report_tabs(context: template.Context, cycle: object) -> list[dict]:
    """{% report_tabs cycle as tabs %}: the report pages of the cycle this user may open."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from kaohe.web.permissions import can

    request = context["request"]
    tabs = []
    for name, action, label in REPORT_TABS:
        if can(request.user, action, cycle):
            url = reverse(name, args=[cycle.pk])  # type: ignore[attr-defined]
            tabs.append({"url": url, "label": gettext(label), "current": request.path == url,
                         "key": name.split(":")[1]})
    return tabs


@register.filter
def in_lang(obj: object) -> str:
    """An object or dict with zh/en texts (a report column, a library Text): the page's language."""
    if obj is None:
        return ""
    get = obj.get if isinstance(obj, dict) else lambda k: getattr(obj, k, "")  # type: ignore[union-attr]
    if formatting.is_english():
        return get("en") or get("zh") or ""
    return get("zh") or ""


PLAN_STATES = {
    "closed": gettext_noop("Closed"), "ready_to_close": gettext_noop("Ready to close"),
    "overdue": gettext_noop("Overdue"), "due_soon": gettext_noop("Due soon"), "on_track": gettext_noop("On track"),
}


@register.filter
def plan_state(code: str) -> str:
    """An improvement plan's state in words (kaohe.results.plans.plan_state codes)."""
    from django.utils.translation import gettext

    return gettext(PLAN_STATES[code]) if code in PLAN_STATES else formatting.lang_label(code)


@register.simple_tag
def colon() -> str:
    """The colon after a label, as the page's language writes it: "总分：86" / "Total: 86"."""
    return ": " if formatting.is_english() else "："
