"""Nightly: recompute the KPI values of open cycles that received records since the last run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kaohe.web.jobs.runner import JobError, job_user, recompute_kpis


class Command(BaseCommand):
    help = "Recompute KPIs of open cycles with new records (nightly job). 夜间重算 KPI。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as", dest="as_user", help="HR service account (default: KAOHE_JOBS_USER)")
        parser.add_argument("--company", help="only this company code")
        parser.add_argument("--force", action="store_true", help="recompute even without new records")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            actor = job_user(opts["as_user"])
        except JobError as exc:
            raise CommandError(str(exc)) from None
        result = recompute_kpis(actor, company=opts["company"], force=opts["force"])
        for line in result.computed:
            self.stdout.write(f"computed {line}")
        for line in result.skipped:
            self.stdout.write(f"skipped {line}")
        for line in result.failed:
            self.stderr.write(f"FAILED {line}")
        if result.failed:
            raise CommandError(f"{len(result.failed)} cycle(s) failed / {len(result.failed)} 个周期重算失败")
