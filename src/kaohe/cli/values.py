"""Read the values CSV of `kaohe score`: one row per employee, one column per input.

Columns: `employee_id` (required), `name` (optional), then for each indicator
  `ID`            its value (a KPI value, or a direct value),
  `ID.COUNT`      a count of occurrences (`attendance.late`),
  `ID@ROLE`       a manual rating by a rater role (`initiative@supervisor`),
  `ID#n`          the sample size behind the value (`csat#n`).
An empty cell is a missing value (never zero). Every problem in the file is collected
and reported together, with its row and column; nothing is scored when there is one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kaohe.problems import Problem, ProblemsError
from kaohe.scheme.models import CountsSource, RaterRole, Scheme
from kaohe.scoring import IndicatorInput, SheetInputs


def ValueProblem(  # noqa: N802 — the name the readers below use
    file: str, row: int | None, column: str | None, message_zh: str, message_en: str, value: str | None = None
) -> Problem:
    """One problem of a values file (`row` 1-based, the header is row 1), as a `kaohe.problems.Problem`."""
    return Problem("bad_value", "error", file=file, row=row, column=column, value=value,
                   message_zh=message_zh, message_en=message_en)


class ValuesError(ProblemsError):
    """The values file has problems; `problems` lists every one (nothing is scored)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "数据文件有误，未计分", "The values file has errors; nothing was scored")


@dataclass
class _Partial:
    value: Decimal | None = None
    counts: dict[str, int] = field(default_factory=dict)
    ratings: dict[RaterRole, Decimal | None] = field(default_factory=dict)
    sample_size: int | None = None


@dataclass(frozen=True)
class EmployeeRow:
    employee_id: str
    name: str
    inputs: SheetInputs


@dataclass(frozen=True)
class _Column:
    header: str
    indicator: str
    kind: str  # value, count, rating, sample
    key: str = ""  # count name or rater role


