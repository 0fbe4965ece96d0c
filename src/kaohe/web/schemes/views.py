"""The scheme editor's pages: the company's schemes, the editor with the checker, preview, versions,
YAML download and upload, the positions' schemes in use, and a director's approvals."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from kaohe.problems import Problem
from kaohe.scheme.dump import dump_scheme
from kaohe.scheme.models import Scheme
from kaohe.web.appraisal import library_bridge
from kaohe.web.errors import Forbidden
from kaohe.web.org.models import Company, Position
from kaohe.web.ui.refusals import page

from . import services
from .formmodel import Block, FormInvalid, SchemeForm
from .models import CompanyScheme, SchemeAssignment, SchemeVersion

FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
ACTION_KEYS = {"csrfmiddlewaretoken", "save", "check", "add", "retype", "company"}
MAX_UPLOAD = 512 * 1024
PERIODS = ("monthly", "quarterly", "annual")


def _lang() -> str:
    return "en" if (get_language() or "zh-hans").startswith("en") else "zh"


def _t(zh: str, en: str) -> str:
    return en if _lang() == "en" else zh


def _companies(request: HttpRequest) -> list[Company]:
    companies = services.hr_companies(request.user)
    if not companies:
        raise Forbidden("只有绩效管理员可以编辑考核方案", "Only HR officers edit schemes")
    return companies


def _company(request: HttpRequest, companies: list[Company]) -> Company:
    raw = request.POST.get("company") or request.GET.get("company") or ""
    return next((c for c in companies if str(c.pk) == raw), companies[0])


def _scheme(request: HttpRequest, pk: int) -> CompanyScheme:
    cs = get_object_or_404(CompanyScheme.objects.select_related("company", "draft"), pk=pk)
    services.require_hr(request.user, cs.company)
    return cs


def _name(content: Any) -> str:
    name = (content or {}).get("name") or {}
    return str((name.get("en") if _lang() == "en" else None) or name.get("zh") or "")


# --- the company's schemes ------------------------------------------------------------------------


_LEVELS = {"director": ("总监", "director"), "manager": ("经理", "manager"), "supervisor": ("主管", "supervisor"),
           "specialist": ("专员", "specialist")}
_PERIODS = {"monthly": ("月度", "monthly"), "quarterly": ("季度", "quarterly"), "annual": ("年度", "annual")}


def _where(scheme: Any) -> str:
    """The scheme's position, level and period in words of the page's language (never the codes)."""
    en = _lang() == "en"
    position = library_bridge.position(scheme.position)
    name = getattr(position, "name", None)
    title = (name.en if en and name.en else name.zh) if name is not None else scheme.position
    level = _LEVELS.get(str(scheme.level), (str(scheme.level),) * 2)[1 if en else 0]
    period = _PERIODS.get(str(scheme.period), (str(scheme.period),) * 2)[1 if en else 0]
    return f"{title} · {level} · {period}"


@page
def index(request: HttpRequest) -> HttpResponse:
    companies = _companies(request)
    company = _company(request, companies)
    if request.method == "POST" and "require_approval" in request.POST:
        services.set_require_approval(company, request.user, request.POST.get("require_approval") == "on")
        messages.success(request, _t("设置已保存", "The setting is saved"))
        return redirect(f"{reverse('schemes:index')}?company={company.pk}")
    own = {cs.scheme_id: cs for cs in CompanyScheme.objects.filter(company=company).select_related("draft")}
    rows = []
    for scheme in sorted(library_bridge.schemes(), key=lambda s: (s.position, s.level, s.period)):
        cs = own.get(scheme.id)
        latest = cs.latest_version() if cs else None
        rows.append({"book": scheme, "name": scheme.name.en if _lang() == "en" and scheme.name.en else scheme.name.zh,
                     "where": _where(scheme), "cs": cs, "latest": latest,
                     "draft_differs": bool(cs and latest and latest.sha256 != _digest(cs.draft.content)),
                     "from_book": len(services.diff_contents(cs.book_content, cs.draft.content)) if cs else 0})
    return render(request, "schemes/index.html", {
        "company": company, "companies": companies, "rows": rows, "lang": _lang(),
        "settings": services.settings_of(company), "awaiting": services.awaiting_approval(company)})


def _digest(content: Any) -> str:
    from .models import content_digest

    return content_digest(content)


@page
@require_POST
def adopt(request: HttpRequest) -> HttpResponse:
    companies = _companies(request)
    company = _company(request, companies)
    try:
        cs = services.adopt(company, request.user, request.POST.get("scheme_id", ""))
    except services.SchemeRefused as refused:
        messages.error(request, refused.message(_lang()))
        return redirect(f"{reverse('schemes:index')}?company={company.pk}")
    messages.success(request, _t("已复制到本公司，书中的方案保持不变。", "Copied into the company; the book's scheme stays "
                                 "as it is."))
    return redirect("schemes:edit", cs.pk)


# --- the editor -------------------------------------------------------------------------------------


def _posted_form(request: HttpRequest) -> SchemeForm:
    data = {k: v for k, v in request.POST.items() if k not in ACTION_KEYS and FIELD_NAME.match(k)}
    return SchemeForm(data).removed()


def _problem_links(blocks: list[Block]) -> list[dict[str, Any]]:
    links = []
    for top in blocks:
        for block in top.walk_blocks():
            for p in block.problems:
                links.append({"p": p, "anchor": block.dom_id})
            for f in block.fields:
                for p in f.problems:
                    links.append({"p": p, "anchor": f.dom_id})
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(links, key=lambda x: order.get(x["p"].level, 3))


@page
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    cs = _scheme(request, pk)
    note = ""
    saved = True
    if request.method == "POST":
        form = _posted_form(request)
        saved = False
        if request.POST.get("add"):
            form = form.with_row_added(request.POST["add"])
            note = _t("已添加一行，保存后生效。", "A row was added; save to keep it.")
            problems = _problems_of(form)
        elif request.POST.get("retype"):
            path = request.POST["retype"]
            with contextlib.suppress(LookupError):
                form = form.with_rule_type(path, request.POST.get(f"{path}.type", ""))
            note = _t("规则类型已更换，请填写其参数后保存。", "The rule kind changed; fill in its parameters and save.")
            problems = _problems_of(form)
        else:
            try:
                scheme = form.parse()
            except FormInvalid as invalid:
                problems = invalid.problems
                note = _t("有无法读取的字段，未保存。", "Some fields cannot be read; nothing was saved.")
            else:
                if "check" in request.POST:
                    problems = services.check(scheme)
                    note = _t("已检查（未保存）。", "Checked (not saved).")
                else:
                    try:
                        services.save_draft(cs, request.user, scheme)
                    except services.SchemeRefused as refused:
                        problems = refused.problems
                        note = refused.message(_lang())
                    else:
                        messages.success(request, _t("草稿已保存。", "The draft is saved."))
                        return redirect("schemes:edit", cs.pk)
    else:
        form = SchemeForm.from_scheme(services.draft_scheme(cs))
        problems = services.check(services.draft_scheme(cs))
    blocks = form.blocks(problems)
    errors = [p for p in problems if p.level == "error"]
    return render(request, "schemes/edit.html", {
        "cs": cs, "blocks": blocks, "problem_links": _problem_links(blocks), "errors": errors,
        "warnings": [p for p in problems if p.level != "error"], "note": note, "saved": saved, "lang": _lang(),
        "latest": cs.latest_version(), "name": _name(cs.draft.content)})


def _problems_of(form: SchemeForm) -> list[Problem]:
    try:
        return services.check(form.parse())
    except FormInvalid as invalid:
        return invalid.problems


@page
@require_POST
def check(request: HttpRequest, pk: int) -> JsonResponse:
    """The checker on the form as it is now (the page's live check); nothing is saved."""
    _scheme(request, pk)
    problems = _problems_of(_posted_form(request))
    lang = _lang()
    return JsonResponse({"problems": [
        {"code": p.code, "level": p.level, "path": p.path, "message": p.message(lang), "hint": p.hint(lang),
         "line": p.line} for p in problems]})


# --- preview ----------------------------------------------------------------------------------------


@page
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    cs = _scheme(request, pk)
    draft = services.draft_scheme(cs)
    result = services.preview(cs, request.user, draft)
    return render(request, "schemes/preview.html", {"cs": cs, "preview": result, "lang": _lang(),
                                                    "name": _name(cs.draft.content),
                                                    "draft_errors": services.errors_of(services.check(draft))})


# --- versions ---------------------------------------------------------------------------------------


def _contents(cs: CompanyScheme) -> dict[str, tuple[str, Any]]:
    """Choosable contents for a diff: the book's, each version's, the draft."""
    out: dict[str, tuple[str, Any]] = {"book": (_t("书中方案", "the book's scheme"), cs.book_content)}
    for v in cs.versions.order_by("number"):
        out[f"v{v.number}"] = (_t(f"第 {v.number} 版", f"version {v.number}"), v.content)
    out["draft"] = (_t("草稿", "the draft"), cs.draft.content)
    return out


@page
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    cs = _scheme(request, pk)
    contents = _contents(cs)
    keys = list(contents)
    latest = cs.latest_version()
    a = request.GET.get("a") or (f"v{latest.number - 1}" if latest and latest.number > 1 else "book")
    b = request.GET.get("b") or ("draft" if latest is None or latest.sha256 != _digest(cs.draft.content)
                                 else f"v{latest.number}")
    a, b = (a if a in contents else "book"), (b if b in contents else "draft")
    changes = [{"where": services.readable_path(c.path, contents[b][1] if c.after is not None else contents[a][1],
                                                _lang()),
                "path": c.path, "before": c.before, "after": c.after}
               for c in services.diff_contents(contents[a][1], contents[b][1])]
    rows = []
    settings = services.settings_of(cs.company)
    for v in cs.versions.order_by("-number").select_related("author", "approved_by"):
        rows.append({"v": v, "needs_approval": settings.require_approval and v.approved_at is None,
                     "assignments": list(v.assignments.order_by("-effective_from"))})
    draft_errors = services.errors_of(services.check(services.draft_scheme(cs)))
    return render(request, "schemes/versions.html", {
        "cs": cs, "rows": rows, "choices": [(k, contents[k][0]) for k in keys], "a": a, "b": b,
        "a_label": contents[a][0], "b_label": contents[b][0], "changes": changes, "lang": _lang(),
        "name": _name(cs.draft.content), "draft_errors": draft_errors, "settings": settings,
        "draft_differs": latest is None or latest.sha256 != _digest(cs.draft.content),
        "problems": [], "example": services.LABEL_EXAMPLES.get(cs.period, "")})


@page
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    cs = _scheme(request, pk)
    try:
        version = services.publish(cs, request.user, request.POST.get("note", ""))
    except services.SchemeRefused as refused:
        for p in refused.problems:
            messages.error(request, f"{p.code} {p.message(_lang())}")
        return redirect("schemes:versions", cs.pk)
    messages.success(request, _t(f"已发布第 {version.number} 版。", f"Version {version.number} is published."))
    label = request.POST.get("effective_from", "").strip()
    if label:
        _assign(request, version, label)
    return redirect("schemes:versions", cs.pk)


def _assign(request: HttpRequest, version: SchemeVersion, label: str) -> bool:
    try:
        services.assign(version, request.user, label)
    except services.SchemeRefused as refused:
        for p in refused.problems:
            messages.error(request, p.message(_lang()))
        return False
    messages.success(request, _t(f"第 {version.number} 版自 {label} 起启用。",
                                 f"Version {version.number} is used from {label} on."))
    return True


@page
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(SchemeVersion.objects.select_related("company_scheme__company"), pk=pk)
    services.require_hr(request.user, version.company_scheme.company)
    _assign(request, version, request.POST.get("effective_from", ""))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else
                    reverse("schemes:versions", args=[version.company_scheme.pk]))


