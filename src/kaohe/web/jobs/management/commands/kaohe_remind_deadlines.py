"""Daily: remind raters and their supervisors of ratings past their deadline (email + log)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kaohe.web.jobs.runner import overdue_reminders, send_reminders


class Command(BaseCommand):
    help = "Email reminders of overdue ratings (daily job); writes no audit event. 逾期评分提醒。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--company", help="only this company code")
        parser.add_argument("--dry-run", action="store_true", help="list the reminders, send nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        reminders = overdue_reminders(company=opts["company"])
        for rem in reminders:
            where = rem.email or "(no email address / 无邮箱，仅记录)"
            self.stdout.write(f"{rem.user} → {where}: {len(rem.lines)} overdue")
            for line in rem.lines:
                self.stdout.write(f"    {line}")
        sent = 0 if opts["dry_run"] else send_reminders(reminders)
        self.stdout.write(f"{len(reminders)} reminder(s), {sent} email(s) sent")
