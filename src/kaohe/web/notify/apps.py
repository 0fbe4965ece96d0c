from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "kaohe.web.notify"
    label = "notify"
    verbose_name = "通知 Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every workflow step already writes an audit event; notifications follow those events
        # after the step's transaction commits, so the workflow code calls nothing of ours.
        from django.db.models.signals import post_save

        from kaohe.web.audit.models import AuditEvent

        from . import checks  # noqa: F401  (registers the system checks)
        from .events import audit_event_saved

        post_save.connect(audit_event_saved, sender=AuditEvent, dispatch_uid="kaohe.notify.audit")
