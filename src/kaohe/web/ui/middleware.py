"""A password HR set (a new login, a reset) is changed by its owner before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse


class FirstLoginMiddleware:
    """Sends a user whose password must change to the change page; the page itself, logging out,
    the language switch, static files and the API (token-authenticated) stay reachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(("/static/", "/api/")):
            from kaohe.web.org.setup import must_change_password

            try:
                allowed = {reverse("ui:change_password"), reverse("ui:logout"), reverse("ui:set_language")}
            except NoReverseMatch:
                allowed = set()
            if allowed and request.path not in allowed and must_change_password(user):
                return redirect("ui:change_password")
        return self.get_response(request)
