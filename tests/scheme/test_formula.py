import contextlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.scheme.formula import FormulaError, compile_formula, formula_variables

VARS = formula_variables({"late", "absent"})


def evaluate(expr: str, **env: str) -> Decimal:
    return compile_formula(expr, VARS).evaluate({k: Decimal(v) for k, v in env.items()})


@pytest.mark.parametrize(
    ("expr", "env", "expected"),
    [
        ("1 + 2 * 3", {}, "7"),
        ("(1 + 2) * 3", {}, "9"),
        ("0.1 + 0.2", {}, "0.3"),  # exact decimals, not floats
        ("-value + 100", {"value": "30"}, "70"),
        ("100 − 2 × (50 − value)", {"value": "45"}, "90"),  # the Unicode operators
        ("10 ÷ 4", {}, "2.5"),
        ("if(value >= 80, 100, 0)", {"value": "80"}, "100"),
        ("if(value >= 80, 100, 0)", {"value": "79.9"}, "0"),
        ("if(value > 1 and not (value > 5) or false, 1, 2)", {"value": "3"}, "1"),
        ("min(value, 3, 7)", {"value": "5"}, "3"),
        ("max(value, 3)", {"value": "5"}, "5"),
        ("abs(value - target)", {"value": "5", "target": "8"}, "3"),
        ("floor(2.7) + ceil(2.1)", {}, "5"),
        ("floor(-2.5)", {}, "-3"),
        ("round(2.345, 2)", {}, "2.35"),  # half-up
        ("round(2.5, 0)", {}, "3"),
        ("clamp(value, 0, 100)", {"value": "130"}, "100"),
        ("clamp(value, 0, 100)", {"value": "-4"}, "0"),
        ("100 - 20 * late - 50 * absent", {"late": "2", "absent": "1"}, "10"),
        ("if(value == 3, 1, 0)", {"value": "3.0"}, "1"),
        ("if(value != 3, 1, 0)", {"value": "3"}, "0"),
        ("sample * 1", {"sample": "12"}, "12"),
    ],
)
def test_it_evaluates_formulas_exactly(expr: str, env: dict[str, str], expected: str) -> None:
    assert evaluate(expr, **env) == Decimal(expected)


@pytest.mark.parametrize(
    ("expr", "column", "words"),
    [
        ("value + ", 9, "expected a number"),
        ("value + foo", 9, "unknown variable 'foo'"),
        ("sqrt(value)", 1, "unknown function"),
        ("if(value, 1, 2)", 4, "needs a boolean"),
        ("if(value > 1, 1, value > 2)", 1, "same type"),
        ("value + (value > 1)", 16, "needs a number"),
        ("not value", 5, "needs a boolean"),
        ("min(1)", 1, "at least 2"),
        ("abs(1, 2)", 1, "takes 1"),
        ("clamp(1, 2)", 1, "takes 3"),
        ("round(value, value)", 14, "whole number"),
        ("round(value, 11)", 14, "whole number"),
        ("1 < 2 < 3", 7, "chained"),
        ("value > 80", 7, "must give a number"),
        ("value $ 2", 7, "unexpected character"),
        ("(value", 7, "expected ')'"),
        ("value 2", 7, "unexpected '2'"),
        ("min", 1, "needs arguments"),
        ("", 1, "empty"),
        ("__import__('os')", 12, "unexpected character"),
        ("__import__(1)", 1, "unknown function"),
    ],
)
def test_it_rejects_bad_formulas_with_the_column(expr: str, column: int, words: str) -> None:
    with pytest.raises(FormulaError) as info:
        compile_formula(expr, VARS)
    assert info.value.column == column
    assert words in info.value.message


def test_it_reports_division_by_zero_as_a_formula_error() -> None:
    formula = compile_formula("100 / (value - 5)", VARS)
    with pytest.raises(FormulaError, match="division by zero") as info:
        formula.evaluate({"value": Decimal(5)})
    assert info.value.column == 5


def test_it_refuses_to_evaluate_without_a_value_for_a_used_variable() -> None:
    formula = compile_formula("value + target", VARS)
    with pytest.raises(FormulaError, match="target"):
        formula.evaluate({"value": Decimal(1)})


def test_it_lists_only_the_variables_a_formula_uses() -> None:
    assert compile_formula("late * 2 + 1", VARS).variables == frozenset({"late"})


def test_it_turns_arithmetic_overflow_into_a_formula_error() -> None:
    formula = compile_formula("value * value * value", VARS)
    with pytest.raises(FormulaError):
        formula.evaluate({"value": Decimal("1e400000")})


def test_it_rejects_deep_nesting_instead_of_crashing() -> None:
    with pytest.raises(FormulaError, match="nested too deeply"):
        compile_formula("(" * 500 + "1" + ")" * 500, VARS)
    with pytest.raises(FormulaError, match="nested too deeply"):
        compile_formula("-" * 500 + "1", VARS)


ALPHABET = st.sampled_from(
    list("0123456789.+-*/()<>=!,  ×÷−≤≥abceflmnorstuvxdiph_$'\"[]{}\\#")
    + [
        "value",
        "target",
        "late",
        "if(",
        "min(",
        "round(",
        "clamp(",
        " and ",
        " or ",
        "not ",
        "true",
        "1e5",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join) | st.text(max_size=40))
def test_random_text_never_crashes_the_parser_with_anything_but_formula_error(expr: str) -> None:
    try:
        formula = compile_formula(expr, VARS)
    except FormulaError as exc:
        assert exc.column is None or 1 <= exc.column <= len(expr) + 1
        return
    env = {
        "value": Decimal(3),
        "target": Decimal(0),
        "late": Decimal(1),
        "absent": Decimal(2),
        "sample": Decimal(1),
    }
    with contextlib.suppress(FormulaError):
        assert isinstance(formula.evaluate(env), Decimal)


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=-1000, max_value=1000, places=3),
    st.decimals(min_value=-1000, max_value=1000, places=3),
)
def test_formula_arithmetic_matches_decimal_arithmetic(a: Decimal, b: Decimal) -> None:
    env = {"value": a, "target": b}
    assert compile_formula("value + target * 2 - 1", VARS).evaluate(env) == a + b * 2 - 1
    assert compile_formula("max(value, target) - min(value, target)", VARS).evaluate(env) == abs(a - b)
