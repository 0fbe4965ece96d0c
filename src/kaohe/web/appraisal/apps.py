from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "kaohe.web.appraisal"
    label = "appraisal"
    verbose_name = "考核 Appraisal"

    def ready(self) -> None:
        from kaohe.web.appraisal import checks  # noqa: F401  (registers the system checks)
