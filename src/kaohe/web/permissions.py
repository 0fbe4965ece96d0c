"""Who may do what: the one permission module the pages, the API and the services share.

`can(user, action, obj)` answers yes or no; `require()` raises the refusal with its
reason. Two things decide:

1. the user's *relations* to the object, from the org tree and role assignments
   (the employee themself, their supervisor, their reviewer, an HR officer, a
   director, a QA officer, an auditor, a peer asked to rate, an appeal's re-reviewer);
2. for sheets, the workflow state (`kaohe.web.appraisal.workflow`): a published sheet
   is read-only except along the workflow's own steps.

Nobody gets a relation to their own sheet other than `employee`: a supervisor does
not review, calibrate or re-review themself. Django superusers get no bypass here;
confidentiality holds for them too (they still have the Django admin).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kaohe.web.errors import Forbidden, IllegalTransition, ReadOnly

# action → relations that may perform it (the workflow's transitions are added below)
SHEET_ACTIONS: dict[str, frozenset[str]] = {
    "view_sheet": frozenset({"employee", "supervisor", "reviewer", "hr", "director", "re_reviewer"}),
    "view_kpi_records": frozenset({"employee", "supervisor", "reviewer", "hr", "director", "re_reviewer"}),
    "view_peer_detail": frozenset({"supervisor", "reviewer", "hr"}),
    "rate_self": frozenset({"employee"}),
    "rate_supervisor": frozenset({"supervisor"}),
    "rate_reviewer": frozenset({"reviewer"}),
    "rate_peer": frozenset({"peer"}),
    "rate_customer": frozenset({"customer"}),
    "rate_qa": frozenset({"qa"}),
    "request_ratings": frozenset({"supervisor", "hr"}),
    "assess_competency_self": frozenset({"employee"}),
    "assess_competency_supervisor": frozenset({"supervisor"}),
    "score": frozenset({"supervisor", "reviewer", "hr"}),
    "calibrate": frozenset({"hr", "director", "reviewer"}),
    "record_interview": frozenset({"supervisor"}),
    "confirm_interview": frozenset({"employee"}),
    "assign_re_reviewer": frozenset({"hr"}),
    "exclude": frozenset({"hr"}),  # leave an incomplete sheet out of approving/publishing, with a reason
}

# action → roles (role assignments covering the object) for company, department, team or cycle objects
ORG_ACTIONS: dict[str, frozenset[str]] = {
    "open_cycle": frozenset({"hr"}),
    "import_employees": frozenset({"hr"}),
    "manage_org": frozenset({"hr"}),
    "upload_records": frozenset({"hr"}),
    "compute_kpis": frozenset({"hr"}),
    "view_cycle_progress": frozenset({"hr", "director", "reviewer", "supervisor"}),
    "view_team": frozenset({"hr", "director", "reviewer", "supervisor"}),
    "view_calibration_board": frozenset({"hr", "director", "reviewer"}),
    "view_reports": frozenset({"hr", "director"}),
    "export_payroll": frozenset({"hr"}),  # pay figures: HR only, never the director
    "view_audit": frozenset({"auditor", "hr"}),
    "verify_audit": frozenset({"auditor", "hr"}),
    "view_library": frozenset({"hr", "director", "reviewer", "supervisor"}),  # the book and the company's copies
    "edit_library": frozenset({"hr"}),
}


_SHEET_TABLE: dict[str, frozenset[str]] | None = None


def _sheet_action_table() -> dict[str, frozenset[str]]:
    # built once: a list page asks about every workflow step of every row
    global _SHEET_TABLE
    if _SHEET_TABLE is None:
        from kaohe.web.appraisal.workflow import TRANSITIONS

        table = dict(SHEET_ACTIONS)
        for t in TRANSITIONS.values():
            table[t.name] = t.roles
        _SHEET_TABLE = table
    return _SHEET_TABLE


def all_actions() -> list[str]:
    return sorted(set(_sheet_action_table()) | set(ORG_ACTIONS))


# --- role assignments and scope ----------------------------------------------------------


def _assignments(user: Any) -> list[Any]:
    """The user's role assignments, read once per user object (requests are short)."""
    from kaohe.web.org.models import RoleAssignment

    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_kaohe_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("department", "team"))
        for ra in cached:
            ra.department_ids = ra.department.descendant_ids() if ra.department_id else set()
        user._kaohe_assignments = cached
    return cached


