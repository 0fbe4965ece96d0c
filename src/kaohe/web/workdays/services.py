"""Working days of one company, in one place.

- :func:`company_calendar` builds ``kaohe.metrics.calendar.WorkCalendar`` with the company's
  overrides and loaded year schedules, reading the database once per call.
- :func:`working_deadline` counts N working days; a year nobody has loaded counts
  Monday–Friday and the result says so (``provisional_years``).
- :func:`mark_provisional` stores such a deadline and audits it; :func:`recompute_provisional`
  recomputes every open one once a year is loaded, audited, with a notice to the person when a
  date they were shown moves earlier.
- :func:`import_year_schedule` / :func:`load_package_year` load a year (all or nothing).
- :func:`calendar_status` and :func:`hr_todos` tell HR what is loaded and what is missing.

KPIs do not use the provisional count: they keep refusing an unloaded year.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from kaohe.metrics.calendar import (
    CalendarNotLoaded,
    WorkCalendar,
    package_label,
    package_schedule,
    package_years,
)
from kaohe.web.errors import InvalidInput, KaoheError, ValidationReport

MIN_YEAR, MAX_YEAR = 2000, 2100
HOLIDAY_WORDS = {"holiday", "节假日", "假日", "休", "放假"}
WORKDAY_WORDS = {"workday", "调休上班", "上班", "班", "补班"}


class UnknownCalendar(KaoheError):
    """A computation that must not guess (a KPI in working days) met a year with no schedule."""

    code = "calendar_unknown"
    http_status = 409


def unknown_calendar(year: int) -> UnknownCalendar:
    return UnknownCalendar(
        f"尚未载入 {year} 年的法定节假日安排，请绩效管理员导入该年的节假日与调休工作日",
        f"No statutory holiday schedule is loaded for {year}; HR must import that year's "
        f"holidays and make-up workdays", year=year)


# --- the calendar ---------------------------------------------------------------------------


def company_calendar(company: Any) -> WorkCalendar:
    """The statutory calendar with the company's loaded years and own overrides on top (two queries)."""
    from kaohe.web.org.models import WorkdayOverride

    from .models import ScheduleDay

    cal = WorkCalendar()
    per_year: dict[int, tuple[list[dt.date], list[dt.date]]] = {}
    for year, day, kind in ScheduleDay.objects.filter(schedule__company=company).values_list(
            "schedule__year", "date", "kind"):
        hol, work = per_year.setdefault(year, ([], []))
        (hol if kind == ScheduleDay.HOLIDAY else work).append(day)
    for year, (hol, work) in per_year.items():
        cal.import_year(year, hol, work)
    for day, is_workday in WorkdayOverride.objects.filter(company=company).values_list("date", "is_workday"):
        cal.set_override(day, is_workday)
    return cal


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)


def working_deadline(company: Any, start: dt.date, days: int, calendar: WorkCalendar | None = None) -> Deadline:
    """``days`` working days after ``start``; never refuses: an unloaded year counts Monday–Friday."""
    cal = calendar or company_calendar(company)
    day, years = cal.add_workdays_provisional(start, days)
    return Deadline(day, tuple(sorted(years)))


def years_text(years: list[int] | tuple[int, ...]) -> str:
    return "、".join(str(y) for y in years)


def provisional_note(years: list[int] | tuple[int, ...], language: str = "zh-hans") -> str:
    """The words shown beside a provisional date, in the reader's language."""
    if language.startswith("en"):
        return f"provisional: Mon–Fri until the {', '.join(str(y) for y in years)} holidays are loaded"
    return f"暂按周一至周五计算，待导入 {years_text(years)} 年节假日安排"


def local_today(company: Any) -> dt.date:
    try:
        zone = ZoneInfo(company.time_zone)
    except Exception:  # noqa: BLE001 (a bad zone is reported by the settings checks)
        zone = ZoneInfo("Asia/Shanghai")
    return timezone.localtime(timezone.now(), timezone=zone).date()


# --- provisional deadlines ------------------------------------------------------------------


def mark_provisional(sheet: Any, field_name: str, start: dt.date, days: int, deadline: Deadline,
                     actor: Any) -> Any:
    """Record the sheet's ``field_name`` date as provisional (or close an older mark when it is final)."""
    from kaohe.web.appraisal.services._common import audit_sheet

    from .models import ProvisionalDeadline

    now = timezone.now()
    ProvisionalDeadline.objects.filter(sheet=sheet, field=field_name, resolved_at__isnull=True).update(
        resolved_at=now)
    if not deadline.provisional:
        return None
    mark = ProvisionalDeadline.objects.create(
        company=sheet.cycle.company, sheet=sheet, field=field_name, start=start, working_days=days,
        years=list(deadline.provisional_years), shown=deadline.date, due=deadline.date, created_at=now)
    audit_sheet(actor, "calendar.provisional_deadline", sheet,
                after={"field": field_name, "date": deadline.date, "start": start, "working_days": days,
                       "provisional_years": list(deadline.provisional_years),
                       "note_zh": provisional_note(deadline.provisional_years, "zh-hans"),
                       "note_en": provisional_note(deadline.provisional_years, "en")})
    return mark


