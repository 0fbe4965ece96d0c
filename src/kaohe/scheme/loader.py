"""Load scheme files: YAML → plain data with positions → pydantic models.

Why compose instead of a plain `load`: composing yields YAML nodes that still know
their line and column, and each scalar's exact text. We build the data ourselves, so
numbers become `Decimal` straight from the text (never through float), duplicate
keys are reported instead of silently overwritten, and every pydantic error can be
mapped back to the line an HR officer has to edit. All problems are collected and
raised together as one `SchemeLoadError`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError, YAMLWarning
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kaohe.scheme.formula import FormulaError, compile_formula, formula_variables
from kaohe.scheme.messages import pydantic_message
from kaohe.scheme.models import Scheme
from kaohe.scheme.problems import Problem, SchemeLoadError, format_path

PathKey = tuple[str | int, ...]
MAX_DEPTH = 50  # a scheme is about ten levels deep; far deeper is a mistake, not a scheme


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based
    # for a scalar written on one line, where its text starts (to place formula columns)
    text_column: int | None = None


@dataclass
class LocatedScheme:
    """A loaded scheme together with where each element was written."""

    scheme: Scheme
    file: str | None = None
    positions: dict[PathKey, Position] = field(default_factory=dict)

    def line_for(self, path: PathKey) -> int | None:
        position = nearest_position(self.positions, path)
        return position.line if position else None


def nearest_position(positions: Mapping[PathKey, Position], path: PathKey) -> Position | None:
    """The position of `path`, or of its closest written ancestor (a missing key has none)."""
    for end in range(len(path), -1, -1):
        found = positions.get(path[:end])
        if found is not None:
            return found
    return None


class _Builder:
    """Turns composed YAML nodes into plain Python data, recording positions and problems."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.positions: dict[PathKey, Position] = {}
        self.problems: list[Problem] = []
        self._active: set[int] = set()  # guards against recursive aliases

    def problem(self, path: PathKey, node: Node, zh: str, en: str, hint_zh: str, hint_en: str) -> None:
        self.problems.append(
            Problem(
                code="L002",
                level="error",
                file=self.filename,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                path=format_path(path),
                message_zh=zh,
                message_en=en,
                hint_zh=hint_zh,
                hint_en=hint_en,
            )
        )

    def build(self, node: Node, path: PathKey) -> Any:
        if len(path) > MAX_DEPTH:
            self.problem(
                path,
                node,
                "嵌套层数过深",
                "nested too deeply",
                "方案文件不需要这么深的嵌套",
                "a scheme needs no such depth",
            )
            return None
        if id(node) in self._active:
            self.problem(
                path,
                node,
                "别名引用了自身",
                "an alias refers to itself",
                "去掉循环的锚点引用",
                "remove the recursive anchor",
            )
            return None
        if isinstance(node, MappingNode):
            self._active.add(id(node))
            try:
                return self._mapping(node, path)
            finally:
                self._active.discard(id(node))
        if isinstance(node, SequenceNode):
            self._active.add(id(node))
            try:
                items = []
                for index, item in enumerate(node.value):
                    self._mark(path + (index,), item)
                    items.append(self.build(item, path + (index,)))
                return items
            finally:
                self._active.discard(id(node))
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mark(self, path: PathKey, node: Node, value: Node | None = None) -> None:
        text_column = None
        if (
            isinstance(value, ScalarNode)
            and value.style in (None, "", "'", '"')
            and value.start_mark.line == value.end_mark.line
        ):
            quote = 1 if value.style in ("'", '"') else 0
            text_column = value.start_mark.column + 1 + quote
        self.positions.setdefault(
            path, Position(node.start_mark.line + 1, node.start_mark.column + 1, text_column)
        )

    def _mapping(self, node: MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or _tag(key_node) == "tag:yaml.org,2002:merge":
                self.problem(
                    path,
                    key_node,
                    "键必须是简单文字（不支持合并键 <<）",
                    "keys must be plain scalars (merge keys << are not supported)",
                    "把键写成普通名字",
                    "write the key as a plain name",
                )
                continue
            key = str(key_node.value)
            if key in result:
                self.problem(
                    path + (key,),
                    key_node,
                    f"键 {key!r} 重复出现",
                    f"key {key!r} appears twice",
                    "删除或合并重复的键",
                    "delete or merge the repeated key",
                )
                continue
            self._mark(path + (key,), key_node, value_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _scalar(self, node: ScalarNode, path: PathKey) -> Any:
        tag, text = _tag(node), str(node.value)
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            clean = text.replace("_", "")
            try:
                return int(clean, 0)
            except ValueError:
                try:
                    return int(clean, 10)
                except ValueError:
                    pass
        if tag == "tag:yaml.org,2002:float":
            try:
                # the exact text the author wrote: 0.1 stays 0.1, never 0.1000000000000000055…
                return Decimal(text.replace("_", "").replace(".inf", "Infinity").replace(".nan", "NaN"))
            except InvalidOperation:
                pass
        if tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            self.problem(
                path,
                node,
                f"不支持的 YAML 标签 {tag}",
                f"unsupported YAML tag {tag}",
                "去掉 ! 开头的标签",
                "remove the explicit ! tag",
            )
        return text


def _tag(node: Node) -> str:
    tag = node.tag
    return str(getattr(tag, "value", tag))


def load_scheme(path: Path | str) -> Scheme:
    """Load one scheme file; raises SchemeLoadError listing every problem."""
    return load_scheme_located(path).scheme


def load_scheme_located(path: Path | str) -> LocatedScheme:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeLoadError(
            [
                Problem(
                    "L001",
                    "error",
                    str(path),
                    None,
                    "",
                    f"无法读取文件：{exc}",
                    f"cannot read file: {exc}",
                    "检查路径和文件编码（UTF-8）",
                    "check the path and that the file is UTF-8",
                )
            ]
        ) from exc
    return load_scheme_text_located(text, str(path))


def load_scheme_text(text: str, filename: str = "<text>") -> Scheme:
    return load_scheme_text_located(text, filename).scheme


def load_scheme_text_located(text: str, filename: str = "<text>") -> LocatedScheme:
    data, positions, problems = parse_yaml_collecting(text, filename)
    problems = problems + check_formulas(data, positions, filename)
    scheme: Scheme | None = None
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc.errors(), data, positions, filename) + problems
    if problems or scheme is None:
        raise SchemeLoadError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return LocatedScheme(scheme, filename, positions)


def load_schemes(paths: Iterable[Path | str]) -> list[Scheme]:
    """Load several files; raises one SchemeLoadError with the problems of all of them."""
    schemes: list[Scheme] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            schemes.append(load_scheme(path))
        except SchemeLoadError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SchemeLoadError(problems)
    return schemes


def parse_yaml(text: str, filename: str) -> tuple[Any, dict[PathKey, Position]]:
    """YAML text → (plain data, positions); raises SchemeLoadError on any problem."""
    data, positions, problems = parse_yaml_collecting(text, filename)
    if problems:
        raise SchemeLoadError(problems)
    return data, positions


def parse_yaml_collecting(text: str, filename: str) -> tuple[Any, dict[PathKey, Position], list[Problem]]:
    """YAML text → (plain data, positions, problems found while building the data).

    Raises SchemeLoadError when nothing more can be checked (syntax error, empty file,
    a top level that is not a mapping); other problems, such as a repeated key, are
    returned so that they are reported together with the validation errors.
    """
    yaml = YAML(typ="rt")
    try:
        with warnings.catch_warnings():
            # a re-used anchor is legal YAML (the later one wins); no need to print a warning
            warnings.simplefilter("ignore", YAMLWarning)
            root = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SchemeLoadError(
            [
                Problem(
                    "L001",
                    "error",
                    filename,
                    mark.line + 1 if mark else None,
                    "",
                    f"YAML 语法错误：{exc.problem or exc.context}",
                    f"YAML syntax error: {exc.problem or exc.context}",
                    "检查该行的缩进、冒号和引号",
                    "check the indentation, colons and quotes on that line",
                    column=mark.column + 1 if mark else None,
                )
            ]
        ) from exc
    except RecursionError as exc:
        raise SchemeLoadError(
            [
                Problem(
                    "L001",
                    "error",
                    filename,
                    None,
                    "",
                    "YAML 嵌套层数过深",
                    "YAML nested too deeply",
                    "方案文件不需要这么深的嵌套，检查括号是否配对",
                    "a scheme needs no such depth: check the brackets",
                )
            ]
        ) from exc
    except YAMLError as exc:
        raise SchemeLoadError(
            [
                Problem(
                    "L001",
                    "error",
                    filename,
                    None,
                    "",
                    f"YAML 错误：{exc}",
                    f"YAML error: {exc}",
                    "检查文件是否为合法的 YAML",
                    "check that the file is valid YAML",
                )
            ]
        ) from exc
    if root is None:
        raise SchemeLoadError(
            [
                Problem(
                    "L001",
                    "error",
                    filename,
                    1,
                    "",
                    "文件为空",
                    "the file is empty",
                    "从 docs/scheme-language.md 中的示例开始",
                    "start from an example in docs/scheme-language.md",
                )
            ]
        )
    builder = _Builder(filename)
    builder.positions[()] = Position(root.start_mark.line + 1, root.start_mark.column + 1)
    data = builder.build(root, ())
    if not isinstance(data, dict):
        builder.problem(
            (),
            root,
            "方案文件的顶层必须是键值映射",
            "the top level of a scheme must be a mapping",
            "以 id:、name: 等键开头",
            "start with keys such as id: and name:",
        )
        raise SchemeLoadError(builder.problems)
    return data, builder.positions, builder.problems


def validation_problems(
    errors: list[ErrorDetails], data: Any, positions: Mapping[PathKey, Position], filename: str
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[PathKey] = set()
    for error in errors:
        path = data_path(tuple(error["loc"]), data)
        if path in seen:
            continue  # one message per element: a union reports each member's complaint
        seen.add(path)
        message_zh, message_en, hint_zh, hint_en = pydantic_message(error)
        position = nearest_position(positions, path)
        problems.append(
            Problem(
                "L002",
                "error",
                filename,
                position.line if position else None,
                format_path(path),
                message_zh,
                message_en,
                hint_zh,
                hint_en,
                column=position.column if position else None,
            )
        )
    return problems


def data_path(loc: tuple[str | int, ...], data: Any) -> PathKey:
    """Drop the parts of a pydantic loc that are not in the data (union tags like 'tiers', 'kpi').

    pydantic puts a discriminated union's tag right after the field (`source.kpi.kpi` for
    the field `kpi` of a KPI source), so the first part equal to a mapping's own `kind`
    value is the tag, even when a field of that name exists too. (Rules are looked up in
    the rule-kind registry, which puts no tag into the loc.)
    """
    path: list[str | int] = []
    current = data
    tag_skipped_for: int | None = None
    for index, part in enumerate(loc):
        if (
            isinstance(current, dict)
            and isinstance(part, str)
            and tag_skipped_for != id(current)
            and part == current.get("kind")
        ):
            tag_skipped_for = id(current)  # the discriminator value pydantic puts into the loc
        elif isinstance(current, list) and isinstance(part, int):
            path.append(part)
            current = current[part] if 0 <= part < len(current) else None
        elif isinstance(current, dict) and isinstance(part, str) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and index == len(loc) - 1:
            path.append(part)  # a missing or unknown key: keep it in the path
        # anything else: union member names and other pydantic internals
    return tuple(path)


def check_formulas(data: Any, positions: Mapping[PathKey, Position], filename: str) -> list[Problem]:
    """Parse and type-check every formula rule in the raw data, even if other parts are wrong."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return problems
    for ci, category in enumerate(_list(data.get("categories"))):
        for ii, indicator in enumerate(_list(_dict(category).get("indicators"))):
            rule = _dict(_dict(indicator).get("rule"))
            expr = rule.get("expr")
            if rule.get("type") != "formula" or not isinstance(expr, str) or not expr:
                continue
            source = _dict(_dict(indicator).get("source"))
            counts = _dict(source.get("counts")) if source.get("kind") == "counts" else {}
            try:
                compile_formula(expr, formula_variables(set(counts)))
            except FormulaError as exc:
                path: PathKey = ("categories", ci, "indicators", ii, "rule", "expr")
                position = nearest_position(positions, path)
                column = None
                if position is not None and position.text_column is not None and exc.column is not None:
                    column = position.text_column + exc.column - 1
                problems.append(
                    Problem(
                        "L003",
                        "error",
                        filename,
                        position.line if position else None,
                        format_path(path),
                        f"公式错误（第 {exc.column} 个字符）：{exc.message_zh}",
                        f"formula error at character {exc.column}: {exc.message}",
                        "公式可用 value、target、sample 和本指标的计数名称；见 docs/scheme-language.md",
                        "formulas may use value, target, sample and the indicator's count names; "
                        "see docs/scheme-language.md",
                        column=column,
                    )
                )
    return problems


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