def read_values(path: Path | str, scheme: Scheme) -> list[EmployeeRow]:
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValuesError(
            [ValueProblem(file, None, None, f"无法读取文件：{exc}", f"cannot read file: {exc}")]
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Chinese Windows saves CSV as GB18030/GBK; accept it when it decodes cleanly
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ValuesError(
                [
                    ValueProblem(
                        file,
                        None,
                        None,
                        "文件既不是 UTF-8 也不是 GB18030 编码",
                        "the file is neither UTF-8 nor GB18030 encoded",
                    )
                ]
            ) from exc
    return parse_values(text, scheme, file)


def parse_values(text: str, scheme: Scheme, file: str = "<values>") -> list[EmployeeRow]:
    rows = list(csv.reader(io.StringIO(text)))
    problems: list[Problem] = []
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValuesError(
            [ValueProblem(file, None, None, "文件为空：没有表头", "the file is empty: no header row")]
        )
    header = [cell.strip() for cell in rows[0]]
    columns = _columns(header, scheme, file, problems)
    if "employee_id" not in header:
        problems.append(
            ValueProblem(file, 1, "employee_id", "缺少 employee_id 列", "the employee_id column is missing")
        )
    data_rows = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    if not data_rows:
        problems.append(
            ValueProblem(file, None, None, "文件中没有员工数据行", "the file has no employee rows")
        )
    result: list[EmployeeRow] = []
    seen: dict[str, int] = {}
    id_index = header.index("employee_id") if "employee_id" in header else None
    name_index = header.index("name") if "name" in header else None
    for number, row in data_rows:
        if len(row) > len(header):
            problems.append(
                ValueProblem(
                    file,
                    number,
                    None,
                    f"该行有 {len(row)} 个单元格，表头只有 {len(header)} 列",
                    f"the row has {len(row)} cells but the header has {len(header)} columns",
                )
            )
            continue
        cells = row + [""] * (len(header) - len(row))
        employee = cells[id_index].strip() if id_index is not None else ""
        if id_index is not None and not employee:
            problems.append(ValueProblem(file, number, "employee_id", "员工编号为空", "employee_id is empty"))
        elif employee in seen:
            problems.append(
                ValueProblem(
                    file,
                    number,
                    "employee_id",
                    f"员工 {employee!r} 重复（第 {seen[employee]} 行已有）",
                    f"employee {employee!r} appears twice (already on row {seen[employee]})",
                )
            )
        else:
            seen[employee] = number
        partial: dict[str, _Partial] = {}
        for index, column in columns.items():
            cell = cells[index].strip()
            if not cell:
                continue  # missing: the scheme's missing-value policy decides, never 0
            target = partial.setdefault(column.indicator, _Partial())
            _fill(target, column, cell, file, number, problems)
        inputs = SheetInputs(
            employee,
            {
                iid: IndicatorInput(
                    value=p.value,
                    counts=p.counts or None,
                    ratings=p.ratings or None,
                    sample_size=p.sample_size,
                )
                for iid, p in partial.items()
            },
        )
        name = cells[name_index].strip() if name_index is not None else ""
        result.append(EmployeeRow(employee, name, inputs))
    if problems:
        raise ValuesError(problems)
    return result


def _columns(
    header: list[str], scheme: Scheme, file: str, problems: list[Problem]
) -> dict[int, _Column]:
    indicators = {i.id: i for c in scheme.categories for i in c.indicators}
    roles = {r.value for r in RaterRole}
    columns: dict[int, _Column] = {}
    seen: set[str] = set()
    for index, title in enumerate(header):
        if title in ("employee_id", "name"):
            if title in seen:
                problems.append(ValueProblem(file, 1, title, "列名重复", "the column appears twice"))
            seen.add(title)
            continue
        if not title:
            problems.append(ValueProblem(file, 1, f"#{index + 1}", "列名为空", "the column has no name"))
            continue
        if title in seen:
            problems.append(ValueProblem(file, 1, title, "列名重复", "the column appears twice"))
            continue
        seen.add(title)
        column = _parse_header(title)
        indicator = indicators.get(column.indicator)
        if indicator is None:
            problems.append(
                ValueProblem(
                    file,
                    1,
                    title,
                    f"方案 {scheme.id!r} 中没有指标 {column.indicator!r}",
                    f"scheme {scheme.id!r} has no indicator {column.indicator!r}",
                )
            )
            continue
        if column.kind == "count":
            names = set(indicator.source.counts) if isinstance(indicator.source, CountsSource) else set()
            if column.key not in names:
                known = ", ".join(sorted(names)) or "—"
                problems.append(
                    ValueProblem(
                        file,
                        1,
                        title,
                        f"指标 {indicator.id!r} 没有计数 {column.key!r}（可用：{known}）",
                        f"indicator {indicator.id!r} has no count {column.key!r} (known: {known})",
                    )
                )
                continue
        if column.kind == "rating" and column.key not in roles:
            problems.append(
                ValueProblem(
                    file,
                    1,
                    title,
                    f"未知的评分人角色 {column.key!r}（可用：{', '.join(sorted(roles))}）",
                    f"unknown rater role {column.key!r} (known: {', '.join(sorted(roles))})",
                )
            )
            continue
        if column.kind == "sample" and column.key != "n":
            problems.append(
                ValueProblem(file, 1, title, "样本量列应写作 指标#n", "a sample-size column is written ID#n")
            )
            continue
        columns[index] = column
    return columns


def _parse_header(title: str) -> _Column:
    for mark, kind in (("@", "rating"), ("#", "sample"), (".", "count")):
        if mark in title:
            indicator, _, key = title.partition(mark)
            return _Column(title, indicator, kind, key)
    return _Column(title, title, "value")


def _fill(
    target: _Partial, column: _Column, cell: str, file: str, row: int, problems: list[Problem]
) -> None:
    if column.kind in ("count", "sample"):
        try:
            number = int(cell)
        except ValueError:
            number = -1
        if number < 0:
            problems.append(
                ValueProblem(
                    file, row, column.header, f"{cell!r} 不是非负整数", f"{cell!r} is not a whole number ≥ 0"
                )
            )
        elif column.kind == "count":
            target.counts[column.key] = number
        else:
            target.sample_size = number
        return
    try:
        value = Decimal(cell)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        problems.append(
            ValueProblem(file, row, column.header, f"{cell!r} 不是数字", f"{cell!r} is not a number")
        )
    elif column.kind == "rating":
        target.ratings[RaterRole(column.key)] = value
    else:
        target.value = value
