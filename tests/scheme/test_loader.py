from decimal import Decimal
from pathlib import Path

import pytest

from kaohe.scheme import SchemeLoadError, load_scheme, load_scheme_text, load_schemes
from kaohe.scheme.loader import load_scheme_text_located

GOOD = """\
id: demo
name: {zh: 演示方案}
position: agent
level: specialist
period: monthly
categories:
  - id: perf
    name: {zh: 业绩}
    weight: 100
    indicators:
      - id: talk
        name: {zh: 平均通话时间}
        weight: 100
        unit: s
        direction: band
        source: {kind: kpi, kpi: avg_talk_time}
        rule:
          type: band
          low: 40
          high: 180
          inside: 100
          above: {per: 2, points: 10}
          floor: 0.10
        explanation: {definition: d, formula: f, data_source: s, frequency: m}
"""


def problems_of(text: str) -> list:
    with pytest.raises(SchemeLoadError) as info:
        load_scheme_text(text, "scheme.yaml")
    return info.value.problems


def test_it_loads_a_valid_scheme_with_exact_decimals() -> None:
    scheme = load_scheme_text(GOOD)
    rule = scheme.categories[0].indicators[0].rule
    assert rule.floor == Decimal("0.10")  # type: ignore[union-attr]
    assert str(rule.floor) == "0.10"  # type: ignore[union-attr]  # the text as written, not via float


def test_it_keeps_decimals_that_a_float_would_spoil() -> None:
    scheme = load_scheme_text(GOOD.replace("floor: 0.10", "floor: 0.1000000000000000000001"))
    assert scheme.categories[0].indicators[0].rule.floor == Decimal("0.1000000000000000000001")  # type: ignore[union-attr]


def test_it_reports_every_problem_at_once_with_line_and_path() -> None:
    text = (
        GOOD.replace("weight: 100\n        unit", "weight: lots\n        unit")
        .replace("low: 40", "lo: 40")
        .replace("kind: kpi", "kind: kpii")
    )
    found = {(p.line, p.path) for p in problems_of(text)}
    assert (13, "categories[0].indicators[0].weight") in found
    assert (17, "categories[0].indicators[0].rule.low") in found  # missing: placed at its parent rule
    assert (19, "categories[0].indicators[0].rule.lo") in found  # unknown key: on its own line
    assert (16, "categories[0].indicators[0].source") in found
    assert all(p.file == "scheme.yaml" for p in problems_of(text))


def test_it_names_the_tier_path_like_an_editor_would() -> None:
    text = GOOD.replace(
        """          type: band
          low: 40
          high: 180
          inside: 100
          above: {per: 2, points: 10}
          floor: 0.10""",
        """          type: tiers
          tiers:
            - {min: 90, score: 20}
            - {min: ninety, score: 10}""",
    )
    [problem] = problems_of(text)
    assert problem.path == "categories[0].indicators[0].rule.tiers[1].min"
    assert problem.line == 21
    assert "数字" in problem.message_zh and problem.hint_en


def test_it_reports_yaml_syntax_errors_with_line_and_column() -> None:
    [problem] = problems_of("id: demo\nname: {zh: x\nposition: a\n")
    assert problem.rule_id == "L001"
    assert problem.line is not None and problem.line >= 2
    assert problem.column is not None


def test_it_reports_an_empty_file() -> None:
    [problem] = problems_of("")
    assert "empty" in problem.message_en


def test_it_reports_a_top_level_that_is_not_a_mapping() -> None:
    [problem] = problems_of("- a\n- b\n")
    assert "mapping" in problem.message_en


def test_it_reports_duplicate_keys_instead_of_overwriting() -> None:
    found = problems_of(GOOD.replace("position: agent\n", "position: agent\nposition: lead\n"))
    assert any("twice" in p.message_en and p.line == 4 for p in found)


def test_it_reports_formula_errors_at_load_with_the_column_in_the_file() -> None:
    text = GOOD.replace(
        """          type: band
          low: 40
          high: 180
          inside: 100
          above: {per: 2, points: 10}
          floor: 0.10""",
        '          type: formula\n          expr: "100 - bogus"',
    )
    [problem] = problems_of(text)
    assert problem.rule_id == "L003"
    assert problem.path == "categories[0].indicators[0].rule.expr"
    assert problem.line == 19
    assert problem.column == text.splitlines()[18].index("bogus") + 1
    assert "bogus" in problem.message_en


