"""``kaohe kpi``: compute KPIs from an event store, per agent, team, department or center.

    kaohe kpi --data DIR --from 2026-10-01 --to 2026-10-31 --level agent [--kpi asa,aht]
              [--format table|json|csv|xlsx] [--out FILE] [--definitions defs.yaml] [--param aht.components=talk]

``--to`` is the last day included. Without ``--kpi`` every KPI the store can feed is
computed (its tables are loaded, or an interval report stands in for them). The center's
KPI definitions (docs/kpi-catalog.md, "KPI definitions each center chooses") come from a
YAML file ``{kpi: {param: value}}`` and/or ``--param kpi.name=value``.

JSON is a list of objects: kpi, level, unit_id (the agent id as the source names it),
unit_name, value, numerator, denominator, sample_size, from, to, plus unit, params and
provenance ("records" or "interval report").
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

FIELDS = ("kpi", "level", "unit_id", "unit_name", "value", "numerator", "denominator", "sample_size", "from", "to",
          "unit", "params", "provenance")


class Level(StrEnum):
    agent = "agent"
    team = "team"
    department = "department"
    center = "center"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(zh: str, en: str) -> typer.Exit:
    _err().print(f"{zh} / {en}", style="red", markup=False)
    return typer.Exit(2)


def _parse_value(text: str) -> Any:
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


def definitions(path: Path | None, params: list[str]) -> dict[str, dict[str, Any]]:
    """KPI id → parameters, from a YAML file and ``kpi.param=value`` options."""
    out: dict[str, dict[str, Any]] = {}
    if path is not None:
        from ruamel.yaml import YAML

        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise ValueError(f"{path}: expected {{kpi: {{parameter: value}}}}")
        out = {str(k): dict(v) for k, v in data.items()}
    for item in params:
        key, sep, value = item.partition("=")
        kpi, dot, name = key.partition(".")
        if not sep or not dot or not kpi or not name:
            raise ValueError(f"--param {item!r}: write kpi.parameter=value, e.g. service_level.threshold_s=30")
        out.setdefault(kpi.strip(), {})[name.strip()] = _parse_value(value)
    return out


def _available(src: Any, wanted: list[str] | None) -> list[str]:
    from kaohe.metrics.catalog.registry import list_kpis

    if wanted:
        return wanted
    interval = src.table("interval_stats") is not None
    ids = []
    for d in list_kpis():
        if any(p.required for p in d.params):
            continue
        if all(src.table(t) is not None for t in d.inputs) or (interval and d.interval_parts is not None):
            ids.append(d.id)
    return ids


def _groups(specs: list[Any]) -> list[list[Any]]:
    """KPIs that share a base are computed together (one scan); the progress bar counts groups."""
    by: dict[str, list[Any]] = {}
    for s in specs:
        by.setdefault(s.definition.base or s.id, []).append(s)
    return list(by.values())


def _num(v: Any) -> float | None:
    if v is None:
        return None
    f = float(v)
    return None if f != f else round(f, 6)


def compute_rows(data: Path, start: date, end: date, level: str, kpis: list[str] | None,
                 defs: dict[str, dict[str, Any]], tz: str, progress: bool) -> list[dict[str, Any]]:
    from kaohe.metrics.backends import duckdb_backend
    from kaohe.metrics.catalog.periods import Period
    from kaohe.metrics.catalog.registry import kpi_spec
    from kaohe.metrics.compute import compute_kpis, provenance_of

    src = duckdb_backend(data_dir=data)
    period = Period.range(start, end + timedelta(days=1))
    ids = _available(src, kpis)
    specs = [kpi_spec(k, defs.get(k)) for k in ids]
    names: dict[str, str] = {}
    if src.table("org") is not None:
        org = src.table("org").select("employee_id", "name").execute()
        names = dict(zip(org["employee_id"].astype(str), org["name"].astype(str), strict=True))
    rows: list[dict[str, Any]] = []
    groups = _groups(specs)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=_err(), transient=True,
                  disable=not progress or not sys.stderr.isatty()) as bar:
        task = bar.add_task("KPI", total=len(groups))
        for group in groups:
            bar.update(task, description=", ".join(s.id for s in group)[:40])
            for v in compute_kpis(src, group, period, level, tz=tz, missing_tables="missing"):
                rows.append({
                    "kpi": v.kpi_id, "level": level, "unit_id": v.entity_id,
                    "unit_name": names.get(v.entity_id, v.entity_id) if level == "agent" else v.entity_id,
                    "value": _num(v.value), "numerator": _num(v.numerator), "denominator": _num(v.denominator),
                    "sample_size": v.sample_size, "from": start.isoformat(), "to": end.isoformat(), "unit": v.unit,
                    "params": v.params, "provenance": provenance_of(v),
                })
            bar.advance(task)
    rows.sort(key=lambda r: (r["kpi"], str(r["unit_id"])))
    return rows


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"
    return str(v)


def _flat(row: dict[str, Any]) -> list[Any]:
    out = []
    for f in FIELDS:
        v = row[f]
        out.append(json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict) else v)
    return out


def write(rows: list[dict[str, Any]], fmt: Format, out: Path | None) -> None:
    if fmt == Format.json:
        text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    elif fmt == Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(FIELDS)
        for r in rows:
            w.writerow(["" if v is None else v for v in _flat(r)])
        text = buf.getvalue()
    elif fmt == Format.xlsx:
        from openpyxl import Workbook

        assert out is not None
        wb = Workbook()
        ws = wb.active
        ws.title = "KPI"
        ws.append(list(FIELDS))
        for r in rows:
            ws.append(_flat(r))
        wb.save(out)
        return
    else:
        table = Table("KPI", "单位 unit", "名称 name", "值 value", "分子 num.", "分母 den.", "样本 n", "来源 source")
        for r in rows:
            table.add_row(r["kpi"], str(r["unit_id"]), str(r["unit_name"]), _fmt(r["value"]) + (
                f" {r['unit']}" if r["value"] is not None and r["unit"] in ("s", "%") else ""),
                _fmt(r["numerator"]), _fmt(r["denominator"]), str(r["sample_size"]), r["provenance"])
        wide = out is not None or not sys.stdout.isatty()  # a file or a pipe: do not fold the columns
        console = Console(file=out.open("w", encoding="utf-8") if out else None, width=160 if wide else None,
                          highlight=False)
        console.print(table)
        return
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8-sig" if fmt == Format.csv else "utf-8")


def kpi_command(
    data: Annotated[Path, typer.Option("--data", "-d", help="数据目录 / event store directory")],
    start: Annotated[str, typer.Option("--from", help="首日 / first day (YYYY-MM-DD)")],
    end: Annotated[str, typer.Option("--to", help="末日(含)/ last day, included (YYYY-MM-DD)")],
    level: Annotated[Level, typer.Option("--level", help="agent | team | department | center")] = Level.agent,
    kpi: Annotated[str | None, typer.Option("--kpi", help="KPI 编号,逗号分隔 / KPI ids, comma-separated")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table | json | csv | xlsx")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", help="输出文件 / output file (required for xlsx)")] = None,
    definitions_file: Annotated[Path | None, typer.Option("--definitions", help="指标口径 YAML / KPI definitions "
                                                          "{kpi: {param: value}}")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="kpi.param=value, e.g. "
                                                    "service_level.threshold_s=30")] = None,
    tz: Annotated[str, typer.Option("--tz", help="公司时区 / company time zone")] = "Asia/Shanghai",
) -> None:
    """按单位计算 KPI / Compute KPIs per agent, team, department or center from an event store."""
    from kaohe.metrics.catalog.periods import PeriodError
    from kaohe.metrics.catalog.registry import KpiError
    from kaohe.metrics.compute import LevelError

    try:
        d0, d1 = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise _fail("日期须为 YYYY-MM-DD", f"--from/--to must be YYYY-MM-DD (got {start!r}, {end!r})") from None
    if d1 < d0:
        raise _fail("结束日期早于开始日期", f"--to {end} is before --from {start}")
    if not data.is_dir():
        raise _fail(f"数据目录 {data} 不存在", f"data directory {data} does not exist")
    if fmt == Format.xlsx and out is None:
        raise _fail("--format xlsx 需要 --out 文件", "--format xlsx needs --out FILE")
    try:
        defs = definitions(definitions_file, param or [])
    except (ValueError, OSError) as exc:
        raise _fail("指标口径有误", str(exc)) from None
    wanted = [k.strip() for k in kpi.split(",") if k.strip()] if kpi else None
    try:
        rows = compute_rows(data, d0, d1, level.value, wanted, defs, tz, progress=True)
    except (KpiError, LevelError, PeriodError) as exc:
        raise _fail("无法计算", str(exc)) from None
    write(rows, fmt, out)
    if out is not None:
        _err().print(f"{len(rows)} → {out}", markup=False)
