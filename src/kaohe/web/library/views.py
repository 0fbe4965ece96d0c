"""The library's pages: the book (read by HR, directors and supervisors) and the company's copies
(edited by HR only). Every page picks the company from the user's role assignments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaohe.scheme.position import CompetencyModel, ResponsibilityLetter
from kaohe.web.errors import Forbidden, InvalidInput, NotFound
from kaohe.web.org.models import Company
from kaohe.web.permissions import can, require
from kaohe.web.ui.refusals import page
from kaohe.web.ui.views._common import message_of, one_change

from . import book, copies
from .letters import FIELDS
from .models import CompanyPosition

INDICATOR_WORDS = {"target": ("目标", "target"), "weight": ("权重", "weight")}


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _company(request: HttpRequest) -> Company:
    """The first company (by code, or the one asked for) whose library the user may read."""
    companies = [c for c in Company.objects.order_by("code") if can(request.user, "view_library", c)]
    if not companies:
        raise Forbidden("只有绩效管理员、总监和主管可以查看岗位库",
                        "Only HR officers, directors and supervisors can read the position library")
    raw = request.GET.get("company") or request.POST.get("company") or ""
    return next((c for c in companies if str(c.pk) == raw), companies[0])


def _base(request: HttpRequest, company: Company, code: str | None = None) -> dict[str, Any]:
    lang = _lang()
    ctx: dict[str, Any] = {"company": company, "lang": lang, "may_edit": can(request.user, "edit_library", company),
                           "modules": [(slug, book.pick((zh, en), lang)) for slug, zh, en in book.MODULES]}
    if code is not None:
        p = book.position(code)
        ctx.update({"p": p, "overview": book.overview(p, lang), "copy": copies.copy_of(company, code)})
    return ctx


@page
def index(request: HttpRequest) -> HttpResponse:
    company = _company(request)
    copied = set(CompanyPosition.objects.filter(company=company).values_list("position_code", flat=True))
    ctx = _base(request, company)
    ctx.update({"departments": book.grouped(ctx["lang"], copied), "count": len(book.positions())})
    return render(request, "library/index.html", ctx)


@page
def position_page(request: HttpRequest, code: str) -> HttpResponse:
    company = _company(request)
    ctx = _base(request, company, code)
    ctx["schemes"] = [{"name": book.text(s.name, ctx["lang"]), "level": book.pick(book.LEVELS[s.level.value], ctx["lang"]),
                       "period": book.pick(book.PERIODS[s.period.value], ctx["lang"])} for s in book.schemes_of(code)]
    return render(request, "library/position.html", ctx)


def _module_context(ctx: dict[str, Any], module: str, company: Company) -> dict[str, Any]:
    p, lang = ctx["p"], ctx["lang"]
    if module == "kpis":
        from kaohe.web.kpidefs.services import current_definitions

        return {"kpi": book.kpi_module(p, lang, current_definitions(company))}
    if module == "competency":
        return {"dimensions": book.competency_module(p.competency_model, lang)}
    if module == "schemes":
        return {"schemes": [book.scheme_view(s, lang) for s in book.schemes_of(p.id)]}
    if module == "rules":
        scheme = next((s for s in book.schemes_of(p.id) if s.id == p.letter.scheme), None)
        return {"letter": book.letter_view(p.letter, lang, scheme), "procedure": book.procedure_view(p, lang)}
    if module == "guidance":
        return {"guidance": book.guidance_view(p, lang)}
    raise NotFound(f"没有模块 {module}", f"There is no module {module}")


@page
def module_page(request: HttpRequest, code: str, module: str) -> HttpResponse:
    company = _company(request)
    ctx = _base(request, company, code)
    ctx.update(_module_context(ctx, module, company))
    ctx["module"] = module
    ctx["module_name"] = next(name for slug, name in ctx["modules"] if slug == module)
    return render(request, "library/module.html", ctx)


@page
def print_all(request: HttpRequest, code: str) -> HttpResponse:
    """The five modules on one page, for printing the whole position."""
    company = _company(request)
    ctx = _base(request, company, code)
    for module, _zh, _en in book.MODULES:
        ctx.update(_module_context(ctx, module, company))
    return render(request, "library/print.html", ctx)


@page
def company_page(request: HttpRequest, code: str) -> HttpResponse:
    company = _company(request)
    ctx = _base(request, company, code)
    row, lang, p = ctx["copy"], ctx["lang"], ctx["p"]
    if row is not None:
        model = CompetencyModel.model_validate(row.competency_model)
        letter = ResponsibilityLetter.model_validate(row.letter)
        scheme = next((s for s in book.schemes_of(p.id) if s.id == letter.scheme), None)
        ctx.update({
            "dimensions": book.competency_module(model, lang),
            "letter": book.letter_view(letter, lang, scheme),
            "competency_diff": book.competency_differences(p.competency_model, row.competency_model, lang),
            "letter_diff": book.letter_differences(p.letter, row.letter, lang),
        })
    return render(request, "library/company.html", ctx)


@page
def use_in_company(request: HttpRequest, code: str) -> HttpResponse:
    company = _company(request)
    if request.method != "POST":
        return redirect("library:company", code=code)
    with one_change(request, f"library-use-{code}"):
        copies.use_in_company(company, request.user, code)
    messages.success(request, _("The position's competency model and letter template are now your company's "
                                "own copies. Edit them below; the book stays as it is."))
    return redirect(f"{_url('library:company', code)}?company={company.pk}")


def _url(name: str, code: str) -> str:
    from django.urls import reverse

    return reverse(name, kwargs={"code": code})


def _copy_for_edit(request: HttpRequest, company: Company, code: str) -> CompanyPosition:
    require(request.user, "edit_library", company)
    book.position(code)
    row = copies.copy_of(company, code)
    if row is None:
        raise NotFound("公司岗位库中还没有该岗位，请先点击「在本公司使用」",
                       "Your company's library does not have this position yet; choose “Use in our company” first")
    return row


def _version(request: HttpRequest) -> int:
    from kaohe.web.params import int_param

    return int_param(request.POST.get("version"), "version")


def _post_edit(request: HttpRequest, company: Any, code: str, key: str, save: Any, saved: str,
               ) -> tuple[dict[str, list[str]], dict[str, Any], HttpResponse | None]:
    """Save an edit form of the company's copy: the errors by field, the values typed, or the redirect once saved."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if request.method != "POST":
        return errors, values, None
    values = dict(request.POST.items())
    try:
        with one_change(request, f"library-{key}-{code}"):
            save(request.POST, _version(request))
    except InvalidInput as error:
        for problem in error.report.problems:
            errors.setdefault(problem.field, []).append(message_of(problem))
        return errors, values, None
    messages.success(request, saved)
    return errors, values, redirect(f"{_url('library:company', code)}?company={company.pk}")


