import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings

from kaohe.scheme import dump_scheme, load_scheme, load_scheme_text, scheme_json_schema
from kaohe.scheme.models import Scheme

from .conftest import BOOK, build, scheme_data
from .strategies import schemes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemes)
def test_loading_a_dumped_scheme_gives_the_same_scheme(scheme: Scheme) -> None:
    assert load_scheme_text(dump_scheme(scheme)) == scheme


def test_the_book_samples_survive_a_round_trip() -> None:
    for path in sorted(BOOK.glob("table_*.yaml")):
        scheme = load_scheme(path)
        assert load_scheme_text(dump_scheme(scheme)) == scheme, path.name


def test_dumped_decimals_keep_every_digit() -> None:
    data = scheme_data()
    data["categories"][0]["indicators"][0]["rule"] = {
        "type": "gate",
        "threshold": "80.0000000000000000000001",
        "pass_score": 100,
    }
    text = dump_scheme(build(data))
    assert "80.0000000000000000000001" in text
    assert load_scheme_text(text).categories[0].indicators[0].rule.threshold == Decimal(  # type: ignore[union-attr]
        "80.0000000000000000000001"
    )


def test_dump_leaves_out_defaults() -> None:
    text = dump_scheme(build(scheme_data()))
    assert "step_policy" not in text and "rounding" not in text


def test_the_json_schema_describes_the_scheme_language() -> None:
    schema = scheme_json_schema()
    json.dumps(schema)  # serialisable as is
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"id", "name", "position", "level", "period", "categories"} <= set(schema["required"])
    assert schema["additionalProperties"] is False
    rule_names = json.dumps(schema["$defs"])
    for rule in (
        "GateRule",
        "TiersRule",
        "LinearRule",
        "BandRule",
        "PerOccurrenceRule",
        "VetoRule",
        "LevelRule",
        "RatioRule",
        "BonusRule",
        "ManualRule",
        "FormulaRule",
    ):
        assert rule in schema["$defs"], rule
    assert "discriminator" in rule_names
