"""Every few minutes: appeal-window reminders, daily overdue digests, and sending or retrying
queued notifications (emails and work-chat robot posts). See kaohe.web.notify.jobs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kaohe.web.notify.jobs import run


class Command(BaseCommand):
    help = ("Send due notifications: appeal-window reminders, overdue digests, retries (job). "
            "发送到期通知：申诉期提醒、逾期日报、失败重试。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--company", help="only this company code")
        parser.add_argument("--dry-run", action="store_true",
                            help="print what would be sent and to whom; send and store nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        from kaohe.web.org.models import Company

        company = None
        if opts["company"]:
            company = Company.objects.filter(code=opts["company"]).first()
            if company is None:
                raise CommandError(f"没有公司 {opts['company']} / there is no company {opts['company']}")
        report = run(company=company, dry_run=opts["dry_run"])
        if opts["dry_run"]:
            from kaohe.web.notify import messages
            from kaohe.web.notify.services import display_name, preference_for

            for n in report.would_notify:
                lang = preference_for(n.recipient).language
                title = messages.render(n.kind, n.params, lang).title
                self.stdout.write(f"in-app → {display_name(n.recipient)} ({n.recipient.get_username()}): {title}")
            for d in report.would_send:
                where = d.address if d.medium == "email" else f"{d.robot} ({d.robot.get_kind_display() if d.robot else '—'})"
                attempt = f" [retry {d.attempts + 1}]" if d.attempts else ""
                self.stdout.write(f"{d.medium} → {d.recipient_label} <{where}>{attempt}: {d.subject}")
            self.stdout.write(f"dry run: {report.appeal_reminders} appeal-window reminder(s), {report.digests} "
                              f"overdue digest(s), {report.group_digests} group digest(s); "
                              f"{len(report.would_send)} message(s) would be sent; nothing was sent or stored")
            return
        self.stdout.write(f"{report.appeal_reminders} appeal-window reminder(s), {report.digests} overdue digest(s), "
                          f"{report.group_digests} group digest(s); {report.sent} sent, {report.failed} failed")
