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
        _register_menu()


def _register_menu() -> None:
    """HR's two setup pages in the top bar's menu (the bell links to the list for everyone)."""
    try:
        from kaohe.web.ui.nav import NavEntry, may_on_some_company, register
    except ImportError:  # the menu registry is not there: the pages stay reachable from the bell
        return
    from django.utils.translation import gettext_lazy as _

    hr = frozenset({"hr"})
    register(
        NavEntry("notify:channels", _("Work-chat robots"), hr, group="setup", order=80, icon="robot",
                 allowed=may_on_some_company("manage_org")),
        NavEntry("notify:failures", _("Failed deliveries"), hr, group="setup", order=81, icon="envelope-exclamation",
                 allowed=may_on_some_company("manage_org")),
    )
