from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kaohe.web.api"
    label = "kaohe_api"
    verbose_name = "Integration API / 集成接口"
    default_auto_field = "django.db.models.BigAutoField"
