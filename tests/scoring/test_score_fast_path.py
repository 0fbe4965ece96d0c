"""The population path gives exactly what scoring used to give, sheet by sheet and word by word.

`data/reference_sheets.json.gz` holds 364 sheets (8 of each library scheme and 100 of the bench's
15-indicator scheme, see `population.reference_cases`) as the scoring engine wrote them before the trace
text was written lazily, formulas were parsed once and the scheme's rule kinds were looked up once:
every field, Decimals as their exact text, trace steps and summaries in Chinese and English.
`population.py` generates the inputs; the reference was written by `score_sheets` at commit 8e136b8.
"""

from __future__ import annotations

import copy
import gzip
import json
import pickle
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from population import fifteen_scheme, library_schemes, population, reference_cases, results_json, sheet_json
from scoring_helpers import D, category, indicator, sheet, value
from scoring_helpers import scheme as helper_scheme

from kaohe.scheme.models import GateRule, LowSamplePolicy, MinSample, Scheme
from kaohe.scoring import (
    SheetInputs,
    SheetResult,
    TraceStep,
    aggregate,
    assign_forced_distribution,
    grade_order,
    render_sheet,
    score_sheet,
    score_sheets,
)
from kaohe.scoring.results import Trace, Words

REFERENCE = Path(__file__).parent / "data" / "reference_sheets.json.gz"


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two JSON values first differ, as a readable path (the test's failure message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: only on one side"
            found = _first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} entries, expected {len(b)}"
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{k}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r}, expected {b!r}"


def one_at_a_time(scheme: Scheme, sheets: list[SheetInputs]) -> list[SheetResult]:
    """Each sheet scored alone, then the scheme's forced distribution over them, as `score_sheets` says."""
    alone = [score_sheet(scheme, s) for s in sheets]
    if scheme.grading is None or not scheme.grading.forced_distribution:
        return alone
    grades = assign_forced_distribution(alone, scheme.grading.forced_distribution, grade_order(scheme))
    return [replace(r, grade=grades.get(r.employee_id)) for r in alone]


@pytest.fixture(scope="module")
def reference() -> dict[str, list[Any]]:
    with gzip.open(REFERENCE, "rt", encoding="utf-8") as f:
        return {case["scheme"]: case["sheets"] for case in json.load(f)}


def test_the_reference_covers_what_sheets_can_say(reference: dict[str, list[Any]]) -> None:
    sheets = [s for cases in reference.values() for s in cases]
    statuses = {i["status"] for s in sheets for i in s["items"]}
    codes = {i["code"] for s in sheets for i in s["issues"]}
    assert len(sheets) == 364
    assert statuses == {"scored", "missing_error", "excluded", "low_sample"}
    assert {"veto", "partial_period", "absent_rater", "unknown_level", "not_applicable", "low_sample"} <= codes
    assert {s["grade"] for s in sheets} >= {"S", "A", "B", "C", "D"}


@pytest.mark.parametrize("case", range(len(reference_cases())))
def test_sheets_are_scored_as_before(case: int, reference: dict[str, list[Any]]) -> None:
    scheme, sheets = reference_cases()[case]
    got = results_json(score_sheets(scheme, sheets))
    want = reference[scheme.id]
    assert len(got) == len(want)
    for number, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, f"{scheme.id} sheet {number}: {_first_difference(g, w)}"


