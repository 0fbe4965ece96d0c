from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.position_page, name="position"),
    path("<slug:code>/print/", views.print_all, name="print"),
    path("<slug:code>/company/", views.company_page, name="company"),
    path("<slug:code>/company/use/", views.use_in_company, name="use"),
    path("<slug:code>/company/competency/", views.edit_competency, name="edit_competency"),
    path("<slug:code>/company/letter/", views.edit_letter, name="edit_letter"),
    path("<slug:code>/<slug:module>/", views.module_page, name="module"),
]
