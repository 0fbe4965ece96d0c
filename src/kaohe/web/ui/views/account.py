"""Login, logout and the home page with each role's work to do."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..home import sections as home_sections
from ..refusals import page
from ..roles import roles_of


class LoginView(auth_views.LoginView):
    template_name = "ui/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "ui:login"


@page
def home(request: HttpRequest) -> HttpResponse:
    """Every role's work to do, with counts, and the pages the role opens most."""
    return render(request, "ui/home.html", {"roles": roles_of(request.user),
                                            "sections": home_sections(request.user)})