@pytest.mark.parametrize("shared", [4096, 40, 0])
def test_a_population_is_scored_as_one_sheet_at_a_time(shared: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The results and their order are those of scoring each sheet alone (with the forced distribution
    over them), whether sheets share outcomes for equal inputs, stop sharing after a few, or never do."""
    monkeypatch.setattr(aggregate, "MAX_SHARED", shared)
    scheme = fifteen_scheme()
    sheets = population(scheme, 300, 7, odd=0.05) + population(scheme, 100, 8, odd=0.0)
    batch = score_sheets(scheme, sheets)
    assert [r.employee_id for r in batch] == [s.employee_id for s in sheets]
    alone = one_at_a_time(scheme, sheets)
    assert results_json(batch) == results_json(alone)
    assert [render_sheet(r, "en") for r in batch[:50]] == [render_sheet(r, "en") for r in alone[:50]]


def test_equal_numbers_written_differently_are_not_shared() -> None:
    """1.5 and 1.50 are equal, but a sheet shows the value as it was given: each keeps its own."""
    scheme = fifteen_scheme()
    first = population(scheme, 1, 11, odd=0.0)[0]
    ind = "effective_work"
    given = first.values[ind]
    plain = replace(first, values={**first.values, ind: replace(given, value=Decimal("91.5"))})
    padded = replace(first, employee_id="other", values={**first.values, ind: replace(given, value=Decimal("91.50"))})
    a, b = score_sheets(scheme, [plain, padded])
    assert (a.item(ind).value, b.item(ind).value) == (Decimal("91.5"), Decimal("91.50"))
    assert str(a.item(ind).value) == "91.5" and str(b.item(ind).value) == "91.50"


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), odd=st.sampled_from([0.0, 0.1, 0.4]), which=st.integers(0, 40))
def test_any_population_scores_as_one_sheet_at_a_time(seed: int, odd: float, which: int) -> None:
    schemes = [*library_schemes(), fifteen_scheme()]
    scheme = schemes[which % len(schemes)]
    sheets = population(scheme, 12, seed, odd)
    batch = score_sheets(scheme, sheets)
    for result, alone in zip(batch, one_at_a_time(scheme, sheets), strict=True):
        assert sheet_json(result) == sheet_json(alone)
        assert result == alone  # dataclass equality, lazily written text included


def _all_text(result: SheetResult) -> list[str]:
    return [t for i in result.items for s in i.trace.steps for t in (s.zh, s.en)] + [
        t for i in result.items for t in (i.trace.summary_zh, i.trace.summary_en)]


def test_text_written_later_reads_the_same_and_travels_as_plain_text() -> None:
    scheme = fifteen_scheme()
    result = score_sheets(scheme, population(scheme, 1, 3, odd=0.0))[0]
    first = _all_text(result)
    assert all(first) and first == _all_text(result)  # written once, read again unchanged
    for copied in (pickle.loads(pickle.dumps(result)), copy.deepcopy(result)):
        assert copied == result and _all_text(copied) == first
        assert all(type(s) is TraceStep for i in copied.items for s in i.trace.steps)
        assert all(type(i.trace) is Trace for i in copied.items)


def test_words_are_written_once_when_first_read() -> None:
    calls: list[Decimal] = []

    def write(value: Decimal) -> tuple[str, str]:
        calls.append(value)
        return f"得 {value} 分", f"score {value}"

    words = Words(write, Decimal("7.5"))
    step = TraceStep.later(words, Decimal(-2))
    assert calls == []
    assert step == TraceStep("得 7.5 分", "score 7.5", Decimal(-2)) and step.en == "score 7.5"
    assert calls == [Decimal("7.5")]
    assert step != TraceStep("得 7.5 分", "score 7.5") and hash(step) == hash(TraceStep("得 7.5 分", "score 7.5",
                                                                                         Decimal(-2)))
    assert repr(step) == "TraceStep(zh='得 7.5 分', en='score 7.5', delta=Decimal('-2'))"


def test_equal_weights_written_differently_are_not_shared() -> None:
    """Leaving out a weight of 50.0 or one of 50 renormalises the rest by 150.0/100 or 150.0/100.0: equal
    factors that give 75.0 and 75 as the effective weight. Each sheet shows its own, as scored alone."""
    gate = GateRule(type="gate", threshold=D(80), pass_score=D(100))
    few = MinSample(size=10, action=LowSamplePolicy.EXCLUDE)
    inds = [indicator("a", gate, D("50.0"), min_sample=few), indicator("b", gate, D(50), min_sample=few),
            indicator("c", gate, D(50), min_sample=few)]
    plan = helper_scheme([category("perf", 100, inds)])
    small, enough = value(90, sample_size=3), value(90, sample_size=30)
    sheets = [sheet("e1", a=small, b=enough, c=enough), sheet("e2", a=enough, b=small, c=enough)]
    batch = score_sheets(plan, sheets)
    assert [str(r.item("c").effective_weight) for r in batch] == ["75.0", "75"]
    assert results_json(batch) == results_json(one_at_a_time(plan, sheets))
