"""Which team, department or center a KPI row belongs to.

A row of an employee listed in the org rolls up by that employee: an answered call
counts for the team of the agent who took it. Some rows have no such employee: a
caller who hung up in the queue before reaching an agent, a survey with no agent, a
row of an agent missing from the org. Leaving them out makes a center's abandon rate
0 % and its service level a figure over answered calls only, so they are placed by
the unit that owns the queue:

1. the optional ``queues`` dimension maps a queue to a team, department and/or
   center; a level not given is taken from the org (the team's department, the
   department's center) when the org says it unambiguously;
2. otherwise, at center level, the rows belong to the org's center when the org has
   exactly one;
3. otherwise they cannot be placed. At center level the values they would change are
   reported missing, with the reason; at team and department level the figures stay
   those of the members (documented in docs/kpi-catalog.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from kaohe.metrics.catalog.registry import KpiError

ORG_LEVELS = {"agent": "employee_id", "team": "team_id", "department": "department_id", "center": "center_id"}
QUEUE_COLUMNS = ("queue", "team_id", "department_id", "center_id")


class AttributionError(KpiError):
    """The queues dimension contradicts itself."""


@dataclass(frozen=True)
class Attribution:
    level: str
    members: dict[Any, Any]  # employee_id -> entity (None: the employee has no entity at this level)
    queues: dict[Any, Any]  # queue -> entity at this level
    fallback: Any  # entity of rows placed neither by employee nor by queue (the only center), or None
    centers: int  # number of centers in the org

    @cached_property
    def _members(self) -> pd.Series:
        return pd.Series(self.members, dtype=object) if self.members else pd.Series([], dtype=object)

    def assign(self, who: pd.Series, queue: pd.Series | None) -> pd.Series:
        """The entity of each row (None when it cannot be placed at this level).

        Each distinct (employee, queue) pair is looked up once: rows repeat the same few
        thousand pairs."""
        queue = queue if queue is not None else pd.Series(None, index=who.index, dtype=object)
        w_codes, w_uni = pd.factorize(who.astype(object), use_na_sentinel=False)
        q_codes, q_uni = pd.factorize(queue.astype(object), use_na_sentinel=False)
        width = max(len(q_uni), 1)
        pairs, inverse = np.unique(w_codes.astype("int64") * width + q_codes, return_inverse=True)
        w = pd.Series(np.asarray(w_uni, dtype=object)[pairs // width], dtype=object)
        q = pd.Series(np.asarray(q_uni, dtype=object)[pairs % width], dtype=object)
        members = self._members
        known = pd.Series(members.index.get_indexer(w) >= 0, index=w.index) & w.notna()
        out = w.map(members).where(known, None)
        if not known.all():
            by_queue = q.map(self.queues) if self.queues else pd.Series(None, index=q.index, dtype=object)
            by_queue = by_queue.where(by_queue.notna(), self.fallback)
            out = out.astype(object).where(known, by_queue.astype(object))
        placed = out.astype(object).where(out.notna(), None).to_numpy(dtype=object)
        return pd.Series(placed[inverse.reshape(-1)], index=who.index, dtype=object)

    def strict(self) -> bool:
        """Do rows left unplaced make the values missing (center level, several centers)?"""
        return self.level == "center" and self.fallback is None

    def reason(self, queues: list[str], sample: int, has_queue: bool) -> str:
        what_zh = "未接通到座席的呼叫等无员工记录" if has_queue else "无员工归属的记录"
        what_en = "rows without an employee (calls that never reached an agent)" if has_queue \
            else "rows without an employee"
        where = f"(队列 / queues: {', '.join(queues)})" if queues else ""
        return (
            f"{what_zh}{where}共 {sample} 条样本无法归入任何中心:组织表有 {self.centers} 个中心,"
            f"且 queues 表没有把这些队列映射到中心;请导入 queues 表(queue → team/department/center)。 "
            f"{sample} sampled {what_en}{where} cannot be placed in a center: the org has {self.centers} "
            f"centers and no queues row maps these queues to a center; load a queues table (queue → team/department/center)."
        )


def build(level: str, org: pd.DataFrame, queues: pd.DataFrame | None) -> Attribution:
    col = ORG_LEVELS[level]
    members = dict(zip(org["employee_id"], org[col], strict=True))
    centers = sorted(org["center_id"].dropna().unique(), key=str)
    fallback = centers[0] if level == "center" and len(centers) == 1 else None
    return Attribution(level, members, _queue_map(level, org, queues), fallback, len(centers))


def _queue_map(level: str, org: pd.DataFrame, queues: pd.DataFrame | None) -> dict[Any, Any]:
    if queues is None or queues.empty:
        return {}
    team_dept = _unique_parent(org, "team_id", "department_id")
    dept_center = _unique_parent(org, "department_id", "center_id")
    out: dict[Any, Any] = {}
    for q, team, dept, center in queues[list(QUEUE_COLUMNS)].itertuples(index=False):
        dept = dept if dept is not None else team_dept.get(team)
        center = center if center is not None else dept_center.get(dept)
        entity = {"team": team, "department": dept, "center": center}[level]
        if entity is not None:
            out[q] = entity
    return out


def _unique_parent(org: pd.DataFrame, child: str, parent: str) -> dict[Any, Any]:
    pairs = org[[child, parent]].dropna().drop_duplicates()
    counts = pairs[child].value_counts()
    single = pairs[pairs[child].map(counts) == 1]
    return dict(zip(single[child], single[parent], strict=True))


def check_queues(queues: pd.DataFrame) -> pd.DataFrame:
    """The queues dimension as text columns; a queue mapped twice in different ways is refused."""
    missing = [c for c in ("queue",) if c not in queues.columns]
    if missing:
        raise AttributionError("the queues table needs a 'queue' column (and team_id, department_id, center_id)")
    df = queues.copy()
    for c in QUEUE_COLUMNS:
        if c not in df.columns:
            df[c] = None
    df = df[list(QUEUE_COLUMNS)].astype(object)
    df = df.where(df.notna(), None).drop_duplicates()
    dup = sorted(df.loc[df["queue"].duplicated(), "queue"].dropna().unique(), key=str)
    if dup:
        raise AttributionError(
            f"the queues table maps these queues to more than one owner: {', '.join(map(str, dup))}; "
            "keep one row per queue"
        )
    return df
