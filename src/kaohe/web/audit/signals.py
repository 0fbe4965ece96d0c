"""Privilege changes go into the audit chain whatever the path: the Django admin, an HR page,
a management command, the API or a shell. Model signals on users, passwords, group and
permission memberships, role assignments and integration tokens record each change, with
the acting user of the current request when there is one (`AuditActorMiddleware`), else
"system". Passwords and token hashes are never recorded, only that they changed.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("kaohe_audit_request", default=None)

USER_FIELDS = ("username", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser")
TOKEN_FIELDS = ("name", "company_id", "acting_user_id", "key_prefix", "scopes", "expires_at", "revoked_at")


class AuditActorMiddleware:
    """Remember the request, so that a signal knows who made the change (read lazily: the API's
    token authentication sets the user later in the request)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def _actor() -> Any:
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _record(action: str, obj: Any, *, before: Any = None, after: Any = None, company_id: int | None = None,
            object_type: str | None = None, object_id: str | None = None) -> None:
    from kaohe.web.audit.services import record

    record(_actor(), action, obj, before=before, after=after, company_id=company_id, object_type=object_type,
           object_id=object_id)


def _user_company(user: Any) -> int | None:
    from kaohe.web.org.models import Employee, RoleAssignment

    company = Employee.objects.filter(user_id=user.pk).values_list("company_id", flat=True).first()
    if company is not None:
        return company

    return RoleAssignment.objects.filter(user_id=user.pk).values_list("company_id", flat=True).first()


def _snapshot(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


# --- users and passwords ----------------------------------------------------------------

def _user_pre_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        instance._kaohe_before = None
        return
    old = sender.objects.filter(pk=instance.pk).values(*USER_FIELDS, "password").first()
    instance._kaohe_before = old


def _user_post_save(sender: Any, instance: Any, created: bool, raw: bool = False, update_fields: Any = None,
                    **kwargs: Any) -> None:
    if raw:
        return
    now = _snapshot(instance, USER_FIELDS)
    old = getattr(instance, "_kaohe_before", None)
    if created:
        _record("user.create", instance, after=now, company_id=_user_company(instance),
                object_type="auth.user", object_id=str(instance.pk))
        return
    if old is None:
        return
    before = {k: old[k] for k in USER_FIELDS}
    changed = {k for k in USER_FIELDS if before[k] != now[k]}
    if changed:
        _record("user.change", instance, before={k: before[k] for k in sorted(changed)},
                after={k: now[k] for k in sorted(changed)}, company_id=_user_company(instance),
                object_type="auth.user", object_id=str(instance.pk))
    if old["password"] != instance.password:
        # only that it changed; a rehash on login (same password, new algorithm) says so
        rehash = update_fields is not None and set(update_fields) == {"password"} and _actor() is None
        _record("user.password_rehash" if rehash else "user.password_change", instance,
                after={"usable": instance.has_usable_password()}, company_id=_user_company(instance),
                object_type="auth.user", object_id=str(instance.pk))


def _user_post_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    _record("user.delete", None, before=_snapshot(instance, USER_FIELDS), object_type="auth.user",
            object_id=str(instance.pk))


def _user_m2m(sender: Any, instance: Any, action: str, model: Any, pk_set: Any, reverse: bool = False,
              **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    what = "groups" if model.__name__ == "Group" else "permissions"
    users = [instance] if not reverse else list(get_user_model().objects.filter(pk__in=pk_set or []))
    for user in users:
        _record(f"user.{what}_{action.removeprefix('post_')}", user,
                after={what: sorted(pk_set or []) if not reverse else [instance.pk]},
                object_type="auth.user", object_id=str(user.pk), company_id=_user_company(user))


# --- roles ---------------------------------------------------------------------------------

def _role_pre_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from kaohe.web.audit.rows import role_snapshot

    old = None if raw or instance.pk is None else sender.objects.filter(pk=instance.pk).first()
    instance._kaohe_before = role_snapshot(old) if old is not None else None


def _role_post_save(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    from kaohe.web.audit.rows import role_snapshot
    from kaohe.web.permissions import forget_cached_roles

    if raw:
        return
    after = role_snapshot(instance)
    before = getattr(instance, "_kaohe_before", None)
    if not created and before == after:
        return
    _record("role.add" if created else "role.change", instance, before=before, after=after,
            company_id=instance.company_id)
    forget_cached_roles(instance.user)


def _role_post_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    from kaohe.web.audit.rows import role_snapshot

    _record("role.remove", None, before=role_snapshot(instance), company_id=instance.company_id,
            object_type="org.roleassignment", object_id=str(instance.pk))


# --- integration tokens -----------------------------------------------------------------

def _token_pre_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    old = None if raw or instance.pk is None else sender.objects.filter(pk=instance.pk).values(*TOKEN_FIELDS).first()
    instance._kaohe_before = old


def _token_post_save(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    now = _snapshot(instance, TOKEN_FIELDS)
    old = getattr(instance, "_kaohe_before", None)
    if created:
        _record("token.issue", instance, after=now, company_id=instance.company_id)
        return
    if old is None:
        return
    changed = sorted(k for k in TOKEN_FIELDS if old[k] != now[k])  # last_used_at alone is not a change
    if not changed:
        return
    action = "token.revoke" if "revoked_at" in changed and instance.revoked_at is not None else "token.change"
    _record(action, instance, before={k: old[k] for k in changed}, after={k: now[k] for k in changed},
            company_id=instance.company_id)


def _token_post_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    _record("token.delete", None, before=_snapshot(instance, TOKEN_FIELDS), company_id=instance.company_id,
            object_type="api.integrationtoken", object_id=str(instance.pk))


def connect() -> None:
    from django.contrib.auth.models import Group, Permission  # noqa: F401

    from kaohe.web.org.models import RoleAssignment

    User = get_user_model()
    pre_save.connect(_user_pre_save, sender=User, dispatch_uid="kaohe_audit_user_pre")
    post_save.connect(_user_post_save, sender=User, dispatch_uid="kaohe_audit_user_post")
    post_delete.connect(_user_post_delete, sender=User, dispatch_uid="kaohe_audit_user_del")
    m2m_changed.connect(_user_m2m, sender=User.groups.through, dispatch_uid="kaohe_audit_user_groups")
    m2m_changed.connect(_user_m2m, sender=User.user_permissions.through, dispatch_uid="kaohe_audit_user_perms")
    pre_save.connect(_role_pre_save, sender=RoleAssignment, dispatch_uid="kaohe_audit_role_pre")
    post_save.connect(_role_post_save, sender=RoleAssignment, dispatch_uid="kaohe_audit_role_post")
    post_delete.connect(_role_post_delete, sender=RoleAssignment, dispatch_uid="kaohe_audit_role_del")
    try:
        from kaohe.web.api.models import IntegrationToken
    except ImportError:  # the API app is optional
        return
    pre_save.connect(_token_pre_save, sender=IntegrationToken, dispatch_uid="kaohe_audit_token_pre")
    post_save.connect(_token_post_save, sender=IntegrationToken, dispatch_uid="kaohe_audit_token_post")
    post_delete.connect(_token_post_delete, sender=IntegrationToken, dispatch_uid="kaohe_audit_token_del")
