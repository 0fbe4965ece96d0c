from django.apps import AppConfig


class KpiDefsConfig(AppConfig):
    name = "kaohe.web.kpidefs"
    label = "kpidefs"
    verbose_name = "指标口径 KPI definitions"
    default_auto_field = "django.db.models.BigAutoField"
