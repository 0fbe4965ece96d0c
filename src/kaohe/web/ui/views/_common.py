"""What every page view shares: loading a sheet the user may see, the one-time
form token around a change, and putting a service's field problems on the form."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from kaohe.web.appraisal.models import Sheet
from kaohe.web.errors import InvalidInput
from kaohe.web.permissions import can, require

from .. import formtokens


def load_sheet(request: HttpRequest, pk: int, action: str = "view_sheet") -> Sheet:
    """The sheet, or a refusal: another employee's sheet by URL raises Forbidden (403)."""
    sheet = get_object_or_404(Sheet.objects.select_related(
        "employee__position", "employee__manager__manager", "employee__team", "cycle__company", "scheme",
        "current_score"), pk=pk)
    require(request.user, action, sheet)
    return sheet


def posted_version(request: HttpRequest) -> int:
    """The sheet version the form was rendered with (the optimistic lock). Required: a post
    without it could overwrite a change made since the page was shown, so it is refused (400)."""
    from kaohe.web.params import int_param

    return int_param(request.POST.get("version"), "version")


@contextmanager
def one_change(request: HttpRequest, form_name: str):  # type: ignore[no-untyped-def]
    """Spend the form token and make the change in one transaction: a failed change
    keeps the token (the user may correct and resend), a repeat is refused."""
    with transaction.atomic():
        formtokens.consume(request, form_name)
        yield


def message_of(problem: Any) -> str:
    return problem.message_en if (get_language() or "").startswith("en") else problem.message_zh


def put_on_form(form: forms.Form, error: InvalidInput, field_map: dict[str, str] | None = None) -> None:
    """Show every problem the service found next to its field (or at the top of the form)."""
    field_map = field_map or {}
    for problem in error.report.problems:
        name = field_map.get(problem.field, problem.field)
        text = message_of(problem)
        if problem.row is not None and name not in form.fields:
            text = f"#{problem.row}: {text}"
        form.add_error(name if name in form.fields else None, text)


def allowed(request: HttpRequest, sheet: Sheet, names: list[str]) -> dict[str, bool]:
    return {name: can(request.user, name, sheet) for name in names}


def back_to(request: HttpRequest, default: str, **kwargs: Any) -> HttpResponse:
    """Redirect to the posted `next` page of this site, else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default, **kwargs)