def test_it_checks_formulas_even_when_other_fields_are_wrong() -> None:
    text = GOOD.replace("period: monthly", "period: weekly").replace(
        """          type: band
          low: 40
          high: 180
          inside: 100
          above: {per: 2, points: 10}
          floor: 0.10""",
        '          type: formula\n          expr: "value +"',
    )
    ids = sorted(p.rule_id for p in problems_of(text))
    assert ids == ["L002", "L003"]


def test_formulas_may_use_the_indicators_count_names() -> None:
    text = GOOD.replace(
        "source: {kind: kpi, kpi: avg_talk_time}",
        "source: {kind: counts, counts: {late: {kpi: attendance_late}}}",
    ).replace(
        """          type: band
          low: 40
          high: 180
          inside: 100
          above: {per: 2, points: 10}
          floor: 0.10""",
        '          type: formula\n          expr: "100 - 20 * late"',
    )
    assert load_scheme_text(text).categories[0].indicators[0].rule.expr == "100 - 20 * late"  # type: ignore[union-attr]


def test_it_rejects_infinite_numbers() -> None:
    found = problems_of(GOOD.replace("floor: 0.10", "floor: .inf"))
    assert [p.path for p in found] == ["categories[0].indicators[0].rule.floor"]


def test_it_remembers_where_each_element_was_written() -> None:
    located = load_scheme_text_located(GOOD, "x.yaml")
    assert located.line_for(("categories", 0, "indicators", 0, "rule", "high")) == 20
    assert located.line_for(("categories", 0, "indicators", 0, "target")) == 11  # absent → its indicator


def test_load_schemes_collects_the_problems_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: [", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("", encoding="utf-8")
    with pytest.raises(SchemeLoadError) as info:
        load_schemes([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert {Path(p.file).name for p in info.value.problems} == {"a.yaml", "b.yaml"}


def test_it_reports_a_missing_file() -> None:
    with pytest.raises(SchemeLoadError) as info:
        load_scheme("/nonexistent/scheme.yaml")
    assert info.value.problems[0].rule_id == "L001"


def test_aliases_are_followed() -> None:
    text = GOOD.replace(
        "explanation: {definition: d, formula: f, data_source: s, frequency: m}",
        "explanation: &e {definition: d, formula: f, data_source: s, frequency: m}",
    ).replace("notes: x", "")
    scheme = load_scheme_text(text)
    assert scheme.categories[0].indicators[0].explanation.definition == "d"


def test_it_names_the_allowed_rule_types_for_an_unknown_one() -> None:
    [problem] = problems_of(GOOD.replace("type: band", "type: bandd"))
    assert problem.path == "categories[0].indicators[0].rule"
    assert "tiers" in problem.hint_en and "band" in problem.hint_zh


def test_it_reports_a_wrong_level_with_the_allowed_values() -> None:
    [problem] = problems_of(GOOD.replace("level: specialist", "level: boss"))
    assert problem.line == 4 and "specialist" in problem.hint_en


def test_an_unknown_key_in_a_kpi_source_is_placed_on_that_key() -> None:
    text = GOOD.replace(
        "source: {kind: kpi, kpi: avg_talk_time}", "source: {kind: kpi, kpi: avg_talk_time, scop: team}"
    )
    [problem] = problems_of(text)
    assert problem.path == "categories[0].indicators[0].source.scop"


def test_a_bad_kpi_id_is_placed_on_the_kpi_field() -> None:
    [problem] = problems_of(GOOD.replace("kpi: avg_talk_time", "kpi: Avg-Talk"))
    assert problem.path == "categories[0].indicators[0].source.kpi"
    assert "小写字母" in problem.message_zh


def test_duplicate_keys_are_reported_together_with_validation_errors() -> None:
    text = GOOD.replace("position: agent\n", "position: agent\nposition: lead\n").replace(
        "level: specialist", "level: boss"
    )
    assert sorted(p.line for p in problems_of(text)) == [4, 5]
