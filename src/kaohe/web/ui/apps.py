from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "kaohe.web.ui"
    label = "ui"
    verbose_name = _("Pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # HR works in the setup pages; the Django admin is for superusers only (a staff flag is not enough).
        from django.contrib import admin

        def superusers_only(request) -> bool:  # type: ignore[no-untyped-def]
            user = request.user
            return bool(user.is_active and user.is_superuser)

        admin.site.has_permission = superusers_only  # type: ignore[method-assign]
