"""Column mappings: adapt a vendor's export to a canonical Kaohe table.

A mapping is a YAML file::

    table: calls                 # canonical table (kaohe.metrics.events)
    source:                      # optional; how to read the file
      format: csv                # csv | xlsx | parquet (default: from the extension)
      delimiter: "\\t"
      encoding: utf-8            # default: detected (UTF-8 or GB18030)
      timezone: Asia/Shanghai    # zone of naive timestamps in the file (default UTC)
      sheet: Sheet1              # xlsx only
    columns:                     # canonical column -> how to get it
      queue: type                # a string: take that source column as is
      direction: {const: in}     # a constant
      call_id: {template: "{vru+line}-{call_id}"}
      agent_id: {column: server, null_values: [NO_SERVER]}
      outcome: {column: outcome, map: {AGENT: answered, HANG: abandoned}}
      answered_at:               # timestamp from a date column and a time column
        date: date
        date_format: "%y%m%d"    # two-digit years: 69-99 -> 19xx, 00-68 -> 20xx
        time: ser_start
        null_values: ["0:00:00"]
        next_day_if_before: vru_entry   # crossed midnight: add a day when the time is
                                        # more than 12 h earlier than that column's time
        when: {outcome: [AGENT]}        # only for these rows, empty otherwise
      ended_at: {coalesce: [<spec>, <spec>]}   # first non-empty
      offered_at: {min: [<spec>, <spec>]}      # earliest non-empty
      talk_s: {column: tTalk, scale: 0.001}    # a number times a factor (milliseconds → s)
      interval_start: {column: interval, extract: "^([^/]+)/"}   # the regex group of the text
      start: {date: row_date, time: starttime, time_format: hhmm}  # 930 → 09:30
      handled: {sum: [<spec>, <spec>]}         # numbers added (empty only when all are)
      answered_within: {sub: [<spec>, <spec>]} # the first minus the others
      talk_s: {mul: [Avg Talk, Answer]}        # the product (an average times its count is a sum)
    defects:                     # known defects: rows are loaded, counted and listed
      - id: negative_vru_time
        description: ...
        when: {column: vru_time, lt: 0}        # also: eq, in, gt, and all: [...]

Columns of the canonical table absent from ``columns`` are taken from a source column
of the same name when there is one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from ruamel.yaml import YAML

from kaohe.metrics.events import TableSchema, get_table

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"
_TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")
HALF_DAY = 12 * 3600


class MappingError(Exception):
    """A mapping that is malformed or does not fit the file. ``problems`` lists them all."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Mapping:
    table: str
    columns: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    defects: list[dict[str, Any]] = field(default_factory=list)
    name: str | None = None  # file name, for reports

    @property
    def schema(self) -> TableSchema:
        return get_table(self.table)

    # --- static checks -------------------------------------------------------------------
    def source_columns(self, spec: Any) -> list[str]:
        """Source columns a spec reads."""
        if isinstance(spec, str):
            return [spec]
        if not isinstance(spec, dict):
            return []
        out: list[str] = []
        if "column" in spec:
            out.append(spec["column"])
        if "template" in spec:
            out += _TEMPLATE_FIELD.findall(spec["template"])
        for key in ("date", "time", "next_day_if_before"):
            if key in spec:
                out.append(spec[key])
        for key in ("coalesce", "min", "sum", "sub", "mul"):
            for sub in spec.get(key, []):
                out += self.source_columns(sub)
        for col in (spec.get("when") or {}):
            out.append(col)
        return out

    def resolved(self, header: list[str]) -> dict[str, Any]:
        """Canonical column -> spec, with identity specs for same-named columns."""
        specs = dict(self.columns)
        for name in self.schema.names:
            if name not in specs and name in header:
                specs[name] = name
        return specs

    def check_against(self, header: list[str], file: str) -> None:
        problems: list[str] = []
        known = set(header)
        specs = self.resolved(header)
        for target, spec in specs.items():
            for col in self.source_columns(spec):
                if col not in known:
                    problems.append(
                        f"mapping {self.name or '(inline)'}: {target} reads column {col!r}, which is not in "
                        f"{file} (its columns: {', '.join(header)})")
        for d in self.defects:
            for col in _condition_columns(d.get("when", {})):
                if col not in known:
                    problems.append(f"mapping {self.name or '(inline)'}: defect {d.get('id')} reads column "
                                    f"{col!r}, which is not in {file}")
        missing = [req for req in self.schema.required if req not in specs]
        if missing:
            names = ", ".join(repr(m) for m in missing)
            verb = "column {} of table {} is" if len(missing) == 1 else "columns {} of table {} are"
            problems.append("required " + verb.format(names, self.table) + f" missing from {file}"
                            + ("" if self.columns else f" (its columns: {', '.join(header)})"))
        if problems:
            raise MappingError(problems)

    # --- applying --------------------------------------------------------------------------
    def apply(self, df: pd.DataFrame, header: list[str]) -> tuple[dict[str, pd.Series], dict[str, str],
                                                                  dict[str, np.ndarray]]:
        """Evaluate every spec on a chunk.

        Returns (canonical column -> raw values, canonical column -> source column label
        for error messages, event name -> boolean row mask of handled defects)."""
        out: dict[str, pd.Series] = {}
        labels: dict[str, str] = {}
        events: dict[str, np.ndarray] = {}
        for target, spec in self.resolved(header).items():
            out[target] = _eval(spec, df, target, events)
            srcs = self.source_columns(spec)
            labels[target] = target if srcs == [target] else f"{'+'.join(dict.fromkeys(srcs)) or 'constant'} → {target}"
        for d in self.defects:
            events[f"defect:{d['id']}"] = _condition(d.get("when", {}), df)
        return out, labels, events

    def defect_texts(self) -> dict[str, str]:
        """Defect id -> description, from the defects list and from specs carrying ``defect:``."""
        texts = {d["id"]: d.get("description", d["id"]) for d in self.defects}

        def walk(spec: Any) -> None:
            if isinstance(spec, dict):
                if isinstance(spec.get("defect"), dict):
                    texts[spec["defect"]["id"]] = spec["defect"].get("description", spec["defect"]["id"])
                for key in ("coalesce", "min"):
                    for sub in spec.get(key, []):
                        walk(sub)

        for spec in self.columns.values():
            walk(spec)
        return texts


