"""A scheme that refers to a KPI the catalog cannot compute is refused clearly, never a crash."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.conftest import AGENT_POSITION, agent_scheme_dict


@pytest.mark.django_db
def test_it_refuses_to_compute_a_kpi_with_missing_parameters(org):
    from kaohe.scheme.models import Scheme
    from kaohe.web.appraisal import services as svc
    from kaohe.web.errors import InvalidInput

    data = agent_scheme_dict()
    # incident_count needs its `type` parameter; the catalog refuses it without one
    data["categories"][0]["indicators"][0]["source"] = {"kind": "kpi", "kpi": "incident_count"}
    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                           end=dt.date(2026, 10, 31), positions=[org.agent_position],
                           schemes={(AGENT_POSITION, "specialist"): Scheme.model_validate(data)})
    with pytest.raises(InvalidInput) as caught:
        svc.compute_cycle_kpis(cycle, org.hr)
    assert "KPI" in caught.value.message_en
    assert caught.value.report.problems[0].field == "kpi"
    assert not cycle.computations.exists()
