from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kaohe.web.reports"
    label = "reports"
    verbose_name = "报表 Reports"
    default_auto_field = "django.db.models.BigAutoField"
