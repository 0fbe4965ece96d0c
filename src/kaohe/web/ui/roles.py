"""Which menu entries a user sees. This only shapes navigation: every view still
asks kaohe.web.permissions, which enforces the org-tree rules on each request."""

from __future__ import annotations

from typing import Any

from kaohe.web.org.models import Employee
from kaohe.web.permissions import _assignments


def roles_of(user: Any) -> set[str]:
    """Role assignments plus what the reporting lines make of the user: a manager of
    employees is their supervisor (考核人), a manager of managers their reviewer (审核人)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_kaohe_ui_roles", None)
    if cached is not None:
        return cached
    roles = {ra.role for ra in _assignments(user)}  # the same list the permission checks read
    if Employee.objects.filter(user=user).exists():
        roles.add("employee")
    if Employee.objects.filter(manager__user=user).exists():
        roles.add("supervisor")
    if Employee.objects.filter(manager__manager__user=user).exists():
        roles.add("reviewer")
    user._kaohe_ui_roles = roles
    return roles
