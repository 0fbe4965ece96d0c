from decimal import Decimal

import pytest

from kaohe.results.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy


def test_the_shipped_policy_loads_with_exact_decimals():
    policy = load_policy()
    assert policy.grades == ["S", "A", "B", "C", "D"]
    assert policy.bonus.coefficients["A"] == Decimal("1.2")
    assert policy.attendance.deductible["sick_leave"] == Decimal("0.5")
    assert policy.salary.matrix["S"]["low"] == Decimal("0.10")


def test_yaml_floats_stay_exact(tmp_path):
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace('A: "1.2"', "A: 1.1")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_policy(path).bonus.coefficients["A"] == Decimal("1.1")


def test_it_reports_every_problem_at_once(tmp_path):
    text = (
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
        .replace('D: "0"}', 'X: "0"}', 1)  # bonus: unknown grade X, and D has no coefficient
        .replace("weak_item_share: \"0.6\"", "weak_item_share: \"7\"")
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    joined = "\n".join(info.value.problems)
    assert "weak_item_share" in joined
    # The grade problems come from the model validator, which pydantic runs only when
    # the fields themselves are valid; fix the field and the grade problems show up.
    path.write_text(text.replace('weak_item_share: "7"', 'weak_item_share: "0.6"'), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    joined = "\n".join(info.value.problems)
    assert "unknown grades ['X']" in joined
    assert "no coefficient for grades ['D']" in joined


def test_a_salary_matrix_row_missing_a_band_is_rejected(tmp_path):
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace(
        'B: {low: "0.04", mid: "0.03", high: "0.02"}', 'B: {low: "0.04", mid: "0.03"}'
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match=r"matrix\[B\] lacks bands \['high'\]"):
        load_policy(path)


def test_the_company_policy_file_is_taken_from_kaohe_results_policy(tmp_path, monkeypatch):
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace('B: "1.0"', 'B: "0.9"')
    path = tmp_path / "company.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KAOHE_RESULTS_POLICY", str(path))
    assert load_policy().bonus.coefficients["B"] == Decimal("0.9")
    monkeypatch.setenv("KAOHE_RESULTS_POLICY", str(tmp_path / "missing.yaml"))
    with pytest.raises(PolicyError, match="missing.yaml"):
        load_policy()