def _condition_columns(cond: dict[str, Any]) -> list[str]:
    if "all" in cond:
        return [c for sub in cond["all"] for c in _condition_columns(sub)]
    return [cond["column"]] if "column" in cond else []


def _condition(cond: dict[str, Any], df: pd.DataFrame) -> np.ndarray:
    if "all" in cond:
        mask = np.ones(len(df), dtype=bool)
        for sub in cond["all"]:
            mask &= _condition(sub, df)
        return mask
    s = df[cond["column"]]
    if "in" in cond:
        return np.asarray(s.astype(str).isin([str(v) for v in cond["in"]]).to_numpy(), dtype=bool)
    num = pd.to_numeric(s, errors="coerce")
    for op, fn in (("lt", np.less), ("gt", np.greater), ("eq", np.equal)):
        if op in cond:
            return np.asarray(fn(num.to_numpy(dtype=float, na_value=np.nan), float(cond[op])))
    raise MappingError([f"defect condition {cond} needs one of in/eq/lt/gt"])


def _strip(s: pd.Series) -> pd.Series:
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        return s.astype("string").str.strip()
    return s


def _nullify(s: pd.Series, null_values: list[Any] | None) -> pd.Series:
    if not null_values:
        return s
    return s.mask(s.astype("string").isin([str(v) for v in null_values]))


def _seconds_of_day(s: pd.Series) -> pd.Series:
    parts = s.astype("string").str.strip().str.split(":", expand=True)
    if parts.shape[1] < 2:
        return pd.Series(np.nan, index=s.index)
    h = pd.to_numeric(parts[0], errors="coerce")
    m = pd.to_numeric(parts[1], errors="coerce")
    sec = pd.to_numeric(parts[2], errors="coerce") if parts.shape[1] > 2 else 0.0
    total = h * 3600 + m * 60 + sec
    bad = (h < 0) | (h > 23) | (m < 0) | (m > 59)
    if parts.shape[1] > 2:
        bad |= (sec < 0) | (sec >= 60)
    return total.mask(bad).astype("Float64")


