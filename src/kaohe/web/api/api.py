"""The integration API (django-ninja): `/api/v1/…`, documented at `/api/v1/openapi.json`.

Views only translate: they check the token's scope, call the same services and
permission function as the pages (`kaohe.web.permissions`, `kaohe.web.appraisal.services`),
and turn refusals into the one error shape (`kaohe.web.api.errors`).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from kaohe.web.api import records
from kaohe.web.api.auth import TokenAuth, need_scope
from kaohe.web.api.errors import error_response
from kaohe.web.api.schemas import (
    AuditEventOut,
    CycleOut,
    ErrorOut,
    KpiValueOut,
    Page,
    RatingIn,
    RatingOut,
    RecordsIn,
    RecordsOut,
    ResultOut,
    SheetDetailOut,
    SheetOut,
)
from kaohe.web.errors import KaoheError, NotFound

MAX_LIMIT = 500
MAX_ID = 2**31 - 1  # ids and offsets beyond this overflow SQLite's and PostgreSQL's integers
OFFSET = Query(0, ge=0, le=MAX_ID)
# filter texts: printable, no NUL (PostgreSQL text cannot hold it), short enough for any id
TEXT_PATTERN = r"^[^\x00-\x1f]*$"


def _text_filter() -> Any:
    return Query(None, max_length=64, pattern=TEXT_PATTERN)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


def docs_guard(view: Any) -> Any:
    """The OpenAPI schema and page: open in development; in production only to a logged-in
    user, unless KAOHE_API_DOCS_PUBLIC is true (read per request, so tests and operators can switch it)."""
    from functools import wraps

    from django.conf import settings
    from django.contrib.auth.views import redirect_to_login

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        production = getattr(settings, "PRODUCTION", not settings.DEBUG)
        if production and not getattr(settings, "KAOHE_API_DOCS_PUBLIC", False) \
                and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


api = NinjaAPI(title="Kaohe integration API / 考核集成接口", version="1.0.0", urls_namespace="kaohe_api",
               auth=TokenAuth(), renderer=ChineseJSONRenderer(), docs_url="/docs", docs_decorator=docs_guard)


# --- one error shape ------------------------------------------------------------------


@api.exception_handler(KaoheError)
def _kaohe_error(request: HttpRequest, exc: KaoheError) -> HttpResponse:
    return error_response(exc.http_status, code=exc.code, message_zh=exc.message_zh, message_en=exc.message_en,
                          details=_jsonable(exc.details))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = error_response(401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message_en": e.get("msg", ""),
                 "message_zh": "字段无效：" + e.get("msg", "")} for e in exc.errors]
    return error_response(422, details={"problems": problems})


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, message_en=str(exc) or None)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


# --- helpers ----------------------------------------------------------------------------


def _page(qs: Any, limit: int, offset: int) -> tuple[list[Any], dict[str, int]]:
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    count = qs.count()
    return list(qs[offset:offset + limit]), {"count": count, "limit": limit, "offset": offset}


def _cycle(request: HttpRequest, cycle_id: int) -> Any:
    from kaohe.web.appraisal.models import Cycle

    token = request.auth  # type: ignore[attr-defined]
    cycle = Cycle.objects.filter(pk=cycle_id, company=token.company).first()
    if cycle is None:
        raise NotFound("找不到该考核周期", "No such appraisal cycle", cycle=cycle_id)
    return cycle


def _sheet(request: HttpRequest, sheet_id: int) -> Any:
    from kaohe.web.permissions import visible_sheets

    sheet = visible_sheets(request.user).filter(pk=sheet_id).first()
    if sheet is None:  # another employee's sheet answers exactly like a missing one
        raise NotFound("找不到该考核表", "No such score sheet", sheet=sheet_id)
    return sheet


def _sheet_out(sheet: Any, user: Any) -> dict[str, Any]:
    from kaohe.web.permissions import sheet_visibility

    score = sheet.current_score if sheet_visibility(user, sheet).totals else None  # permissions.VISIBILITY
    return {"id": sheet.pk, "cycle": sheet.cycle_id, "employee": sheet.employee.code,
            "employee_name": sheet.employee.name, "position": sheet.employee.position.code,
            "state": sheet.state, "version": sheet.version,
            "total": None if score is None else score.total, "grade": (score.grade or None) if score else None,
            **_deadline_out(sheet)}


def _deadline_out(sheet: Any) -> dict[str, Any]:
    """The appeal deadline, and beside it the provisional note in both languages when it is one."""
    from kaohe.web.workdays.services import open_mark, provisional_note

    if sheet.appeal_deadline is None:
        return {"appeal_deadline": None, "appeal_deadline_provisional": False}
    mark = open_mark(sheet, "appeal_deadline")
    return {"appeal_deadline": sheet.appeal_deadline, "appeal_deadline_provisional": mark is not None,
            "appeal_deadline_note_zh": provisional_note(mark.years, "zh-hans") if mark else None,
            "appeal_deadline_note_en": provisional_note(mark.years, "en") if mark else None}


# --- endpoints --------------------------------------------------------------------------

class CyclesPage(Page):
    items: list[CycleOut]


class KpiPage(Page):
    items: list[KpiValueOut]


class SheetsPage(Page):
    items: list[SheetOut]


class ResultsPage(Page):
    items: list[ResultOut]


class AuditPage(Page):
    items: list[AuditEventOut]


@api.post("/records/{table}", response={200: RecordsOut, **ERRORS}, tags=["records"],
          summary="Push operational records / 推送业务记录")
def push_records(request: HttpRequest, body: RecordsIn, table: str = Path(..., max_length=64, pattern=TEXT_PATTERN)) -> Any:
    """Validates every row like a file import and loads all of them or none.

    Rows are idempotent by the table's natural key: pushing the same rows twice loads
    them once. A rejected push lists every bad row (`row` counts from 1) and column.
    """
    need_scope(request, "records:write")
    return records.push(request.auth, request.user, table, body.rows)  # type: ignore[attr-defined]


@api.get("/cycles", response={200: CyclesPage, **ERRORS}, tags=["cycles"], summary="Appraisal cycles / 考核周期")
def list_cycles(request: HttpRequest, limit: int = Query(50, ge=1, le=MAX_LIMIT),
                offset: int = OFFSET) -> Any:
    from kaohe.web.appraisal.models import Cycle

    need_scope(request, "sheets:read")
    qs = Cycle.objects.filter(company=request.auth.company).order_by("-start", "pk")  # type: ignore[attr-defined]
    items, page = _page(qs, limit, offset)
    return {**page, "items": [{"id": c.pk, "name": c.name, "period": c.period, "label": c.label,
                               "start": c.start, "end": c.end, "status": c.status} for c in items]}


@api.get("/cycles/{cycle_id}/kpi-values", response={200: KpiPage, **ERRORS}, tags=["kpis"],
         summary="KPI values of a cycle / 周期 KPI 值")
def list_kpi_values(request: HttpRequest, cycle_id: int = Path(..., ge=1, le=MAX_ID),
                    employee: str | None = _text_filter(), kpi: str | None = _text_filter(),
                    limit: int = Query(100, ge=1, le=MAX_LIMIT), offset: int = OFFSET) -> Any:
    from kaohe.web.appraisal.models import KpiValue
    from kaohe.web.appraisal.services import current_computation
    from kaohe.web.permissions import can, prefetch_relations, visible_sheets

    need_scope(request, "kpis:read")
    cycle = _cycle(request, cycle_id)
    computation = current_computation(cycle)
    if computation is None:
        return {"count": 0, "limit": limit, "offset": offset, "items": []}
    employee_ids = [s.employee_id for s in prefetch_relations(request.user, visible_sheets(request.user, cycle))
                    if can(request.user, "view_kpi_records", s)]
    qs = (KpiValue.objects.filter(computation=computation, employee_id__in=employee_ids)
          .select_related("employee").order_by("employee__code", "kpi", "params_key", "scope", "pk"))
    if employee:
        qs = qs.filter(employee__code=employee)
    if kpi:
        qs = qs.filter(kpi=kpi)
    items, page = _page(qs, limit, offset)
    return {**page, "items": [{"id": v.pk, "employee": v.employee.code, "kpi": v.kpi, "params": v.params_key,
                               "scope": v.scope, "value": v.value, "sample_size": v.sample_size, "unit": v.unit,
                               "computation": computation.number, "computed_at": computation.computed_at}
                              for v in items]}


@api.get("/cycles/{cycle_id}/sheets", response={200: SheetsPage, **ERRORS}, tags=["sheets"],
         summary="Score sheets visible to the token / 可见的考核表")
def list_sheets(request: HttpRequest, cycle_id: int = Path(..., ge=1, le=MAX_ID),
                limit: int = Query(100, ge=1, le=MAX_LIMIT),
                offset: int = OFFSET) -> Any:
    from kaohe.web.permissions import visible_sheets

    need_scope(request, "sheets:read")
    cycle = _cycle(request, cycle_id)
    qs = visible_sheets(request.user, cycle).select_related("employee__position").order_by("employee__code", "pk")
    items, page = _page(qs, limit, offset)
    from kaohe.web.permissions import prefetch_relations

    items = prefetch_relations(request.user, items)  # the visibility of every row in a fixed number of queries
    return {**page, "items": [_sheet_out(s, request.user) for s in items]}


@api.get("/sheets/{sheet_id}", response={200: SheetDetailOut, **ERRORS}, tags=["sheets"],
         summary="One score sheet with the explanation of every point / 考核表明细")
def get_sheet(request: HttpRequest, sheet_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    need_scope(request, "sheets:read")
    from kaohe.web.permissions import require_surface
    from kaohe.web.ui.sheetview import kpi_indicators

    sheet = _sheet(request, sheet_id)
    vis = require_surface(request.user, sheet, "api")
    score = sheet.current_score
    masked = vis.mask_result(score.result or {}, frozenset(kpi_indicators(sheet))) if score else None
    items = (masked or {}).get("items", [])
    return {**_sheet_out(sheet, request.user), "scheme_id": sheet.scheme.scheme_id, "items": _jsonable(items)}


RESULT_STATES = ("published", "interviewed", "acknowledged", "appealed", "closed")


@api.get("/cycles/{cycle_id}/results", response={200: ResultsPage, **ERRORS}, tags=["results"],
         summary="Published results / 已发布的考核结果")
def list_results(request: HttpRequest, cycle_id: int = Path(..., ge=1, le=MAX_ID),
                 limit: int = Query(100, ge=1, le=MAX_LIMIT),
                 offset: int = OFFSET) -> Any:
    from kaohe.web.permissions import visible_sheets

    need_scope(request, "results:read")
    cycle = _cycle(request, cycle_id)
    qs = (visible_sheets(request.user, cycle).filter(state__in=RESULT_STATES)
          .order_by("employee__code", "pk"))
    items, page = _page(qs, limit, offset)
    out = []
    for s in items:
        score = s.current_score
        out.append({"sheet": s.pk, "employee": s.employee.code, "employee_name": s.employee.name,
                    "cycle": s.cycle_id, "total": score.total if score else None,
                    "grade": (score.grade or None) if score else None,
                    "score_version": score.number if score else None, "published_at": s.published_at})
    return {**page, "items": out}


@api.get("/audit", response={200: AuditPage, **ERRORS}, tags=["audit"], summary="The audit trail / 审计记录")
def list_audit(request: HttpRequest, object_type: str | None = _text_filter(),
               object_id: str | None = _text_filter(),
               limit: int = Query(100, ge=1, le=MAX_LIMIT), offset: int = OFFSET) -> Any:
    from kaohe.web.audit.services import events_for

    need_scope(request, "audit:read")
    qs = events_for(request.user, company=request.auth.company,  # type: ignore[attr-defined]
                    object_type=object_type, object_id=object_id).order_by("seq")
    items, page = _page(qs, limit, offset)
    return {**page, "items": [{"seq": e.seq, "at": e.at, "actor": e.actor_label, "action": e.action,
                               "object_type": e.object_type, "object_id": e.object_id, "before": e.before,
                               "after": e.after, "reason": e.reason, "hash": e.hash} for e in items]}


@api.post("/sheets/{sheet_id}/ratings", response={200: RatingOut, **ERRORS}, tags=["ratings"],
          summary="Submit a rating / 提交评分")
def submit_rating(request: HttpRequest, body: RatingIn, sheet_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    from kaohe.web.appraisal import services as svc

    need_scope(request, "ratings:write")
    sheet = _sheet(request, sheet_id)
    rating = svc.submit_rating(sheet, request.user, role=body.role, indicator=body.indicator, score=body.score,
                               counts=body.counts, comment=body.comment, expected_version=body.expected_version)
    sheet.refresh_from_db()
    return {"id": rating.pk, "sheet": sheet.pk, "indicator": rating.indicator, "role": rating.role,
            "score": rating.score, "counts": rating.counts, "submitted_at": rating.submitted_at,
            "sheet_version": sheet.version}
