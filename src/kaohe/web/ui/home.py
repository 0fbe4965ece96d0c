"""What each role has to do, for the home page: counts with a link to where the work is.

`sections(user)` returns one section per role the user holds, each with to-do items
(a count, a label, a link) and the role's usual pages. Other areas add items with
`register_todo(role, provider)`: a provider takes the user and returns `Todo`s.
Counts come from the same permission rules as the pages they link to.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .roles import roles_of


@dataclass
class Todo:
    label: str
    url: str
    count: int | None = None          # None: a single action, not a count
    detail: str = ""                  # one line under the label (a deadline, a state)
    tone: str = "primary"             # primary | warning | danger | success | secondary
    testid: str = ""


@dataclass
class Section:
    role: str
    title: Any
    icon: str
    todos: list[Todo] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    nothing: str = ""                 # shown when there is no to-do


TITLES: dict[str, tuple[Any, str]] = {
    "employee": (gettext_lazy("My appraisal"), "person-badge"),
    "supervisor": (gettext_lazy("My team"), "people"),
    "reviewer": (gettext_lazy("Approvals"), "check2-square"),
    "qa": (gettext_lazy("Quality ratings"), "headset"),
    "hr": (gettext_lazy("HR"), "clipboard-data"),
    "director": (gettext_lazy("Director"), "bar-chart"),
    "auditor": (gettext_lazy("Audit"), "journal-text"),
}
ORDER = ["employee", "supervisor", "reviewer", "qa", "hr", "director", "auditor"]

Provider = Callable[[Any], list[Todo]]
_PROVIDERS: dict[str, list[Provider]] = {}


def register_todo(role: str, provider: Provider) -> None:
    """Add a to-do provider for a role's home section (e.g. the overdue list of HR)."""
    _PROVIDERS.setdefault(role, []).append(provider)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def today() -> dt.date:
    return timezone.localdate()


# --- per role ----------------------------------------------------------------------------


def _employee(user: Any) -> list[Todo]:
    from kaohe.web.appraisal.models import Rating, Sheet
    from kaohe.web.appraisal.models import SheetState as S

    todos: list[Todo] = []
    sheet = (Sheet.objects.filter(employee__user=user).exclude(state=S.CLOSED)
             .select_related("cycle").order_by("-cycle__start", "-pk").first())
    if sheet is not None:
        state = sheet.state
        label, target = None, ""
        if state == S.TARGETS_SET:
            label, target = _("Acknowledge your targets"), _url("ui:targets", sheet.pk)
        elif state == S.SELF_REVIEW:
            label, target = _("Rate yourself"), _url("ui:self_rating", sheet.pk)
        elif state in (S.PUBLISHED,) and hasattr(sheet, "interview") and sheet.interview.employee_confirmed_at is None:
            label, target = _("Confirm the interview record"), _url("ui:interview", sheet.pk)
        elif state in (S.PUBLISHED, S.INTERVIEWED, S.ACKNOWLEDGED, S.APPEALED):
            label, target = _("Read your result"), _url("ui:sheet", sheet.pk)
        from .formatting import lang_label

        detail = _("%(cycle)s · %(state)s") % {"cycle": sheet.cycle.name,
                                               "state": lang_label(sheet.get_state_display())}
        if label:
            todos.append(Todo(label, target, None, detail, "primary", "todo-my-action"))
        else:
            todos.append(Todo(_("Your sheet for this cycle"), _url("ui:sheet", sheet.pk), None,
                              detail, "secondary", "todo-my-sheet"))
        deadline = sheet.appeal_deadline
        if deadline is not None and deadline >= today() and state in (S.PUBLISHED, S.INTERVIEWED, S.ACKNOWLEDGED):
            from django.utils import translation

            from kaohe.web.workdays.services import date_with_note  # clock: provisional note beside the date

            todos.append(Todo(_("You may appeal until %(day)s") % {
                "day": date_with_note(sheet, "appeal_deadline", translation.get_language() or "zh-hans")},
                              _url("ui:file_appeal", sheet.pk), None, "", "warning", "todo-appeal-window"))
    pending = Rating.objects.filter(rater=user, submitted_at__isnull=True, role__in=["peer", "customer"]).exclude(
        sheet__employee__user=user).values("sheet").distinct().count()
    if pending:
        todos.append(Todo(_("Colleagues waiting for your rating"), _url("ui:rating_requests"), pending,
                          "", "warning", "todo-ratings-to-give"))
    return todos


