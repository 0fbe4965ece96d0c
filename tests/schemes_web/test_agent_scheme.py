"""The book's agent scheme in the editor: a weight moved between categories, previewed on October."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe.web.schemes import services
from kaohe.web.schemes.formmodel import SchemeForm
from tests.schemes_web.agent_month import AFTER, BEFORE, SCHEME_ID, october_with_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():  # type: ignore[no-untyped-def]
    """The real library: the agent scheme as the book has it."""
    yield


def test_moving_five_points_to_work_items_changes_two_grades(org):
    october = october_with_results(org)
    cs = services.adopt(org.company, org.hr, SCHEME_ID)
    data = SchemeForm.from_scheme(services.draft_scheme(cs)).post_data()
    assert (data["categories.0.weight"], data["categories.1.weight"]) == ("80", "20")
    data["categories.0.weight"], data["categories.1.weight"] = "75", "25"
    result = services.preview(cs, org.hr, SchemeForm(data).parse())
    assert result.cycle == october
    got_before = {r.code: (str(r.current_total), r.current_grade) for r in result.rows}
    got_after = {r.code: (str(r.draft_total), r.draft_grade) for r in result.rows}
    assert {k: (Decimal(t), g) for k, (t, g) in got_before.items()} == {
        k: (Decimal(t), g) for k, (t, g) in BEFORE.items()}
    assert {k: (Decimal(t), g) for k, (t, g) in got_after.items()} == {
        k: (Decimal(t), g) for k, (t, g) in AFTER.items()}
    assert [r.code for r in result.changed] == ["A001", "A004"]
    assert result.distribution() == [("S", 3, 2), ("A", 1, 2), ("B", 0, 1), ("C", 1, 0), ("D", 0, 0)]
    # the stored October results are the "before" column
    assert {s.employee.code: s.current_score.grade for s in october.sheets.select_related("employee",
                                                                                           "current_score")} == {
        k: g for k, (_t, g) in BEFORE.items()}
