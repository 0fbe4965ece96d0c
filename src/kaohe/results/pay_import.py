"""Reading the pay-input file HR prepares for a cycle (xlsx or CSV).

Columns (first row): 工号 (employee id), 绩效工资基数 (base), 应出勤天数 (required
days), then one column per absence kind, titled with the policy's kind id or its
label (事假, 病假 …). Every bad cell is reported at once with its row and column;
nothing is returned unless the whole file is good. An empty absence cell means no
absence of that kind; an empty base or required-days cell is an error, never 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kaohe.problems import Problem, ProblemsError
from kaohe.results.pay import PayInput
from kaohe.results.policy import ResultsPolicy

ID_COLUMNS = {"工号": "employee_id", "employee_id": "employee_id", "绩效工资基数": "base", "base": "base",
              "应出勤天数": "required_days", "required_days": "required_days"}


@dataclass(frozen=True)
class Employee:
    name: str
    grade: str | None
    department: str = ""
    position: str = ""


def CellProblem(row: int, column: str, message_zh: str, message_en: str) -> Problem:  # noqa: N802
    """One bad cell (`row` as the spreadsheet shows it, the header is row 1), as a `kaohe.problems.Problem`."""
    return Problem("bad_cell", "error", row=row, column=column, message_zh=message_zh, message_en=message_en)


class PayImportError(ProblemsError):
    """The pay file has problems; `problems` lists every bad cell (nothing was imported)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems, "工资数据文件有误，未导入", "The pay file has errors; nothing was imported")


def _rows(content: bytes, filename: str) -> list[list[object]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        ws = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        assert ws is not None
        return [list(r) for r in ws.iter_rows(values_only=True)]
    text = content.decode("utf-8-sig")
    return [list(r) for r in csv.reader(io.StringIO(text))]


def read_pay_inputs(
    content: bytes, filename: str, policy: ResultsPolicy, employees: Mapping[str, Employee]
) -> list[PayInput]:
    rows = _rows(content, filename)
    problems: list[Problem] = []
    if not rows:
        raise PayImportError([CellProblem(1, "", "文件为空", "the file is empty")])
    by_label = {label: kind for kind, label in policy.attendance.labels.items()}
    columns: list[tuple[str, str]] = []  # (title, field or "kind:<id>")
    for title in rows[0]:
        t = str(title or "").strip()
        if t in ID_COLUMNS:
            columns.append((t, ID_COLUMNS[t]))
        elif t in policy.attendance.deductible or t in by_label:
            columns.append((t, "kind:" + by_label.get(t, t)))
        else:
            columns.append((t, ""))
            problems.append(CellProblem(1, t, "未知列（不是工号/基数/应出勤天数/政策中的缺勤类别）",
                                        "unknown column (not id, base, required days or a policy absence kind)"))
    for needed, title in (("employee_id", "工号"), ("base", "绩效工资基数"), ("required_days", "应出勤天数")):
        if needed not in {f for _, f in columns}:
            problems.append(CellProblem(1, title, "缺少此列", "the column is missing"))
    out: list[PayInput] = []
    seen: set[str] = set()
    for n, raw in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in raw):
            continue
        values: dict[str, object] = {}
        absences: dict[str, Decimal] = {}
        for (title, field), value in zip(columns, raw, strict=False):
            text = "" if value is None else str(value).strip()
            if field in ("base", "required_days") or field.startswith("kind:"):
                if text == "":
                    if not field.startswith("kind:"):
                        problems.append(CellProblem(n, title, "不能为空", "must not be empty"))
                    continue
                try:
                    number = Decimal(text)
                except InvalidOperation:
                    problems.append(CellProblem(n, title, f"“{text}”不是数字", f"{text!r} is not a number"))
                    continue
                if number < 0 or (field == "required_days" and number == 0):
                    problems.append(CellProblem(n, title, "必须为正数", "must be positive"))
                    continue
                if field.startswith("kind:"):
                    absences[field[5:]] = number
                else:
                    values[field] = number
            elif field == "employee_id":
                values[field] = text
        code = str(values.get("employee_id", ""))
        if not code:
            problems.append(CellProblem(n, "工号", "不能为空", "must not be empty"))
            continue
        if code in seen:
            problems.append(CellProblem(n, "工号", f"{code} 重复出现", f"{code} appears twice"))
            continue
        seen.add(code)
        emp = employees.get(code)
        if emp is None:
            problems.append(CellProblem(n, "工号", f"{code} 不在本周期（或您无权查看）",
                                        f"{code} is not in this cycle (or not visible to you)"))
            continue
        if "base" in values and "required_days" in values:
            out.append(PayInput(code, emp.name, emp.grade, values["base"], values["required_days"],  # type: ignore[arg-type]
                                absences, emp.department, emp.position))
    if problems:
        raise PayImportError(problems)
    return out
