"""HR starts the org tree from one of the book's structures (seeds 000 and 004): choose one, see the
departments, teams and positions it would add, confirm. The change is one audited transaction
(`kaohe.web.org.presets.instantiate_preset`); the tree is then edited on the org tree pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kaohe.web.org.models import Company, Department, Position

from ..formatting import text_of
from ..refusals import page
from ._common import one_change
from .setup_org import setup_company_of


class PresetForm(forms.Form):
    preset = forms.ChoiceField(label=gettext_lazy("Structure"), choices=[])
    prefix = forms.CharField(label=gettext_lazy("Code prefix"), required=False, max_length=16,
                             help_text=gettext_lazy("Only for a second copy beside the first, e.g. b-"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = choices


def preview_of(company: Company, preset: Any, prefix: str) -> dict[str, Any]:
    """What confirming would add: each department (indented by depth) with its teams, and the positions
    (new ones marked), plus the department codes that already exist (which block the preset)."""
    from kaohe.library import default_library

    library = default_library()
    units = [{"depth": depth, "indent": depth * 1.25, "code": prefix + unit.id, "name": text_of(unit),
              "teams": [text_of(t) for t in unit.teams],
              "positions": [_position_name(library, p) for p in unit.positions]}
             for depth, unit in preset.walk()]
    existing = set(Position.objects.filter(code__in=preset.positions).values_list("code", flat=True))
    positions = [{"code": p, "name": _position_name(library, p), "new": p not in existing} for p in preset.positions]
    taken = sorted(Department.objects.filter(company=company, code__in=[u["code"] for u in units])
                   .values_list("code", flat=True))
    return {"units": units, "positions": positions, "taken": taken,
            "departments": len(units), "teams": sum(len(u["teams"]) for u in units),
            "new_positions": sum(1 for p in positions if p["new"])}


def _position_name(library: Any, position_id: str) -> str:
    try:
        return text_of(library.position(position_id).position)
    except KeyError:
        return position_id


@page
def org_preset(request: HttpRequest) -> HttpResponse:
    """Choose a structure → preview what it adds → confirm (audited) → the org tree to edit it."""
    from kaohe.library.presets import default_presets
    from kaohe.web.org.presets import PresetError, instantiate_preset
    from kaohe.web.permissions import require

    company = setup_company_of(request)
    require(request.user, "manage_org", company)
    presets = {p.id: p for p in default_presets()}
    form = PresetForm(request.POST or None, choices=[(p.id, text_of(p)) for p in presets.values()])
    preview = None
    status = 200
    if request.method == "POST" and form.is_valid():
        chosen, prefix = presets[form.cleaned_data["preset"]], form.cleaned_data["prefix"].strip()
        preview = preview_of(company, chosen, prefix)
        preview.update(id=chosen.id, name=text_of(chosen), prefix=prefix)
        if preview["taken"]:
            form.add_error("prefix", _("These department codes already exist: %(codes)s. Choose a prefix for a "
                                       "second copy.") % {"codes": ", ".join(preview["taken"])})
            status = 422
        elif request.POST.get("action") == "confirm":
            try:
                with one_change(request, "org-preset"):
                    result = instantiate_preset(company, request.user, chosen.id, prefix=prefix)
            except PresetError as error:
                en = (get_language() or "").startswith("en")
                for zh_text, en_text in error.problems:
                    form.add_error(None, en_text if en else zh_text)
                status = 422
            else:
                messages.success(request, _("%(d)d departments and %(t)d teams added; edit them below.")
                                 % {"d": result.departments, "t": result.teams})
                return redirect("ui:setup_org")
    elif request.method == "POST":
        status = 422
    described = [{"id": p.id, "name": text_of(p), "description": text_of(p, "description"),
                  "units": [(depth, text_of(unit)) for depth, unit in p.walk()]} for p in presets.values()]
    return render(request, "ui/setup/preset.html", {"company": company, "form": form, "presets": described,
                                                    "preview": preview}, status=status)
