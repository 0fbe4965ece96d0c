"""URLs of the notification pages (namespace "notify"), mounted at /notifications/."""

from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_read, name="mark_read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("settings/", views.preferences, name="preferences"),
    path("channels/", views.channels, name="channels"),
    path("channels/new/", views.channel_edit, name="channel_new"),
    path("channels/<int:pk>/", views.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel_test"),
    path("failures/", views.failures, name="failures"),
    path("failures/<int:pk>/retry/", views.retry_delivery, name="retry"),
]
