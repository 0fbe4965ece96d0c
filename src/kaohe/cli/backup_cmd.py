"""`kaohe backup FILE [--company CODE]` and `kaohe restore FILE`.

Registered in `kaohe.cli.main` with `app.add_typer(backup_app)` (no name: the two commands
sit at the top level). The work is done by `kaohe.web.backup`; this only translates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

backup_app = typer.Typer(help="Backup and restore 备份与恢复.")


def _django() -> None:
    from kaohe.web import setup_django

    setup_django()


@backup_app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="Archive to write (.tar.gz) 备份文件")],
    company: Annotated[str | None, typer.Option("--company", help="Company code; default: every company")] = None,
) -> None:
    """Write a backup of a company: rows, audit chain, event store. 备份一个公司的全部数据。"""
    _django()
    from kaohe.web.backup import BackupError, backup

    try:
        summary = backup(file, company=company)
    except BackupError as exc:
        typer.echo(f"{exc.message_zh}\n{exc.message_en}", err=True)
        raise typer.Exit(1) from None
    rows = sum(summary.counts.values())
    typer.echo(f"已备份 {', '.join(summary.companies)}：{rows} 行，{summary.audit_events} 条审计事件，"
               f"{summary.files} 个文件 → {summary.path}")
    typer.echo(f"backed up {', '.join(summary.companies)}: {rows} rows, {summary.audit_events} audit events, "
               f"{summary.files} files → {summary.path}")
    if summary.other_companies_audit_events:
        typer.echo(f"注意：审计链是整体，备份中含其他公司的 {summary.other_companies_audit_events} 条审计事件 / "
                   f"note: the audit chain is one unit; it carries {summary.other_companies_audit_events} "
                   f"events of other companies", err=True)


@backup_app.command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="Archive written by kaohe backup 备份文件", exists=True,
                                         dir_okay=False)],
    accept_unsigned: Annotated[bool, typer.Option(
        "--accept-unsigned", help="Restore even without a valid signature of this installation's backup key "
                                  "(only for an archive you trust) 接受未签名或签名不符的备份")] = False,
) -> None:
    """Restore a backup into an empty database (all or nothing). 恢复备份到空数据库。"""
    _django()
    from kaohe.web.audit.services import verify_chain
    from kaohe.web.backup import BackupError, restore

    try:
        summary = restore(file, accept_unsigned=accept_unsigned)
    except BackupError as exc:
        typer.echo(f"{exc.message_zh}\n{exc.message_en}", err=True)
        raise typer.Exit(1) from None
    for warning in summary.warnings:
        typer.echo(warning, err=True)
    report = verify_chain()
    rows = sum(summary.counts.values())
    typer.echo(f"已恢复 {', '.join(summary.companies)}：{rows} 行，{summary.files} 个文件；"
               f"审计链{'完好' if report.ok else '有问题'}（{report.checked} 条）")
    typer.echo(f"restored {', '.join(summary.companies)}: {rows} rows, {summary.files} files; "
               f"audit chain {'intact' if report.ok else 'BROKEN'} ({report.checked} events)")
    if not report.ok:
        raise typer.Exit(1)
