"""The menu: one registry of pages, each with the roles that see it and, where the roles
alone do not decide, a check against `kaohe.web.permissions`.

Another area adds its pages with `register(...)` (from its AppConfig.ready() or at the
bottom of this file). An entry is shown when the user holds one of its roles (see
`kaohe.web.ui.roles.roles_of`) AND its optional `allowed(user)` says yes, so the menu
never offers a page that answers 403. The views still check permissions themselves.

Groups become dropdowns in the top bar (collapsed into one list on phones); an entry
without a group is a top-level link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import roles_of

# Group key → label, in menu order.
GROUPS: dict[str, Any] = {
    "work": _("My work"),
    "team": _("Team"),
    "cycles": _("Cycles"),
    "setup": _("Setup"),
    "reports": _("Reports"),
    "audit": _("Audit"),
}


@dataclass(frozen=True)
class NavEntry:
    url_name: str                      # a URL name without arguments, e.g. "ui:my_team"
    label: str | Promise               # gettext_lazy text
    roles: frozenset[str]              # roles_of() values that see it; "employee" = anyone with an employee record
    group: str = ""                    # a GROUPS key, or "" for a top-level link
    order: int = 100                   # position inside its group (smaller first)
    icon: str = ""                     # a Bootstrap Icons name without "bi-", e.g. "people"
    allowed: Callable[[Any], bool] | None = field(default=None, compare=False)
    superuser_only: bool = False


_REGISTRY: dict[str, NavEntry] = {}


def register(*entries: NavEntry) -> None:
    """Add (or replace, by url_name) menu entries."""
    for entry in entries:
        _REGISTRY[entry.url_name] = entry


def unregister(url_name: str) -> None:
    _REGISTRY.pop(url_name, None)


def entries() -> list[NavEntry]:
    return sorted(_REGISTRY.values(), key=lambda e: (list(GROUPS).index(e.group) if e.group in GROUPS else -1,
                                                     e.order))


def visible_entries(user: Any) -> list[tuple[NavEntry, str]]:
    """(entry, url) for every page the user may open from the menu, in menu order."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = roles_of(user)
    shown = []
    for entry in entries():
        if entry.superuser_only:
            if not user.is_superuser:
                continue
        elif not roles & entry.roles:
            continue
        if entry.allowed is not None and not entry.allowed(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:  # an area that is not installed simply has no entry
            continue
        shown.append((entry, url))
    return shown


def menu(user: Any, path: str) -> list[dict[str, Any]]:
    """The top bar's structure: [{"label", "url", "current", "icon"} | {"label", "children": [...]}]."""
    top: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for entry, url in visible_entries(user):
        item = {"label": entry.label, "url": url, "icon": entry.icon, "testid": entry.url_name.replace(":", "-"),
                "current": url != "/" and path.startswith(url)}
        if not entry.group:
            top.append(item)
            continue
        group = groups.get(entry.group)
        if group is None:
            group = groups[entry.group] = {"key": entry.group, "label": GROUPS.get(entry.group, entry.group),
                                           "children": [], "current": False}
            top.append(group)
        group["children"].append(item)
        group["current"] = group["current"] or item["current"]
    # a group of one is just a link
    return [g["children"][0] if "children" in g and len(g["children"]) == 1 else g for g in top]


# --- the checks behind entries whose roles alone do not decide -------------------------------


def _companies(user: Any) -> list[Any]:
    from kaohe.web.permissions import _assignments

    seen: dict[int, Any] = {}
    for ra in _assignments(user):
        seen.setdefault(ra.company_id, ra.company)
    return list(seen.values())


def may_on_some_company(action: str) -> Callable[[Any], bool]:
    """allowed(user): the user may `action` on one of the companies they hold a role in."""

    def check(user: Any) -> bool:
        from kaohe.web.permissions import can

        return any(can(user, action, company) for company in _companies(user))

    return check


def _may_see_reports(user: Any) -> bool:
    from kaohe.web.appraisal.models import Cycle
    from kaohe.web.permissions import can

    return any(can(user, "view_reports", c) for c in Cycle.objects.filter(
        company__in=[c.pk for c in _companies(user)]).select_related("company")[:50])


register(
    NavEntry("ui:home", _("Home"), frozenset({"employee", "supervisor", "reviewer", "hr", "qa", "director",
                                                "auditor"}), order=0, icon="house"),
    NavEntry("ui:my_appraisal", _("My appraisal"), frozenset({"employee"}), "work", 10, "person-badge"),
    NavEntry("ui:rating_requests", _("Ratings to give"), frozenset({"employee", "qa"}), "work", 20, "star"),
    NavEntry("ui:competency_list", _("Competencies"), frozenset({"employee", "supervisor"}), "work", 30,
             "mortarboard"),
    NavEntry("ui:appeal_list", _("Appeals"), frozenset({"employee", "hr", "supervisor", "reviewer"}), "work", 40,
             "chat-left-text"),
    NavEntry("ui:my_team", _("My team"), frozenset({"supervisor"}), "team", 10, "people"),
    NavEntry("ui:review_queue", _("Approvals"), frozenset({"reviewer"}), "team", 20, "check2-square"),
    NavEntry("ui:hr_home", _("HR home"), frozenset({"hr"}), "cycles", 10, "clipboard-data"),
    NavEntry("ui:cycle_list", _("Cycle progress"), frozenset({"hr", "director", "reviewer", "supervisor"}), "cycles",
             20, "arrow-repeat",
             allowed=may_on_some_company("view_cycle_progress")),
    NavEntry("ui:setup_home", _("Setup overview"), frozenset({"hr"}), "setup", 10, "gear",
             allowed=may_on_some_company("manage_org")),
    NavEntry("ui:setup_org", _("Org tree"), frozenset({"hr"}), "setup", 20, "diagram-3",
             allowed=may_on_some_company("manage_org")),
    NavEntry("ui:setup_employees", _("Employees"), frozenset({"hr"}), "setup", 30, "people",
             allowed=may_on_some_company("manage_org")),
    NavEntry("ui:setup_roles", _("Roles and scopes"), frozenset({"hr"}), "setup", 40, "person-lock",
             allowed=may_on_some_company("manage_org")),
    NavEntry("ui:setup_company", _("Company settings"), frozenset({"hr"}), "setup", 50, "building-gear",
             allowed=may_on_some_company("manage_org")),
    NavEntry("reports:index", _("Dashboards"), frozenset({"director", "hr"}), "reports", 10, "bar-chart",
             allowed=_may_see_reports),
    NavEntry("ui:audit_trail", _("Audit trail"), frozenset({"auditor", "hr"}), "audit", 10, "journal-text",
             allowed=may_on_some_company("view_audit")),
    NavEntry("admin:index", _("Administration"), frozenset(), "audit", 90, "gear", superuser_only=True),
)
