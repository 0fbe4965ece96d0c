"""Issue, list and revoke integration tokens: `manage.py kaohe_token issue|list|revoke`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kaohe.web.api.models import SCOPES, IntegrationToken


class Command(BaseCommand):
    help = "Manage integration tokens of the Kaohe API / 管理集成令牌"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        issue = sub.add_parser("issue", help="issue a token; it is printed once and never stored")
        issue.add_argument("--company", required=True, help="company code")
        issue.add_argument("--user", required=True, help="username the integration acts as")
        issue.add_argument("--scopes", required=True, help="comma-separated: " + ", ".join(SCOPES))
        issue.add_argument("--name", required=True, help="what the integration is, e.g. 'ACD export'")
        issue.add_argument("--days", type=int, default=90, help="lifetime in days (1–366), default 90")
        sub.add_parser("list", help="list tokens (prefix, scopes, expiry, last use)")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["verb"])(opts)

    def _issue(self, opts: dict[str, Any]) -> None:
        from kaohe.web.org.models import Company

        company = Company.objects.filter(code=opts["company"]).first()
        if company is None:
            raise CommandError(f"no company with code {opts['company']!r} / 找不到该公司")
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"no user {opts['user']!r} / 找不到该用户")
        scopes = [s.strip() for s in opts["scopes"].split(",") if s.strip()]
        try:
            token, raw = IntegrationToken.issue(name=opts["name"], company=company, acting_user=user,
                                                scopes=scopes, days=opts["days"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"token {token.key_prefix} expires {token.expires_at:%Y-%m-%d}; scopes {token.scopes}")
        self.stdout.write("copy it now, it is not shown again / 请立即保存，令牌不会再次显示:")
        self.stdout.write(raw)

    def _list(self, opts: dict[str, Any]) -> None:
        for t in IntegrationToken.objects.select_related("company", "acting_user").order_by("created_at"):
            state = "revoked" if t.revoked_at else ("expired" if t.expires_at <= timezone.now() else "active")
            self.stdout.write(f"{t.key_prefix}  {state:8} {t.company.code:12} {t.acting_user.username:16} "
                              f"{','.join(t.scopes):60} expires {t.expires_at:%Y-%m-%d}  {t.name}")

    def _revoke(self, opts: dict[str, Any]) -> None:
        # one save per token (not a queryset update): the audit signal records each revocation
        tokens = list(IntegrationToken.objects.filter(key_prefix=opts["prefix"], revoked_at__isnull=True))
        for token in tokens:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
        n = len(tokens)
        if not n:
            raise CommandError(f"no active token with prefix {opts['prefix']!r}")
        self.stdout.write(f"revoked {opts['prefix']}")
