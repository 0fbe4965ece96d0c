"""Report tables over published results: rankings, distribution vs target, trends, positions.

Inputs are flat `ResultEntry` records (one employee in one cycle), which the demo
builds from SheetResults and the web app builds from its models; outputs are
`tables.Table`s, so every report can be downloaded as Excel with the same code.
Means are exact Decimals, shown rounded to two places.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kaohe.results.tables import Column, Table

TWO = Decimal("0.01")


@dataclass(frozen=True)
class ResultEntry:
    employee_id: str
    name: str
    team: str
    department: str
    position: str
    cycle_id: str
    total: Decimal | None
    grade: str | None
    sheet_url: str = ""  # where the score sheet (and its drill-down) lives, when there is one


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO, ROUND_HALF_UP) if values else None


def _competition_ranks(totals: Sequence[Decimal | None]) -> list[int | None]:
    """1, 2, 2, 4 … for sorted totals (ties share a rank); unscored sheets get no rank."""
    ranks: list[int | None] = []
    for i, t in enumerate(totals):
        if t is None:
            ranks.append(None)
        elif i > 0 and totals[i - 1] == t:
            ranks.append(ranks[-1])
        else:
            ranks.append(i + 1)
    return ranks


def employee_ranking(entries: Sequence[ResultEntry], title: str = "员工排名") -> Table:
    ordered = sorted(entries, key=lambda e: (e.total is None, -(e.total or 0), e.employee_id))
    ranks = _competition_ranks([e.total for e in ordered])
    rows = [[r, e.employee_id, e.name, e.team, e.department, e.total, e.grade or "—"] for r, e in zip(ranks, ordered, strict=True)]
    return Table(title, (
        Column("rank", "名次", "Rank"), Column("employee_id", "工号", "Employee ID"), Column("name", "姓名", "Name"),
        Column("team", "班组", "Team"), Column("department", "部门", "Department"),
        Column("total", "总分", "Total", "0.00"), Column("grade", "等级", "Grade"),
    ), rows)


def group_ranking(entries: Sequence[ResultEntry], by: str, grades: Sequence[str], title: str) -> Table:
    """Teams or departments (`by` = "team" / "department") ranked by their mean total."""
    groups: dict[str, list[ResultEntry]] = defaultdict(list)
    for e in entries:
        groups[getattr(e, by)].append(e)
    stats = []
    for name, members in groups.items():
        totals = [m.total for m in members if m.total is not None]
        counts = Counter(m.grade for m in members)
        stats.append((name, len(members), _mean(totals), [counts.get(g, 0) for g in grades]))
    stats.sort(key=lambda s: (s[2] is None, -(s[2] or 0), s[0]))
    ranks = _competition_ranks([s[2] for s in stats])
    label = {"team": ("班组", "Team"), "department": ("部门", "Department")}[by]
    return Table(
        title,
        (Column("rank", "名次", "Rank"), Column(by, *label), Column("headcount", "人数", "Headcount"),
         Column("mean", "平均分", "Mean total", "0.00"), *(Column(f"n_{g}", g, g) for g in grades)),
        [[r, name, n, mean, *counts] for r, (name, n, mean, counts) in zip(ranks, stats, strict=True)],
    )


def distribution_table(
    entries: Sequence[ResultEntry], grades: Sequence[str], target_pct: Mapping[str, Decimal] | None,
    title: str = "等级分布与目标",
) -> Table:
    n = len(entries)
    counts = Counter(e.grade for e in entries)
    rows = []
    for g in grades:
        pct = (Decimal(counts.get(g, 0)) * 100 / n).quantize(TWO, ROUND_HALF_UP) if n else None
        target = (target_pct or {}).get(g)
        rows.append([g, counts.get(g, 0), pct, target, (pct - target) if pct is not None and target is not None else None])
    if counts.get(None):
        rows.append(["—", counts[None], (Decimal(counts[None]) * 100 / n).quantize(TWO, ROUND_HALF_UP), None, None])
    return Table(title, (
        Column("grade", "等级", "Grade"), Column("count", "人数", "Count"),
        Column("pct", "实际占比%", "Actual %", "0.00"), Column("target", "目标占比%", "Target %", "0.00"),
        Column("gap", "偏差（百分点）", "Gap (points)", "0.00"),
    ), rows)


def trend_table(entries: Sequence[ResultEntry], cycles: Sequence[str], by: str = "team",
                title: str = "各周期平均分趋势") -> Table:
    """Mean total per group (rows) and cycle (columns), cycles oldest first."""
    cell: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    groups: set[str] = set()
    for e in entries:
        groups.add(getattr(e, by))
        if e.total is not None:
            cell[(getattr(e, by), e.cycle_id)].append(e.total)
    label = {"team": ("班组", "Team"), "department": ("部门", "Department"), "position": ("岗位", "Position")}[by]
    return Table(
        title,
        (Column(by, *label), *(Column(c, c, c, "0.00") for c in cycles)),
        [[g, *(_mean(cell[(g, c)]) for c in cycles)] for g in sorted(groups)],
    )


def position_summary(entries: Sequence[ResultEntry], grades: Sequence[str], title: str = "岗位汇总") -> Table:
    groups: dict[str, list[ResultEntry]] = defaultdict(list)
    for e in entries:
        groups[e.position].append(e)
    rows = []
    for pos in sorted(groups):
        members = groups[pos]
        totals = [m.total for m in members if m.total is not None]
        counts = Counter(m.grade for m in members)
        rows.append([pos, len(members), _mean(totals), min(totals, default=None), max(totals, default=None),
                     *(counts.get(g, 0) for g in grades)])
    return Table(title, (
        Column("position", "岗位", "Position"), Column("headcount", "人数", "Headcount"),
        Column("mean", "平均分", "Mean", "0.00"), Column("min", "最低分", "Min", "0.00"),
        Column("max", "最高分", "Max", "0.00"), *(Column(f"n_{g}", g, g) for g in grades),
    ), rows)
