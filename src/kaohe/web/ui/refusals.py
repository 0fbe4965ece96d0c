"""Turning every refusal into a page that says what happened, never a traceback.

Views wrap their body with `@page`: login required, then any KaoheError the
services raise (forbidden, illegal step, stale version, read-only, invalid input)
and the form-token errors become a refusal page with the right status code. The
report pages use the same page (`refuse_error(..., base_template=...)`): there is
one refusal page and one path to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaohe.problems import Problem
from kaohe.web.errors import (
    Forbidden,
    IllegalTransition,
    InvalidInput,
    KaoheError,
    NotFound,
    ReadOnly,
    StaleObject,
)

from .formtokens import AlreadySubmitted, FormTokenError


def refuse(request: HttpRequest, *, status: int, reason: str, title: str, explanation: str,
           detail: str = "", back_url: str = "", problems: Sequence[Problem] = (),
           base_template: str = "ui/base.html") -> HttpResponse:
    """The one refusal page of the web app (the pages of `ui` and of `reports` alike).

    `problems`: every bad field or row of a refused input, each shown with where it is
    and what is wrong in the page's language (`kaohe.problems.Problem`).
    """
    lang = get_language() or "zh-hans"
    context = {"reason": reason, "title": title, "explanation": explanation, "detail": detail,
               "back_url": back_url or _safe_referer(request), "base_template": base_template,
               "home_url": _home_url(),
               "problems": [{"where": p.where(lang), "message": p.message(lang), "hint": p.hint(lang),
                             "value": p.value} for p in problems]}
    return render(request, "ui/refusal.html", context, status=status)


def _home_url() -> str:
    try:
        return reverse("ui:home")
    except NoReverseMatch:  # the reports app on its own (standalone pages)
        return ""


def _safe_referer(request: HttpRequest) -> str:
    # Only offer "back" to a page of this site, never to an arbitrary referer.
    referer = request.META.get("HTTP_REFERER", "")
    host = request.get_host()
    return referer if referer.split("/")[2:3] == [host] else ""


def _titles() -> dict[type, str]:
    return {
        Forbidden: _("Not allowed"),
        NotFound: _("Not found"),
        IllegalTransition: _("This step is not possible now"),
        StaleObject: _("Someone else saved this first"),
        ReadOnly: _("This record is read-only"),
    }


def refuse_error(request: HttpRequest, error: KaoheError, *, base_template: str = "ui/base.html") -> HttpResponse:
    title = next((t for cls, t in _titles().items() if isinstance(error, cls)), _("Request refused"))
    detail = ""
    if isinstance(error, StaleObject):
        detail = _("Your changes were not saved over theirs. Open the page again to see the current "
                   "version, then make your change again.")
    problems = error.report.problems if isinstance(error, InvalidInput) else ()
    return refuse(request, status=error.http_status, reason=error.code, title=title,
                  explanation=error.message(get_language() or "zh-hans"), detail=detail, problems=problems,
                  base_template=base_template)


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except KaoheError as error:
            return refuse_error(request, error)
        except AlreadySubmitted:
            return refuse(request, status=409, reason="already_submitted", title=_("Already submitted"),
                          explanation=_("This form was already sent once and that first submission was "
                                        "recorded. The repeat was ignored so nothing is counted twice."))
        except FormTokenError:
            return refuse(request, status=400, reason="bad_form_token", title=_("The form has expired"),
                          explanation=_("The form was open too long or was not issued to you. Open the "
                                        "page again and resend it."))
        except PermissionDenied as error:
            return refuse(request, status=403, reason="forbidden", title=_("Not allowed"),
                          explanation=str(error) or _("Your role does not give access to this page."))
        except Http404:
            return refuse(request, status=404, reason="not_found", title=_("Not found"),
                          explanation=_("There is no such record, or it is not visible to you."))

    return wrapped
