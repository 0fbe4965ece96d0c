"""`kaohe`: the command line. Each command translates arguments and errors, nothing more.

Other parts of Kaohe add their command groups here with one `app.add_typer(...)` line
each (library, import, generate, audit …).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import track

from kaohe.problems import ProblemsError
from kaohe.scheme import SchemeLoadError, load_scheme_located, scheme_json_schema
from kaohe.scheme.checker import check_scheme
from kaohe.scheme.problems import Problem

if TYPE_CHECKING:
    from kaohe.cli.values import EmployeeRow
    from kaohe.scheme.models import Scheme
    from kaohe.scoring import SheetInputs

app = typer.Typer(
    name="kaohe",
    help="Kaohe 考核: performance appraisal for call centers and customer-service departments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
scheme_app = typer.Typer(help="The scheme language 考核方案语言.", no_args_is_help=True)
app.add_typer(scheme_app, name="scheme")

from kaohe.cli.library_cmd import library_app  # noqa: E402  (after app, as other groups)

app.add_typer(library_app, name="library")

# Command groups contributed by other parts of Kaohe (register each with app.add_typer).
from kaohe.cli.audit_cmd import audit_app  # noqa: E402
from kaohe.cli.generate_cmd import generate_app  # noqa: E402
from kaohe.cli.import_cmd import import_app  # noqa: E402

app.add_typer(import_app, name="import")
app.add_typer(generate_app, name="generate")
app.add_typer(audit_app, name="audit")

from kaohe.cli.backup_cmd import backup_app  # noqa: E402

app.add_typer(backup_app)  # `kaohe backup FILE` and `kaohe restore FILE` at the top level

from kaohe.cli.calendar_cmd import calendar_app  # noqa: E402

app.add_typer(calendar_app, name="calendar")

from kaohe.cli.kpi_cmd import kpi_command  # noqa: E402

app.command("kpi")(kpi_command)  # `kaohe kpi --data DIR --from … --to … --level …`


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def _print_problems(problems: list[Problem], lang: str) -> None:
    console = _err()
    styles = {"error": "red", "warning": "yellow", "info": "cyan"}
    for problem in problems:
        console.print(problem.format(lang), style=styles[problem.level], markup=False)


@scheme_app.command("schema")
def scheme_schema() -> None:
    """Print the JSON Schema of scheme files (for editors). 输出方案文件的 JSON Schema。"""
    sys.stdout.write(json.dumps(scheme_json_schema(), ensure_ascii=False, indent=2) + "\n")


def _scheme_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(
                Problem(
                    "L001",
                    "error",
                    str(path),
                    None,
                    "",
                    "文件或目录不存在",
                    "no such file or directory",
                    "检查路径",
                    "check the path",
                )
            )
    return files, problems


@app.command()
def lint(
    paths: Annotated[list[Path], typer.Argument(help="Scheme files or directories 方案文件或目录")],
    lang: Annotated[Lang, typer.Option(help="Message language 提示语言")] = Lang.zh,
    output_json: Annotated[bool, typer.Option("--json", help="Problems as JSON on stdout")] = False,
    all_errors: Annotated[
        bool, typer.Option("--all-errors", help="Report accepted findings (kaohe-lint-accepted.yaml) at their own level")
    ] = False,
) -> None:
    """Check scheme files for the key problems; exit 1 when there is an error. 检查方案。

    A directory's `kaohe-lint-accepted.yaml` lists findings kept on purpose (the book's sample
    tables, transcribed with their defects): they are printed with their reason as `info`.
    """
    from kaohe.scheme.accepted import ACCEPTED_FILE, apply_accepted, load_accepted

    files, problems = _scheme_files(paths)
    files = [f for f in files if f.name != ACCEPTED_FILE]
    for file in files:
        if file.name in ("position.yaml", "shared.yaml", "grading.yaml"):
            # library files are not schemes: check them as the library loader reads them
            from kaohe.library.loader import lint_library_file

            problems.extend(lint_library_file(file))
            continue
        if file.name == "org_presets.yaml":  # the organisation presets: read as the presets loader reads them
            from kaohe.library import load_library
            from kaohe.library.presets import load_presets

            try:
                load_presets(file, {entry.id for entry in load_library(file.parent)})
            except SchemeLoadError as exc:
                problems.extend(exc.problems)
            continue
        try:
            located = load_scheme_located(file)
        except SchemeLoadError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(check_scheme(located.scheme, located=located))
    if not all_errors:
        accepted = []
        for directory in sorted({f.parent.resolve() for f in files}):
            entries, listing_problems = load_accepted(directory)
            accepted.extend(entries)
            problems.extend(listing_problems)
        problems = apply_accepted(problems, accepted, {f.resolve() for f in files})
    errors = sum(p.level == "error" for p in problems)
    warnings = sum(p.level == "warning" for p in problems)
    if output_json:
        sys.stdout.write(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2) + "\n")
    else:
        _print_problems(problems, lang.value)
        accepted_count = sum(p.level == "info" and "accepted: " in p.message_en for p in problems)
        summary = (
            f"{len(files)} 个文件：{errors} 个错误，{warnings} 个警告"
            + (f"，{accepted_count} 个已接受（书中原样）" if accepted_count else "")
            if lang == Lang.zh
            else f"{len(files)} file(s): {errors} error(s), {warnings} warning(s)"
            + (f", {accepted_count} accepted (as printed)" if accepted_count else "")
        )
        _err().print(summary, markup=False)
    if errors or not files:
        raise typer.Exit(1)


@app.command()
def score(
    scheme: Annotated[Path, typer.Option("--scheme", help="Scheme YAML file 方案文件")],
    values: Annotated[
        Path | None, typer.Option("--values", help="Values CSV, one row per employee 数据文件")
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Event store: score from its records 事件数据目录")
    ] = None,
    period: Annotated[str | None, typer.Option("--period", help="Period with --data, e.g. 2026-10 考核期")] = None,
    employees: Annotated[
        str | None, typer.Option("--employees", help="With --data: these employee ids only, e.g. E01,E02")
    ] = None,
    ratings: Annotated[
        Path | None, typer.Option("--ratings", help="With --data: ratings CSV, one row per rating 评分文件")
    ] = None,
    min_peer_raters: Annotated[int, typer.Option("--min-peer-raters", help="360 minimum of raters")] = 1,
    setting: Annotated[
        list[str] | None,
        typer.Option("--setting", help="Company setting read by applies_when, NAME=on|off (repeatable) 公司设置"),
    ] = None,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of the records 时区")] = "Asia/Shanghai",
    format: Annotated[
        OutputFormat, typer.Option("--format", help="table, json or xlsx")
    ] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (required for xlsx)")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the explanations 说明语言")] = Lang.zh,
) -> None:
    """Score employees on a scheme and explain every point. 按方案计分并逐项说明。"""
    from kaohe.scoring import score_sheet

    from .output import print_tables, results_json, write_xlsx
    from .values import ValuesError, read_values

    try:
        located = load_scheme_located(scheme)
    except SchemeLoadError as exc:
        _print_problems(exc.problems, lang.value)
        raise typer.Exit(2) from None
    if (values is None) == (data is None) or (data is not None and not period):
        _err().print("请给出 --values 文件，或 --data 目录和 --period / give --values, or --data with --period",
                     markup=False)
        raise typer.Exit(2)
    try:
        if data is not None:
            assert period is not None
            rows = _rows_from_store(located.scheme, data, period, employees, ratings, min_peer_raters, tz)
        else:
            assert values is not None
            rows = read_values(values, located.scheme)
        switches = _company_settings(setting or [])
    except (ValuesError, ProblemsError) as exc:
        console = _err()
        for problem in exc.problems:
            console.print(problem.format(lang.value), style="red", markup=False)
        raise typer.Exit(2) from None
    if format == OutputFormat.xlsx and out is None:
        _err().print("--format xlsx 需要 --out 文件 / --format xlsx needs --out FILE", markup=False)
        raise typer.Exit(2)
    findings = [p for p in check_scheme(located.scheme, located=located) if p.level == "error"]
    if findings:
        ids = ", ".join(sorted({p.rule_id for p in findings}))
        _err().print(
            f"注意：方案有 {len(findings)} 个检查错误（{ids}），请运行 kaohe lint 查看 / "
            f"note: the scheme has {len(findings)} checker error(s) ({ids}); see kaohe lint",
            style="yellow",
            markup=False,
        )
    progress = track(
        rows,
        description="计分 / scoring",
        console=_err(),
        transient=True,
        disable=not sys.stderr.isatty() or len(rows) < 50,
    )
    results = [(row, score_sheet(located.scheme, _with_settings(row.inputs, switches))) for row in progress]
    if format == OutputFormat.xlsx:
        assert out is not None
        write_xlsx(results, out)
        _err().print(f"{len(results)} → {out}", markup=False)
    elif format == OutputFormat.json:
        text = results_json(results) + "\n"
        if out is None:
            sys.stdout.write(text)
        else:
            out.write_text(text, encoding="utf-8")
    else:
        if out is None:
            print_tables(results, _out(), lang.value)
        else:
            with out.open("w", encoding="utf-8") as handle:
                print_tables(results, Console(file=handle, width=160, highlight=False), lang.value)
    incomplete = [result.employee_id for _, result in results if not result.complete]
    if incomplete:
        _err().print(
            f"未完成的考核表（缺少必需的数据）/ incomplete sheets: {', '.join(incomplete)}", markup=False
        )
        raise typer.Exit(1)


_ON = {"on": True, "true": True, "1": True, "yes": True, "off": False, "false": False, "0": False, "no": False}


def _company_settings(given: list[str]) -> dict[str, bool]:
    """`--setting appraise_effective_work_rate=off` → {"appraise_effective_work_rate": False}; every bad one reported."""
    import re

    from kaohe.scheme.models import ID_PATTERN

    found: dict[str, bool] = {}
    problems: list[Problem] = []
    for text in given:
        name, _sep, state = text.partition("=")
        name, state = name.strip(), state.strip().lower()
        if not re.fullmatch(ID_PATTERN, name) or state not in _ON:
            problems.append(Problem(
                "bad_setting", value=text,
                message_zh=f"公司设置应写作 名称=on 或 名称=off：{text}",
                message_en=f"write a company setting as NAME=on or NAME=off: {text}"))
            continue
        found[name] = _ON[state]
    if problems:
        raise ProblemsError(problems)
    return found


def _with_settings(inputs: SheetInputs, switches: dict[str, bool]) -> SheetInputs:
    import dataclasses

    return dataclasses.replace(inputs, settings={**inputs.settings, **switches}) if switches else inputs


def _rows_from_store(scheme: Scheme, data: Path, period: str, employees: str | None, ratings: Path | None,
                     min_peer_raters: int, tz: str) -> list[EmployeeRow]:
    """Score straight from an event store: KPI figures from its records, people from its org table."""
    from kaohe.metrics.sheet_kpis import UnknownEmployees, employee_kpis, org_members
    from kaohe.scoring.inputs import InputPolicy, build_sheet_inputs

    from .ratings_file import read_ratings
    from .values import EmployeeRow

    wanted = [e.strip() for e in employees.split(",") if e.strip()] if employees else None
    try:
        members = org_members(data, wanted)
    except UnknownEmployees as exc:
        raise ProblemsError([Problem(
            "unknown_employee", file=str(data / "org"), value=", ".join(exc.missing),
            message_zh=f"事件数据的组织表中没有这些员工：{', '.join(exc.missing)}",
            message_en=f"not in the store's org table: {', '.join(exc.missing)}")]) from None
    given = read_ratings(ratings) if ratings is not None else {}
    figures = employee_kpis(data, scheme, period, members, tz=tz)
    policy = InputPolicy(min_peer_raters=min_peer_raters)
    return [
        EmployeeRow(m.employee_id, m.name, build_sheet_inputs(scheme, m.employee_id, figures[m.employee_id],
                                                              given.get(m.employee_id, []), policy=policy))
        for m in members
    ]


if __name__ == "__main__":  # pragma: no cover
    app()
