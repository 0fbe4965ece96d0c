"""One-time tokens that make every state-changing form safe to submit twice."""

from __future__ import annotations

import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from .models import SpentFormToken

SALT = "kaohe.ui.formtoken"
FIELD = "form_token"
MAX_AGE_S = 12 * 3600  # a form left open over a working day is still accepted


class FormTokenError(Exception):
    """The token is missing, forged, expired or for another user/form."""


class AlreadySubmitted(Exception):
    """The same form was already submitted once; the first submission stands."""


def issue(request: HttpRequest, form_name: str) -> str:
    payload = {"u": request.user.pk, "f": form_name, "n": secrets.token_hex(16)}
    return signing.dumps(payload, salt=SALT)


def consume(request: HttpRequest, form_name: str) -> None:
    """Spend the token posted with the request; call inside the transaction of the change."""
    raw = request.POST.get(FIELD, "")
    try:
        payload = signing.loads(raw, salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise FormTokenError(str(exc)) from exc
    if payload.get("u") != request.user.pk or payload.get("f") != form_name:
        raise FormTokenError("token issued for another user or form")
    try:
        with transaction.atomic():
            SpentFormToken.objects.create(nonce=payload["n"], form_name=form_name, user_id=request.user.pk)
    except IntegrityError as exc:
        raise AlreadySubmitted(form_name) from exc
