"""Working days by the Chinese statutory calendar, with make-up workdays.

The State Council publishes each year's holiday schedule late in the year before,
so the ``chinese-calendar`` package always lags. Kaohe never guesses a year it has
no schedule for: asking about such a date raises :class:`CalendarNotLoaded`, which
tells the HR officer which year is missing and how to import it.

Precedence for one date, strongest first:

1. a company override (``set_override``): e.g. the center works on a statutory holiday;
2. an imported year schedule (``import_year`` / ``import_year_csv``);
3. the ``chinese-calendar`` package;
4. otherwise: refused with :class:`CalendarNotLoaded`.

Appraisal deadlines (an appeal window of N working days) must not block a person for a
year nobody has loaded yet: :meth:`WorkCalendar.add_workdays_provisional` counts
Monday–Friday for such a year and says which years it guessed, so the caller can mark
the deadline provisional and recompute it once the year is imported. KPIs never use it:
they change pay and keep refusing with :class:`CalendarNotLoaded`.

Inside an imported year, a date that is neither a listed holiday nor a listed
make-up workday follows the week: Monday–Friday work, Saturday–Sunday rest.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import metadata

import chinese_calendar

HOLIDAY = "holiday"
WORKDAY = "workday"


class CalendarNotLoaded(LookupError):
    """No official holiday schedule is loaded for a year that a computation needs."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"no official holiday schedule is loaded for {year}: working days of {year} are unknown. "
            f"Import the State Council schedule for {year} (its holidays and make-up workdays), "
            f"e.g. `WorkCalendar.import_year_csv(path)` with a CSV of columns date,kind "
            f"(kind = holiday | workday), or `import_year({year}, holidays=[...], workdays=[...])`."
        )


