"""The clean-chunk path of the importer: type and check a chunk entirely in Arrow.

Most chunks of a real export have no bad cell. For those, every check of
``validate.ChunkValidator.convert`` can be made with Arrow compute kernels over the
columns as they come from the reader, without going through pandas. This module does
exactly that and nothing more: ``convert_clean`` returns the typed chunk when it is
sure that every cell passes every check, and ``None`` otherwise — as soon as any check
finds something, or when the chunk has a shape it does not handle (a composed mapping,
a column type it does not know, a table with a pattern rule). On ``None`` the importer
gives the same chunk to the pandas path, which finds and words every problem. So the
clean path decides nothing about errors; it can only say "all clean" or "not sure".

The typed values are the ones the pandas path produces for the same cells
(``tests/ingest/test_fast_path.py`` checks both paths cell by cell on generated chunks,
clean and dirty).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kaohe.metrics.events import Column, NotBefore, RequiredWhen, TableSchema
from kaohe.metrics.ingest.mapping import Mapping
from kaohe.metrics.ingest.validate import (
    _FALSE,
    _TRUE,
    MAX_ABS_NUMBER,
    MAX_TEXT_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
)

# The date-time shapes read here; any other shape (zone suffix, compact forms, nanoseconds…)
# goes to the pandas path, which reads every ISO 8601 form.
_TS_SHAPE = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?$"
_DATE_SHAPE = r"^\d{4}-\d{2}-\d{2}$"
_BOOL_WORDS = pa.array(sorted(_TRUE | _FALSE))
_TRUE_WORDS = pa.array(sorted(_TRUE))


class _NotClean(Exception):
    """Some cell may be bad, or the chunk has a shape handled only by the pandas path."""


def plain_columns(m: Mapping, header: list[str]) -> dict[str, str] | None:
    """Canonical column -> source column when every spec of the mapping takes one source column as
    it is (no constants, templates, maps, defects), else None: only such mappings use the clean path."""
    if m.defects or any(c.pattern for c in m.schema.columns):
        return None
    specs = m.resolved(header)
    if not all(isinstance(s, str) for s in specs.values()):
        return None
    return {target: str(src) for target, src in specs.items()}


class CleanConverter:
    """Types clean chunks of one import (one schema, zone and set of known employees)."""

    def __init__(self, schema: TableSchema, columns: dict[str, str], tz: str = "UTC",
                 org_ids: set[str] | None = None):
        self.schema = schema
        self.columns = columns
        self.tz = tz
        self.org = pa.array(sorted(org_ids), pa.string()) if org_ids is not None else None

    def convert(self, chunk: pa.Table | pa.RecordBatch) -> pa.Table | None:
        """The typed chunk (the schema's columns, in order) when every cell is clean, else None."""
        try:
            return self._convert(chunk)
        except (_NotClean, pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            return None
        except (ValueError, OverflowError):  # a date-time beyond Python's years (10000 and later)
            return None

    def _convert(self, chunk: pa.Table | pa.RecordBatch) -> pa.Table:
        n = chunk.num_rows
        typed: dict[str, Any] = {}
        for col in self.schema.columns:
            src = self.columns.get(col.name)
            if src is None:
                if col.required:
                    raise _NotClean
                typed[col.name] = pa.nulls(n, col.arrow_type)
                continue
            arr = chunk.column(src)
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.combine_chunks()
            typed[col.name] = self._column(col, arr)
        for check in self.schema.checks:
            if isinstance(check, NotBefore):
                _refuse(pc.less(typed[check.later], typed[check.earlier]))
            elif isinstance(check, RequiredWhen):
                when = pc.is_in(typed[check.when_column], value_set=pa.array(check.values, pa.string()))
                _refuse(pc.and_(typed[check.column].is_null(), when))
        return pa.Table.from_arrays([typed[c.name] for c in self.schema.columns], names=self.schema.names)

    def _column(self, col: Column, arr: pa.Array) -> pa.Array:
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            # the mapping strips text; an empty cell is a missing value
            text = pc.utf8_trim_whitespace(arr.cast(pa.string()))
            arr = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
            out = self._from_text(col, arr)
        else:
            out = self._from_typed(col, arr)
        if col.required and out.null_count:
            raise _NotClean
        if col.enum is not None:
            _refuse(pc.invert(pc.is_in(out, value_set=pa.array(col.enum, pa.string()))))
        # range checks hold for every cell when they hold for the smallest and the largest one
        low, high = _min_max(out) if col.type in ("float", "int", "ts", "date") else (None, None)
        if col.type in ("float", "int"):
            _refuse(pc.invert(pc.is_finite(out)))
            if low is not None and high is not None and max(-low, high) > MAX_ABS_NUMBER:
                raise _NotClean
        if col.type in ("ts", "date") and low is not None and high is not None and \
                (low.year < MIN_YEAR or high.year > MAX_YEAR):
            raise _NotClean
        if col.type == "str":
            _refuse_long_or_nul(out)
        if col.min is not None and low is not None and low < col.min:
            raise _NotClean
        if col.max is not None and high is not None and high > col.max:
            raise _NotClean
        if col.employee_ref and self.org is not None:
            _refuse(pc.invert(pc.is_in(out, value_set=self.org)))
        return out

    def _from_text(self, col: Column, arr: pa.Array) -> pa.Array:
        if col.type == "str":
            return arr
        if col.type in ("float", "int"):
            num = arr.cast(pa.float64())  # raises on anything that is not a plain number
            if col.type == "int":
                _refuse(pc.not_equal(pc.floor(num), num))
                return num.cast(pa.int64())
            return num
        if col.type == "bool":
            low = pc.utf8_lower(arr)
            _refuse(pc.invert(pc.is_in(low, value_set=_BOOL_WORDS)))
            return pc.if_else(low.is_null(), pa.scalar(None, pa.bool_()), pc.is_in(low, value_set=_TRUE_WORDS))
        if col.type == "ts":
            if not _fixed_iso_shape(arr, _TS_LENGTHS):
                _refuse(pc.invert(pc.match_substring_regex(arr, _TS_SHAPE)))
            return self._utc(arr.cast(pa.timestamp("us")))
        if col.type == "date":
            if not _fixed_iso_shape(arr, (10,)):
                _refuse(pc.invert(pc.match_substring_regex(arr, _DATE_SHAPE)))
            return arr.cast(pa.date32())
        raise _NotClean

    def _from_typed(self, col: Column, arr: pa.Array) -> pa.Array:
        t = arr.type
        if col.type in ("float", "int") and (pa.types.is_floating(t) or pa.types.is_integer(t)):
            num = arr.cast(pa.float64())
            if col.type == "int":
                _refuse(pc.not_equal(pc.floor(num), num))
                return num.cast(pa.int64())
            return num
        if col.type == "bool" and pa.types.is_boolean(t):
            return arr
        if col.type == "ts" and pa.types.is_timestamp(t) and t.tz is None:
            return self._utc(arr.cast(pa.timestamp("us")))  # raises if sub-microsecond digits would be lost
        if col.type == "date" and pa.types.is_date32(t):
            return arr
        raise _NotClean

    def _utc(self, local: pa.Array) -> pa.Array:
        if self.tz.upper() == "UTC":
            return local
        zoned = pc.assume_timezone(local, timezone=self.tz, ambiguous="raise", nonexistent="raise")
        return zoned.cast(pa.timestamp("us"))  # the instant in UTC, without the zone


_TS_LENGTHS = (10, 16, 19, 21, 22, 23, 24, 25, 26)  # the lengths _TS_SHAPE admits


def _fixed_iso_shape(text: pa.Array, lengths: tuple[int, ...]) -> bool:
    """True when every value has the shape of _TS_SHAPE (or _DATE_SHAPE with ``lengths`` (10,)), checked
    byte by byte in numpy: only for the usual column whose values all have one length (an export writes
    its times one way), stacked as a matrix of that many columns. False means "not shown this way"
    (values of several lengths, or one that does not fit): the caller then asks the regular expression."""
    valid = text.is_valid()
    lengths_all = pc.binary_length(text)
    present = pc.filter(lengths_all, valid)
    if not len(present):
        return False
    mm = pc.min_max(present)
    width = mm["min"].as_py()
    if width != mm["max"].as_py() or width not in lengths:
        return False
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset:text.offset + len(text) + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    if end - start != width * len(present):  # a null slot holding bytes: leave it to the expression
        return False
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[start:end].reshape(-1, width)
    digits = [0, 1, 2, 3, 5, 6, 8, 9]
    fixed = [(4, b"-"), (7, b"-")]
    if width >= 16:
        digits += [11, 12, 14, 15]
        fixed.append((13, b":"))
        sep = data[:, 10]
        if not ((sep == ord(" ")) | (sep == ord("T"))).all():
            return False
    if width >= 19:
        digits += [17, 18]
        fixed.append((16, b":"))
    if width >= 21:
        digits += list(range(20, width))
        fixed.append((19, b"."))
    if any(not (data[:, i] == ch[0]).all() for i, ch in fixed):
        return False
    d = data[:, digits]
    return bool(((d >= ord("0")) & (d <= ord("9"))).all())


def _min_max(arr: pa.Array) -> tuple[Any, Any]:
    mm = pc.min_max(arr)
    return mm["min"].as_py(), mm["max"].as_py()


def _refuse_long_or_nul(text: pa.Array) -> None:
    """Text over MAX_TEXT_LENGTH characters or with a NUL. A value of at most MAX_TEXT_LENGTH bytes has
    at most as many characters, and a NUL byte is a NUL character in UTF-8: so the characters are
    counted, and the values searched, only when the byte lengths or the bytes themselves say so."""
    if not len(text) or text.null_count == len(text):
        return
    if pc.max(pc.binary_length(text)).as_py() > MAX_TEXT_LENGTH:
        _refuse(pc.greater(pc.utf8_length(text), MAX_TEXT_LENGTH))
    data = text.buffers()[2]
    if data is not None and data.size and not np.frombuffer(data, dtype=np.uint8).all():
        _refuse(pc.match_substring(text, "\x00"))


def _refuse(mask: pa.Array) -> None:
    """Stop at the first true cell of a check (nulls are not failures: a check of an empty cell is
    either not made or made by the required-value rule)."""
    if pc.any(mask).as_py():
        raise _NotClean
