from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kaohe.web.org"
    label = "org"
    verbose_name = "组织 Organisation"

    def ready(self) -> None:
        from kaohe.web.org import checks  # noqa: F401  (registers the system checks)