class _Unparsed(str):
    """Marks a value the mapping could not compose; the validator reports it."""


def _eval(spec: Any, df: pd.DataFrame, target: str, events: dict[str, np.ndarray]) -> pd.Series:
    if isinstance(spec, str):
        return _strip(df[spec])
    if not isinstance(spec, dict):
        raise MappingError([f"{target}: a column spec must be a column name or a mapping, got {spec!r}"])
    if "const" in spec:
        return pd.Series([spec["const"]] * len(df), index=df.index, dtype=object)
    if "column" in spec:
        s = _nullify(_strip(df[spec["column"]]), spec.get("null_values"))
        if "extract" in spec:
            s = s.astype("string").str.extract(spec["extract"], expand=False)
        if "map" in spec:
            table = {str(k): v for k, v in spec["map"].items()}
            mapped = s.astype("string").map(table)
            # unmapped values stay as they are, so the validator names them
            s = mapped.astype(object).where(mapped.notna(), s.astype(object))
        result = s
    elif "template" in spec:
        cols = _TEMPLATE_FIELD.findall(spec["template"])
        pieces = re.split(r"\{[^{}]+\}", spec["template"])
        result = pd.Series(pieces[0], index=df.index, dtype="string")
        any_null = pd.Series(False, index=df.index)
        for col, lit in zip(cols, pieces[1:], strict=True):
            v = _strip(df[col]).astype("string")
            any_null |= v.isna() | (v == "")
            result = result + v.fillna("") + lit
        result = result.mask(any_null)
    elif "date" in spec:
        result = _compose_ts(spec, df, target, events)
    elif "coalesce" in spec:
        parts = [_eval(sub, df, target, events) for sub in spec["coalesce"]]
        result = parts[0]
        for p in parts[1:]:
            result = result.where(result.notna(), p)
        # a declared defect: rows where the first choice was empty and a fallback was used
        _note(spec, events, parts[0].isna().to_numpy(dtype=bool) & result.notna().to_numpy(dtype=bool))
    elif "sum" in spec or "sub" in spec or "mul" in spec:
        key = next(k for k in ("sum", "sub", "mul") if k in spec)
        parts = [_number(_eval(sub, df, target, events)) for sub in spec[key]]
        frame = pd.concat([pd.to_numeric(p, errors="coerce") for p in parts], axis=1)
        if key == "sum":
            result = frame.sum(axis=1, min_count=1)
        elif key == "mul":
            result = frame.prod(axis=1, min_count=len(parts))
        else:
            result = frame.iloc[:, 0] - frame.iloc[:, 1:].fillna(0.0).sum(axis=1)
        result = _keep_unparsed(result, parts, df)
    elif "min" in spec:
        parts = [_eval(sub, df, target, events) for sub in spec["min"]]
        frame = pd.concat([pd.to_datetime(p) for p in parts], axis=1)
        result = frame.min(axis=1)
        first = frame.iloc[:, 0]
        # a declared defect: rows where a later choice is strictly earlier than the first
        _note(spec, events, (result < first).fillna(False).to_numpy(dtype=bool))
    else:
        raise MappingError([f"{target}: unknown column spec {spec!r}"])
    if "scale" in spec:
        num = _number(result)
        result = _keep_unparsed(num * float(spec["scale"]), [num], df)
    when = spec.get("when")
    if when:
        keep = np.ones(len(df), dtype=bool)
        for col, values in when.items():
            keep &= df[col].astype(str).str.strip().isin([str(v) for v in values]).to_numpy()
        result = result.where(keep)
    return result


def _number(s: pd.Series) -> pd.Series:
    """Numbers of a raw column; text that is not a number stays visible to the validator."""
    num = pd.to_numeric(s.astype(object) if s.dtype == object else s, errors="coerce").astype(float)
    raw = s.astype(object)
    bad = num.isna() & raw.notna() & (raw.astype("string").str.strip() != "").fillna(False)
    if bad.any():
        out = num.astype(object)
        out[bad] = raw[bad].map(lambda v: _Unparsed(str(v)))
        return out
    return num


