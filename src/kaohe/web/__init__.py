"""Kaohe's Django application: org, appraisal workflow, audit (and, from other engineers, UI, reports, API).

The core packages (`kaohe.scheme`, `kaohe.scoring`, `kaohe.metrics`) never import
from here; this package translates requests into calls to them and stores results.
"""


def setup_django(settings_module: str = "kaohe.web.settings") -> None:
    """Configure Django for plain-Python entry points (the CLI, the demo).

    Safe to call twice: Django ignores a second `setup()` once apps are ready.
    """
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
