"""{% kpi_definition_notices sheet %}: the notices a KPI definition change left on a published sheet."""

from __future__ import annotations

from typing import Any

from django import template

from kaohe.web.permissions import can

register = template.Library()


@register.inclusion_tag("kpidefs/_sheet_notices.html", takes_context=True)
def kpi_definition_notices(context: template.Context, sheet: Any) -> dict[str, Any]:
    from kaohe.web.kpidefs.services import notices_for

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"notices": notices_for(sheet), "request": request,
            "can_decide": user is not None and can(user, "manage_org", sheet.cycle.company)}
