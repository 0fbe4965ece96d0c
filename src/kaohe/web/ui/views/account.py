"""Login, logout and the home page that sends each role where its work is."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..refusals import page
from ..roles import roles_of


class LoginView(auth_views.LoginView):
    template_name = "ui/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "ui:login"


# The first page each role needs, in priority order for people holding several roles.
LANDING = [
    ("auditor", "ui:audit_trail"),
    ("hr", "ui:hr_home"),
    ("reviewer", "ui:review_queue"),
    ("supervisor", "ui:my_team"),
    ("employee", "ui:my_appraisal"),
]


@page
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if len(roles) == 1 or (roles and roles <= {"employee", "auditor"}):
        for role, target in LANDING:
            if role in roles:
                return redirect(target)
    return render(request, "ui/home.html", {"roles": roles})