def open_mark(sheet: Any, field_name: str) -> Any:
    from .models import ProvisionalDeadline

    return ProvisionalDeadline.objects.filter(sheet=sheet, field=field_name, resolved_at__isnull=True).last()


def date_with_note(sheet: Any, field_name: str, language: str = "zh-hans") -> str:
    """The sheet's date as shown anywhere (pages, messages, exports): "2027-01-04", or with the
    provisional note beside it: "2027-01-04（暂按周一至周五计算，待导入 2027 年节假日安排）"."""
    day = getattr(sheet, field_name)
    if day is None:
        return ""
    mark = open_mark(sheet, field_name)
    if mark is None:
        return day.isoformat()
    note = provisional_note(mark.years, language)
    return f"{day.isoformat()} ({note})" if language.startswith("en") else f"{day.isoformat()}（{note}）"


@dataclass
class DeadlineChange:
    sheet_id: int
    field: str
    before: dt.date
    after: dt.date
    final: bool
    notified: bool
    kept_shown: bool = False


def recompute_provisional(company: Any, actor: Any, *, reason: str = "") -> list[DeadlineChange]:
    """Recount every open provisional deadline of ``company`` through the calendar as loaded now."""
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.appraisal.services._common import audit_sheet

    from .models import DeadlineNotice, ProvisionalDeadline

    cal = company_calendar(company)
    today = local_today(company)
    now = timezone.now()
    changes: list[DeadlineChange] = []
    marks = ProvisionalDeadline.objects.filter(company=company, resolved_at__isnull=True).select_related(
        "sheet__cycle", "sheet__employee")
    for mark in marks:
        new_date, years = cal.add_workdays_provisional(mark.start, mark.working_days)
        remaining = sorted(years)
        if remaining == sorted(mark.years) and new_date == mark.due:
            continue  # still waiting for the same years
        sheet = mark.sheet
        current = getattr(sheet, mark.field)
        if current != mark.due:  # the date was set again since (a later step): this mark is history
            ProvisionalDeadline.objects.filter(pk=mark.pk).update(resolved_at=now)
            continue
        kept = False
        if new_date < mark.shown and new_date < today:
            # the shorter window would already be over: a person keeps the date they were shown
            new_date, kept = mark.shown, True
        notify = new_date < mark.shown
        with transaction.atomic():
            Sheet.objects.filter(pk=sheet.pk).update(**{mark.field: new_date}, updated_at=now)
            ProvisionalDeadline.objects.filter(pk=mark.pk).update(
                due=new_date, years=remaining, resolved_at=None if remaining else now)
            if notify and sheet.employee.user_id is not None:
                DeadlineNotice.objects.create(deadline=mark, person_id=sheet.employee.user_id,
                                              before=mark.shown, after=new_date, created_at=now)
            audit_sheet(actor, "calendar.deadline_recomputed", sheet,
                        before={"field": mark.field, "date": mark.due, "provisional_years": mark.years},
                        after={"field": mark.field, "date": new_date, "provisional_years": remaining,
                               "shown": mark.shown, "notice": notify, "kept_shown_date": kept},
                        reason=reason)
        changes.append(DeadlineChange(sheet.pk, mark.field, mark.due, new_date, not remaining, notify, kept))
    return changes


def notices_for(user: Any, sheet: Any = None) -> list[Any]:
    from .models import DeadlineNotice

    qs = DeadlineNotice.objects.filter(person=user).select_related("deadline")
    if sheet is not None:
        qs = qs.filter(deadline__sheet=sheet)
    return list(qs[:20])


# --- loading a year -------------------------------------------------------------------------


@dataclass
class ScheduleRow:
    row: int  # as the person sees it in the file: the header is row 1
    date: Any
    kind: Any
    note: Any = ""


@dataclass
class ImportOutcome:
    year: int
    holidays: int
    workdays: int
    source_label: str
    changes: list[DeadlineChange] = field(default_factory=list)


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 8 else None
    except ValueError:
        return None


def _kind(value: Any) -> str | None:
    text = str(value or "").strip().lower()
    if text in HOLIDAY_WORDS:
        return "holiday"
    if text in WORKDAY_WORDS:
        return "workday"
    return None


