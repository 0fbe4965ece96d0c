"""The scheme editor's menu entries: HR edits schemes; a director approves versions when the company asks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

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
