from django.urls import path

from . import views

app_name = "schemes"

urlpatterns = [
    path("", views.index, name="index"),
    path("adopt/", views.adopt, name="adopt"),
    path("in-use/", views.assignments, name="assignments"),
    path("approvals/", views.approvals, name="approvals"),
    path("json-schema/", views.json_schema, name="json_schema"),
    path("book/<slug:scheme_id>.yaml", views.yaml_book, name="yaml_book"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/versions/", views.versions, name="versions"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/draft.yaml", views.yaml_draft, name="yaml_draft"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("version/<int:pk>.yaml", views.yaml_version, name="yaml_version"),
    path("version/<int:pk>/assign/", views.assign, name="assign"),
]