@page
def approvals(request: HttpRequest) -> HttpResponse:
    companies = [c for c in services.director_companies(request.user) if services.settings_of(c).require_approval]
    if not companies:
        raise Forbidden("只有总监可以批准方案版本（公司要求批准时）",
                        "Only a director approves scheme versions (when the company requires it)")
    if request.method == "POST":
        version = get_object_or_404(SchemeVersion.objects.select_related("company_scheme__company"),
                                    pk=request.POST.get("version") or 0)
        try:
            services.approve(version, request.user)
        except services.SchemeRefused as refused:
            messages.error(request, refused.message(_lang()))
        else:
            messages.success(request, _t(f"已批准第 {version.number} 版。", f"Version {version.number} is approved."))
        return redirect("schemes:approvals")
    waiting = [v for c in companies for v in services.awaiting_approval(c)]
    rows = []
    for v in waiting:
        previous = v.company_scheme.versions.filter(number__lt=v.number).order_by("-number").first()
        base = previous.content if previous else v.company_scheme.book_content
        rows.append({"v": v, "name": _name(v.content), "changes": [
            {"where": services.readable_path(c.path, v.content if c.after is not None else base, _lang()),
             "before": c.before, "after": c.after} for c in services.diff_contents(base, v.content)][:40]})
    return render(request, "schemes/approvals.html", {"rows": rows, "lang": _lang()})


