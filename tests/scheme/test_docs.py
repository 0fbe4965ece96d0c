import re

from kaohe.scheme.checker import RULES

from .conftest import REPO

DOC = REPO / "docs" / "scheme-language.md"
RULE_TYPES = [
    "gate",
    "tiers",
    "linear",
    "band",
    "per_occurrence",
    "veto",
    "levels",
    "ratio",
    "bonus",
    "manual",
    "formula",
]


def test_every_checker_rule_is_documented_in_both_languages() -> None:
    text = DOC.read_text(encoding="utf-8")
    zh, en = text.split("## English")
    for rule in RULES:
        assert re.search(rf"^\| {rule.id} \|", zh, re.M), rule.id
        assert re.search(rf"^\| {rule.id} \|", en, re.M), rule.id


def test_every_rule_type_has_an_example() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule_type in RULE_TYPES:
        assert f"type: {rule_type}" in text, rule_type


def test_the_cli_commands_and_value_columns_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for needle in (
        "kaohe lint",
        "kaohe scheme schema",
        "kaohe score",
        "--format",
        "--out",
        "ID.COUNT",
        "ID@ROLE",
        "ID#n",
        "employee_id",
    ):
        assert needle in text, needle


def test_the_one_line_rule_examples_are_valid_rules() -> None:
    from pydantic import TypeAdapter

    from kaohe.scheme.loader import parse_yaml
    from kaohe.scheme.models import Rule

    adapter: TypeAdapter[object] = TypeAdapter(Rule)
    lines = [
        line.strip() for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("rule: {")
    ]
    assert len(lines) >= 7
    for line in lines:
        data, _ = parse_yaml(line, "doc")
        adapter.validate_python(data["rule"])


def test_every_option_of_the_scheme_commands_is_documented() -> None:
    import typer.main

    from kaohe.cli.main import app

    text = DOC.read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    commands = {name: root.commands[name] for name in ("lint", "score", "scheme")}  # type: ignore[attr-defined]
    for name, command in commands.items():
        assert f"kaohe {name}" in text, name
        for param in command.params:
            for option in param.opts:
                if option.startswith("--") and option != "--help":
                    assert option in text, f"{name} {option}"
