"""Summing KPI parts up the org tree: every KPI of one level in one pass.

Each KPI arrives as parts per employee, queue and bucket (``num``, ``den``, ``n``). For a
level the parts of all KPIs are stacked into one long frame with a KPI column; each distinct
(employee, queue) pair is placed once (agent, team, department, center, queue or the whole
company, see kaohe.metrics.attribution); one group-by sums the placed rows per KPI, entity and
bucket; the entities without data are added from the org; the values are divided last
(Σnum / Σden, never a mean of means).

Doing this per KPI costs a group-by, a placement and a merge for each of 45 KPIs × 4 levels;
stacked, it is one of each per level, which is what makes the computation from rollups fast.
The result is the same frame, row for row and in the same order (KPI, entity by its text, bucket).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kaohe.metrics.attribution import ORG_LEVELS, Attribution
from kaohe.metrics.catalog.periods import Period
from kaohe.metrics.catalog.registry import KpiError, KpiSpec

UNIT_LEVELS = ("team", "department", "center")
COMPANY_ID = "company"
PART_COLUMNS = ("num", "den", "n")


class LevelError(KpiError):
    pass


def check_level(spec: KpiSpec, parts: pd.DataFrame, level: str) -> None:
    d = spec.definition
    if level not in d.levels and not (level == "queue" and "queue" in parts.columns):
        raise LevelError(f"KPI {d.id!r} cannot be computed at level {level!r}")
    if level == "queue" and "queue" not in parts.columns:
        raise LevelError(f"KPI {d.id!r} has no queue; valid levels: {', '.join(d.levels)}")


@dataclass
class Stacked:
    """The parts of every KPI in one long frame (``_s``: the KPI's index), stacked once for all levels,
    with each distinct (employee, queue) pair numbered (``_pair``) so a level places pairs, not rows."""

    frame: pd.DataFrame
    who: pd.Series  # employee of each pair
    queue: pd.Series  # queue of each pair
    has_queue: dict[int, bool]


def stack(specs: Sequence[KpiSpec], parts: dict[KpiSpec, pd.DataFrame]) -> Stacked:
    frames = []
    for i, s in enumerate(specs):
        p = parts[s]
        none = np.full(len(p), None, dtype=object)
        frames.append(pd.DataFrame({
            "_s": np.full(len(p), i, dtype="int64"),
            "employee_id": p["employee_id"].to_numpy(dtype=object) if "employee_id" in p.columns else none,
            "queue": p["queue"].to_numpy(dtype=object) if "queue" in p.columns else none,
            "bucket": pd.to_datetime(p["bucket"]).to_numpy(dtype="datetime64[ns]"),
            "num": p["num"].to_numpy(dtype="float64"), "den": p["den"].to_numpy(dtype="float64"),
            "n": p["n"].to_numpy()}))
    has_queue = {i: "queue" in parts[s].columns for i, s in enumerate(specs)}
    if not frames:
        empty = pd.DataFrame({"_s": pd.Series([], dtype="int64"), "_pair": pd.Series([], dtype="int64")})
        return Stacked(empty, pd.Series([], dtype=object), pd.Series([], dtype=object), has_queue)
    long = pd.concat(frames, ignore_index=True)
    e_codes, e_uni = pd.factorize(long["employee_id"], use_na_sentinel=False)
    q_codes, q_uni = pd.factorize(long["queue"], use_na_sentinel=False)
    width = max(len(q_uni), 1)
    uniq, inverse = np.unique(e_codes.astype("int64") * width + q_codes, return_inverse=True)
    long["_pair"] = inverse.reshape(-1)
    who = pd.Series(np.asarray(e_uni, dtype=object)[uniq // width], dtype=object)
    queue = pd.Series(np.asarray(q_uni, dtype=object)[uniq % width], dtype=object)
    return Stacked(long, who.where(who.notna(), None), queue.where(queue.notna(), None), has_queue)


def _codes(st: Stacked, level: str, att: Attribution | None) -> tuple[np.ndarray, list[Any]]:
    """The entity of each row at ``level`` as a code into the returned entities (-1: it cannot be
    placed); each distinct (employee, queue) pair is placed once."""
    if level == "agent":
        pair_entity = st.who
    elif level == "queue":
        pair_entity = st.queue
    elif level in UNIT_LEVELS:
        assert att is not None
        pair_entity = att.assign(st.who, st.queue)
    else:
        pair_entity = pd.Series(COMPANY_ID, index=st.who.index, dtype=object)
    codes, uniques = pd.factorize(pair_entity.astype(object))
    return codes[st.frame["_pair"].to_numpy()], list(uniques)


def _org_ids(level: str, org: pd.DataFrame | None) -> list[Any]:
    if level == "company":
        return [COMPANY_ID]
    if org is not None and level in ORG_LEVELS:
        return list(pd.unique(org[ORG_LEVELS[level]].dropna()))
    return []


def _grid(g: pd.DataFrame, org_codes: np.ndarray, rank: np.ndarray, specs: int, level: str,
          per: Period) -> pd.DataFrame:
    """Every (KPI, entity, bucket) a value is reported for: the org's entities and those with data,
    entities in the order of their text, buckets in time order."""
    pairs = g[["_s", "_e"]].drop_duplicates()
    extra = pairs[~pairs["_e"].isin(org_codes)] if level != "company" else pairs.iloc[0:0]
    base = pd.DataFrame({"_s": np.repeat(np.arange(specs, dtype="int64"), len(org_codes)),
                         "_e": np.tile(org_codes.astype("int64"), specs)})
    grid = pd.concat([base, extra], ignore_index=True)
    grid["_rank"] = rank[grid["_e"].to_numpy()]
    grid = grid.sort_values(["_s", "_rank"], kind="stable").reset_index(drop=True)
    buckets = pd.to_datetime([per.bucket_key(s) for s in per.bucket_starts()]).to_numpy(dtype="datetime64[ns]")
    out = grid.loc[grid.index.repeat(len(buckets)), ["_s", "_e"]].reset_index(drop=True)
    out["bucket"] = np.tile(buckets, len(grid))
    return out


def sum_up(specs: Sequence[KpiSpec], st: Stacked, level: str, org: pd.DataFrame | None,
           per: Period, include_missing: bool, att: Attribution | None) -> pd.DataFrame:
    """Σnum, Σden, Σn per KPI (column ``_s``, its index in ``specs``), entity and bucket at ``level``.

    Rows are grouped by integer codes (KPI, entity code, bucket), never by the entity's text."""
    long = st.frame
    entities: list[Any] = []
    codes = np.zeros(0, dtype="int64")
    if not long.empty:
        codes, entities = _codes(st, level, att)
    lost = long.iloc[0:0]
    if not long.empty and level in UNIT_LEVELS and att is not None and att.strict():
        changes = (long["num"].fillna(0.0) != 0) | (long["den"].fillna(0.0) != 0)
        lost = long[(codes < 0) & changes.to_numpy()]
    known = set(entities)
    entities = entities + [e for e in _org_ids(level, org) if e not in known]
    rank = np.empty(len(entities), dtype="int64")
    rank[sorted(range(len(entities)), key=lambda i: str(entities[i]))] = np.arange(len(entities))
    if long.empty:
        g = pd.DataFrame({"_s": pd.Series([], dtype="int64"), "_e": pd.Series([], dtype="int64"),
                          "bucket": pd.Series([], dtype="datetime64[ns]"), "num": pd.Series([], dtype="float64"),
                          "den": pd.Series([], dtype="float64"), "n": pd.Series([], dtype="int64")})
    else:
        keep = codes >= 0
        sub = pd.DataFrame({"_s": long["_s"].to_numpy()[keep], "_e": codes[keep].astype("int64"),
                            "bucket": long["bucket"].to_numpy()[keep], "num": long["num"].to_numpy()[keep],
                            "den": long["den"].to_numpy()[keep], "n": long["n"].to_numpy()[keep]})
        g = sub.groupby(["_s", "_e", "bucket"], sort=False)[list(PART_COLUMNS)].sum(min_count=1).reset_index()
        g["n"] = g["n"].fillna(0).astype("int64")
    if include_missing:
        in_org = set(_org_ids(level, org))
        org_codes = np.flatnonzero(np.array([e in in_org for e in entities], dtype=bool)) if entities \
            else np.zeros(0, dtype="int64")
        grid = _grid(g, org_codes, rank, len(specs), level, per)
        g = grid.merge(g, on=["_s", "_e", "bucket"], how="left")
        g["n"] = g["n"].fillna(0).astype("int64")
    else:
        g = g.assign(_rank=rank[g["_e"].to_numpy()]).sort_values(["_s", "_rank", "bucket"], kind="stable")
        g = g.drop(columns=["_rank"]).reset_index(drop=True)
    ents = np.empty(len(entities), dtype=object)
    ents[:] = entities
    g["entity"] = ents[g["_e"].to_numpy()] if len(g) else pd.Series([], dtype=object)
    g.attrs["lost"] = lost
    return g.drop(columns=["_e"])


def per_member_denominator(g: pd.DataFrame, spec: KpiSpec, level: str, org: pd.DataFrame | None,
                           per: Period) -> pd.DataFrame:
    """Denominators of KPIs over people's available time (seats or heads × the bucket's seconds)."""
    fn = spec.definition.denominator_per_member
    assert fn is not None  # called only for KPIs that have one
    seats = int(spec.params.get("seats") or 0)
    if level == "agent":
        heads = pd.Series(1, index=g.index)
    elif level == "company":
        count = len(org) if org is not None else max(len(g), 1)
        heads = pd.Series(count, index=g.index)
    elif level == "queue":
        raise LevelError(f"KPI {spec.id!r} cannot be computed per queue")
    else:
        assert org is not None
        hc = org.groupby(ORG_LEVELS[level]).size()
        heads = g["entity"].map(hc).fillna(0)
    seconds = {per.bucket_key(s): (e - s).total_seconds() for s, e in per.buckets()}
    bucket_s = g["bucket"].map(lambda b: seconds[b.to_pydatetime()])
    members = [seats] * len(g) if seats > 0 else heads.to_numpy().tolist()
    g = g.copy()
    g["den"] = [fn(spec.params, s) * m for s, m in zip(bucket_s, members, strict=True)]
    g["n"] = g["den"].fillna(0).round().astype("int64")
    return g


def missing_where_unplaced(out: pd.DataFrame, lost: pd.DataFrame, att: Attribution,
                           has_queue: dict[int, bool]) -> None:
    """Every center value of a bucket with unplaced rows is missing, with the reason: any center
    figure would silently leave those rows out (``out`` is changed in place)."""
    for (i, bucket), rows in lost.groupby(["_s", "bucket"]):
        queues = sorted(map(str, rows["queue"].dropna().unique())) if has_queue[int(i)] else []
        hit = (out["_s"] == i) & (out["_bucket"] == bucket)
        out.loc[hit, ["value", "numerator", "denominator"]] = float("nan")
        out.loc[hit, "missing_reason"] = att.reason(queues, int(rows["n"].sum()), has_queue[int(i)])


def finish(g: pd.DataFrame, specs: Sequence[KpiSpec], level: str, per: Period) -> pd.DataFrame:
    """Values from the sums: a ratio is Σnum / Σden × scale, a count Σnum × scale; none without a sample."""
    idx = g["_s"].to_numpy()
    ratio = np.array([s.definition.kind == "ratio" for s in specs], dtype=bool)[idx] if len(specs) else \
        np.zeros(0, dtype=bool)
    scale = np.array([float(s.definition.scale) for s in specs], dtype="float64")[idx] if len(specs) else \
        np.zeros(0)
    num, den, n = g["num"].astype("float64"), g["den"].astype("float64"), g["n"]
    ok = (n > 0) & (~pd.Series(ratio, index=g.index) | (den.notna() & (den != 0)))
    value = pd.Series(np.where(ratio, num.fillna(0.0) / den.where(ok), num.fillna(0.0)), index=g.index) * scale
    value = value.where(ok)
    labels = {b: per.bucket_label(pd.Timestamp(b).to_pydatetime()) for b in g["bucket"].unique()}

    def per_spec(attr: Any) -> np.ndarray:
        arr = np.empty(len(specs), dtype=object)
        arr[:] = [attr(s) for s in specs]
        return arr[idx] if len(specs) else np.empty(0, dtype=object)

    return pd.DataFrame({
        "kpi_id": per_spec(lambda s: s.definition.id),
        "params": per_spec(lambda s: s.params),
        "params_key": per_spec(lambda s: s.params_key),
        "entity_level": level,
        "entity_id": g["entity"].astype(str),
        "period": g["bucket"].map(labels),
        "value": value.astype("float64"),
        "numerator": num,
        "denominator": den,
        "sample_size": n.astype("int64"),
        "unit": per_spec(lambda s: s.definition.unit),
        "input_tables": per_spec(lambda s: s.definition.inputs),
        "missing_reason": pd.Series([None] * len(g), index=g.index, dtype=object),
        "_bucket": g["bucket"],
        "_s": idx,
    })


def level_frame(specs: Sequence[KpiSpec], parts: dict[KpiSpec, pd.DataFrame], level: str,
                org: pd.DataFrame | None, per: Period, include_missing: bool,
                att: Attribution | None, stacked: Stacked | None = None) -> pd.DataFrame:
    """The values of every KPI in ``specs`` at ``level``, in KPI order (``stacked``: the parts already
    stacked by ``stack``, shared between levels)."""
    for s in specs:
        check_level(s, parts[s], level)
    st = stacked if stacked is not None else stack(specs, parts)
    g = sum_up(specs, st, level, org, per, include_missing, att)
    lost: pd.DataFrame = g.attrs.pop("lost")
    special = [i for i, s in enumerate(specs) if s.definition.denominator_per_member is not None
               and not parts[s].empty]  # no state data at all: missing, not 0 %
    if special:
        mask = g["_s"].isin(special)
        fixed = [per_member_denominator(g[g["_s"] == i], specs[i], level, org, per) for i in special]
        g = pd.concat([g[~mask], *fixed]).sort_index(kind="stable")
    out = finish(g, specs, level, per)
    if not lost.empty and att is not None:
        missing_where_unplaced(out, lost, att, st.has_queue)
    return out.reset_index(drop=True)