# --- the positions' schemes in use --------------------------------------------------------------------


@page
def assignments(request: HttpRequest) -> HttpResponse:
    companies = _companies(request)
    company = _company(request, companies)
    from django.utils import timezone

    today = timezone.localdate()
    labels = {"monthly": f"{today:%Y-%m}", "quarterly": f"{today.year}-Q{(today.month - 1) // 3 + 1}",
              "annual": f"{today.year}"}
    own = {(cs.position_code, cs.level, cs.period): cs for cs in CompanyScheme.objects.filter(company=company)}
    book = {(s.position, str(s.level), str(s.period)): s for s in library_bridge.schemes()}
    rows = []
    for position in Position.objects.filter(external=False).order_by("code"):
        cells = []
        for period in PERIODS:
            key = (position.code, position.level, period)
            version = services.assigned_version(company, *key, labels[period])
            later = (SchemeAssignment.objects.filter(company=company, position_code=position.code,
                                                     level=position.level, period=period,
                                                     effective_from__gt=labels[period])
                     .select_related("version").order_by("effective_from").first())
            scheme = library_bridge.scheme_for(*key)
            cells.append({"period": period, "version": version, "later": later, "cs": own.get(key),
                          "book": book.get(key) or (scheme if scheme and str(scheme.period) == period else None)})
        rows.append({"position": position, "cells": cells,
                     "missing": all(c["version"] is None and c["book"] is None for c in cells)})
    return render(request, "schemes/assignments.html", {
        "company": company, "companies": companies, "rows": rows, "labels": labels, "lang": _lang(),
        "periods": PERIODS})