def validate_schedule(year: int, rows: list[ScheduleRow], report: ValidationReport | None = None,
                      ) -> tuple[ValidationReport, dict[dt.date, tuple[str, str]]]:
    """Every problem of every row at once (row and column), and the clean days."""
    report = report or ValidationReport()
    clean: dict[dt.date, tuple[str, str]] = {}
    if not MIN_YEAR <= year <= MAX_YEAR:
        report.add("year", f"年份须在 {MIN_YEAR}–{MAX_YEAR} 之间", f"The year must be between {MIN_YEAR} and {MAX_YEAR}",
                   value=year)
    for r in rows:
        report.rows_read += 1
        day = _parse_date(r.date)
        if day is None:
            report.add("date", "日期须写作 YYYY-MM-DD", "Dates are written YYYY-MM-DD", row=r.row, value=r.date)
        elif day.year != year:
            report.add("date", f"日期不在 {year} 年内", f"The date is not in {year}", row=r.row, value=day)
        elif day in clean:
            report.add("date", "该日期在文件中出现了两次", "The date appears twice in the file", row=r.row, value=day)
        kind = _kind(r.kind)
        if kind is None:
            report.add("kind", "类型须为 holiday（节假日）或 workday（调休上班）",
                       "kind must be holiday or workday (a make-up workday)", row=r.row, value=r.kind)
        elif kind == "workday" and day is not None and day.weekday() < 5:
            report.add("kind", "调休上班日应是周六或周日；周一至周五本来就上班",
                       "A make-up workday falls on a Saturday or Sunday; Monday to Friday are working days anyway",
                       row=r.row, value=f"{r.kind} {day.isoformat()}")
        note = str(r.note or "").strip()
        if len(note) > 200:
            report.add("note", "说明不超过 200 字", "The note is at most 200 characters", row=r.row)
        if day is not None and kind is not None and day.year == year and day not in clean:
            clean[day] = (kind, note[:200])
    if not rows:
        report.add("file", "文件中没有任何日期", "The file lists no dates")
    elif report.ok and not any(k == "holiday" for k, _ in clean.values()):
        report.add("kind", f"文件没有列出 {year} 年的任何节假日", f"The file lists no holiday of {year}")
    return report, clean


def _actor_label(actor: Any) -> str:
    if actor is None:
        try:
            return f"command line ({getpass.getuser()})"
        except Exception:  # noqa: BLE001
            return "command line"
    return str(actor.get_username())


def _require_hr(actor: Any, company: Any) -> None:
    if actor is None:  # the command line: the operator has the server's own rights
        return
    from kaohe.web.permissions import require

    require(actor, "manage_org", company)


def import_year_schedule(company: Any, actor: Any, year: int, rows: list[ScheduleRow], *, source_label: str,
                         report: ValidationReport | None = None) -> ImportOutcome:
    """Load (or replace) ``year``'s holidays and make-up workdays from a file; all or nothing."""
    from .models import YearSchedule

    _require_hr(actor, company)
    report, clean = validate_schedule(year, rows, report)
    if not report.ok:
        raise InvalidInput(report, f"{year} 年节假日安排有误，未作任何更改",
                           f"The {year} holiday schedule has errors; nothing was changed")
    return _store_year(company, actor, year, clean, YearSchedule.Source.FILE, source_label)


def load_package_year(company: Any, actor: Any, year: int) -> ImportOutcome:
    """Load ``year`` as the installed calendar package carries it (labelled with its version)."""
    from .models import YearSchedule

    _require_hr(actor, company)
    try:
        sched = package_schedule(year)
    except CalendarNotLoaded:
        report = ValidationReport()
        report.add("year", f"{package_label()} 不含 {year} 年", f"{package_label()} does not carry {year}", value=year)
        raise InvalidInput(report) from None
    clean = {d: ("holiday", "") for d in sched.holidays} | {d: ("workday", "") for d in sched.workdays}
    return _store_year(company, actor, year, clean, YearSchedule.Source.PACKAGE, package_label())


