"""The robot-channel form: every problem reported at once, secrets never rendered back."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ROBOT_DEFAULT_EVENTS, EventKind, Language, RobotKind

ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")


def language_choices() -> list[tuple[str, Any]]:
    """The two message languages, named in the page's language."""
    return [(Language.ZH.value, _("Simplified Chinese")), (Language.EN.value, "English")]


def _label(choice_label: str, language_en: bool) -> str:
    """Model choice labels are "中文 English"; show the half of the page's language."""
    zh, _sep, en = choice_label.partition(" ")
    return (en or zh) if language_en else zh


class ChannelForm(forms.Form):
    company = forms.TypedChoiceField(label=_("Company"), coerce=int)
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=_("Robot"))
    name = forms.CharField(label=_("Name"), max_length=100)
    language = forms.ChoiceField(label=_("Message language"), choices=[])
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    events = forms.MultipleChoiceField(label=_("Events posted"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    webhook = forms.CharField(label=_("Webhook address"), required=False, max_length=500,
                              widget=forms.PasswordInput(render_value=False))
    secret = forms.CharField(label=_("Signing secret"), required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False))
    webhook_env = forms.CharField(label=_("…or read the webhook from environment variable"), required=False,
                                  max_length=100)
    secret_env = forms.CharField(label=_("…or read the secret from environment variable"), required=False,
                                 max_length=100)
    clear_secret = forms.BooleanField(label=_("Remove the stored signing secret"), required=False)

    def __init__(self, *args: Any, companies: list[Any], language_en: bool, existing: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kaohe.web.org.models import Department

        self.existing = existing
        self.fields["company"].choices = [(c.pk, c.name) for c in companies]
        depts = Department.objects.filter(company__in=companies).select_related("company").order_by("company", "code")
        self.fields["department"].choices = [("", _("Whole company"))] + [
            (d.pk, d.name if len(companies) == 1 else f"{d.company.name} · {d.name}") for d in depts]
        self.fields["language"].choices = language_choices()
        self.fields["kind"].choices = [(k, _label(label, language_en)) for k, label in RobotKind.choices]
        self.fields["events"].choices = [(k, _label(label, language_en)) for k, label in EventKind.choices]
        self.dept_company = {d.pk: d.company_id for d in depts}
        for name, field in self.fields.items():
            if name in ("events", "enabled", "clear_secret"):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")
        if existing is None:
            self.fields["events"].initial = [str(e) for e in ROBOT_DEFAULT_EVENTS]
            self.fields["language"].initial = Language.ZH

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        dept = data.get("department")
        if dept is not None and self.dept_company.get(dept) != data.get("company"):
            self.add_error("department", _("This department belongs to another company."))
        kind = data.get("kind", "")
        webhook = (data.get("webhook") or "").strip()
        secret = (data.get("secret") or "").strip()
        # read every value first: add_error() drops a field from cleaned_data
        env = {name: (data.get(name) or "").strip() for name in ("webhook_env", "secret_env")}
        data.update(env)
        for name, value in env.items():
            if value and not ENV_NAME.match(value):
                self.add_error(name, _("Use capital letters, digits and underscores, e.g. KAOHE_DINGTALK_HR."))
        has_webhook = bool(webhook or env["webhook_env"] or (
            self.existing is not None and (self.existing.webhook_encrypted or self.existing.webhook_env)))
        if not has_webhook:
            self.add_error("webhook", _("Give the robot's webhook address or the environment variable holding it."))
        if webhook:
            problem = webhook_problem(kind, webhook)
            if problem:
                self.add_error("webhook", problem)
        if webhook and env["webhook_env"]:
            self.add_error("webhook_env", _("Give the address or an environment variable, not both."))
        if secret and env["secret_env"]:
            self.add_error("secret_env", _("Give the secret or an environment variable, not both."))
        if kind == RobotKind.WECOM and (secret or env["secret_env"]):
            self.add_error("secret", _("WeCom group robots have no signing secret; the key in the address is the "
                                       "credential."))
        return data


def webhook_problem(kind: str, url: str) -> str | None:
    """Why the address cannot be this vendor's robot webhook, or None."""
    from .robots import VENDOR_HOSTS

    parts = urlsplit(url)
    allowed = getattr(settings, "KAOHE_NOTIFY_ALLOWED_HOSTS", VENDOR_HOSTS)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return str(_("This is not a web address."))
    if parts.hostname not in allowed:
        return str(_("Robot addresses must be on the vendor's host (%(hosts)s).") % {"hosts": ", ".join(allowed)})
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return str(_("Robot addresses must use https."))
    query = parse_qs(parts.query)
    if kind == RobotKind.DINGTALK and not query.get("access_token"):
        return str(_("A DingTalk robot address ends in ?access_token=…"))
    if kind == RobotKind.FEISHU and "/bot/v2/hook/" not in parts.path:
        return str(_("A Feishu/Lark bot address contains /open-apis/bot/v2/hook/…"))
    if kind == RobotKind.WECOM and not query.get("key"):
        return str(_("A WeCom robot address ends in ?key=…"))
    return None