def _supervisor(user: Any) -> list[Todo]:
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.appraisal.models import SheetState as S

    mine = Sheet.objects.filter(employee__manager__user=user).exclude(employee__user=user)
    counts = Counter(mine.filter(cycle__status="open").values_list("state", flat=True))
    team = _url("ui:my_team")
    todos = []
    for state, label, tone, testid in (
        (S.SUPERVISOR_REVIEW, _("Sheets to rate"), "warning", "todo-to-rate"),
        (S.DRAFT, _("Targets to issue"), "primary", "todo-targets-to-issue"),
        (S.TARGETS_ACKNOWLEDGED, _("Self-reviews to start"), "primary", "todo-self-review-to-start"),
    ):
        if counts.get(state):
            todos.append(Todo(label, team, counts[state], "", tone, testid))
    overdue = _overdue(user)
    if overdue and overdue[0]:
        todos.append(Todo(_("Steps past their deadline"), team, overdue[0], "", "danger", "todo-overdue"))
    interviews = mine.filter(state=S.PUBLISHED, interview__isnull=True).count()
    if interviews:
        todos.append(Todo(_("Interviews to hold"), team, interviews, "", "warning", "todo-interviews"))
    try:
        from kaohe.web.reports.models import ImprovementPlan

        soon = today() + dt.timedelta(days=14)
        plans = ImprovementPlan.objects.filter(sheet__employee__manager__user=user, closed_on__isnull=True)
        due = plans.filter(due__lte=soon).count()
        if due:
            url = _url("reports:plans", plans.filter(due__lte=soon).values_list("sheet__cycle_id", flat=True).first())
            todos.append(Todo(_("Improvement plans due within two weeks"), url or team, due, "", "danger",
                              "todo-plans-due"))
    except (ImportError, LookupError):  # reports not installed
        pass
    return todos


def _reviewer(user: Any) -> list[Todo]:
    from kaohe.web.appraisal.models import SheetState as S
    from kaohe.web.permissions import can_many, visible_sheets

    waiting = list(visible_sheets(user).filter(state=S.REVIEWER_APPROVAL).exclude(employee__user=user)[:2000])
    n = sum(can_many(user, "approve", waiting).values())
    if not n:
        return []
    return [Todo(_("Sheets waiting for your approval"), _url("ui:review_queue"), n, "", "warning", "todo-approvals")]


def _qa(user: Any) -> list[Todo]:
    from kaohe.web.appraisal.models import Rating

    n = Rating.objects.filter(rater=user, role="qa", submitted_at__isnull=True).values("sheet").distinct().count()
    return [Todo(_("Quality ratings to give"), _url("ui:rating_requests"), n, "", "warning", "todo-qa")] if n else []


def _hr_companies(user: Any) -> list[int]:
    from kaohe.web.permissions import _assignments

    return sorted({ra.company_id for ra in _assignments(user) if ra.role == "hr" and ra.scope == "company"})


STEP_ORDER = ["draft", "targets_set", "targets_acknowledged", "self_review", "supervisor_review",
              "reviewer_approval", "calibration", "published", "interviewed", "acknowledged", "appealed", "closed"]


def cycle_step(states: Counter) -> str:
    """A cycle's step, in words: the earliest state any of its sheets is still in, and how many are there
    when the others have moved on ("Draft (1 of 5 sheets)")."""
    from kaohe.web.appraisal.models import SheetState

    from .formatting import lang_label

    total = sum(states.values())
    for state in STEP_ORDER:
        if states.get(state):
            label = lang_label(SheetState(state).label)
            if states[state] == total:
                return label
            return _("%(step)s (%(n)d of %(total)d sheets)") % {"step": label, "n": states[state], "total": total}
    return _("No sheets")


