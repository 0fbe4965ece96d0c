"""`manage.py kaohe_demo`: the whole demo cycle (see kaohe.web.demo)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo center and walk a whole appraisal cycle to published / 生成演示数据并走完考核流程"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--keep", action="store_true",
                            help="do not recreate the embedded database when a demo exists (then it stops)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        from kaohe.web.demo import _start_afresh, print_summary, run_demo

        call_command("migrate", verbosity=0, interactive=False)
        if not options["keep"]:
            _start_afresh()
        print_summary(run_demo())