def _store_year(company: Any, actor: Any, year: int, clean: dict[dt.date, tuple[str, str]], source: str,
                source_label: str) -> ImportOutcome:
    from kaohe.web.audit.services import record

    from .models import ScheduleDay, YearSchedule

    holidays = sorted(d for d, (k, _) in clean.items() if k == "holiday")
    workdays = sorted(d for d, (k, _) in clean.items() if k == "workday")
    with transaction.atomic():
        old = YearSchedule.objects.filter(company=company, year=year).first()
        before = None
        if old is not None:
            before = {"source": old.source, "source_label": old.source_label,
                      "holidays": old.days.filter(kind="holiday").count(),
                      "workdays": old.days.filter(kind="workday").count()}
            old.delete()
        sched = YearSchedule.objects.create(company=company, year=year, source=source, source_label=source_label,
                                            imported_by=actor, imported_by_label=_actor_label(actor)[:150],
                                            imported_at=timezone.now())
        ScheduleDay.objects.bulk_create(ScheduleDay(schedule=sched, date=d, kind=k, note=n)
                                        for d, (k, n) in sorted(clean.items()))
        record(actor, "calendar.import_year", sched, before=before,
               after={"year": year, "source": source, "source_label": source_label,
                      "holidays": [d.isoformat() for d in holidays], "workdays": [d.isoformat() for d in workdays]},
               reason="" if actor is not None else _actor_label(None), company_id=company.pk)
        changes = recompute_provisional(company, actor, reason=f"{year} schedule loaded ({source_label})")
    return ImportOutcome(year, len(holidays), len(workdays), source_label, changes)


# --- what HR sees ---------------------------------------------------------------------------


@dataclass
class YearStatus:
    year: int
    state: str  # "imported" | "package" | "missing"
    source_label: str = ""
    imported_by: str = ""
    imported_at: dt.datetime | None = None
    needed_by: list[str] = field(default_factory=list)
    provisional: int = 0  # open provisional deadlines waiting for this year
    package_offer: str = ""  # an installed package carries this year: offered as a labelled source


def needed_years(company: Any) -> dict[int, list[str]]:
    """Years the company's open cycles need, with the cycles: their period plus six weeks of
    appeals and interviews after it."""
    from kaohe.web.appraisal.models import Cycle

    needed: dict[int, list[str]] = {}
    for cycle in Cycle.objects.filter(company=company, status=Cycle.Status.OPEN).order_by("start"):
        last = cycle.end + dt.timedelta(days=45)
        for year in range(cycle.start.year, last.year + 1):
            needed.setdefault(year, []).append(cycle.name)
    return needed


def calendar_status(company: Any) -> list[YearStatus]:
    from .models import ProvisionalDeadline, YearSchedule

    pkg_years = package_years()
    label = package_label()
    waiting: dict[int, int] = {}
    for years in ProvisionalDeadline.objects.filter(company=company, resolved_at__isnull=True).values_list(
            "years", flat=True):
        for y in years:
            waiting[y] = waiting.get(y, 0) + 1
    needed = needed_years(company)
    loaded = {s.year: s for s in YearSchedule.objects.filter(company=company)}
    today = local_today(company)
    shown_years = set(loaded) | set(needed) | set(waiting) | {today.year, today.year + 1}
    out: list[YearStatus] = []
    for year in sorted(shown_years):
        s = loaded.get(year)
        offer = label if year in pkg_years and (s is None or s.source_label != label) else ""
        if s is not None:
            st = YearStatus(year, "imported" if s.source == "file" else "package", s.source_label,
                            s.imported_by_label, s.imported_at)
        elif year in pkg_years:
            st = YearStatus(year, "package", label)
        else:
            st = YearStatus(year, "missing")
        st.needed_by = needed.get(year, [])
        st.provisional = waiting.get(year, 0)
        st.package_offer = offer if (st.state == "missing" or st.provisional) else ""
        out.append(st)
    return out


@dataclass(frozen=True)
class Todo:
    message_zh: str
    message_en: str
    url: str
    year: int

    def message(self, language: str) -> str:
        return self.message_en if language.startswith("en") else self.message_zh


def hr_todos(company: Any) -> list[Todo]:
    """To-dos for HR's home page: years with provisional deadlines or needed by open cycles, not loaded."""
    from django.urls import reverse

    url = reverse("workdays:calendar")
    todos: list[Todo] = []
    for st in calendar_status(company):
        if st.state != "missing" and not st.provisional:
            continue
        if st.provisional:
            todos.append(Todo(
                f"{company.name}：{st.provisional} 个期限暂按周一至周五计算，请导入 {st.year} 年节假日安排",
                f"{company.name}: {st.provisional} deadline(s) are provisional (Mon–Fri); "
                f"load the {st.year} holiday schedule", url, st.year))
        elif st.needed_by:
            todos.append(Todo(
                f"{company.name}：进行中的考核周期需要 {st.year} 年节假日安排，尚未导入",
                f"{company.name}: open cycles need the {st.year} holiday schedule, which is not loaded",
                url, st.year))
    return todos


def todos_for(user: Any) -> list[Todo]:
    """HR's calendar to-dos over every company the user manages."""
    from kaohe.web.org.models import Company
    from kaohe.web.permissions import can

    if not getattr(user, "is_authenticated", False):
        return []
    out: list[Todo] = []
    for company in Company.objects.order_by("code"):
        if can(user, "manage_org", company):
            out += hr_todos(company)
    return out