# --- YAML ---------------------------------------------------------------------------------------------


def _yaml_response(scheme: Scheme, filename: str) -> HttpResponse:
    response = HttpResponse(dump_scheme(scheme), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@page
def yaml_draft(request: HttpRequest, pk: int) -> HttpResponse:
    cs = _scheme(request, pk)
    return _yaml_response(services.draft_scheme(cs), f"{cs.scheme_id}-draft.yaml")


@page
def yaml_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(SchemeVersion.objects.select_related("company_scheme__company"), pk=pk)
    services.require_hr(request.user, version.company_scheme.company)
    return _yaml_response(version.scheme(), f"{version.company_scheme.scheme_id}-v{version.number}.yaml")


@page
def yaml_book(request: HttpRequest, scheme_id: str) -> HttpResponse:
    _companies(request)
    scheme = library_bridge.scheme_by_id(scheme_id)
    if scheme is None:
        from django.http import Http404

        raise Http404(scheme_id)
    return _yaml_response(scheme, f"{scheme.id}.yaml")


@page
def json_schema(request: HttpRequest) -> JsonResponse:
    from kaohe.scheme.jsonschema import scheme_json_schema

    _companies(request)
    response = JsonResponse(scheme_json_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="kaohe-scheme.schema.json"'
    return response


@page
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    cs = _scheme(request, pk)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    filename = ""
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            problems = [Problem("S011", "error", path="file", message_zh="请选择一个 YAML 文件",
                                message_en="Choose a YAML file")]
        elif file.size is not None and file.size > MAX_UPLOAD:
            problems = [Problem("S012", "error", file=file.name, path="file",
                                message_zh="文件超过 512 KB，不像一个考核方案",
                                message_en="The file is over 512 KB; no scheme is that large")]
        else:
            filename = file.name or "upload.yaml"
            raw = file.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                problems = [Problem("L001", "error", file=filename, path="file",
                                    message_zh="文件不是 UTF-8 编码", message_en="The file is not UTF-8 text",
                                    hint_zh="用 UTF-8 保存后再上传", hint_en="save it as UTF-8 and upload again")]
            else:
                try:
                    warnings = services.upload_yaml(cs, request.user, text, filename)
                except services.SchemeRefused as refused:
                    problems = refused.problems
                else:
                    messages.success(request, _t("已从文件更新草稿。", "The draft was replaced by the file."))
                    for w in warnings:
                        messages.warning(request, f"{w.code} {w.message(_lang())}")
                    return redirect("schemes:edit", cs.pk)
    return render(request, "schemes/upload.html", {"cs": cs, "problems": problems, "filename": filename,
                                                   "lang": _lang(), "name": _name(cs.draft.content)})
