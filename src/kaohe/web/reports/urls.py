from django.urls import path

from kaohe.web.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("cycle/<int:cycle_id>/", views.dashboard, name="dashboard"),
    path("cycle/<int:cycle_id>/quality/", views.quality, name="quality"),
    path("cycle/<int:cycle_id>/what-if/", views.what_if, name="what_if"),
    path("cycle/<int:cycle_id>/results/", views.results_application, name="application"),
    path("cycle/<int:cycle_id>/plans/", views.plans_page, name="plans"),
    path("cycle/<int:cycle_id>/<str:table>.xlsx", views.download, name="download"),
    path("sheet/<int:sheet_id>/", views.sheet_page, name="sheet"),
    path("sheet/<int:sheet_id>.xlsx", views.sheet_xlsx, name="sheet_xlsx"),
    path("sheet/<int:sheet_id>.pdf", views.sheet_pdf, name="sheet_pdf"),
]
