"""Kaohe's small formula language for `FormulaRule.expr`.

A formula is parsed and type-checked when the scheme loads, and evaluated by walking
our own tree with `Decimal`: nothing is ever handed to Python's `eval`. The language:

- numbers (exact decimals), variables from a declared set, `true` / `false`;
- `+ - * /` (also `× ÷ −`), unary minus, parentheses;
- comparisons `< <= > >= == !=` (also `≤ ≥ ≠`), `and`, `or`, `not`;
- functions `if(cond, a, b)`, `min(a, b, …)`, `max(a, b, …)`, `abs(x)`, `floor(x)`,
  `ceil(x)`, `round(x, n)` (half-up, `n` a whole number 0–10 written as a literal),
  `clamp(x, lo, hi)`.

Every error is a `FormulaError` carrying the 1-based column where it was found.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal

NUM: Literal["number"] = "number"
BOOL: Literal["boolean"] = "boolean"
Type = Literal["number", "boolean"]

MAX_LENGTH = 2000
MAX_DEPTH = 60
# Exact decimal arithmetic with generous precision; overflow becomes a FormulaError.
_CONTEXT = decimal.Context(prec=34, rounding=ROUND_HALF_UP, Emax=999_999, Emin=-999_999)


class FormulaError(Exception):
    """A formula that cannot be parsed, type-checked or evaluated."""

    def __init__(self, message: str, column: int | None = None, message_zh: str | None = None) -> None:
        self.message = message
        self.message_zh = message_zh or message
        self.column = column
        where = f" at column {column}" if column is not None else ""
        super().__init__(f"{message}{where}")


# --- tokens -------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<num>\d+(?:\.\d*)?|\.\d+)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op><=|>=|==|!=|[-+*/()<>,×÷−≤≥≠])"
)
_OP_ALIASES = {"×": "*", "÷": "/", "−": "-", "≤": "<=", "≥": ">=", "≠": "!="}
_KEYWORDS = {"and", "or", "not", "true", "false"}


@dataclass(frozen=True)
class Token:
    kind: str  # num, name, op, end
    text: str
    column: int


def tokenize(expr: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(expr):
        match = _TOKEN.match(expr, pos)
        if match is None:
            raise FormulaError(
                f"unexpected character {expr[pos]!r}", pos + 1, f"无法识别的字符 {expr[pos]!r}"
            )
        kind = match.lastgroup or "ws"
        if kind != "ws":
            text = match.group()
            tokens.append(Token(kind, _OP_ALIASES.get(text, text), pos + 1))
        pos = match.end()
    tokens.append(Token("end", "", len(expr) + 1))
    return tokens


# --- tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    column: int
    type: Type


@dataclass(frozen=True)
class Number(Node):
    value: Decimal


@dataclass(frozen=True)
class Boolean(Node):
    value: bool


@dataclass(frozen=True)
class Variable(Node):
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "-" or "not"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * / < <= > >= == != and or
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Node, ...]


# name → (minimum args, maximum args or None for any)
_FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "if": (3, 3),
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "floor": (1, 1),
    "ceil": (1, 1),
    "round": (2, 2),
    "clamp": (3, 3),
}
_COMPARISONS = {"<", "<=", ">", ">=", "==", "!="}


class _Parser:
    """Recursive descent, one method per precedence level, type-checking as it builds."""

    def __init__(self, expr: str, variables: frozenset[str]) -> None:
        self.tokens = tokenize(expr)
        self.pos = 0
        self.variables = variables
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, text: str) -> Token:
        if self.token.text != text or self.token.kind not in ("op", "name"):
            found = self.token.text or "end of formula"
            raise FormulaError(
                f"expected {text!r}, found {found!r}",
                self.token.column,
                f"此处应为 {text!r}，实际为 {found!r}",
            )
        return self.advance()

    def parse(self) -> Node:
        node = self.expression()
        if self.token.kind != "end":
            raise FormulaError(
                f"unexpected {self.token.text!r}", self.token.column, f"多余的内容 {self.token.text!r}"
            )
        return node

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError("formula nested too deeply", self.token.column, "公式嵌套层数过多")
        try:
            return self.disjunction()
        finally:
            self.depth -= 1

    def _logical(self, op: str, operand: Callable[[], Node]) -> Node:
        left = operand()
        while self.token.kind == "name" and self.token.text == op:
            token = self.advance()
            right = operand()
            _require(left, BOOL, op)
            _require(right, BOOL, op)
            left = Binary(token.column, BOOL, op, left, right)
        return left

    def disjunction(self) -> Node:
        return self._logical("or", self.conjunction)

    def conjunction(self) -> Node:
        return self._logical("and", self.negation)

    def negation(self) -> Node:
        if self.token.kind == "name" and self.token.text == "not":
            token = self.advance()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError("formula nested too deeply", token.column, "公式嵌套层数过多")
            operand = self.negation()
            self.depth -= 1
            _require(operand, BOOL, "not")
            return Unary(token.column, BOOL, "not", operand)
        return self.comparison()

    def comparison(self) -> Node:
        left = self.additive()
        if self.token.kind == "op" and self.token.text in _COMPARISONS:
            token = self.advance()
            right = self.additive()
            if token.text in ("==", "!="):
                if left.type != right.type:
                    raise FormulaError(
                        f"cannot compare a {left.type} with a {right.type}",
                        token.column,
                        "比较的两边类型不同（数值与真假值）",
                    )
            else:
                _require(left, NUM, token.text)
                _require(right, NUM, token.text)
            if self.token.kind == "op" and self.token.text in _COMPARISONS:
                raise FormulaError(
                    "comparisons cannot be chained; join them with 'and'",
                    self.token.column,
                    "比较不能连写，请用 and 连接",
                )
            return Binary(token.column, BOOL, token.text, left, right)
        return left

    def _arithmetic(self, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        left = operand()
        while self.token.kind == "op" and self.token.text in ops:
            token = self.advance()
            right = operand()
            _require(left, NUM, token.text)
            _require(right, NUM, token.text)
            left = Binary(token.column, NUM, token.text, left, right)
        return left

    def additive(self) -> Node:
        return self._arithmetic(("+", "-"), self.multiplicative)

    def multiplicative(self) -> Node:
        return self._arithmetic(("*", "/"), self.unary)

    def unary(self) -> Node:
        if self.token.kind == "op" and self.token.text in ("-", "+"):
            token = self.advance()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError("formula nested too deeply", token.column, "公式嵌套层数过多")
            operand = self.unary()
            self.depth -= 1
            _require(operand, NUM, token.text)
            return operand if token.text == "+" else Unary(token.column, NUM, "-", operand)
        return self.atom()

    def atom(self) -> Node:
        token = self.token
        if token.kind == "num":
            self.advance()
            return Number(token.column, NUM, Decimal(token.text))
        if token.kind == "op" and token.text == "(":
            self.advance()
            node = self.expression()
            self.expect(")")
            return node
        if token.kind == "name":
            self.advance()
            if token.text in ("true", "false"):
                return Boolean(token.column, BOOL, token.text == "true")
            if self.token.kind == "op" and self.token.text == "(":
                return self.call(token)
            if token.text in _FUNCTIONS:
                raise FormulaError(
                    f"function {token.text!r} needs arguments in parentheses",
                    token.column,
                    f"函数 {token.text!r} 后应有括号和参数",
                )
            if token.text in _KEYWORDS:
                raise FormulaError(f"unexpected {token.text!r}", token.column, f"此处不应出现 {token.text!r}")
            if token.text not in self.variables:
                known = ", ".join(sorted(self.variables)) or "none"
                raise FormulaError(
                    f"unknown variable {token.text!r} (known: {known})",
                    token.column,
                    f"未知变量 {token.text!r}（可用：{known}）",
                )
            return Variable(token.column, NUM, token.text)
        found = token.text or "end of formula"
        raise FormulaError(
            f"expected a number, a variable or '(', found {found!r}",
            token.column,
            f"此处应为数值、变量或左括号，实际为 {found!r}",
        )

    def call(self, name: Token) -> Node:
        if name.text not in _FUNCTIONS:
            known = ", ".join(sorted(_FUNCTIONS))
            raise FormulaError(
                f"unknown function {name.text!r} (known: {known})",
                name.column,
                f"未知函数 {name.text!r}（可用：{known}）",
            )
        self.expect("(")
        args: list[Node] = []
        if not (self.token.kind == "op" and self.token.text == ")"):
            args.append(self.expression())
            while self.token.kind == "op" and self.token.text == ",":
                self.advance()
                args.append(self.expression())
        self.expect(")")
        low, high = _FUNCTIONS[name.text]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = f"{low}" if low == high else f"at least {low}"
            raise FormulaError(
                f"{name.text}() takes {wanted} argument(s), got {len(args)}",
                name.column,
                f"{name.text}() 需要 {wanted.replace('at least', '至少')} 个参数，实际 {len(args)} 个",
            )
        return self._typed_call(name, tuple(args))

    def _typed_call(self, name: Token, args: tuple[Node, ...]) -> Node:
        if name.text == "if":
            _require(args[0], BOOL, "if")
            if args[1].type != args[2].type:
                raise FormulaError(
                    "both branches of if() must have the same type",
                    name.column,
                    "if() 的两个分支类型必须相同",
                )
            return Call(name.column, args[1].type, "if", args)
        for arg in args:
            _require(arg, NUM, name.text)
        if name.text == "round":
            places = args[1]
            if not (
                isinstance(places, Number)
                and places.value == places.value.to_integral_value()
                and 0 <= places.value <= 10
            ):
                raise FormulaError(
                    "round(x, n): n must be a whole number from 0 to 10 written as a literal",
                    places.column,
                    "round(x, n) 的 n 必须是 0 到 10 的整数常量",
                )
        return Call(name.column, NUM, name.text, args)


def _require(node: Node, wanted: Type, where: str) -> None:
    if node.type != wanted:
        zh = "数值" if wanted == NUM else "真假值（比较或逻辑式）"
        raise FormulaError(
            f"{where!r} needs a {wanted}, got a {node.type}",
            node.column,
            f"{where!r} 此处需要{zh}",
        )


# --- evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed, type-checked formula; `evaluate` walks the tree with exact decimals."""

    expr: str
    root: Node
    variables: frozenset[str]  # the variables the formula actually uses

    def evaluate(self, env: Mapping[str, Decimal]) -> Decimal:
        missing = sorted(name for name in self.variables if env.get(name) is None)
        if missing:
            raise FormulaError(
                f"no value for variable(s): {', '.join(missing)}",
                None,
                f"变量没有取值：{', '.join(missing)}",
            )
        try:
            result = _eval(self.root, env)
        except decimal.DecimalException as exc:
            raise FormulaError(f"arithmetic error: {type(exc).__name__}", None, "计算溢出或无效运算") from exc
        assert isinstance(result, Decimal)
        return result


