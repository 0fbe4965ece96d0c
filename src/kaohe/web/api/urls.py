from django.urls import path

from kaohe.web.api.api import api

urlpatterns = [path("v1/", api.urls)]
