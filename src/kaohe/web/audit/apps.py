from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kaohe.web.audit"
    label = "audit"
    verbose_name = "审计 Audit"

    def ready(self) -> None:
        from kaohe.web.audit import checks, signals

        signals.connect()
        checks.register()
