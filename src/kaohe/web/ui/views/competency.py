"""Competency assessments: the employee rates themself, the supervisor rates them,
and both see the gap to the level the position requires."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaohe.scheme.position import DIMENSION_NAMES, CompetencyDimension
from kaohe.web.appraisal import services as svc
from kaohe.web.errors import Forbidden, InvalidInput, StaleObject
from kaohe.web.permissions import can, prefetch_relations, visible_sheets

from ..forms import CompetencyForm
from ..refusals import page
from ._common import load_sheet, message_of, one_change, put_on_form

LEVELS = [1, 2, 3, 4, 5]


@page
def competency_list(request: HttpRequest) -> HttpResponse:
    rows = []
    for sheet in prefetch_relations(request.user, visible_sheets(request.user).select_related("employee", "cycle")
                                    .order_by("-cycle__start")):  # can() per row without a query per row
        side = _side(request, sheet)
        if side or sheet.employee.user_id == request.user.pk:
            rows.append({"sheet": sheet, "side": side})
    return render(request, "ui/competency/list.html", {"rows": rows})


def _side(request: HttpRequest, sheet) -> str | None:  # type: ignore[no-untyped-def]
    if can(request.user, "assess_competency_self", sheet):
        return "self"
    if can(request.user, "assess_competency_supervisor", sheet):
        return "supervisor"
    return None


@page
def competency(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = load_sheet(request, pk)
    side = _side(request, sheet)
    ratings = svc.competency_ratings(sheet)
    en = request.LANGUAGE_CODE.startswith("en")
    model = _model_of(sheet)
    comps = [{"id": r.competency, "label": _name(model.get(r.competency), r.name_zh, en), "levels": LEVELS,
              "choices": _level_choices(model.get(r.competency), en),
              "help": _("Required level: %(n)d") % {"n": r.required_level}}
             for r in ratings]
    field = "self_level" if side == "self" else "supervisor_level"
    initial = {"version": sheet.version} | {f"level_{r.competency}": getattr(r, field) for r in ratings}
    form = CompetencyForm(request.POST or None, competencies=comps, initial=initial)
    if request.method == "POST":
        if side is None:
            raise Forbidden("此时您不能评估该员工的胜任素质", "You cannot assess these competencies now")
        if form.is_valid():
            try:
                _save(request, sheet, form)
            except InvalidInput as error:
                put_on_form(form, error, {"level": None})
            except StaleObject as error:
                form.add_error(None, message_of(error))
            else:
                messages.success(request, _("Competency assessment saved."))
                return redirect("ui:competency", pk=sheet.pk)
    gaps = [g | {"name": _name(model.get(g["competency"]), g["name_zh"], en),
                 "dimension_name": _dimension(g["dimension"], en)} for g in svc.competency_gaps(sheet)]
    return render(request, "ui/competency/form.html", {"sheet": sheet, "side": side, "form": form, "gaps": gaps})


def _model_of(sheet) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The competencies the sheet is assessed on, by id: the company's copy of the model, else the book's."""
    from kaohe.web.appraisal import library_bridge
    from kaohe.web.library.copies import competency_model_for

    code = sheet.employee.position.code
    model = competency_model_for(sheet.cycle.company_id, code) or getattr(
        library_bridge.position(code), "competency_model", None)
    return {c.id: c for c in model.competencies} if model is not None else {}


def _name(competency: Any, name_zh: str, en: bool) -> str:
    return (competency.name.en or name_zh) if en and competency is not None else name_zh


def _dimension(dimension: str, en: bool) -> str:
    try:
        names = DIMENSION_NAMES[CompetencyDimension(dimension)]
    except ValueError:
        return dimension
    return names.en if en else names.zh


def _level_choices(competency: Any, en: bool) -> list[tuple[int, str]] | None:
    """Each level with the behaviour that shows it (the model's level descriptors), in the page's language."""
    if competency is None:
        return None
    from kaohe.library.i18n import localized

    described = {lv.level: localized(lv, "descriptor", "en" if en else "zh") for lv in competency.levels}
    return [(n, f"{n} · {described[n]}" if n in described else str(n)) for n in LEVELS]


def _save(request: HttpRequest, sheet, form: CompetencyForm) -> None:  # type: ignore[no-untyped-def]
    version = form.cleaned_data.get("version")
    with one_change(request, f"competency-{sheet.pk}"):
        for i, (comp, level) in enumerate(form.levels().items()):
            if i:
                sheet.refresh_from_db()
            svc.rate_competency(sheet, request.user, competency=comp, level=level,
                                expected_version=version if i == 0 else None)