@page
def edit_competency(request: HttpRequest, code: str) -> HttpResponse:
    company = _company(request)
    row = _copy_for_edit(request, company, code)
    ctx = _base(request, company, code)
    errors, values, done = _post_edit(
        request, company, code, "competency",
        lambda data, version: copies.save_competency_model(row, request.user, data, expected_version=version),
        _("The competency model is saved."))
    if done is not None:
        return done
    comps = []
    for i, c in enumerate(row.competency_model["competencies"]):
        name = (c["name"].get("en") or c["name"]["zh"]) if ctx["lang"] == "en" else c["name"]["zh"]
        comps.append({
            "i": i, "name": name, "levels_count": len(c["levels"]),
            "definition": values.get(f"c{i}_definition", c["definition"]),
            "definition_en": values.get(f"c{i}_definition_en", c.get("definition_en", "")),
            "required": values.get(f"c{i}_required", c["required_level"]),
            "levels": [{"j": j, "level": lv["level"], "descriptor": values.get(f"c{i}_l{j}", lv["descriptor"]),
                        "descriptor_en": values.get(f"c{i}_l{j}_en", lv.get("descriptor_en", "")),
                        "errors": errors.get(f"c{i}_l{j}", [])} for j, lv in enumerate(c["levels"])],
            "errors": {k: errors.get(f"c{i}_{k}", []) for k in ("definition", "required")},
        })
    ctx.update({"row": row, "competencies": comps, "error_count": sum(len(v) for v in errors.values())})
    return render(request, "library/edit_competency.html", ctx, status=422 if errors else 200)


@page
def edit_letter(request: HttpRequest, code: str) -> HttpResponse:
    company = _company(request)
    row = _copy_for_edit(request, company, code)
    ctx = _base(request, company, code)
    errors, values, done = _post_edit(
        request, company, code, "letter",
        lambda data, version: copies.save_letter(row, request.user, data, expected_version=version),
        _("The letter template is saved."))
    if done is not None:
        return done
    lang = ctx["lang"]
    fields = []
    for name in (*copies.LETTER_TEXTS, *copies.LETTER_LISTS):
        current = row.letter.get(name, "" if name in copies.LETTER_TEXTS else [])
        shown = values.get(name, current if isinstance(current, str) else "\n".join(current))
        fields.append({"name": name, "label": book.pick(book._FIELD_WORDS[name], lang), "value": shown,
                       "multi": name in copies.LETTER_LISTS or name.startswith("purpose"),
                       "errors": errors.get(name, [])})
    indicators = book.indicator_names(code, row.letter.get("scheme", ""), lang)
    ctx.update({"row": row, "fields": fields, "error_count": sum(len(v) for v in errors.values()),
                "other_errors": [m for k, v in errors.items() if k not in {f["name"] for f in fields} for m in v],
                "placeholders": [("{" + k + "}", book.pick(v, lang)) for k, v in FIELDS.items()],
                "indicator_placeholders": [
                    ("{" + k + ":" + i + "}", (f"{words[1]} of {name}" if lang == "en" else f"{name}的{words[0]}"))
                    for i, name in indicators for k, words in INDICATOR_WORDS.items()]})
    return render(request, "library/edit_letter.html", ctx, status=422 if errors else 200)