def _keep_unparsed(result: pd.Series, parts: list[pd.Series], df: pd.DataFrame) -> pd.Series:
    """Where an input was not a number, the result shows that text so the validator names it."""
    for p in parts:
        if p.dtype == object:
            bad = p.map(lambda v: isinstance(v, str))  # _number leaves only unparsable text as text
            if bad.any():
                result = result.astype(object)
                result[bad] = p[bad]
    return result


def _note(spec: dict[str, Any], events: dict[str, np.ndarray], mask: np.ndarray) -> None:
    d = spec.get("defect")
    if d:
        key = f"defect:{d['id']}"
        events[key] = events.get(key, np.zeros(len(mask), bool)) | mask


def _compose_ts(spec: dict[str, Any], df: pd.DataFrame, target: str,
                events: dict[str, np.ndarray]) -> pd.Series:
    dates = _strip(df[spec["date"]]).astype("string")
    fmt = spec.get("date_format", "%Y-%m-%d")
    if "%y" in fmt:
        events["two_digit_year"] = events.get("two_digit_year", np.zeros(len(df), bool)) | dates.notna().to_numpy()
    day = pd.to_datetime(dates, format=fmt, errors="coerce")
    if "time" not in spec:
        result = day
        raw_time = None
    else:
        raw_time = _nullify(_strip(df[spec["time"]]), spec.get("null_values"))
        if spec.get("time_format") == "hhmm":  # Avaya CMS starttime: 930 is 09:30
            digits = raw_time.astype("string").str.replace(r"\.0$", "", regex=True)
            padded = digits.str.zfill(4)
            raw_time = (padded.str[:-2] + ":" + padded.str[-2:]).where(digits.str.fullmatch(r"\d{1,4}"), raw_time)
        secs = _seconds_of_day(raw_time)
        if "next_day_if_before" in spec:
            ref = _seconds_of_day(df[spec["next_day_if_before"]])
            rolled = (secs < ref - HALF_DAY).fillna(False).to_numpy(dtype=bool)
            if rolled.any():
                events[f"next_day:{target}"] = events.get(f"next_day:{target}", np.zeros(len(df), bool)) | rolled
            secs = secs + np.where(rolled, 86400, 0)
        result = day + pd.to_timedelta(secs.astype(float), unit="s")
    # keep the raw text where composition failed, so the validator reports the bad value
    failed = result.isna() & dates.notna()
    if raw_time is not None:
        failed &= raw_time.notna()
    if failed.any():
        raw = dates.astype(object) if raw_time is None else (dates + " " + raw_time.astype("string")).astype(object)
        out = result.astype(object)
        out[failed] = raw[failed].map(_Unparsed)
        return out
    return result


def load_mapping(source: str | os.PathLike[str] | dict[str, Any]) -> Mapping:
    """Load a mapping from a YAML path, a bundled mapping name (``anonymous_bank``) or a dict."""
    name: str | None = None
    if isinstance(source, dict):
        data = source
    else:
        path = Path(source)
        if not path.exists() and (MAPPINGS_DIR / f"{source}.yaml").exists():
            path = MAPPINGS_DIR / f"{source}.yaml"
        if not path.exists():
            raise MappingError([f"mapping file {source} not found (bundled: "
                                f"{', '.join(p.stem for p in MAPPINGS_DIR.glob('*.yaml'))})"])
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        name = path.name
    problems: list[str] = []
    if not isinstance(data, dict) or "table" not in data:
        raise MappingError([f"mapping {name or ''}: needs a 'table' key"])
    try:
        schema = get_table(data["table"])
    except KeyError as exc:
        raise MappingError([str(exc)]) from None
    columns = data.get("columns") or {}
    for target in columns:
        if target not in schema.names:
            problems.append(f"mapping {name or ''}: {target!r} is not a column of {schema.name} "
                            f"({', '.join(schema.names)})")
    if problems:
        raise MappingError(problems)
    return Mapping(table=schema.name, columns=dict(columns), source=dict(data.get("source") or {}),
                   defects=list(data.get("defects") or []), name=name)
