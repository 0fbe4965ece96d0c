"""`kaohe audit`: check the hash chain of the audit trail.

Registered in `kaohe.cli.main` with `app.add_typer(audit_app, name="audit")`. Django is
configured here, on first use, so that the rest of the CLI does not need it.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

audit_app = typer.Typer(help="The audit trail 审计日志.", no_args_is_help=True)


@audit_app.callback()
def audit() -> None:
    """The audit trail 审计日志: append-only, hash-chained events."""


@audit_app.command("verify")
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
) -> None:
    """Recompute every event's hash and link; exit 1 if any event was edited or deleted."""
    from kaohe.web import setup_django

    setup_django()
    from kaohe.web.audit.services import verify_chain

    report = verify_chain()
    if as_json:
        typer.echo(json.dumps({"ok": report.ok, "checked": report.checked, "problems": [
            {"seq": p.seq, "message_zh": p.message_zh, "message_en": p.message_en} for p in report.problems]},
            ensure_ascii=False))
    else:
        for p in report.problems:
            typer.echo(p.message_en if lang == "en" else p.message_zh, err=True)
        if report.ok:
            typer.echo(f"审计链完好，共 {report.checked} 条事件" if lang != "en"
                       else f"audit chain intact: {report.checked} events")
        else:
            typer.echo(f"审计链已被篡改：{len(report.problems)} 处问题" if lang != "en"
                       else f"audit chain BROKEN: {len(report.problems)} problem(s)", err=True)
    raise typer.Exit(0 if report.ok else 1)
