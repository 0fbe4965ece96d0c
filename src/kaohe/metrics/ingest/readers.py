"""Stream a source file (CSV, XLSX, Parquet) as pandas chunks of raw values.

Every reader yields ``(frame, first_row)`` where ``first_row`` is the row number the
user sees for the frame's first record: in CSV and XLSX the header is row 1, so the
first data record is row 2; in Parquet the first record is row 1.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

CHUNK_ROWS = 500_000
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


class SourceError(Exception):
    """A problem with the file as a whole (encoding, emptiness, format)."""


def detect_format(path: Path, declared: str | None = None) -> str:
    if declared:
        return declared.lower()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    return "csv"  # .csv, .txt, .tsv and anything else that is text


def _normalise_encoding(name: str) -> str:
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise SourceError(f"unknown encoding {name!r}") from None
    # GB2312 and GBK are subsets of GB18030: decoding with the superset never loses text.
    return "gb18030" if canonical in _GB_FAMILY else canonical


def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """UTF-8 when the sample decodes as UTF-8, otherwise ask charset-normalizer."""
    with open(path, "rb") as f:
        sample = f.read(sample_bytes)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is not an error
        if exc.start >= len(sample) - 4 and len(sample) == sample_bytes:
            return "utf-8"
    if len(sample) == sample_bytes:  # do not judge a character cut at the end of the sample
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    # Chinese first: GB18030 (the superset of GBK/GB2312) when the bytes decode to plausible Chinese
    # text, then Big5. A statistical guess on a short file says cp949 or Shift-JIS for GBK, which
    # would store mojibake; so only an unambiguous Western single-byte answer is taken from the
    # detector, and anything else is refused with the candidates named.
    for candidate in ("gb18030", "big5"):
        text = _decodes(sample, candidate)
        if text is not None and _plausible_chinese(text):
            return _normalise_encoding(candidate)
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    # a European file the detector reads cleanly as a Latin code page: Windows-1252, the usual one
    if matches and matches[0].percent_chaos < 5 and _is_latin(matches[0].encoding):
        text = _decodes(sample, "cp1252")
        if text is not None and not _CONTROL.search(text):
            return "cp1252"
    candidates = ["gb18030", "big5"] + [m.encoding for m in matches[:3] if m.encoding not in ("gb18030", "big5")]
    raise SourceError(
        "cannot tell the file's encoding for sure (it could be " + ", ".join(dict.fromkeys(candidates))
        + "); name it, e.g. --encoding gb18030 / 无法可靠判断文件编码（可能是 "
        + "、".join(dict.fromkeys(candidates)) + "），请指定编码，例如 --encoding gb18030")


def _is_latin(encoding: str) -> bool:
    name = codecs.lookup(encoding).name
    return name.startswith(("cp125", "iso8859_", "latin_1", "mac_latin", "cp775", "cp850")) and name not in (
        "cp1251", "cp1253", "cp1255", "cp1256", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _decodes(sample: bytes, encoding: str) -> str | None:
    try:
        return sample.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _plausible_chinese(text: str) -> bool:
    """Decoded text that reads as Chinese: its non-ASCII characters are (nearly all) CJK ideographs,
    CJK or full-width punctuation; no private-use or control characters (the marks of mojibake)."""
    if _CONTROL.search(text):
        return False
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return True
    good = 0
    for c in wide:
        o = ord(c)
        if 0xE000 <= o <= 0xF8FF:
            return False
        if (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF
                or 0x2000 <= o <= 0x206F or 0x2460 <= o <= 0x24FF or o in (0xB7, 0xD7, 0xF7, 0xB0)):
            good += 1
    return good / len(wide) >= 0.97


def check_encoding(path: Path, encoding: str, sample_bytes: int = 1 << 20) -> None:
    """Fail early and precisely when a named encoding does not fit the file."""
    with open(path, "rb") as f:
        sample = f.read(sample_bytes)
    try:
        sample.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4 and len(sample) == sample_bytes:
            return
        line = sample[: exc.start].count(b"\n") + 1
        try:
            hint = detect_encoding(path)
        except SourceError:
            hint = None
        msg = (f"the file is not valid {encoding}: undecodable bytes {sample[exc.start:exc.end]!r} "
               f"at byte {exc.start} (line {line})")
        if hint and hint != encoding:
            msg += f"; it looks like {hint} — re-run with --encoding {hint}"
        raise SourceError(msg) from None


@dataclass
class SourceOptions:
    format: str | None = None
    encoding: str | None = None
    delimiter: str = ","
    sheet: str | None = None
    chunk_rows: int = CHUNK_ROWS


def resolve_encoding(path: Path, opts: SourceOptions) -> str | None:
    if detect_format(path, opts.format) != "csv":
        return None
    if opts.encoding:
        enc = _normalise_encoding(opts.encoding)
        if enc == "utf-8":
            enc = "utf-8-sig"  # tolerate a BOM
        check_encoding(path, enc)
        return enc
    return detect_encoding(path)


def read_header(path: Path, opts: SourceOptions, encoding: str | None) -> list[str]:
    fmt = detect_format(path, opts.format)
    if path.stat().st_size == 0:
        raise SourceError("the file is empty (0 bytes)")
    if fmt == "parquet":
        return list(_open_parquet(path).schema_arrow.names)
    if fmt == "xlsx":
        wb = _open_xlsx(path)
        try:
            ws = wb[opts.sheet] if opts.sheet else wb.active
            for row in ws.iter_rows(min_row=1, max_row=1, values_only=True):
                names = [str(c).strip() if c is not None else "" for c in row]
                _refuse_control_characters(names)
                return names
            raise SourceError("the sheet is empty")
        finally:
            wb.close()
    with open(path, encoding=encoding or "utf-8", newline="") as f:
        first = f.readline()
    first = first.split("\r")[0].rstrip("\n")
    if not first.strip():
        raise SourceError("the file has no header row")
    names = [c.strip().strip('"') for c in first.split(opts.delimiter)]
    _refuse_control_characters(names)
    return names


def _refuse_control_characters(names: list[str]) -> None:
    """A NUL or control character in a column name would silently drop that column: refuse instead."""
    for i, name in enumerate(names, start=1):
        if any(ord(ch) < 32 and ch != "\t" for ch in name):
            raise SourceError(f"the header's column {i} contains a NUL or control character; fix the header row / "
                              f"表头第 {i} 列含有 NUL 或控制字符，请修正表头")


def _open_xlsx(path: Path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for non-workbooks
        raise SourceError(f"not a readable XLSX workbook: {exc}") from None


def iter_chunks(path: Path, opts: SourceOptions, encoding: str | None,
                bad_row: list[tuple[int | None, str]] | None = None) -> Iterator[tuple[pd.DataFrame, int]]:
    fmt = detect_format(path, opts.format)
    if fmt == "xlsx":
        yield from _iter_xlsx(path, opts)
    else:
        for batch, row in iter_arrow_chunks(path, opts, encoding, bad_row):
            yield batch.to_pandas(), row


def iter_arrow_chunks(path: Path, opts: SourceOptions, encoding: str | None,
                      bad_row: list[tuple[int | None, str]] | None = None) -> Iterator[tuple[pa.RecordBatch, int]]:
    """CSV and Parquet chunks as Arrow record batches (``iter_chunks`` gives the same as pandas frames)."""
    fmt = detect_format(path, opts.format)
    if fmt == "parquet":
        yield from _iter_parquet(path, opts)
    elif fmt == "xlsx":
        raise ValueError("XLSX is read as pandas frames only (iter_chunks)")
    else:
        yield from _iter_csv(path, opts, encoding or "utf-8", bad_row)


def _open_parquet(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:  # a damaged or truncated file, or not Parquet at all
        raise SourceError(f"not a readable Parquet file: {exc}") from None


def _iter_parquet(path: Path, opts: SourceOptions) -> Iterator[tuple[pa.RecordBatch, int]]:
    row = 1
    try:
        # batches of at most 128 k rows: larger ones cost Arrow more to assemble than they save
        for batch in _open_parquet(path).iter_batches(batch_size=min(opts.chunk_rows, 1 << 17)):
            yield batch, row
            row += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise SourceError(f"the Parquet file is damaged near row {row}: {exc}") from None


def _iter_xlsx(path: Path, opts: SourceOptions) -> Iterator[tuple[pd.DataFrame, int]]:
    wb = _open_xlsx(path)
    try:
        ws = wb[opts.sheet] if opts.sheet else wb.active
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise SourceError("the sheet is empty")
        names = [str(c).strip() if c is not None else f"column_{i + 1}" for i, c in enumerate(header)]
        buf: list[tuple[object, ...]] = []
        first = 2
        for values in rows:
            buf.append(tuple(values[: len(names)]) + (None,) * (len(names) - len(values)))
            if len(buf) >= opts.chunk_rows:
                yield _xlsx_frame(buf, names), first
                first += len(buf)
                buf = []
        # trailing fully empty rows are layout, not data
        while buf and all(v is None or (isinstance(v, str) and not v.strip()) for v in buf[-1]):
            buf.pop()
        if buf:
            yield _xlsx_frame(buf, names), first
    finally:
        wb.close()


def _xlsx_frame(buf: list[tuple[object, ...]], names: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(buf, columns=names).astype(object)


def _iter_csv(path: Path, opts: SourceOptions, encoding: str,
              bad_row: list[tuple[int | None, str]] | None) -> Iterator[tuple[pa.RecordBatch, int]]:
    header = read_header(path, opts, encoding)
    found: list[tuple[int | None, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        found.append((row.number, f"row has {row.actual_columns} fields, the header has {row.expected_columns}"))
        return "skip"

    # Parsing runs on every core; Arrow then cannot number a malformed row, so when one turns up the
    # file is read once more on one thread only to number them (rare, and only on a file with errors).
    row = 2
    for batch in _csv_batches(path, opts, encoding, header, on_invalid, threads=True):
        n = batch.num_rows
        if n == 0:
            continue
        yield batch, row
        row += n
    if found and any(line is None for line, _ in found):
        found.clear()
        for _ in _csv_batches(path, opts, encoding, header, on_invalid, threads=False):
            pass
    if bad_row is not None:
        bad_row.extend(found)


def _csv_batches(path: Path, opts: SourceOptions, encoding: str, header: list[str],
                 on_invalid: Callable[[pacsv.InvalidRow], str], threads: bool) -> Iterator[pa.RecordBatch]:
    # blocks of roughly chunk_rows rows (assuming ~64 bytes a row), at most 16 MB
    block = max(256, min(16 << 20, opts.chunk_rows * 64))
    # Arrow reads UTF-8 natively (and skips a BOM); any other name goes through a slower
    # Python transcoding stream, so only use it for real non-UTF-8 files.
    arrow_encoding = "utf8" if encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig") else encoding
    read = pacsv.ReadOptions(encoding=arrow_encoding, block_size=block, use_threads=threads)
    parse = pacsv.ParseOptions(delimiter=opts.delimiter, invalid_row_handler=on_invalid,
                               newlines_in_values=False)
    convert = pacsv.ConvertOptions(column_types={name: pa.string() for name in header},
                                   strings_can_be_null=False, quoted_strings_can_be_null=False)
    try:
        reader = pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    except pa.ArrowInvalid as exc:
        raise SourceError(_csv_message(exc, encoding)) from None
    row = 2
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise SourceError(_csv_message(exc, encoding, row)) from None
        row += batch.num_rows
        yield batch


def _csv_message(exc: Exception, encoding: str, row: int | None = None) -> str:
    text = str(exc)
    if "UTF8" in text or "utf-8" in text.lower() or isinstance(exc, UnicodeDecodeError):
        where = f" (after row {row})" if row else ""
        return (f"the file is not valid {encoding}{where}; name its encoding, e.g. --encoding gb18030"
                f" [{text.splitlines()[0]}]")
    return f"cannot parse the file as delimited text: {text.splitlines()[0]}"