class CalendarImportError(ValueError):
    """An imported year schedule is invalid; lists every bad row at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid holiday schedule:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass
class YearSchedule:
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]  # make-up workdays (调休上班), usually weekends

    def is_workday(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5


@dataclass
class WorkCalendar:
    """Working-day calendar of one company."""

    overrides: dict[date, bool] = field(default_factory=dict)
    years: dict[int, YearSchedule] = field(default_factory=dict)

    # --- configuration ------------------------------------------------------------------
    def set_override(self, day: date, is_workday: bool) -> None:
        self.overrides[day] = is_workday

    def import_year(self, year: int, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
        hol, work = frozenset(holidays), frozenset(workdays)
        problems = [f"{d.isoformat()}: not in year {year}" for d in sorted(hol | work) if d.year != year]
        problems += [f"{d.isoformat()}: listed both as holiday and as workday" for d in sorted(hol & work)]
        if problems:
            raise CalendarImportError(problems)
        self.years[year] = YearSchedule(year, hol, work)

    def import_year_csv(self, path: str | os.PathLike[str]) -> list[int]:
        """Import one or more years from a CSV with columns ``date`` (YYYY-MM-DD) and ``kind``.

        Every date of a year present in the file is taken from the file; the file is
        rejected as a whole when any row is bad. Returns the imported years.
        """
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        return self.import_rows(rows, source=str(path))

    def import_rows(self, rows: Iterable[Mapping[str, str]], source: str = "schedule") -> list[int]:
        problems: list[str] = []
        per_year: dict[int, tuple[set[date], set[date]]] = {}
        for i, row in enumerate(rows, start=2):  # row 1 is the header
            raw_date, kind = (row.get("date") or "").strip(), (row.get("kind") or "").strip().lower()
            try:
                d = date.fromisoformat(raw_date)
            except ValueError:
                problems.append(f"{source} row {i}, column date: {raw_date!r} is not a YYYY-MM-DD date")
                continue
            if kind not in (HOLIDAY, WORKDAY):
                problems.append(f"{source} row {i}, column kind: {kind!r} must be 'holiday' or 'workday'")
                continue
            hol, work = per_year.setdefault(d.year, (set(), set()))
            (hol if kind == HOLIDAY else work).add(d)
        for hol, work in per_year.values():
            problems += [f"{source}: {d.isoformat()} listed both as holiday and as workday" for d in sorted(hol & work)]
        if not per_year and not problems:
            problems.append(f"{source}: no rows")
        if problems:
            raise CalendarImportError(problems)
        for year, (hol, work) in per_year.items():
            self.import_year(year, hol, work)
        return sorted(per_year)

    # --- queries ------------------------------------------------------------------------
    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        sched = self.years.get(day.year)
        if sched is not None:
            return sched.is_workday(day)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise CalendarNotLoaded(day.year) from None

    def year_source(self, year: int) -> str | None:
        """Where the schedule of ``year`` comes from: "imported", "package", or None (not loaded)."""
        if year in self.years:
            return "imported"
        return "package" if year in package_years() else None

    def is_workday_or_weekday(self, day: date) -> tuple[bool, bool]:
        """(is it a working day, was it guessed): a date of an unloaded year counts Monday–Friday."""
        if day in self.overrides:
            return self.overrides[day], False
        try:
            return self.is_workday(day), False
        except CalendarNotLoaded:
            return day.weekday() < 5, True

    def add_workdays_provisional(self, day: date, n: int) -> tuple[date, frozenset[int]]:
        """Like :meth:`add_workdays`, but a year without a schedule counts Monday–Friday.

        Returns the date and the years whose working days were guessed (empty: the date is final).
        """
        d, left, guessed = day, n, set()
        while left > 0:
            d += timedelta(days=1)
            works, provisional = self.is_workday_or_weekday(d)
            if provisional:
                guessed.add(d.year)
            if works:
                left -= 1
        return d, frozenset(guessed)

    def check_loaded(self, start: date, end: date) -> None:
        """Raise CalendarNotLoaded for the first year in [start, end] without a schedule."""
        for year in range(start.year, end.year + 1):
            self.is_workday(max(start, date(year, 1, 1)))

    def workdays_between(self, start: date, end: date) -> int:
        """Working days d with start <= d < end."""
        return sum(1 for d in _days(start, end) if self.is_workday(d))

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (``day`` itself is not counted)."""
        d, left = day, n
        while left > 0:
            d += timedelta(days=1)
            if self.is_workday(d):
                left -= 1
        return d

    def cumulative_workdays(self, start: date, end: date) -> list[tuple[date, int]]:
        """(date, number of working days from ``start`` up to and including date) for start <= d < end.

        Two dates are N working days apart when their counts differ by N; this lets a
        database compare dates with one join instead of a per-row loop.
        """
        out: list[tuple[date, int]] = []
        n = 0
        for d in _days(start, end):
            if self.is_workday(d):
                n += 1
            out.append((d, n))
        return out


def _days(start: date, end: date) -> Iterable[date]:
    d = start
    while d < end:
        yield d
        d += timedelta(days=1)


def default_calendar() -> WorkCalendar:
    return WorkCalendar()


def package_years() -> range:
    """The years the installed ``chinese-calendar`` package carries (holidays and make-up workdays)."""
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return range(min(years), max(years) + 1)


def package_label() -> str:
    """The installed calendar package and its version, e.g. "chinese-calendar 1.11.0"."""
    try:
        version = metadata.version("chinese-calendar")
    except metadata.PackageNotFoundError:  # pragma: no cover (a dependency of Kaohe)
        version = "?"
    return f"chinese-calendar {version}"


def package_schedule(year: int) -> YearSchedule:
    """The statutory schedule of ``year`` as the package carries it; CalendarNotLoaded when it does not."""
    from chinese_calendar import constants

    if year not in package_years():
        raise CalendarNotLoaded(year)
    return YearSchedule(year, frozenset(d for d in constants.holidays if d.year == year),
                        frozenset(d for d in constants.workdays if d.year == year))