def forget_cached_roles(user: Any) -> None:
    """Call after changing a user's role assignments within one request or test."""
    if hasattr(user, "_kaohe_assignments"):
        del user._kaohe_assignments


def _covers(ra: Any, employee: Any) -> bool:
    if ra.company_id != employee.company_id:
        return False
    if ra.scope == "company":
        return True
    if ra.scope == "department":
        return employee.department_id in ra.department_ids
    if ra.scope == "team":
        return employee.team_id is not None and employee.team_id == ra.team_id
    return employee.user_id == ra.user_id  # scope "self"


# Company-wide actions need a company-scoped role; the others accept a narrower role, and what
# the user then sees is narrowed by `visible_sheets` / `visible_employees`.
COMPANY_SCOPE_ONLY = frozenset({"open_cycle", "import_employees", "manage_org", "upload_records",
                                "compute_kpis", "view_audit", "verify_audit", "edit_library"})


def _covers_org(ra: Any, obj: Any, action: str) -> bool:
    """Does the assignment cover a company, cycle, department or team object for `action`?"""
    from kaohe.web.org.models import Department, Team

    if isinstance(obj, Team):
        company_id, dept_id, team_id = obj.department.company_id, obj.department_id, obj.pk
    elif isinstance(obj, Department):
        company_id, dept_id, team_id = obj.company_id, obj.pk, None
    else:  # Company or Cycle
        company_id = obj.pk if obj.__class__.__name__ == "Company" else obj.company_id
        dept_id = team_id = None
    if company_id != ra.company_id or ra.scope == "self":
        return False
    if ra.scope == "company":
        return True
    if action in COMPANY_SCOPE_ONLY:
        return False
    if dept_id is None:  # company-wide page, narrowed later
        return True
    if ra.scope == "department":
        return dept_id in ra.department_ids
    return team_id is not None and team_id == ra.team_id


