"""Present scored sheets: rich tables with explanations, JSON, or an Excel workbook."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from kaohe.results.safe import safe_cell
from kaohe.scoring import SheetResult

from .values import EmployeeRow

STATUS_ZH = {
    "scored": "已计分",
    "missing_zero": "缺值计零",
    "excluded": "不计入",
    "missing_error": "缺值",
    "low_sample": "样本不足",
}


def num(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def sheet_table(result: SheetResult, name: str = "", lang: str = "zh") -> Table:
    zh = lang == "zh"
    who = f"{result.employee_id} {name}".strip()
    total = num(result.total)
    grade = f"  {'等级' if zh else 'grade'} {result.grade}" if result.grade else ""
    table = Table(
        title=f"{who} · {result.scheme_id} · {'总分' if zh else 'total'} {total}{grade}",
        show_lines=True,
        title_justify="left",
    )
    table.add_column("指标" if zh else "Indicator", max_width=18, overflow="fold")
    for zh_title, en_title in (
        ("权重", "Weight"),
        ("实际值", "Value"),
        ("得分", "Score"),
        ("计入", "Points"),
    ):
        table.add_column(zh_title if zh else en_title, justify="right", no_wrap=True)
    table.add_column("说明" if zh else "Explanation", ratio=1, min_width=24, overflow="fold")
    for item in result.items:
        summary = item.trace.summary_zh if zh else item.trace.summary_en
        status = (
            ""
            if item.status == "scored"
            else f" [{STATUS_ZH.get(item.status, item.status) if zh else item.status}]"
        )
        table.add_row(
            item.name_zh if zh else (item.name_en or item.name_zh),
            num(item.weight),
            num(item.value),
            num(item.score),
            num(item.contribution if item.contribution is not None else item.points),
            summary + status,
        )
    for category in result.categories:
        table.add_row(
            f"[bold]{category.name_zh if zh else (category.name_en or category.name_zh)}[/bold]",
            num(category.weight),
            "",
            num(category.score),
            num(category.points),
            "",
        )
    return table


def print_tables(
    results: Sequence[tuple[EmployeeRow, SheetResult]], console: Console, lang: str = "zh"
) -> None:
    for row, result in results:
        console.print(sheet_table(result, row.name, lang))
        for line in result.trace_zh if lang == "zh" else result.trace_en:
            console.print(f"  {line}")
        for issue in result.issues:
            console.print(f"  ! {issue.message_zh if lang == 'zh' else issue.message_en}")
        console.print()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return num(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _jsonable(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def results_json(results: Sequence[tuple[EmployeeRow, SheetResult]]) -> str:
    """Decimals are written as strings so that no reader turns them into floats."""
    payload = [{"name": row.name, **_jsonable(result)} for row, result in results]
    return json.dumps(payload, ensure_ascii=False, indent=2)


def write_xlsx(results: Sequence[tuple[EmployeeRow, SheetResult]], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "总表 Summary"
    summary.append(["employee_id", "name", "scheme", "total", "grade", "complete"])
    items = workbook.create_sheet("明细 Items")
    items.append(
        [
            "employee_id",
            "indicator_id",
            "指标",
            "indicator",
            "weight",
            "value",
            "score",
            "points",
            "status",
            "说明",
            "explanation",
        ]
    )
    for row, result in results:
        summary.append(
            [
                safe_cell(v)
                for v in (
                    result.employee_id,
                    row.name,
                    result.scheme_id,
                    result.total,
                    result.grade or "",
                    "yes" if result.complete else "no",
                )
            ]
        )
        for item in result.items:
            items.append(
                [
                    safe_cell(v)
                    for v in (
                        result.employee_id,
                        item.indicator_id,
                        item.name_zh,
                        item.name_en,
                        item.weight,
                        item.value,
                        item.score,
                        item.contribution if item.contribution is not None else item.points,
                        item.status,
                        item.trace.summary_zh,
                        item.trace.summary_en,
                    )
                ]
            )
    workbook.save(path)
