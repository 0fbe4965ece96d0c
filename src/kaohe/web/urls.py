"""Root URLs. Each engineer's area plugs in below its own placeholder."""

from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("reports/", include("kaohe.web.reports.urls")),  # reports
    path("api/", include("kaohe.web.api.urls")),  # api
    path("calendar/", include("kaohe.web.workdays.urls")),  # clock: the working-day calendar
    path("notifications/", include("kaohe.web.notify.urls")),  # notify
    path("kpi-definitions/", include("kaohe.web.kpidefs.urls")),  # sources: KPI definitions
    path("schemes/", include("kaohe.web.schemes.urls")),  # the scheme editor
    path("library/", include("kaohe.web.library.urls")),  # the position library, readable; company copies
]

# The pages live in kaohe.web.ui (the UI engineer's area); until it has URLs the admin still works.
if find_spec("kaohe.web.ui.urls") is not None:
    urlpatterns.append(path("", include("kaohe.web.ui.urls")))