def relations(user: Any, employee: Any, sheet: Any = None) -> set[str]:
    """The user's relations to an employee (and, with `sheet`, to that sheet)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    found: set[str] = set()
    own = employee.user_id is not None and employee.user_id == user.pk
    if own:
        found.add("employee")
    else:
        manager = employee.manager
        if manager is not None and manager.user_id == user.pk:
            found.add("supervisor")
        if manager is not None and manager.manager_id is not None and manager.manager.user_id == user.pk:
            found.add("reviewer")
        for ra in _assignments(user):
            if ra.role in ("supervisor", "reviewer", "hr", "director", "qa") and _covers(ra, employee):
                found.add(ra.role)
    for ra in _assignments(user):
        if ra.role == "auditor" and ra.company_id == employee.company_id:
            found.add("auditor")
    if sheet is not None and not own:
        found |= _sheet_relations(user, sheet)
    return found


# The relations a sheet itself gives (re-reviewer of a pending appeal, peer or customer asked to
# rate). `prefetch_relations` reads them for a whole list in two queries and keeps them on the
# sheet objects; without it, `relations` asks for one sheet at a time.
_SHEET_REL_ATTR = "_kaohe_sheet_relations"


def _sheet_relations(user: Any, sheet: Any) -> set[str]:
    kept = getattr(sheet, _SHEET_REL_ATTR, None)
    if kept is not None and kept[0] == user.pk:
        return set(kept[1])
    from kaohe.web.appraisal.models import Appeal, Rating

    found: set[str] = set()
    if Appeal.objects.filter(sheet=sheet, re_reviewer=user, outcome="pending").exists():
        found.add("re_reviewer")
    found.update(Rating.objects.filter(sheet=sheet, rater=user, role__in=["peer", "customer"])
                 .values_list("role", flat=True))
    return found


PREFETCH_CHUNK = 5000  # sheet ids per query: well under SQLite's limit on query parameters


def prefetch_relations(user: Any, sheets: Any) -> list[Any]:
    """Read what `relations` needs for many sheets at once and keep it on the sheet objects.

    For pages that list sheets and ask `can()` several times per row: two queries for the
    whole list instead of two per question. Use it on freshly loaded sheets of a read-only
    view; a change made afterwards in the same request (a new rating, an appeal) is not seen
    by these objects. The employees' managers and their managers (the supervisor and reviewer
    relations) are read in one more query unless the sheets came with them.
    """
    sheets = list(sheets)
    if user is None or not getattr(user, "is_authenticated", False) or not sheets:
        return sheets
    from kaohe.web.appraisal.models import Appeal, Rating
    from kaohe.web.org.models import Employee

    employees = [s.employee for s in sheets]
    missing = {e.manager_id for e in employees if e.manager_id is not None and not Employee.manager.is_cached(e)}
    if missing:
        managers = Employee.objects.select_related("manager").in_bulk(list(missing))  # in_bulk batches the ids
        for e in employees:
            if e.manager_id in managers:
                e.manager = managers[e.manager_id]
    ids = [s.pk for s in sheets if s.employee.user_id != user.pk]  # own sheets: `relations` never asks
    extra: dict[int, set[str]] = {s.pk: set() for s in sheets}
    if not ids:
        return sheets
    for start in range(0, len(ids), PREFETCH_CHUNK):  # an HR list may hold a whole company
        chunk = ids[start:start + PREFETCH_CHUNK]
        for pk in Appeal.objects.filter(sheet_id__in=chunk, re_reviewer=user, outcome="pending").values_list(
                "sheet_id", flat=True):
            extra[pk].add("re_reviewer")
        for pk, role in Rating.objects.filter(sheet_id__in=chunk, rater=user,
                                              role__in=["peer", "customer"]).values_list("sheet_id", "role"):
            extra[pk].add(role)
    for s in sheets:
        setattr(s, _SHEET_REL_ATTR, (user.pk, frozenset(extra[s.pk])))
    return sheets


def can_many(user: Any, action: str, sheets: Any) -> dict[int, bool]:
    """`can(user, action, sheet)` for every sheet of a list, by sheet id, in a fixed number of queries."""
    return {s.pk: can(user, action, s) for s in prefetch_relations(user, sheets)}


def org_roles(user: Any, obj: Any, action: str = "") -> set[str]:
    return {ra.role for ra in _assignments(user) if _covers_org(ra, obj, action)}


# --- the decision ------------------------------------------------------------------------


def _decide(user: Any, action: str, obj: Any) -> tuple[bool, str | None]:
    """(allowed, why-not kind): kind is 'forbidden', 'state' or 'read_only'."""
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.appraisal.workflow import ACTION_STATES, READ_ONLY_STATES, TRANSITIONS
    from kaohe.web.org.models import Employee

    if isinstance(obj, Sheet):
        table = _sheet_action_table()
        if action not in table:
            raise ValueError(f"unknown sheet action {action!r}")
        if not relations(user, obj.employee, obj) & table[action]:
            return False, "forbidden"
        allowed_states = TRANSITIONS[action].sources if action in TRANSITIONS else ACTION_STATES.get(action)
        if allowed_states is not None and obj.state not in allowed_states:
            return False, "read_only" if obj.state in READ_ONLY_STATES else "state"
        return True, None
    if isinstance(obj, Employee):
        if action not in ("view_employee", "view_sheet", "view_team"):
            raise ValueError(f"unknown employee action {action!r}")
        rel = relations(user, obj)
        return bool(rel & {"employee", "supervisor", "reviewer", "hr", "director"}), "forbidden"
    if action not in ORG_ACTIONS:
        raise ValueError(f"unknown action {action!r} for {type(obj).__name__}")
    return bool(org_roles(user, obj, action) & ORG_ACTIONS[action]), "forbidden"


def can(user: Any, action: str, obj: Any) -> bool:
    """True when `user` may perform `action` on `obj` (a Sheet, Employee, Company, Cycle, Department or Team)."""
    return _decide(user, action, obj)[0]


def require(user: Any, action: str, obj: Any) -> None:
    """Raise `Forbidden`, `ReadOnly` or `IllegalTransition` (each bilingual) unless `can()`."""
    ok, why = _decide(user, action, obj)
    if ok:
        return
    if why == "read_only":
        raise ReadOnly("该考核表已发布，只能按流程（面谈、确认、申诉）处理",
                       "This sheet is published and read-only; it changes only through the interview, "
                       "acknowledgement and appeal steps", action=action, state=obj.state)
    if why == "state":
        raise IllegalTransition(f"考核表当前状态为“{obj.get_state_display()}”，不能执行此操作（{action}）",
                                f"The sheet is in state '{obj.state}'; '{action}' is not allowed now",
                                action=action, state=obj.state)
    raise Forbidden("您无权执行此操作", f"You are not allowed to {action.replace('_', ' ')} here", action=action)


# --- lists narrowed to what a user may see -----------------------------------------------


def _scope_q(user: Any, prefix: str, roles: set[str]) -> Q:
    q = Q(pk__in=[])
    for ra in _assignments(user):
        if ra.role not in roles:
            continue
        if ra.scope == "company":
            q |= Q(**{f"{prefix}company_id": ra.company_id})
        elif ra.scope == "department":
            q |= Q(**{f"{prefix}department_id__in": ra.department_ids})
        elif ra.scope == "team":
            q |= Q(**{f"{prefix}team_id": ra.team_id})
    return q


COVERING_ROLES = frozenset({"supervisor", "reviewer", "hr", "director"})  # roles that open others' sheets


def visible_employees(user: Any) -> QuerySet:
    """Employees whose sheets the user may see: themself plus what their roles cover."""
    from kaohe.web.org.models import Employee

    if user is None or not getattr(user, "is_authenticated", False):
        return Employee.objects.none()
    mine = Employee.objects.filter(user=user).values("pk")
    managed = Employee.objects.filter(manager_id__in=mine).values("pk")  # direct reports (supervisor)
    q = (Q(user=user) | Q(manager_id__in=mine) | Q(manager_id__in=managed)  # … and their reports (reviewer)
         | _scope_q(user, "", {"supervisor", "reviewer", "hr", "director"}))
    return Employee.objects.filter(q).distinct()


def visible_sheets(user: Any, cycle: Any = None) -> QuerySet:
    """Sheets the user may open: their own, those their roles cover, appeals assigned to them."""
    from kaohe.web.appraisal.models import Sheet

    if user is None or not getattr(user, "is_authenticated", False):
        return Sheet.objects.none()
    from kaohe.web.appraisal.models import Appeal

    # The same rule as before, written as two id subqueries instead of one OR over joined
    # tables: PostgreSQL then reads the few matching employees by index instead of joining
    # every sheet of the company to its employee, manager, manager's manager and appeals.
    employees: Any = visible_employees(user).order_by().values("pk")
    if not any(ra.scope in ("company", "department") and ra.role in COVERING_ROLES for ra in _assignments(user)):
        # a supervisor's or an agent's few employees: read them first, so that PostgreSQL
        # knows how few they are and reads their sheets by index
        employees = list(employees.values_list("pk", flat=True))
    qs = Sheet.objects.filter(Q(employee_id__in=employees)
                              | Q(pk__in=Appeal.objects.filter(re_reviewer=user, outcome="pending")
                                  .values("sheet_id")))
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.distinct().select_related("employee", "cycle", "current_score")


# --- what each relation may see on a sheet, by state -------------------------------------
#
# One table for every surface that shows a sheet's numbers: the sheet page, the review page,
# the score-sheet report and its xlsx and pdf, and the API. A view asks `sheet_visibility()`
# and shows only the facets it grants; a surface that is nothing but a result (the report,
# xlsx, pdf) asks `require_surface()` first.
#
# Facets:
#   kpi_values       values computed from operational records (KPI-fed items, the drill-down)
#   values           item values from people's ratings or the score result (manual items)
#   traces           per-item score, points and explanation steps; issues; the sheet trace
#   totals           total, grade, category scores, score history and calibrated versions
#   in_progress      other people's ratings that are not yet part of a published result
#   peer_aggregate   the 360 aggregate (itself shown only from the company's minimum of raters)
#   rater_identities names of peer or customer raters next to their scores — granted to nobody

FACETS = ("kpi_values", "values", "traces", "totals", "in_progress", "peer_aggregate", "rater_identities")
SURFACES = ("page", "review", "report", "xlsx", "pdf", "api")

PRE_RESULT_STATES = ("draft", "targets_set", "targets_acknowledged", "self_review", "supervisor_review",
                     "reviewer_approval", "calibration")
RESULT_STATES = ("published", "interviewed", "acknowledged", "appealed", "closed")

_WORKING = frozenset({"kpi_values", "values", "traces", "totals", "in_progress", "peer_aggregate"})
_RESULT = frozenset({"kpi_values", "values", "traces", "totals", "peer_aggregate"})


def _visibility_table() -> dict[str, dict[str, frozenset[str]]]:
    table: dict[str, dict[str, frozenset[str]]] = {}
    for state in PRE_RESULT_STATES + RESULT_STATES:
        published = state in RESULT_STATES
        table[state] = {
            # the appraised employee: their operational figures any time, the result once published,
            # never a supervisor's or reviewer's rating while it is still being worked on
            "employee": _RESULT if published else frozenset({"kpi_values"}),
            "supervisor": _WORKING,
            "reviewer": _WORKING,
            "hr": _WORKING,
            "director": _WORKING,
            "re_reviewer": _WORKING if state == "appealed" else frozenset(),
            # raters asked for one indicator, QA and auditors do not open the sheet's numbers
            "peer": frozenset(), "customer": frozenset(), "qa": frozenset(), "auditor": frozenset(),
        }
    return table


VISIBILITY: dict[str, dict[str, frozenset[str]]] = _visibility_table()

# what a surface needs before it may be opened at all (the others show what `facets` grants)
SURFACE_NEEDS: dict[str, str | None] = {"page": None, "review": None, "report": "totals", "xlsx": "totals",
                                        "pdf": "totals", "api": None}


class SheetVisibility:
    """The facets of one sheet one user may see (from `VISIBILITY`)."""

    __slots__ = ("facets", "state")

    def __init__(self, facets: frozenset[str], state: str) -> None:
        self.facets = facets
        self.state = state

    def shows(self, facet: str) -> bool:
        if facet not in FACETS:
            raise ValueError(f"unknown facet {facet!r}")
        return facet in self.facets

    def __getattr__(self, name: str) -> bool:
        if name in FACETS:
            return name in self.facets
        raise AttributeError(name)

    def mask_item(self, item: dict[str, Any], kpi_fed: bool) -> dict[str, Any]:
        """One scored item (a ScoreVersion.result item) with forbidden parts removed."""
        out = dict(item)
        if not (self.shows("kpi_values") if kpi_fed else self.shows("values")):
            out["value"] = None
        if not self.shows("traces"):
            for key in ("score", "points", "contribution", "trace", "status"):
                out.pop(key, None)
        return out

    def mask_result(self, result: dict[str, Any] | None, kpi_items: set[str] | frozenset[str] = frozenset()
                    ) -> dict[str, Any] | None:
        """A copy of a stored score result holding only what may be seen."""
        if result is None:
            return None
        out: dict[str, Any] = {"items": [self.mask_item(i, i.get("indicator_id") in kpi_items)
                                         for i in result.get("items", [])]}
        if self.shows("traces"):
            for key in ("issues", "trace_zh", "trace_en"):
                if key in result:
                    out[key] = result[key]
        if self.shows("totals"):
            for key, value in result.items():
                out.setdefault(key, value)
        return out


def sheet_facets(user: Any, sheet: Any) -> frozenset[str]:
    rels = relations(user, sheet.employee, sheet)
    row = VISIBILITY.get(sheet.state, {})
    found: set[str] = set()
    for rel in rels:
        found |= row.get(rel, frozenset())
    if "employee" in rels:  # one's own sheet: the employee row only, whatever else the user holds
        found = set(row.get("employee", frozenset()))
    found.discard("rater_identities")
    return frozenset(found)


def sheet_visibility(user: Any, sheet: Any) -> SheetVisibility:
    """What `user` may see of `sheet` now (see `VISIBILITY`)."""
    return SheetVisibility(sheet_facets(user, sheet), sheet.state)


def require_surface(user: Any, sheet: Any, surface: str) -> SheetVisibility:
    """Raise `Forbidden` unless the user may open this surface of the sheet; return the visibility."""
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}")
    require(user, "view_sheet", sheet)
    vis = sheet_visibility(user, sheet)
    need = SURFACE_NEEDS[surface]
    if need is not None and not vis.shows(need):
        raise Forbidden("考核结果在人力资源发布后才可查看", "The result can be seen once HR publishes it",
                        action="view_result", state=sheet.state)
    return vis
