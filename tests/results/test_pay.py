from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.results.pay import PayError, PayInput, attendance_share, payroll, performance_pay
from kaohe.results.policy import load_policy
from kaohe.scheme.models import Scheme

D = Decimal
POLICY = load_policy()


def pay_input(**kw):
    base = dict(employee_id="E1", name="王芳", grade="A", base=D("3000"), required_days=D("22"))
    base.update(kw)
    return PayInput(**base)


def test_pay_is_base_times_coefficient_times_attendance_share_rounded_to_cents():
    # 22 required days, 1 day personal leave (weight 1), 2 days sick leave (weight 0.5):
    # deducted 2, share 20/22; 3000 × 1.2 × 20/22 = 3272.7272… → 3272.73
    line = performance_pay(pay_input(absence_days={"personal_leave": D(1), "sick_leave": D(2)}), POLICY)
    assert line.deducted_days == D(2)
    assert line.attendance_share == D(20) / D(22)
    assert line.coefficient == D("1.2")
    assert line.amount == D("3272.73")


def test_full_attendance_pays_base_times_coefficient():
    assert performance_pay(pay_input(grade="C"), POLICY).amount == D("2400.00")


def test_below_the_minimum_share_there_is_no_performance_pay():
    # 20 required, 11 absent → share 9/20 = 0.45 < 0.5
    line = performance_pay(pay_input(required_days=D(20), absence_days={"absent": D(11)}), POLICY)
    assert line.attendance_share == 0
    assert line.amount == D("0.00")
    assert "出勤不足" in line.note_zh


def test_annual_leave_is_not_deducted():
    assert performance_pay(pay_input(absence_days={"annual_leave": D(5)}), POLICY).amount == D("3600.00")


def test_an_unknown_absence_kind_is_an_error_not_ignored():
    with pytest.raises(Exception, match="holiday_trip"):
        performance_pay(pay_input(absence_days={"holiday_trip": D(1)}), POLICY)


def test_a_scheme_grade_effect_wins_over_the_policy_table():
    scheme = Scheme.model_validate({
        "id": "s", "name": {"zh": "方案"}, "position": "p", "level": "specialist", "period": "monthly",
        "categories": [{"id": "c", "name": {"zh": "类"}, "weight": "100"}],
        "grading": {"bands": [{"grade": "A", "min": "0"}],
                    "effects": [{"grade": "A", "bonus_coefficient": "1.3"}]},
    })
    line = performance_pay(pay_input(), POLICY, scheme)
    assert (line.coefficient, line.coefficient_source, line.amount) == (D("1.3"), "scheme", D("3900.00"))


def test_payroll_reports_every_employee_it_cannot_pay_at_once():
    with pytest.raises(PayError) as info:
        payroll([pay_input(employee_id="E1", grade=None), pay_input(employee_id="E2"),
                 pay_input(employee_id="E3", absence_days={"nap": D(1)})], POLICY)
    assert len(info.value.problems) == 2
    assert info.value.problems[0].startswith("E1")
    assert info.value.problems[1].startswith("E3")


@given(
    required=st.integers(min_value=1, max_value=31),
    absent=st.decimals(min_value=0, max_value=40, places=1),
    sick=st.decimals(min_value=0, max_value=40, places=1),
)
def test_the_attendance_share_stays_between_zero_and_one(required, absent, sick):
    share, _ = attendance_share(D(required), {"absent": absent, "sick_leave": sick}, POLICY)
    assert 0 <= share <= 1
    if absent == 0 and sick == 0:
        assert share == 1