def _eval(node: Node, env: Mapping[str, Decimal]) -> Decimal | bool:
    if isinstance(node, Number | Boolean):
        return node.value
    if isinstance(node, Variable):
        return Decimal(env[node.name])
    if isinstance(node, Unary):
        operand = _eval(node.operand, env)
        return (not operand) if node.op == "not" else _CONTEXT.minus(_num(operand))
    if isinstance(node, Binary):
        return _eval_binary(node, env)
    if isinstance(node, Call):
        return _eval_call(node, env)
    raise FormulaError(f"unknown node {type(node).__name__}", node.column)  # pragma: no cover


def _num(value: Decimal | bool) -> Decimal:
    assert isinstance(value, Decimal)
    return value


def _eval_binary(node: Binary, env: Mapping[str, Decimal]) -> Decimal | bool:
    if node.op == "and":
        return bool(_eval(node.left, env)) and bool(_eval(node.right, env))
    if node.op == "or":
        return bool(_eval(node.left, env)) or bool(_eval(node.right, env))
    left, right = _eval(node.left, env), _eval(node.right, env)
    if node.op == "==":
        return left == right
    if node.op == "!=":
        return left != right
    a, b = _num(left), _num(right)
    if node.op == "<":
        return a < b
    if node.op == "<=":
        return a <= b
    if node.op == ">":
        return a > b
    if node.op == ">=":
        return a >= b
    if node.op == "+":
        return _CONTEXT.add(a, b)
    if node.op == "-":
        return _CONTEXT.subtract(a, b)
    if node.op == "*":
        return _CONTEXT.multiply(a, b)
    if b == 0:
        raise FormulaError("division by zero", node.column, "除数为零")
    return _CONTEXT.divide(a, b)


