from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "kaohe.web.workdays"
    label = "workdays"
    verbose_name = "工作日历 Working-day calendar"
    default_auto_field = "django.db.models.BigAutoField"
