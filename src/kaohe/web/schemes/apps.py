from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "kaohe.web.schemes"
    label = "schemes"
    verbose_name = "考核方案编辑 Scheme editor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kaohe.web.schemes import navigation  # noqa: F401  (adds the menu entries)
