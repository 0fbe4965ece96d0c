"""Shift patterns: an hour × shift grid (1 = the shift covers that hour) → shift templates → schedules.

The Anonymous Bank ships such a grid (``data_anonymous_bank_shifts.csv``, old Mac CR-only line
endings). It says which hours each shift covers, not which agent works which shift, so
schedules come from templates plus an assignment the HR officer supplies.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from kaohe.metrics.events import get_table


@dataclass(frozen=True)
class ShiftTemplate:
    name: str
    start: dt.time
    hours: int

    def span(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, self.start)
        return start, start + dt.timedelta(hours=self.hours)


class ShiftPatternError(Exception):
    pass


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    # CR-only, CRLF and LF files all become LF lines
    return re.sub(r"\r\n?", "\n", text)


def parse_shift_pattern(path: str | Path) -> list[ShiftTemplate]:
    """Read the grid. Row k (``Hour`` = k) stands for the clock hour k-1; each shift's 1s
    must form one contiguous block."""
    rows = list(csv.DictReader(io.StringIO(_read_text(Path(path)))))
    if not rows:
        raise ShiftPatternError(f"{path}: no rows")
    shift_cols = [c for c in rows[0] if c and c.lower().startswith("shift")]
    templates = []
    for col in shift_cols:
        hours = []
        for r in rows:
            try:
                if int(r[col]) == 1:
                    hours.append(int(r["Hour"]) - 1)
            except (TypeError, ValueError):
                raise ShiftPatternError(f"{path}: row Hour={r.get('Hour')}, column {col}: "
                                        f"expected 0 or 1, got {r.get(col)!r}") from None
        if not hours:
            continue
        if hours != list(range(hours[0], hours[0] + len(hours))):
            raise ShiftPatternError(f"{path}: {col} covers hours {hours}, which are not one block")
        templates.append(ShiftTemplate(col, dt.time(hours[0]), len(hours)))
    return templates


def shift_schedules(templates: list[ShiftTemplate], assignment: dict[str, str], days: list[dt.date],
                    timezone: str = "Asia/Shanghai") -> pa.Table:
    """Schedule rows (``work``) for each agent's assigned shift on each day, stored as naive UTC."""
    by_name = {t.name: t for t in templates}
    zone = ZoneInfo(timezone)
    rows: dict[str, list[object]] = {"agent_id": [], "start_at": [], "end_at": [], "activity": []}
    for agent, shift in sorted(assignment.items()):
        if shift not in by_name:
            raise ShiftPatternError(f"agent {agent}: unknown shift {shift!r} (known: {', '.join(by_name)})")
        for day in days:
            start, end = by_name[shift].span(day)
            for key, local in (("start_at", start), ("end_at", end)):
                rows[key].append(local.replace(tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None))
            rows["agent_id"].append(agent)
            rows["activity"].append("work")
    return pa.table(rows, schema=get_table("schedules").arrow_schema(with_batch=False))
