"""The one JSON error shape of the API.

Every error the API returns — authentication, permission, validation, a workflow
refusal, an unknown URL, a wrong method or a crash — has this body::

    {"error": {"code": "forbidden", "status": 403,
               "message_zh": "…", "message_en": "…", "details": {…}}}

`ErrorShapeMiddleware` rewrites the responses Django produces outside the API's own
handlers (404 for an unknown path, 405 for a wrong method) so that no client ever
has to parse anything else.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
log = logging.getLogger("kaohe.api")

_DEFAULT_TEXT: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求格式有误", "The request is malformed"),
    401: ("unauthenticated", "缺少或无效的访问令牌", "A valid API token is required"),
    403: ("forbidden", "无权执行此操作", "You are not allowed to do this"),
    404: ("not_found", "找不到该资源", "No such resource"),
    405: ("method_not_allowed", "不支持该请求方法", "This method is not allowed here"),
    409: ("conflict", "与当前状态冲突", "The request conflicts with the current state"),
    413: ("too_large", "请求体过大", "The request body is too large"),
    422: ("invalid", "输入有误，未作任何更改", "The input has errors; nothing was changed"),
    429: ("throttled", "请求过于频繁", "Too many requests"),
    500: ("server_error", "服务器内部错误，已记录", "Internal error; it has been logged"),
}


def error_body(status: int, code: str | None = None, message_zh: str | None = None,
               message_en: str | None = None, details: dict[str, Any] | None = None) -> dict[str, Any]:
    d_code, d_zh, d_en = _DEFAULT_TEXT.get(status, ("error", "请求失败", "The request failed"))
    return {"error": {"code": code or d_code, "status": status, "message_zh": message_zh or d_zh,
                      "message_en": message_en or d_en, "details": details or {}}}


def error_response(status: int, **kwargs: Any) -> JsonResponse:
    return JsonResponse(error_body(status, **kwargs), status=status,
                        json_dumps_params={"ensure_ascii": False})


def _is_error_shape(response: HttpResponse) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        body = json.loads(response.content or b"null")
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), dict) and "code" in body["error"]


class ErrorShapeMiddleware:
    """Gives every 4xx/5xx answer under /api/ the API's error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if getattr(response, "streaming", False) or _is_error_shape(response):
            return response
        reshaped = error_response(response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                reshaped[header] = response[header]
        return reshaped

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.core.exceptions import RequestDataTooBig, SuspiciousOperation

        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):  # body over DATA_UPLOAD_MAX_MEMORY_SIZE
            return error_response(413)
        if isinstance(exception, SuspiciousOperation):
            return error_response(400)
        log.exception("unhandled API error on %s", request.path)
        return error_response(500)