def _eval_call(node: Call, env: Mapping[str, Decimal]) -> Decimal | bool:
    if node.function == "if":
        condition = _eval(node.args[0], env)
        return _eval(node.args[1] if condition else node.args[2], env)
    args = [_num(_eval(arg, env)) for arg in node.args]
    name = node.function
    if name == "min":
        return min(args)
    if name == "max":
        return max(args)
    if name == "abs":
        return abs(args[0])
    if name == "floor":
        return args[0].to_integral_value(rounding=ROUND_FLOOR)
    if name == "ceil":
        return args[0].to_integral_value(rounding=ROUND_CEILING)
    if name == "round":
        return args[0].quantize(Decimal(1).scaleb(-int(args[1])), rounding=ROUND_HALF_UP, context=_CONTEXT)
    # clamp
    value, low, high = args
    if low > high:
        raise FormulaError("clamp(x, lo, hi) with lo above hi", node.column, "clamp 的下限高于上限")
    return max(low, min(high, value))


def compile_formula(expr: str, variables: frozenset[str]) -> Formula:
    """Parse and type-check `expr`; the result must be a number."""
    if not expr.strip():
        raise FormulaError("empty formula", 1, "公式为空")
    if len(expr) > MAX_LENGTH:
        raise FormulaError(f"formula longer than {MAX_LENGTH} characters", MAX_LENGTH, "公式过长")
    root = _Parser(expr, variables).parse()
    if root.type != NUM:
        raise FormulaError(
            "the formula must give a number, not a true/false value",
            root.column,
            "公式的结果必须是数值，而不是真假值",
        )
    return Formula(expr, root, frozenset(_used(root)))


def _used(node: Node) -> set[str]:
    if isinstance(node, Variable):
        return {node.name}
    if isinstance(node, Unary):
        return _used(node.operand)
    if isinstance(node, Binary):
        return _used(node.left) | _used(node.right)
    if isinstance(node, Call):
        return set().union(*(_used(arg) for arg in node.args))
    return set()


def formula_variables(count_names: frozenset[str] | set[str] = frozenset()) -> frozenset[str]:
    """The variables a FormulaRule may use: value, target, sample and the indicator's counts."""
    return frozenset({"value", "target", "sample"}) | frozenset(count_names)
