"""The scheme editor's menu entries: HR edits schemes; a director approves versions when the company asks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaohe.web.ui.home import Todo, register_todo
from kaohe.web.ui.nav import NavEntry, may_on_some_company, register


def _director_with_approvals(user: Any) -> bool:
    from kaohe.web.schemes.models import CompanySchemeSettings
    from kaohe.web.schemes.services import director_companies

    return CompanySchemeSettings.objects.filter(company__in=director_companies(user), require_approval=True).exists()


register(
    NavEntry("schemes:index", _("Schemes"), frozenset({"hr"}), "setup", 60, "ui-checks-grid",
             allowed=may_on_some_company("manage_org")),
    NavEntry("schemes:assignments", _("Schemes in use"), frozenset({"hr"}), "setup", 61, "diagram-2",
             allowed=may_on_some_company("manage_org")),
    NavEntry("schemes:approvals", _("Scheme approvals"), frozenset({"director"}), "team", 30, "patch-check",
             allowed=_director_with_approvals),
)


def _awaiting(companies: list[Any]) -> list[Any]:
    from kaohe.web.schemes.services import awaiting_approval

    return [v for c in companies for v in awaiting_approval(c)]


def _words(zh: str, en: str) -> str:
    from django.utils.translation import get_language

    return en if (get_language() or "zh-hans").startswith("en") else zh


def _director_todos(user: Any) -> list[Todo]:
    from kaohe.web.schemes.services import director_companies

    waiting = _awaiting(director_companies(user))
    if not waiting:
        return []
    return [Todo(_words("待批准的方案版本", "Scheme versions to approve"), reverse("schemes:approvals"), len(waiting),
                 "", "warning", "todo-scheme-approvals")]


def _hr_todos(user: Any) -> list[Todo]:
    from kaohe.web.schemes.services import hr_companies

    waiting = _awaiting(hr_companies(user))
    if not waiting:
        return []
    return [Todo(_words("等待总监批准的方案版本", "Scheme versions waiting for a director"), reverse("schemes:index"),
                 len(waiting), "", "secondary", "todo-scheme-waiting")]


register_todo("director", _director_todos)
register_todo("hr", _hr_todos)


def _audit_words() -> None:
    """The scheme editor's audit actions and objects as the audit trail names them."""
    from kaohe.web.ui import audit_labels

    audit_labels.ACTIONS.update({
        "scheme.adopt": _("Book scheme taken into the company"),
        "scheme.draft_save": _("Scheme draft saved"),
        "scheme.publish": _("Scheme version published"),
        "scheme.approve": _("Scheme version approved"),
        "scheme.assign": _("Scheme version put in use"),
        "scheme.settings": _("Scheme approval setting changed"),
    })
    audit_labels.OBJECTS.update({
        "schemes.companyscheme": _("Company scheme"), "schemes.schemeversion": _("Scheme version"),
        "schemes.schemeassignment": _("Scheme in use"), "schemes.companyschemesettings": _("Scheme settings"),
    })


_audit_words()
