"""Periods, buckets and the fixed-offset cut of the company zone."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kaohe.metrics.catalog.periods import Period, PeriodError, ZoneCut


@pytest.mark.parametrize(
    "text,start,end,label",
    [
        ("2026-10-01", datetime(2026, 10, 1), datetime(2026, 10, 2), "2026-10-01"),
        ("2026-10", datetime(2026, 10, 1), datetime(2026, 11, 1), "2026-10"),
        ("2026-12", datetime(2026, 12, 1), datetime(2027, 1, 1), "2026-12"),
        ("2026-Q4", datetime(2026, 10, 1), datetime(2027, 1, 1), "2026-Q4"),
        ("2026", datetime(2026, 1, 1), datetime(2027, 1, 1), "2026"),
        ("2026-10-01/2026-10-08", datetime(2026, 10, 1), datetime(2026, 10, 8), "2026-10-01/2026-10-08"),
    ],
)
def test_period_texts(text, start, end, label):
    p = Period.parse(text)
    assert (p.start, p.end, p.bucket_label(p.start)) == (start, end, label)


def test_bad_periods_are_refused_with_the_accepted_forms():
    with pytest.raises(PeriodError, match="YYYY-MM-DD, YYYY-MM"):
        Period.parse("Oct 2026")
    with pytest.raises(PeriodError, match="after its start"):
        Period.range("2026-10-08", "2026-10-01")


def test_buckets_of_a_quarter_by_month():
    p = Period.parse("2026-Q4").by("month")
    assert [p.bucket_label(b) for b in p.bucket_starts()] == ["2026-10", "2026-11", "2026-12"]


def test_shanghai_has_a_fixed_offset_and_berlin_in_march_does_not():
    assert ZoneCut.for_period(Period.parse("2026"), "Asia/Shanghai").offset == timedelta(hours=8)
    cut = ZoneCut.for_period(Period.parse("2026-03"), "Europe/Berlin")
    assert cut.offset is None
    assert cut.to_utc(datetime(2026, 3, 30)) == datetime(2026, 3, 29, 22)  # summer time: UTC+2
    assert ZoneCut.for_period(Period.parse("2026-07"), "Europe/Berlin").offset == timedelta(hours=2)
