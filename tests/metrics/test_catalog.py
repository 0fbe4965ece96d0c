"""The KPI registry: the contract's ids, clear errors, customers' own KPIs."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from kaohe.metrics.catalog import (
    KpiDefinition,
    KpiError,
    KpiParamError,
    Param,
    UnknownKpiError,
    get_kpi,
    kpi_spec,
    list_kpis,
    register_kpi,
    unregister_kpi,
)
from kaohe.metrics.catalog.context import count_if

from .conftest import call

REPO = Path(__file__).resolve().parents[2]


def contract_ids() -> list[str]:
    text = (REPO / "docs" / "contracts" / "events-and-kpis.md").read_text(encoding="utf-8")
    section = text.split("## KPI ids", 1)[1]
    return re.findall(r"^\| `(\w+)`", section, re.M)


def test_every_kpi_id_of_the_contract_is_registered():
    ids = contract_ids()
    assert len(ids) >= 45
    registered = {k.id for k in list_kpis()}
    assert set(ids) <= registered, set(ids) - registered


def test_every_definition_is_complete():
    for k in list_kpis():
        assert k.name_zh and k.name_en and k.definition_zh and k.definition_en and k.formula, k.id
        assert k.sample_zh and k.sample_en and k.inputs, k.id


def test_an_unknown_id_lists_the_valid_ones():
    with pytest.raises(UnknownKpiError) as err:
        get_kpi("average_handle_time")
    msg = str(err.value)
    assert "average_handle_time" in msg and "aht" in msg and "service_level" in msg


def test_a_bad_parameter_is_reported_with_the_valid_parameters():
    with pytest.raises(KpiParamError) as err:
        kpi_spec(("service_level", {"abandon_treatment": "ignore", "treshold_s": 30}))
    msg = str(err.value)
    assert "unknown parameter 'treshold_s'" in msg
    assert "exclude_short" in msg and "count_as_miss" in msg and "threshold_s" in msg


def test_parameter_types_are_checked():
    with pytest.raises(KpiParamError, match="window_days='7' must be int"):
        kpi_spec(("fcr", {"window_days": "7"}))
    assert kpi_spec(("service_level", {"threshold_s": 30})).params["threshold_s"] == 30.0


def test_defaults_fill_missing_parameters():
    assert kpi_spec("service_level").params == {
        "threshold_s": 20.0, "abandon_treatment": "exclude_short", "short_abandon_s": 5.0}


def test_a_customer_kpi_registers_and_computes_like_a_built_in(kpi):
    def parts(t, p):
        long_call = (t.outcome == "answered") & (t.talk_s > p["over_s"])
        answered = t.outcome == "answered"
        return {"num": count_if(long_call), "den": count_if(answered), "n": count_if(answered)}

    register_kpi(KpiDefinition(
        id="long_call_share", name_zh="长通话占比", name_en="Long-call share", unit="%", direction="lower",
        definition_zh="通话超过阈值的接通呼叫占比。", definition_en="Handled calls talking longer than a threshold.",
        formula="count(talk_s > over_s) / count(handled) × 100", sample_zh="接通呼叫数", sample_en="handled calls",
        inputs=("calls",), scale=100.0, base="calls", parts=parts,
        params=(Param("over_s", "float", 180.0),),
    ))
    try:
        calls = [call("x1", "2026-10-08 09:00", talk=200), call("x2", "2026-10-08 10:00", talk=100)]
        v = kpi({"calls": calls}, ["long_call_share"])[("long_call_share", "a1", "2026-10")]
        assert v.value == Decimal("50")
    finally:
        unregister_kpi("long_call_share")


def test_registering_a_duplicate_or_malformed_kpi_is_refused():
    base = get_kpi("aht")
    with pytest.raises(KpiError, match="already registered"):
        register_kpi(base)
    bad = KpiDefinition(**{**base.__dict__, "id": "Bad Id", "unit": "furlongs"})
    with pytest.raises(KpiError, match="lower_snake_case.*unit 'furlongs'"):
        register_kpi(bad)
