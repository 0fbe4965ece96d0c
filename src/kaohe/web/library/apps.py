from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "kaohe.web.library"
    label = "library"
    verbose_name = "岗位库 Position library"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A cycle that opens fills each employee's letter from the template in force then. The
        # cycle services call nothing of ours: the letters follow the cycle's audit event, inside
        # the same transaction, as the notifications follow theirs.
        from django.db.models.signals import post_save

        from kaohe.web.audit.models import AuditEvent

        from .letters import cycle_opened

        post_save.connect(cycle_opened, sender=AuditEvent, dispatch_uid="kaohe.library.cycle_letters")
        _register_menu()
        _register_audit_words()


def _register_menu() -> None:
    try:
        from kaohe.web.ui.nav import NavEntry, may_on_some_company, register
    except ImportError:  # no menu registry: the pages stay reachable by address
        return
    from django.utils.translation import gettext_lazy as _

    register(NavEntry("library:index", _("Position library"), frozenset({"hr", "director", "reviewer", "supervisor"}),
                      group="setup", order=60, icon="book", allowed=may_on_some_company("view_library")))


def _register_audit_words() -> None:
    """The audit trail names this app's actions in words (the trail's own table holds the others)."""
    try:
        from kaohe.web.ui.audit_labels import ACTIONS
    except ImportError:
        return
    from django.utils.translation import gettext_lazy as _

    ACTIONS.update({
        "library.copy": _("Library position used in the company"),
        "library.edit_competency": _("Company competency model changed"),
        "library.edit_letter": _("Company letter template changed"),
    })
