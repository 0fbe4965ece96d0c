"""`kaohe calendar`: load a year's statutory holiday schedule, and show what is loaded.

Registered in `kaohe.cli.main` with `app.add_typer(calendar_app, name="calendar")`. The same
service as HR's calendar page: all or nothing, every bad row and column reported, audited,
and every provisional deadline of the year recounted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

calendar_app = typer.Typer(help="The working-day calendar 工作日历.", no_args_is_help=True)


@calendar_app.callback()
def calendar() -> None:
    """The working-day calendar 工作日历: statutory holidays and make-up workdays per year."""


def _company(code: str | None, lang: str):  # type: ignore[no-untyped-def]
    from kaohe.web.org.models import Company

    companies = list(Company.objects.order_by("code"))
    if code:
        companies = [c for c in companies if c.code == code]
    if len(companies) != 1:
        typer.echo(("找不到该公司" if code else "有多家公司：请用 --company 指定") if lang != "en"
                   else ("no such company" if code else "several companies: choose one with --company"), err=True)
        raise typer.Exit(2)
    return companies[0]


@calendar_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="xlsx or CSV: columns date, kind (holiday | workday), note")],
    year: Annotated[int, typer.Option("--year", help="The year the file holds, e.g. 2027")],
    company: Annotated[str | None, typer.Option("--company", help="Company code (needed when there are several)")]
    = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
) -> None:
    """Load YEAR's holidays and make-up workdays from FILE; nothing changes if any row is bad."""
    from kaohe.web import setup_django

    setup_django()
    from kaohe.web.errors import InvalidInput
    from kaohe.web.workdays import fileio, services

    en = lang == "en"
    if not file.is_file():
        typer.echo(f"no such file: {file}" if en else f"文件不存在：{file}", err=True)
        raise typer.Exit(2)
    target = _company(company, lang)
    rows, report = fileio.read_schedule(file.name, file.read_bytes())
    try:
        if not report.ok:
            raise InvalidInput(report)
        outcome = services.import_year_schedule(target, None, year, rows, source_label=file.name, report=report)
    except InvalidInput as error:
        typer.echo((f"{file.name}: {len(error.report.problems)} problem(s); nothing was changed" if en
                    else f"{file.name}：{len(error.report.problems)} 处错误，未作任何更改"), err=True)
        for p in error.report.problems:
            where = (f"row {p.row}, column {p.field}" if en else f"第 {p.row} 行，{p.field} 列") if p.row \
                else (f"column {p.field}" if en else f"{p.field} 列")
            value = f" ({p.value})" if p.value else ""
            typer.echo(f"  {where}{value}: {p.message_en if en else p.message_zh}", err=True)
        raise typer.Exit(1) from None
    if en:
        typer.echo(f"{outcome.year}: {outcome.holidays} holidays, {outcome.workdays} make-up workdays loaded "
                   f"from {outcome.source_label}; {len(outcome.changes)} provisional deadline(s) recounted")
    else:
        typer.echo(f"{outcome.year} 年：已导入 {outcome.holidays} 个节假日、{outcome.workdays} 个调休上班日"
                   f"（{outcome.source_label}）；重新计算了 {len(outcome.changes)} 个暂定期限")
    for ch in outcome.changes:
        typer.echo(f"  sheet {ch.sheet_id} {ch.field}: {ch.before} → {ch.after}"
                   + (" (notice sent)" if ch.notified and en else " （已通知本人）" if ch.notified else ""))


@calendar_app.command("status")
def status(
    company: Annotated[str | None, typer.Option("--company", help="Company code")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
) -> None:
    """Which years are loaded, from where, and which years open cycles need but lack."""
    from kaohe.web import setup_django

    setup_django()
    from kaohe.web.workdays import services

    en = lang == "en"
    missing = False
    for st in services.calendar_status(_company(company, lang)):
        state = {"imported": ("imported", "已导入"), "package": ("package", "软件包"),
                 "missing": ("NOT LOADED", "未导入")}[st.state][0 if en else 1]
        by = f" {st.imported_by} {st.imported_at:%Y-%m-%d}" if st.imported_at else ""
        need = f" needed by: {', '.join(st.needed_by)}" if st.needed_by and en else \
            f" 需要它的周期：{'、'.join(st.needed_by)}" if st.needed_by else ""
        prov = (f" provisional deadlines: {st.provisional}" if en else f" 暂定期限：{st.provisional}") \
            if st.provisional else ""
        typer.echo(f"{st.year}  {state}  {st.source_label}{by}{need}{prov}")
        missing = missing or (st.state == "missing" and bool(st.needed_by or st.provisional))
    raise typer.Exit(1 if missing else 0)
