"""Import employees from an .xlsx file, as the HR page does: all bad rows reported, nothing written then."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kaohe.web.errors import InvalidInput, KaoheError
from kaohe.web.org.import_report import report_text
from kaohe.web.org.models import Company
from kaohe.web.org.services import import_employees


class Command(BaseCommand):
    help = ("Import employees from an .xlsx file; exit code 1 and the full report when any row is wrong. "
            "从 Excel 导入员工；有错误时列出全部问题，不作任何更改，退出码为 1。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("company", metavar="COMPANY_CODE", help="code of the company")
        parser.add_argument("file", metavar="FILE.xlsx", help="the employee list")
        parser.add_argument("--actor", required=True, metavar="USERNAME",
                            help="the HR officer the import is recorded under (audit trail)")

    def handle(self, *args: Any, **opts: Any) -> None:
        company = Company.objects.filter(code=opts["company"]).first()
        if company is None:
            raise CommandError(f"没有此公司 / no company with code {opts['company']!r}")
        actor = get_user_model().objects.filter(username=opts["actor"]).first()
        if actor is None:
            raise CommandError(f"没有此用户 / no user {opts['actor']!r}")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 / no such file: {path}")
        try:
            result = import_employees(company, actor, path)
        except InvalidInput as error:
            for line in report_text(error.report):
                self.stdout.write(line)
            raise CommandError(f"{error.message_zh} / {error.message_en} "
                               f"({len(error.report.problems)} 个问题 problems)") from None
        except KaoheError as error:  # e.g. the actor is not HR of this company
            raise CommandError(f"{error.message_zh} / {error.message_en}") from None
        self.stdout.write(f"新增 {result.created}，更新 {result.updated} / "
                          f"created {result.created}, updated {result.updated}")
