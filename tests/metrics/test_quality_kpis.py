"""CSAT, NPS and QA KPIs against hand-computed values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import L, U


def survey(sid, agent, when, csat=None, nps=None):
    return {"survey_id": sid, "agent_id": agent, "answered_at": when, "csat": csat, "nps": nps}


SURVEYS = [
    survey("s1", "a1", L("2026-10-02 10:00"), 5, 10),
    survey("s2", "a1", L("2026-10-03 10:00"), 4, 9),
    survey("s3", "a1", L("2026-10-04 10:00"), 3, 7),
    survey("s4", "a1", L("2026-10-05 10:00"), 1, 3),
    survey("s5", "a1", L("2026-10-06 10:00"), None, 9),  # NPS only
    survey("s6", "a1", L("2026-10-07 10:00"), 2, None),  # CSAT only
    survey("s7", "a1", U("2026-10-31 17:00"), 1, 0),  # 01:00 on 1 Nov in Shanghai: not October
]


def qa(eid, agent, when, score, fail=False):
    return {"eval_id": eid, "agent_id": agent, "evaluated_at": L(when), "score": score, "critical_fail": fail}


EVALS = [
    qa("e1", "a1", "2026-10-08 10:00", 90.0),
    qa("e2", "a1", "2026-10-09 10:00", 70.0, True),
    qa("e3", "a1", "2026-10-10 10:00", 85.0),
    qa("e4", "a2", "2026-10-10 10:00", 95.0),
]


@pytest.mark.parametrize(
    "kpi_id,value,sample",
    [
        ("csat_top2", "40", 5),  # 5 and 4 of five answers
        ("csat_mean", "3", 5),  # (5 + 4 + 3 + 1 + 2) / 5
        ("csat_score100", "50", 5),  # (100 + 75 + 50 + 0 + 25) / 5
        ("nps", "40", 5),  # promoters 10, 9, 9; detractor 3; passive 7
    ],
)
def test_survey_kpis(kpi, kpi_id, value, sample):
    v = kpi({"surveys": SURVEYS}, [kpi_id])[(kpi_id, "a1", "2026-10")]
    assert (v.value, v.sample_size) == (Decimal(value), sample)


def test_qa_average_and_critical_fails(kpi):
    vals = kpi({"qa_evaluations": EVALS}, ["qa_avg", "qa_critical_fails"])
    assert (vals[("qa_avg", "a1", "2026-10")].value, vals[("qa_avg", "a1", "2026-10")].sample_size) == (
        Decimal("81.666667"), 3)
    assert vals[("qa_critical_fails", "a1", "2026-10")].value == Decimal(1)
    # evaluated without a critical fail: a true 0; never evaluated: missing
    assert vals[("qa_critical_fails", "a2", "2026-10")].value == Decimal(0)
    assert vals[("qa_critical_fails", "a3", "2026-10")].value is None


def test_team_qa_average_weights_by_evaluations_not_by_agents(kpi):
    team = kpi({"qa_evaluations": EVALS}, ["qa_avg"], level="team")[("qa_avg", "t1", "2026-10")]
    # (90 + 70 + 85 + 95) / 4 = 85; the mean of agent means would be (81.67 + 95) / 2 = 88.33
    assert (team.value, team.numerator, team.denominator, team.sample_size) == (Decimal("85"), 340.0, 4.0, 4)
