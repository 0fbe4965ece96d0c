from decimal import Decimal

import pytest

from kaohe.results.whatif import distribution_what_if
from kaohe.scheme.models import Scheme
from kaohe.scoring import IndicatorInput, score_sheet
from tests.results.sample import sample_inputs, sample_people, sample_scheme

D = Decimal


@pytest.fixture(scope="module")
def cycle():
    return sample_scheme(), sample_inputs(sample_people(), 0)


def test_no_changes_change_nothing(cycle):
    scheme, inputs = cycle
    out = distribution_what_if(scheme, inputs)
    assert out.changed == []
    assert all(g.before == g.after for g in out.distribution)
    assert sum(g.before for g in out.distribution) == len(inputs)


def test_a_changed_kpi_value_moves_that_employee_only(cycle):
    scheme, inputs = cycle
    target = inputs[0]
    # QA 88.8 passes the ≥ 80 gate (40 points of the 80-weight category = 32 sheet points);
    # at 70 it fails and the total drops by exactly 32.
    before = score_sheet(scheme, target)
    out = distribution_what_if(scheme, inputs, {target.employee_id: {"qa_score": IndicatorInput(value=D(70))}})
    assert [c.employee_id for c in out.changed] == [target.employee_id]
    change = out.changed[0]
    assert change.before_total == before.total
    assert change.delta == D("-32.00")
    assert change.after_grade != change.before_grade


def test_a_changed_threshold_moves_the_distribution_and_reports_the_target(cycle):
    scheme, inputs = cycle
    data = scheme.model_dump(mode="json")
    data["categories"][0]["indicators"][0]["rule"]["threshold"] = "200"  # nobody passes the QA gate
    harder = Scheme.model_validate(data)
    out = distribution_what_if(scheme, inputs, scheme_override=harder)
    for c, i in zip(out.employees, inputs, strict=True):
        passed_before = i.values["qa_score"].value >= 80
        assert c.delta == (D("-32.00") if passed_before else 0), c.employee_id
    by_grade = {g.grade: g for g in out.distribution}
    assert by_grade["D"].after > by_grade["D"].before
    assert sum(g.after for g in out.distribution) == len(inputs)
    # target 50 % B of 18 people = 9
    assert by_grade["B"].target_pct == D(50) and by_grade["B"].target_count == D(9)


def test_changes_for_someone_outside_the_cycle_are_refused(cycle):
    scheme, inputs = cycle
    with pytest.raises(KeyError, match="E999"):
        distribution_what_if(scheme, inputs, {"E999": {}})
