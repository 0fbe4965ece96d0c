from django.urls import path

from . import views

app_name = "kpidefs"

urlpatterns = [
    path("", views.definitions_page, name="page"),
    path("notices/<int:pk>/", views.decide_notice, name="decide"),
]
