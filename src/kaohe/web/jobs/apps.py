from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "kaohe.web.jobs"
    label = "jobs"
    verbose_name = "定时任务 Scheduled jobs"