def _hr(user: Any) -> list[Todo]:
    from kaohe.web.appraisal.models import Appeal, Cycle, Rating, Sheet, UploadBatch

    companies = _hr_companies(user)
    if not companies:
        return []
    todos: list[Todo] = []
    for cycle in Cycle.objects.filter(company_id__in=companies, status="open").order_by("-start")[:6]:
        states = Counter(Sheet.objects.filter(cycle=cycle).values_list("state", flat=True))
        total = sum(states.values())
        todos.append(Todo(cycle.name, _url("ui:cycle_progress", cycle.pk), total,
                          _("Step: %(step)s") % {"step": cycle_step(states)}, "primary", f"todo-cycle-{cycle.pk}"))
    overdue = _overdue(user)
    if overdue is not None:
        count, cycle_id = overdue
        if count:
            todos.append(Todo(_("Steps past their deadline"), _url("ui:cycle_progress", cycle_id), count,
                              _("Targets, ratings, reviews, interviews and acknowledgements"), "danger",
                              "todo-overdue"))
    else:  # the overdue service is not there: ratings past their deadline
        n = Rating.objects.filter(sheet__cycle__company_id__in=companies, sheet__cycle__status="open",
                                  submitted_at__isnull=True, deadline__lt=timezone.now()).count()
        if n:
            todos.append(Todo(_("Ratings past their deadline"), _url("ui:cycle_list"), n, "", "danger",
                              "todo-overdue"))
    appeals = Appeal.objects.filter(sheet__cycle__company_id__in=companies, outcome="pending")
    to_assign = appeals.filter(re_reviewer__isnull=True).count()
    if appeals.exists():
        todos.append(Todo(_("Appeals waiting"), _url("ui:appeal_list"), appeals.count(),
                          _("%(n)d without a re-reviewer") % {"n": to_assign} if to_assign else "",
                          "warning", "todo-appeals"))
    validated = UploadBatch.objects.filter(cycle__company_id__in=companies, status="validated")
    if validated.exists():
        first = validated.order_by("uploaded_at").first()
        todos.append(Todo(_("Imports to confirm"), _url("ui:upload_report", first.pk) if first else "",
                          validated.count(), "", "warning", "todo-imports"))
    return todos


def _overdue(user: Any) -> tuple[int, int] | None:
    """(steps past their deadline, the open cycle with most of them), from the appraisal services."""
    try:
        from kaohe.web.appraisal.services import overdue_steps
    except ImportError:
        return None
    items = [i for i in overdue_steps(user) if i.sheet.cycle.status == "open"]
    if not items:
        return 0, 0
    per_cycle = Counter(i.sheet.cycle_id for i in items)
    return len(items), per_cycle.most_common(1)[0][0]


def _director(user: Any) -> list[Todo]:
    from kaohe.web.appraisal.models import Cycle
    from kaohe.web.permissions import _assignments, can

    companies = sorted({ra.company_id for ra in _assignments(user) if ra.role == "director"})
    todos = []
    for cycle in Cycle.objects.filter(company_id__in=companies).select_related("company").order_by("-end")[:4]:
        if can(user, "view_reports", cycle):
            url = _url("reports:dashboard", cycle.pk)
            if url:
                todos.append(Todo(_("Dashboard: %(cycle)s") % {"cycle": cycle.name}, url, None,
                                  cycle.label, "primary", f"todo-dashboard-{cycle.pk}"))
    return todos


def _auditor(user: Any) -> list[Todo]:
    from kaohe.web.audit.models import AuditEvent
    from kaohe.web.permissions import _assignments

    companies = sorted({ra.company_id for ra in _assignments(user) if ra.role == "auditor"})
    week = timezone.now() - dt.timedelta(days=7)
    n = AuditEvent.objects.filter(at__gte=week, company_id_ref__in=companies).count()
    return [Todo(_("Changes recorded in the last 7 days"), _url("ui:audit_trail"), n, "", "secondary",
                 "todo-audit-week")]


BUILTIN: dict[str, Provider] = {"employee": _employee, "supervisor": _supervisor, "reviewer": _reviewer,
                                "qa": _qa, "hr": _hr, "director": _director, "auditor": _auditor}


def _links(role: str, user: Any) -> list[tuple[str, str]]:
    from . import nav

    links = []
    for entry, url in nav.visible_entries(user):
        if role in entry.roles and entry.url_name != "ui:home":
            links.append((str(entry.label), url))
    return links


NOTHING = {
    "employee": gettext_lazy("Nothing to do for your appraisal right now."),
    "supervisor": gettext_lazy("Your team has nothing waiting for you."),
    "reviewer": gettext_lazy("No sheet is waiting for your approval."),
    "qa": gettext_lazy("No quality rating is waiting for you."),
    "hr": gettext_lazy("No cycle is in progress."),
    "director": gettext_lazy("No cycle to report on yet."),
    "auditor": gettext_lazy("Nothing recorded yet."),
}


def sections(user: Any, only: set[str] | None = None) -> list[Section]:
    roles = roles_of(user)
    out = []
    for role in ORDER:
        if role not in roles or (only is not None and role not in only):
            continue
        title, icon = TITLES[role]
        todos = list(BUILTIN[role](user))
        for provider in _PROVIDERS.get(role, []):
            todos.extend(provider(user))
        out.append(Section(role, title, icon, todos, _links(role, user), str(NOTHING[role])))
    return out

