"""The audit trail in words: actions, object kinds, field names and coded values as people read
them, in the page's language. The stored events keep their codes (the hash chain covers them);
only the page translates. An action or field without a label here is shown humanised, never
as a bare code or a Python repr."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .formatting import is_english, lang_label, number

ACTIONS: dict[str, Any] = {
    "cycle.open": _("Cycle opened"),
    "sheet.transition": _("Sheet moved to the next step"),
    "sheet.exclude": _("Sheet excluded"),
    "rating.submit": _("Rating submitted"),
    "rating.request": _("Ratings requested"),
    "score.compute": _("Score computed"),
    "score.calibrate": _("Score calibrated"),
    "kpi.compute": _("KPIs computed"),
    "upload.validate": _("Upload checked"),
    "upload.load": _("Upload loaded"),
    "upload.correct": _("Correction loaded (replaced rows loaded before)"),
    "records.push": _("Records received through the API"),
    "scheme.snapshot": _("Scheme version recorded"),
    "interview.record": _("Interview recorded"),
    "interview.confirm": _("Interview confirmed"),
    "appeal.file": _("Appeal filed"),
    "appeal.assign": _("Re-reviewer assigned"),
    "appeal.resolve": _("Appeal resolved"),
    "appeal.files": _("Appeal evidence added"),
    "competency.rate": _("Competency assessed"),
    "letter.issue": _("Responsibility letter issued"),
    "letter.acknowledge": _("Responsibility letter acknowledged"),
    "plan.open": _("Improvement plan opened"),
    "plan.item": _("Improvement plan item changed"),
    "plan.close": _("Improvement plan closed"),
    "org.import_employees": _("Employees imported"),
    "org.import_workdays": _("Working days imported"),
    "org.assign_role": _("Role granted"),
    "org.revoke_role": _("Role revoked"),
    "org.add_employee": _("Employee added"),
    "org.edit_employee": _("Employee edited"),
    "org.move_employee": _("Employee moved"),
    "org.record_leave": _("Leaving recorded"),
    "org.create_login": _("Login created"),
    "org.reset_password": _("Password reset by HR"),
    "org.change_password": _("Password changed by its owner"),
    "org.create_department": _("Department added"),
    "org.update_department": _("Department changed"),
    "org.create_team": _("Team added"),
    "org.update_team": _("Team changed"),
    "org.update_settings": _("Company settings changed"),
    "org.instantiate_preset": _("Org tree started from a preset"),
    "role.add": _("Role added"),
    "role.remove": _("Role removed"),
    "user.create": _("Login created"),
    "user.change": _("Login changed"),
    "user.delete": _("Login deleted"),
    "user.password_change": _("Password changed"),
    "user.password_rehash": _("Password storage upgraded"),
    "token.issue": _("API token issued"),
    "token.change": _("API token changed"),
    "token.revoke": _("API token revoked"),
    "token.delete": _("API token deleted"),
    "calendar.import_year": _("Holiday schedule imported"),
    "calendar.provisional_deadline": _("Deadline set on a provisional calendar"),
    "calendar.deadline_recomputed": _("Deadline recomputed"),
    "notify.channel.create": _("Notification channel added"),
    "notify.channel.delete": _("Notification channel removed"),
    "notify.channel.test": _("Notification channel tested"),
    "notify.delivery.retry": _("Notification sent again"),
    "notify.preferences": _("Notification preferences changed"),
    "audit.baseline_role": _("Existing role recorded"),
}

AREAS: dict[str, Any] = {
    "cycle": _("Cycle"), "sheet": _("Sheet"), "rating": _("Rating"), "score": _("Score"), "kpi": _("KPIs"),
    "upload": _("Upload"), "records": _("Records"), "scheme": _("Scheme"), "interview": _("Interview"),
    "appeal": _("Appeal"), "competency": _("Competency"), "letter": _("Responsibility letter"),
    "plan": _("Improvement plan"), "org": _("Organisation"), "role": _("Role"), "user": _("Login"),
    "token": _("API token"), "calendar": _("Calendar"), "notify": _("Notifications"), "audit": _("Audit"),
    "api": _("API"), "auth": _("Login"), "workdays": _("Calendar"), "appraisal": _("Appraisal"),
    "reports": _("Reports"),
}

OBJECTS: dict[str, Any] = {
    "appraisal.sheet": _("Sheet"), "appraisal.cycle": _("Cycle"), "appraisal.rating": _("Rating"),
    "appraisal.scoreversion": _("Score"), "appraisal.uploadbatch": _("Upload"),
    "appraisal.kpicomputation": _("KPI computation"), "appraisal.appeal": _("Appeal"),
    "appraisal.interview": _("Interview"), "appraisal.schemesnapshot": _("Scheme version"),
    "appraisal.responsibilityletter": _("Responsibility letter"), "org.employee": _("Employee"),
    "org.company": _("Company"), "org.department": _("Department"), "org.team": _("Team"),
    "org.roleassignment": _("Role"), "auth.user": _("Login"), "api.integrationtoken": _("API token"),
    "reports.improvementplan": _("Improvement plan"), "reports.planitem": _("Plan item"),
}

FIELDS: dict[str, Any] = {
    "state": _("State"), "from": _("From"), "to": _("To"), "source": _("From"), "target": _("To"),
    "total": _("Total"), "grade": _("Grade"), "score": _("Score"), "complete": _("Complete"),
    "indicator": _("Indicator"), "role": _("Role"), "scope": _("Scope"), "user": _("Person"),
    "username": _("Login name"), "team": _("Team"), "department": _("Department"), "company": _("Company"),
    "name": _("Name"), "code": _("Code"), "parent": _("Parent department"), "position": _("Position"),
    "level": _("Level"), "manager": _("Reports to"), "hire_date": _("Hire date"), "leave_date": _("Leave date"),
    "login_disabled": _("Login disabled"), "must_change_password": _("Must change the password"),
    "time_zone": _("Time zone"), "min_peer_raters": _("Fewest peer raters"),
    "appeal_window_days": _("Appeal window (working days)"),
    "grade_distribution_target": _("Target grade distribution"), "created": _("Created"),
    "scoring_settings": _("Scoring settings"), "appraise_effective_work_rate": _("Appraise the effective work rate"),
    "updated": _("Updated"), "rows": _("Rows"), "rows_read": _("Rows read"), "rows_loaded": _("Rows loaded"),
    "table": _("Table"), "file_name": _("File"), "sheets": _("Sheets"), "version": _("Version"),
    "number": _("Number"), "reason": _("Reason"), "label": _("Period"), "period": _("Period type"),
    "start": _("Start"), "end": _("End"), "kind": _("Kind"), "comment": _("Comment"), "value": _("Value"),
    "is_active": _("Active"), "is_staff": _("Staff"), "is_superuser": _("Superuser"), "email": _("E-mail"),
    "first_name": _("First name"), "last_name": _("Last name"), "outcome": _("Outcome"),
    "re_reviewer": _("Re-reviewer"), "held_on": _("Held on"), "due": _("Due"), "goal": _("Goal"),
    "status": _("Status"), "action": _("Action"), "owner": _("Owner"), "year": _("Year"), "scheme": _("Scheme"),
    "employee": _("Employee"), "cycle": _("Cycle"), "deadline": _("Deadline"), "count": _("Count"),
    "password": _("Password"), "channel": _("Channel"), "errors": _("Problems"), "problems": _("Problems"),
    "employees": _("Employees"), "values": _("Values"), "computation": _("Computation"),
    "preset": _("Structure"), "prefix": _("Code prefix"), "teams": _("Teams"), "departments": _("Departments"),
    "positions_created": _("Positions added"),
}


def _choice_labels() -> dict[str, str]:
    from kaohe.web.appraisal.models import PeriodKind, RaterRole, SheetState
    from kaohe.web.org.models import Level, Role, Scope

    labels: dict[str, str] = {}
    for choices in (SheetState, RaterRole, PeriodKind, Level, Scope, Role):
        for value, label in choices.choices:
            labels.setdefault(value, lang_label(label))
    return labels


def humanise(code: str) -> str:
    return code.replace("_", " ").replace(".", " · ").strip().capitalize()


def action_label(code: str) -> str:
    if code in ACTIONS:
        return str(ACTIONS[code])
    area = code.split(".", 1)[0]
    if area in AREAS:
        return str(_("%(area)s: other change") % {"area": AREAS[area]})
    return humanise(code)


def object_label(object_type: str) -> str:
    if object_type in OBJECTS:
        return str(OBJECTS[object_type])
    return humanise(object_type.split(".")[-1])


def field_label(key: str) -> str:
    return str(FIELDS[key]) if key in FIELDS else humanise(key)


def value_text(value: Any, labels: dict[str, str]) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str):
        if value in labels:
            return labels[value]
        try:
            float(value)
        except ValueError:
            return value
        return number(value)
    if isinstance(value, list):
        return ", ".join(value_text(v, labels) for v in value[:20]) + (" …" if len(value) > 20 else "")
    if isinstance(value, dict):
        return "; ".join(f"{field_label(str(k))}: {value_text(v, labels)}" for k, v in list(value.items())[:20])
    return str(value)


def described(data: Any) -> list[tuple[str, str]]:
    """An event's before/after as (field, value) pairs in words."""
    if data is None or data == {} or data == []:
        return []
    labels = _choice_labels()
    if isinstance(data, dict):
        return [(field_label(str(k)), value_text(v, labels)) for k, v in data.items()]
    return [("", value_text(data, labels))]


def english() -> bool:
    return is_english()
