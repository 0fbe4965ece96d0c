"""The byte-wise date-time shape check of the clean path says "fits" only where the regular
expression it stands in for says so for every value, on random near-ISO text."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.metrics.ingest.fastpath import _DATE_SHAPE, _TS_LENGTHS, _TS_SHAPE, _fixed_iso_shape

VALID = "2026-03-02 09:15:07.123456"
CHARS = "0123456789-: .TZ+/\u0661a话"


@st.composite
def near_iso(draw):
    """A valid date-time of one of the admitted lengths, with a few characters changed."""
    text = list(VALID[: draw(st.sampled_from([10, 13, 16, 19, 20, 21, 24, 26, 27]))].ljust(27, "7")[
        : draw(st.sampled_from([10, 16, 19, 21, 26]))])
    for _ in range(draw(st.integers(0, 2))):
        text[draw(st.integers(0, len(text) - 1))] = draw(st.sampled_from(CHARS))
    return "".join(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(near_iso(), min_size=1, max_size=6), st.lists(st.booleans(), min_size=6, max_size=6),
       st.integers(0, 2))
def test_the_byte_check_never_admits_what_the_expression_refuses(values, nulls, offset):
    cells = [None if nulls[i] else v for i, v in enumerate(values)]
    arr = pa.array(["x"] * offset + cells, pa.string()).slice(offset)
    for lengths, shape in ((_TS_LENGTHS, _TS_SHAPE), ((10,), _DATE_SHAPE)):
        everyone = all(re.fullmatch(shape, v, re.ASCII) for v in cells if v is not None)
        assert everyone == bool(pc.all(pc.match_substring_regex(arr, shape)).as_py() is not False)
        got = _fixed_iso_shape(arr, lengths)
        if got:
            assert everyone, cells
        widths = {len(v) for v in cells if v is not None}
        if len(widths) == 1 and widths <= set(lengths) and all(v.isascii() for v in cells if v is not None):
            assert got == everyone, cells  # one length: judged exactly as the expression judges


def test_a_column_of_one_length_is_judged_without_the_expression():
    assert _fixed_iso_shape(pa.array(["2026-03-02 09:15:07", None, "2026-12-31T23:59:59"]), _TS_LENGTHS)
    assert _fixed_iso_shape(pa.array(["2026-03-02 09:15:07.5", "2026-03-02 09:15:07.6"]), _TS_LENGTHS)
    assert not _fixed_iso_shape(pa.array(["2026-03-02 09:15:07", "2026-03-02 09:15:0x"]), _TS_LENGTHS)
    assert not _fixed_iso_shape(pa.array(["2026-03-02 09:15:07", "2026-03-02"]), _TS_LENGTHS)  # two lengths
    assert not _fixed_iso_shape(pa.array(["2026-03-02+09:15:07"]), _TS_LENGTHS)
    assert not _fixed_iso_shape(pa.array(["2026-03-02 09:15:07Z"]), _TS_LENGTHS)  # length 20
    assert _fixed_iso_shape(pa.array(["2026-03-02"]), (10,))
    assert not _fixed_iso_shape(pa.array(["2026-03-0\u0662"]), (10,))  # an Arabic-Indic digit
