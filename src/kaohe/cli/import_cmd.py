"""``kaohe import``: load operational records into the event store (a thin layer over kaohe.metrics.ingest)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kaohe.metrics.events import TABLES
from kaohe.metrics.ingest import MappingError, import_file

import_app = typer.Typer(help="导入运营数据 / Import operational records (CSV, XLSX, Parquet), PBX event logs, "
                              "CDRs and vendor interval reports.",
                         context_settings={"allow_interspersed_args": True})


def _default_data_dir() -> Path:
    return Path(os.environ.get("KAOHE_DATA_DIR", "data"))


def import_command(
    files: list[Path] = typer.Argument(..., help="源文件 / source files (CSV, TXT, TSV, XLSX, Parquet)"),
    data: Path = typer.Option(None, "--data", "-d", help="数据目录 / data directory (default $KAOHE_DATA_DIR or ./data)"),
    table: str = typer.Option(None, "--table", "-t", help=f"目标表 / target table: {', '.join(TABLES)}"),
    mapping: str = typer.Option(None, "--mapping", "-m", help="列映射文件或内置名 / mapping YAML or a bundled name (anonymous_bank)"),
    encoding: str = typer.Option(None, "--encoding", help="文件编码 / file encoding (default: detect UTF-8 or GB18030)"),
    delimiter: str = typer.Option(None, "--delimiter", help="分隔符 / field delimiter (default ',' or tab for .tsv; '\\t' for tab)"),
    fmt: str = typer.Option(None, "--format", help="csv | xlsx | parquet (default: from the extension)"),
    sheet: str = typer.Option(None, "--sheet", help="XLSX 工作表 / worksheet name"),
    timezone: str = typer.Option(None, "--timezone", help="无时区时间的时区 / zone of naive timestamps in the file (default UTC)"),
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows", help="跳过错误行并导入其余 / load the good rows, list the skipped ones"),
    correct: bool = typer.Option(False, "--correct", help="更正文件：已导入的同键记录被替换（旧记录保留在 _superseded）/ "
                                 "a correction file: rows whose key is already loaded replace the stored rows "
                                 "(the old rows are kept in _superseded)"),
    org: Path = typer.Option(None, "--org", help="组织表文件或数据目录 / org table (file or data dir) to check employee ids"),
    report: Path = typer.Option(None, "--report", help="把全部错误写入 CSV / write every error to this CSV"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果 / print the result as JSON"),
    source: str = typer.Option(None, "--source", "-s", help="来源 / source: asterisk-queue-log | freeswitch-cdr | "
                               "interval-report | table (default: detected when unambiguous)"),
    config: Path = typer.Option(None, "--config", help="来源选项 YAML / source adapter options (ACW policy, agents, "
                                "column names …)"),
    hold_cdr: Path = typer.Option(None, "--hold-cdr", help="保持时长 CDR / CSV of hold seconds per call "
                                  "(uniqueid,hold_s) for the Asterisk queue log"),
) -> None:
    """导入文件：逐行校验，报告全部错误行，原子、幂等地写入。Validate every row, report all bad rows, load atomically and idempotently."""
    console = Console(stderr=True)
    data = data or _default_data_dir()
    if delimiter == "\\t":
        delimiter = "\t"
    options = _read_config(config)
    failed = False
    results = []
    for f in files:
        src = source or (None if table or mapping else _detect(f))
        if src is not None and src != "table":
            if correct:
                raise typer.BadParameter("--correct 仅用于 --table/--mapping 导入的标准表文件 / --correct works for "
                                         "files imported with --table or --mapping", param_hint="--correct")
            rep = _import_source(f, data, src, options, mapping=mapping, hold_cdr=hold_cdr, timezone=timezone,
                                 encoding=encoding, delimiter=delimiter, fmt=fmt, sheet=sheet,
                                 skip_bad_rows=skip_bad_rows, org=org)
            results.append(rep)
            if report:
                _write_errors(report, rep.errors, append=len(results) > 1)
            if not as_json:
                console.print(rep.summary(), markup=False, highlight=False)
            failed |= bool(rep.errors_total and not rep.committed)
            continue
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} rows"),
                      TimeElapsedColumn(), console=console, transient=True, disable=as_json) as bar:
            task = bar.add_task(f"导入 {f.name}", total=None)
            try:
                rep = import_file(f, data, table=table, mapping=mapping, encoding=encoding, delimiter=delimiter,
                                  format=fmt, sheet=sheet, timezone=timezone, skip_bad_rows=skip_bad_rows,
                                  org=org, correct=correct, progress=lambda n, task=task: bar.update(task, completed=n))
            except MappingError as exc:
                raise typer.BadParameter("; ".join(exc.problems), param_hint="--mapping") from None
            except (ValueError, KeyError) as exc:
                raise typer.BadParameter(str(exc).strip("'\""), param_hint="--table/--mapping") from None
        results.append(rep)
        if report:
            _write_errors(report, rep.errors, append=len(results) > 1)
        if not as_json:
            console.print(rep.summary(), markup=False, highlight=False)
        failed |= bool(rep.errors_total and not rep.committed)
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1))
    if failed:
        raise typer.Exit(code=1)


def _read_config(path: Path | None) -> dict:  # type: ignore[type-arg]
    if path is None:
        return {}
    from ruamel.yaml import YAML

    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from None
    if not isinstance(data, dict):
        raise typer.BadParameter("the source options file must be a YAML mapping", param_hint="--config")
    return data


def _detect(path: Path) -> str | None:
    """The source adapter for a file with no --table or --mapping: detected, or an error naming the choices."""
    from kaohe.metrics.ingest.sources import SourceDetectError, detect_source

    try:
        return detect_source(path)
    except SourceDetectError as exc:
        raise typer.BadParameter(f"{exc}. 无法判断文件来源，请用 --source 或 --table/--mapping 指明",
                                 param_hint="--source") from None


def _import_source(f: Path, data: Path, src: str, options: dict, **kw):  # type: ignore[no-untyped-def,type-arg]
    from kaohe.metrics.ingest.sources import SOURCES, import_queue_log
    from kaohe.metrics.ingest.sources.freeswitch import import_cdr
    from kaohe.metrics.ingest.sources.interval import import_interval_report

    if src not in SOURCES:
        raise typer.BadParameter(f"unknown source {src!r}; known: {', '.join(SOURCES)}", param_hint="--source")
    try:
        if src == "asterisk-queue-log":
            return import_queue_log(f, data, options=options, hold_cdr=kw["hold_cdr"], timezone=kw["timezone"],
                                    skip_bad_rows=kw["skip_bad_rows"], org=kw["org"])
        if src == "freeswitch-cdr":
            return import_cdr(f, data, options=options, skip_bad_rows=kw["skip_bad_rows"], org=kw["org"])
        return import_interval_report(f, data, mapping=kw["mapping"], encoding=kw["encoding"],
                                      delimiter=kw["delimiter"], format=kw["fmt"], sheet=kw["sheet"],
                                      timezone=kw["timezone"], skip_bad_rows=kw["skip_bad_rows"], org=kw["org"])
    except MappingError as exc:
        raise typer.BadParameter("; ".join(exc.problems), param_hint="--mapping") from None


def _write_errors(path: Path, errors: list, append: bool) -> None:  # type: ignore[type-arg]
    with open(path, "a" if append else "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        if not append:
            w.writerow(["file", "row", "column", "reason", "value"])
        for e in errors:
            w.writerow([e.file, e.row, e.column, e.reason, e.value])


import_app.callback(invoke_without_command=True)(import_command)
