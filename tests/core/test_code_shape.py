"""The shape of the core, checked on its source: short scoring functions, rule kinds named in one place,
no broad `except` that swallows an error."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "kaohe"
CORE = ("scheme", "scoring", "metrics", "results", "library")
MAX_LINES = 60


def _modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (SRC / package).rglob("*.py"))


def _functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, (node.end_lineno or node.lineno) - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


@pytest.mark.parametrize("path", _modules("scoring"), ids=lambda p: p.name)
def test_every_scoring_function_is_under_60_lines(path: Path) -> None:
    long = [(name, lines) for name, lines in _functions(path) if lines >= MAX_LINES]
    assert not long, f"{path.name}: split these functions: {long}"


def test_the_length_check_can_fail(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(70))
    sample = tmp_path / "long.py"
    sample.write_text(f"def too_long():\n{body}\n", encoding="utf-8")
    assert _functions(sample) == [("too_long", 71)]


def _rule_class_names() -> set[str]:
    from kaohe.scheme.kinds import all_kinds

    return {kind.model.__name__ for kind in all_kinds()}


def _named_rule_classes(path: Path, rule_classes: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    return names & rule_classes


def test_no_module_outside_the_registry_names_three_rule_classes() -> None:
    """Knowledge of rule types lives in the kinds: elsewhere code asks `kind_of(rule)`."""
    rule_classes = _rule_class_names()
    assert len(rule_classes) >= 11
    kinds_dir = SRC / "scheme" / "kinds"
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        if kinds_dir in path.parents:
            continue
        named = _named_rule_classes(path, rule_classes)
        if len(named) >= 3:
            offenders[str(path.relative_to(SRC))] = sorted(named)
    assert not offenders, offenders


def test_the_rule_class_scan_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "chain.py"
    sample.write_text(
        "from kaohe.scheme.kinds.gate import GateRule\n"
        "def f(rule):\n    return isinstance(rule, GateRule | TiersRule) or x.BandRule\n",
        encoding="utf-8",
    )
    assert _named_rule_classes(sample, _rule_class_names()) == {"GateRule", "TiersRule", "BandRule"}


def _swallowing_handlers(path: Path) -> list[int]:
    """Lines of `except:` / `except Exception` / `except BaseException` handlers that do not re-raise."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ExceptHandler):
            continue
        caught = node.type
        broad = caught is None or (isinstance(caught, ast.Name) and caught.id in {"Exception", "BaseException"})
        reraises = any(isinstance(n, ast.Raise) for n in ast.walk(node))
        if broad and not reraises:
            found.append(node.lineno)
    return found


def test_no_broad_except_swallows_errors_in_the_core() -> None:
    offenders = {
        str(path.relative_to(SRC)): lines
        for path in _modules(*CORE)
        if (lines := _swallowing_handlers(path))
    }
    assert not offenders, offenders


def test_no_import_fallbacks_remain_in_the_core() -> None:
    offenders = []
    for path in _modules(*CORE):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Name) and node.type.id in {
                "ImportError", "ModuleNotFoundError"
            }:
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
        if "find_spec(" in text:
            offenders.append(f"{path.relative_to(SRC)}: find_spec")
    assert not offenders, offenders


def test_the_core_reads_no_files_of_the_web_package() -> None:
    """Results, scoring … get assets handed in (e.g. ECharts for the dashboard), never by path into web/."""
    offenders = []
    for path in _modules(*CORE):
        text = path.read_text(encoding="utf-8")
        if "web/static" in text.replace('" / "', "/") or ('"web"' in text and '"static"' in text):
            offenders.append(str(path.relative_to(SRC)))
    assert not offenders, offenders


def test_test_only_helpers_live_under_tests() -> None:
    assert not (SRC / "results" / "demo.py").exists() and not (SRC / "results" / "sample.py").exists()
