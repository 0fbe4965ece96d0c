"""Periods and how events are cut into them in the company's time zone.

Timestamps are stored as naive UTC. Converting every row to a zone is the most
expensive step of a KPI query, so when the zone keeps one UTC offset over the whole
period (China: no DST since 1991) a row's local time is ``ts + offset`` and its bucket
is a plain truncation. If the offset changes inside the period, events are assigned
to buckets by a join with a small table of bucket boundaries in UTC instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

GRAINS = ("day", "month", "quarter", "year", "whole")
_TRUNC = {"day": "D", "month": "M", "quarter": "Q", "year": "Y"}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """[start, end) in local (company) time, optionally cut into buckets of ``grain``.

    ``grain="whole"`` gives one value for the whole period.
    """

    start: datetime  # naive local
    end: datetime  # naive local, exclusive
    grain: str = "whole"
    label: str = ""

    def __post_init__(self) -> None:
        if self.grain not in GRAINS:
            raise PeriodError(f"grain {self.grain!r} not one of {', '.join(GRAINS)}")
        if not self.end > self.start:
            raise PeriodError(f"period end {self.end} must be after its start {self.start}")

    # --- constructors -------------------------------------------------------------------
    @classmethod
    def day(cls, d: date | str) -> Period:
        d = date.fromisoformat(d) if isinstance(d, str) else d
        s = datetime(d.year, d.month, d.day)
        return cls(s, s + timedelta(days=1), "whole", d.isoformat())

    @classmethod
    def month(cls, ym: str) -> Period:
        m = re.fullmatch(r"(\d{4})-(\d{2})", ym)
        if not m or not 1 <= int(m[2]) <= 12:
            raise PeriodError(f"month {ym!r} must be YYYY-MM")
        y, mo = int(m[1]), int(m[2])
        return cls(datetime(y, mo, 1), _add_months(datetime(y, mo, 1), 1), "whole", ym)

    @classmethod
    def quarter(cls, yq: str) -> Period:
        m = re.fullmatch(r"(\d{4})-Q([1-4])", yq)
        if not m:
            raise PeriodError(f"quarter {yq!r} must be YYYY-Qn")
        s = datetime(int(m[1]), 3 * int(m[2]) - 2, 1)
        return cls(s, _add_months(s, 3), "whole", yq)

    @classmethod
    def year(cls, y: int | str) -> Period:
        y = int(y)
        return cls(datetime(y, 1, 1), datetime(y + 1, 1, 1), "whole", str(y))

    @classmethod
    def range(cls, start: date | datetime | str, end: date | datetime | str) -> Period:
        s, e = _as_dt(start), _as_dt(end)
        return cls(s, e, "whole", f"{_fmt(s)}/{_fmt(e)}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10-01``, ``2026-10``, ``2026-Q4``, ``2026`` or ``START/END`` (end exclusive)."""
        text = text.strip()
        if "/" in text:
            a, b = text.split("/", 1)
            return cls.range(a, b)
        if re.fullmatch(r"\d{4}", text):
            return cls.year(text)
        if re.fullmatch(r"\d{4}-Q\d", text):
            return cls.quarter(text)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return cls.month(text)
        try:
            return cls.day(date.fromisoformat(text))
        except ValueError:
            raise PeriodError(
                f"period {text!r} not understood; use YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY or START/END"
            ) from None

    def by(self, grain: str) -> Period:
        """The same period cut into buckets of ``grain`` (day, month, quarter, year)."""
        return Period(self.start, self.end, grain, self.label)

    # --- buckets ------------------------------------------------------------------------
    @property
    def trunc_unit(self) -> str | None:
        return _TRUNC.get(self.grain)

    def bucket_starts(self) -> list[datetime]:
        """Local starts of the buckets, each clipped to the period."""
        if self.grain == "whole":
            return [self.start]
        out = [self.start]
        b = _truncate(self.start, self.grain)
        while True:
            b = _next(b, self.grain)
            if b >= self.end:
                return out
            out.append(b)

    def buckets(self) -> list[tuple[datetime, datetime]]:
        starts = self.bucket_starts()
        return list(zip(starts, starts[1:] + [self.end], strict=True))

    def bucket_key(self, local_start: datetime) -> datetime:
        """The bucket column value of a local instant (truncated, as the database does)."""
        return self.start if self.grain == "whole" else _truncate(local_start, self.grain)

    def bucket_label(self, key: datetime) -> str:
        if self.grain == "whole":
            return self.label or f"{_fmt(self.start)}/{_fmt(self.end)}"
        if self.grain == "day":
            return key.strftime("%Y-%m-%d")
        if self.grain == "month":
            return key.strftime("%Y-%m")
        if self.grain == "quarter":
            return f"{key.year}-Q{(key.month - 1) // 3 + 1}"
        return str(key.year)


@dataclass(frozen=True)
class ZoneCut:
    """How to get local time from stored UTC for one period."""

    tz: str
    offset: timedelta | None  # fixed offset, or None: use the boundaries join

    @classmethod
    def for_period(cls, period: Period, tz: str, margin: timedelta = timedelta(days=0)) -> ZoneCut:
        zone = ZoneInfo(tz)
        offsets = set()
        d = period.start - margin - timedelta(days=1)
        while d <= period.end + margin + timedelta(days=1):
            offsets.add(d.replace(tzinfo=zone).utcoffset())
            d += timedelta(hours=12)
        if len(offsets) == 1:
            return cls(tz, offsets.pop())
        return cls(tz, None)

    def to_utc(self, local: datetime) -> datetime:
        if self.offset is not None:
            return local - self.offset
        aware = local.replace(tzinfo=ZoneInfo(self.tz))
        return (aware - aware.utcoffset()).replace(tzinfo=None)  # type: ignore[operator]


def _as_dt(v: date | datetime | str) -> datetime:
    if isinstance(v, str):
        v = datetime.fromisoformat(v)
    if isinstance(v, datetime):
        return v.replace(tzinfo=None)
    return datetime(v.year, v.month, v.day)


def _fmt(d: datetime) -> str:
    return d.strftime("%Y-%m-%d") if d.time() == datetime.min.time() else d.isoformat()


def _add_months(d: datetime, n: int) -> datetime:
    m = d.month - 1 + n
    return d.replace(year=d.year + m // 12, month=m % 12 + 1, day=1)


def _truncate(d: datetime, grain: str) -> datetime:
    if grain == "day":
        return datetime(d.year, d.month, d.day)
    if grain == "month":
        return datetime(d.year, d.month, 1)
    if grain == "quarter":
        return datetime(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return datetime(d.year, 1, 1)


def _next(d: datetime, grain: str) -> datetime:
    if grain == "day":
        return d + timedelta(days=1)
    return _add_months(d, {"month": 1, "quarter": 3, "year": 12}[grain])
