"""Type every raw column of a chunk against its canonical schema, collecting every bad cell."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from kaohe.metrics.events import Column, NotBefore, RequiredWhen, TableSchema
from kaohe.metrics.ingest.report import MAX_ROW_ERRORS, ImportReport, RowError

MAX_ERRORS_PER_PROBLEM = 50
MAX_ABS_NUMBER = 1e12
MIN_YEAR, MAX_YEAR = 1970, 2200
MAX_TEXT_LENGTH = 2000

_TRUE = {"true", "t", "yes", "y", "1", "是", "对"}
_FALSE = {"false", "f", "no", "n", "0", "否", "错"}


def _is_blank(s: pd.Series) -> np.ndarray:
    """Empty cells. Text from the mapping is already stripped, so "" is enough here."""
    blank = s.isna().to_numpy(dtype=bool, copy=True)
    if pd.api.types.is_string_dtype(s) and s.dtype != object:
        blank |= (s == "").fillna(True).to_numpy(dtype=bool)
    elif s.dtype == object:
        blank |= s.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(dtype=bool)
    return np.asarray(blank, dtype=bool)


def _as_text(s: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(s):
        # 34536.0 from a spreadsheet is the identifier "34536"
        integral = s.notna() & (s == np.floor(s))
        out = s.astype(object)
        out[integral] = s[integral].astype("int64").astype(str)
        return out.astype("string")
    if s.dtype == object:
        return s.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v).astype("string")
    return s.astype("string")


def _to_utc(s: pd.Series, tz: str) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").dt.tz_localize(None)
    if tz.upper() == "UTC":
        return s
    return s.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC").dt.tz_localize(None)


def _parse_ts(s: pd.Series, tz: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return _to_utc(s, tz)
    if s.dtype == object:
        # may hold datetimes (spreadsheets, composed values) and text
        s = s.map(lambda v: v.isoformat(sep=" ") if hasattr(v, "isoformat") else v)
    text = s.astype("string").str.strip()
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):
        # mixed naive and zoned values: parse each as UTC-aware, zone-less ones as local
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
        return parsed
    return _to_utc(parsed, tz)


def _parse(col: Column, s: pd.Series, tz: str) -> pd.Series:
    """Parsed values; NaN/NaT/NA where the raw value is blank or unparseable."""
    if col.type == "str":
        text = _as_text(s)
        if s.dtype == object:
            text = text.str.strip()
        return text.mask(text == "")
    if col.type in ("float", "int"):
        if pd.api.types.is_bool_dtype(s):
            s = s.astype(float)
        num = pd.to_numeric(s.astype(object) if s.dtype == object else s, errors="coerce")
        num = num.astype(float)
        if col.type == "int":
            num = num.where(num == np.floor(num))
        return num
    if col.type == "bool":
        if pd.api.types.is_bool_dtype(s):
            return s.astype("boolean")
        text = s.astype("string").str.strip().str.lower()
        out = pd.Series(pd.NA, index=s.index, dtype="boolean")
        out[text.isin(_TRUE).fillna(False)] = True
        out[text.isin(_FALSE).fillna(False)] = False
        return out
    if col.type == "ts":
        return _parse_ts(s, tz)
    if col.type == "date":
        if pd.api.types.is_datetime64_any_dtype(s):
            return s.dt.normalize()
        if s.dtype == object:
            s = s.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
        parsed = pd.to_datetime(s.astype("string").str.strip(), format="ISO8601", errors="coerce")
        if isinstance(parsed.dtype, pd.DatetimeTZDtype):
            parsed = parsed.dt.tz_localize(None)
        return parsed.dt.normalize()
    raise AssertionError(col.type)


_TYPE_WORDS = {"float": "a number", "int": "a whole number", "bool": "true/false",
               "ts": "a date-time", "date": "a date", "str": "text"}


class ChunkValidator:
    def __init__(self, schema: TableSchema, report: ImportReport, file: str, tz: str = "UTC",
                 org_ids: set[str] | None = None):
        self.schema = schema
        self.report = report
        self.file = file
        self.tz = tz
        self.org_ids = org_ids

    def _flag(self, mask: np.ndarray, first_row: int, label: str, reason: str, raw: pd.Series | None,
              bad: np.ndarray) -> None:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        bad[idx] = True
        rep = self.report
        # the first MAX_ERRORS_PER_PROBLEM cells of each column and problem are listed, the rest counted
        # (a file of 300,000 empty rows gives a short report, not a 21 MB page)
        key = (label, reason.split(" (")[0])
        room = max(0, min(MAX_ROW_ERRORS - len(rep.errors), MAX_ERRORS_PER_PROBLEM - rep.error_counts[key]))
        for i in idx[:room]:
            value = None
            if raw is not None:
                v = raw.iloc[i]
                value = None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            rep.errors.append(RowError(self.file, first_row + int(i), label, reason, value))
        rep.errors_total += len(idx)
        rep.error_counts[key] += len(idx)

    def convert(self, raw: dict[str, pd.Series], labels: dict[str, str], first_row: int,
                n: int) -> tuple[pa.Table, np.ndarray]:
        """Return the typed chunk and a mask of rows with at least one error."""
        bad = np.zeros(n, dtype=bool)
        parsed: dict[str, pd.Series] = {}
        index = next(iter(raw.values())).index if raw else pd.RangeIndex(n)
        for col in self.schema.columns:
            label = labels.get(col.name, col.name)
            if col.name not in raw:
                parsed[col.name] = pd.Series([None] * n, index=index, dtype=object)
                if col.required:
                    self._flag(np.ones(n, bool), first_row, label, "required value is empty", None, bad)
                continue
            s = raw[col.name]
            blank = _is_blank(s)
            p = _parse(col, s, self.tz)
            missing = p.isna().to_numpy(dtype=bool)
            self._flag(missing & ~blank, first_row, label,
                       f"not {_TYPE_WORDS[col.type]}" + (" (YYYY-MM-DD HH:MM:SS)" if col.type == "ts" else ""),
                       s, bad)
            if col.required:
                self._flag(blank, first_row, label, "required value is empty", None, bad)
            ok = ~missing
            if col.enum is not None:
                self._flag(ok & ~p.isin(col.enum).to_numpy(dtype=bool), first_row, label,
                           f"must be one of {', '.join(col.enum)}", s, bad)
            if col.pattern is not None:
                fits = p.str.fullmatch(col.pattern).fillna(False).to_numpy(dtype=bool)
                self._flag(ok & ~fits, first_row, label, f"does not match the pattern {col.pattern}", s, bad)
            if col.type in ("float", "int"):  # finite and of a size a record can have (no 1e308, no inf)
                num = p.astype(float)
                self._flag(ok & ~(np.isfinite(num) & (num.abs() <= MAX_ABS_NUMBER)).fillna(False).to_numpy(dtype=bool),
                           first_row, label, f"outside the range ±{MAX_ABS_NUMBER:g}", s, bad)
            if col.type in ("ts", "date"):  # a year an operational record can have (no year 1, no 9999)
                years = p.dt.year
                self._flag(ok & ~years.between(MIN_YEAR, MAX_YEAR).fillna(False).to_numpy(dtype=bool), first_row,
                           label, f"year outside {MIN_YEAR}–{MAX_YEAR}", s, bad)
            if col.type == "str":  # one cell is a value, not a document
                too_long = p.str.len().fillna(0).to_numpy() > MAX_TEXT_LENGTH
                self._flag(ok & too_long, first_row, label, f"text longer than {MAX_TEXT_LENGTH} characters",
                           p.str.slice(0, 40), bad)
                nul = p.str.contains("\x00", regex=False).fillna(False).to_numpy(dtype=bool)
                self._flag(ok & nul, first_row, label, "text contains a NUL character", None, bad)
            if col.min is not None:
                self._flag(ok & (p < col.min).fillna(False).to_numpy(dtype=bool), first_row, label,
                           f"below the minimum {col.min:g}", s, bad)
            if col.max is not None:
                self._flag(ok & (p > col.max).fillna(False).to_numpy(dtype=bool), first_row, label,
                           f"above the maximum {col.max:g}", s, bad)
            if col.employee_ref and self.org_ids is not None:
                unknown = ok & ~p.isin(self.org_ids).to_numpy(dtype=bool)
                self._flag(unknown, first_row, label, "unknown employee (not in the org table)", s, bad)
            parsed[col.name] = p
        for check in self.schema.checks:
            if isinstance(check, NotBefore):
                later, earlier = parsed[check.later], parsed[check.earlier]
                if later.dtype == object or earlier.dtype == object:
                    continue
                wrong = (later < earlier).fillna(False).to_numpy(dtype=bool)
                if wrong.any():
                    vals = later.astype(str) + f" < {check.earlier} " + earlier.astype(str)
                    self._flag(wrong, first_row, labels.get(check.later, check.later), check.describe(),
                               vals, bad)
            elif isinstance(check, RequiredWhen):
                empty = parsed[check.column].isna().to_numpy(dtype=bool)
                cond = parsed[check.when_column].isin(check.values).fillna(False).to_numpy(dtype=bool)
                self._flag(empty & cond, first_row, labels.get(check.column, check.column), check.describe(),
                           None, bad)
        arrays = [_to_arrow(col, parsed[col.name]) for col in self.schema.columns]
        return pa.Table.from_arrays(arrays, names=self.schema.names), bad


def _to_arrow(col: Column, s: pd.Series) -> Any:
    if s.dtype == object and s.isna().all():
        return pa.nulls(len(s), col.arrow_type)
    if col.type == "date":
        return pa.Array.from_pandas(s, type=pa.timestamp("us")).cast(pa.date32())
    if col.type == "ts":
        return pa.Array.from_pandas(s.astype("datetime64[us]"), type=pa.timestamp("us"))
    return pa.Array.from_pandas(s, type=col.arrow_type)
