"""The KPI figures a scheme needs, for each employee of an event store's org table.

`kaohe score --data DIR` uses this to score straight from an event store: the org table
in the store names who is who (employee, team, department, center), the KPI catalog
computes every KPI the scheme reads at the level its indicator's scope asks for, and
`kaohe.scoring.inputs.build_sheet_inputs` turns the figures into scoring inputs — the
same step the web app uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kaohe.metrics.calendar import WorkCalendar
from kaohe.metrics.compute import DEFAULT_TZ, KpiValue, compute_kpis
from kaohe.metrics.store import Store
from kaohe.scheme.models import Scheme
from kaohe.scoring.inputs import KpiFigure, KpiKey, KpiNeed, kpi_needs

LEVELS = {"self": "agent", "team": "team", "department": "department", "center": "center"}


@dataclass(frozen=True)
class OrgMember:
    employee_id: str
    name: str
    team_id: str | None
    department_id: str
    center_id: str

    def entity(self, scope: str) -> str | None:
        """Whose figure the employee is rated on for a scope: their own, their team's …"""
        return {"self": self.employee_id, "team": self.team_id, "department": self.department_id,
                "center": self.center_id}[scope]


class UnknownEmployees(LookupError):
    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(f"not in the store's org table: {', '.join(missing)}")


def org_members(data_dir: Path | str, employees: Sequence[str] | None = None) -> list[OrgMember]:
    """The people of the store's org table (all, or the ones asked for, in that order)."""
    rows = Store(data_dir).read_table("org").to_pylist()
    members = {
        str(r["employee_id"]): OrgMember(str(r["employee_id"]), str(r.get("name") or ""),
                                         None if r.get("team_id") is None else str(r["team_id"]),
                                         str(r["department_id"]), str(r["center_id"]))
        for r in rows
    }
    if employees is None:
        return sorted(members.values(), key=lambda m: m.employee_id)
    missing = [e for e in employees if e not in members]
    if missing:
        raise UnknownEmployees(missing)
    return [members[e] for e in employees]


def _matches(value: KpiValue, need: KpiNeed) -> bool:
    return value.kpi_id == need.kpi and all(value.params.get(k) == v for k, v in need.params.items())


def employee_kpis(
    data_dir: Path | str,
    scheme: Scheme,
    period: str,
    members: Sequence[OrgMember],
    *,
    tz: str = DEFAULT_TZ,
    calendar: WorkCalendar | None = None,
) -> dict[str, dict[KpiKey, KpiFigure]]:
    """employee id → the KPI figures of the scheme's indicators (a KPI without data is missing)."""
    needs = kpi_needs(scheme)
    if not needs:
        return {m.employee_id: {} for m in members}
    levels = sorted({LEVELS[n.scope] for n in needs})
    values = compute_kpis(str(data_dir), [(n.kpi, dict(n.params)) for n in needs], period, levels, tz=tz,
                          calendar=calendar, missing_tables="missing")
    assert isinstance(values, list)
    by_entity: dict[tuple[KpiKey, str, str], KpiValue] = {}
    for value in values:
        for need in needs:
            if _matches(value, need) and value.entity_level == LEVELS[need.scope]:
                by_entity[(need.key, value.entity_level, str(value.entity_id))] = value
    result: dict[str, dict[KpiKey, KpiFigure]] = {}
    for member in members:
        figures: dict[KpiKey, KpiFigure] = {}
        for need in needs:
            entity = member.entity(need.scope)
            found = by_entity.get((need.key, LEVELS[need.scope], str(entity)))
            figures[need.key] = KpiFigure(
                None if found is None or found.value is None else Decimal(found.value),
                None if found is None else found.sample_size,
            )
        result[member.employee_id] = figures
    return result

