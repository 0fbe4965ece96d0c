"""``kaohe generate``: write a synthetic, reproducible call center into a data directory."""

from __future__ import annotations

import re
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kaohe.metrics.generator import GeneratorConfig, generate_config

generate_app = typer.Typer(help="生成模拟呼叫中心数据 / Generate a synthetic call center.")


def generate_command(
    agents: int = typer.Option(100, "--agents", "-n", min=1, help="座席人数 / number of agents"),
    month: str = typer.Option(..., "--month", help="起始月份 / first month, YYYY-MM"),
    out: Path = typer.Option(..., "--out", "-o", help="输出数据目录 / output data directory"),
    seed: int = typer.Option(0, "--seed", help="随机种子：同一种子得到同一数据 / same seed, same data"),
    months: int = typer.Option(1, "--months", min=1, help="月数 / number of months"),
    calls: int = typer.Option(None, "--calls", help="总通话量（默认每座席每天约 32 通）/ total calls"),
    no_agent_states: bool = typer.Option(False, "--no-agent-states", help="不生成座席状态 / skip agent states"),
    overwrite: bool = typer.Option(False, "--overwrite", help="覆盖已有表 / replace tables already in --out"),
) -> None:
    """生成组织、通话、座席状态、排班、质检、满意度、工单、回访、客户、预测、考勤、培训、计划与差错数据。"""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise typer.BadParameter("use YYYY-MM, e.g. 2026-03", param_hint="--month")
    cfg = GeneratorConfig(agents=agents, month=month, months=months, seed=seed, calls=calls,
                          agent_states=not no_agent_states)
    console = Console(stderr=True)
    started = time.perf_counter()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("生成中", total=None)
        try:
            counts = generate_config(out, cfg, overwrite=overwrite,
                                     progress=lambda day, n: bar.update(task, description=f"{day}: {n:,} calls"))
        except FileExistsError as exc:
            console.print(f"[red]{exc}[/red] (--overwrite)")
            raise typer.Exit(code=1) from None
    for table, n in counts.items():
        typer.echo(f"{table:16s} {n:>12,}")
    typer.echo(f"written to {out} in {time.perf_counter() - started:.1f} s")


generate_app.callback(invoke_without_command=True)(generate_command)
