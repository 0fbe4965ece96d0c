"""`kaohe library …`: browse, print and export the position library (岗位库)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kaohe.library import Library, LibraryLoadError, LibraryPosition, load_library
from kaohe.library.describe import LEVEL_ZH, PERIOD_ZH, describe_rule, describe_source, n
from kaohe.library.guidance import general_guidance
from kaohe.scheme.position import DIMENSION_NAMES, GUIDANCE_MODULE_NAMES, GuidanceEntry, GuidanceModule

library_app = typer.Typer(
    help="The position library 岗位库: 32 positions with KPIs, competencies, schemes, letters, guidance.",
    no_args_is_help=True,
)

RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="Library folder (default: $KAOHE_LIBRARY_DIR or the one shipped) 岗位库目录"),
]


class GuideLang(StrEnum):
    zh = "zh"
    en = "en"


class Module(StrEnum):
    kpi_selection = "kpi_selection"
    competency_model = "competency_model"
    indicator_design = "indicator_design"
    appraisal_rules = "appraisal_rules"


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _load(root: Path | None) -> Library:
    try:
        return load_library(root)
    except LibraryLoadError as exc:
        err = Console(stderr=True, highlight=False, soft_wrap=True)
        for problem in exc.problems:
            err.print(problem.format("zh"), style="red" if problem.level == "error" else "yellow", markup=False)
        err.print(f"岗位库加载失败 / library failed to load: {sum(p.level == 'error' for p in exc.problems)} error(s)",
                  markup=False)
        raise typer.Exit(2) from None


def _find(library: Library, key: str) -> LibraryPosition:
    try:
        return library.position(key)
    except KeyError:
        Console(stderr=True).print(f"岗位库中没有岗位 {key!r} / no position {key!r}; 运行 kaohe library list 查看", markup=False)
        raise typer.Exit(2) from None


@library_app.command("list")
def list_positions(
    root: RootOption = None,
    output_json: Annotated[bool, typer.Option("--json", help="As JSON")] = False,
) -> None:
    """List the positions and their schemes. 列出全部岗位及考核方案。"""
    library = _load(root)
    rows = [
        {"id": e.id, "name_zh": e.position.name.zh, "name_en": e.position.name.en,
         "department": e.position.department.name.zh, "level": e.position.level.value,
         "schemes": [s.id for s in e.schemes]}
        for e in library
    ]
    if output_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"Kaohe 岗位库：{len(rows)} 个岗位", title_justify="left")
    for title in ("部门", "岗位", "标识 id", "层级", "考核方案"):
        table.add_column(title, overflow="fold")
    for row in rows:
        table.add_row(str(row["department"]), str(row["name_zh"]), str(row["id"]),
                      LEVEL_ZH[str(row["level"])], "\n".join(row["schemes"]))
    _out().print(table)


@library_app.command("show")
def show(
    position: Annotated[str, typer.Argument(help="Position id or Chinese name 岗位标识或中文名")],
    root: RootOption = None,
    output_json: Annotated[bool, typer.Option("--json", help="The position and its schemes as JSON")] = False,
) -> None:
    """Show one position's five modules. 显示一个岗位的五个模块。"""
    entry = _find(_load(root), position)
    if output_json:
        sys.stdout.write(json.dumps(entry.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    p, out = entry.position, _out()
    out.print(f"[bold]{p.name.zh}[/bold]（{p.name.en}）  {p.id}")
    out.print(f"部门：{p.department.name.zh}　层级：{LEVEL_ZH[p.level.value]}　直接上级：{p.superior.name.zh}"
              f"　直接下级：{'、'.join(s.name.zh for s in p.subordinates) or '无'}", markup=False)
    out.print(f"岗位目的：{p.purpose}", markup=False)
    kpis = Table(title="关键业绩指标", title_justify="left", show_lines=True)
    for title in ("工作事项", "指标", "公式", "数据来源"):
        kpis.add_column(title, overflow="fold")
    for item in p.work_items:
        for kpi_id in item.kpis:
            kpi = p.kpi(kpi_id)
            if kpi:
                kpis.add_row(item.name.zh, kpi.name.zh, kpi.formula, describe_source(kpi.source))
    out.print(kpis)
    comps = Table(title="胜任素质模型", title_justify="left")
    for title in ("维度", "素质", "要求等级", "该等级的表现"):
        comps.add_column(title, overflow="fold")
    for c in p.competency_model.competencies:
        descriptor = next((d.descriptor for d in c.levels if d.level == c.required_level), "")
        comps.add_row(DIMENSION_NAMES[c.dimension].zh, c.name.zh, f"{c.required_level}/{len(c.levels)}", descriptor)
    out.print(comps)
    for scheme in entry.schemes:
        table = Table(title=f"考核方案：{scheme.name.zh}（{scheme.id}，{PERIOD_ZH[scheme.period.value]}）",
                      title_justify="left", show_lines=True)
        for title in ("类别", "指标", "权重", "目标/标准", "计分规则", "数据来源"):
            table.add_column(title, overflow="fold")
        for category in scheme.categories:
            for indicator in category.indicators:
                table.add_row(f"{category.name.zh} {n(category.weight)}%", indicator.name.zh,
                              f"{n(indicator.weight)}%" if indicator.weight else "—", indicator.standard,
                              describe_rule(indicator.rule, indicator.unit), describe_source(indicator.source))
        out.print(table)
    out.print(f"目标责任书：{p.letter.title}（方案 {p.letter.scheme}）", markup=False)
    out.print("考核程序：" + " → ".join(step.name.zh for step in p.procedure.steps), markup=False)
    out.print(f"关键问题解答：{len(p.guidance)} 条，运行 kaohe library guide {p.id} 查看", markup=False)


@library_app.command("export")
def export(
    xlsx: Annotated[Path, typer.Option("--xlsx", help="Workbook to write 输出的 Excel 文件")],
    position: Annotated[list[str] | None, typer.Option("--position", help="Only these positions (repeatable)")] = None,
    lang: Annotated[GuideLang, typer.Option("--lang", help="Language of the workbook 语言")] = GuideLang.zh,
    root: RootOption = None,
) -> None:
    """Export the library as one printable workbook, a sheet per position. 导出 Excel。"""
    from kaohe.library.export import export_xlsx

    library = _load(root)
    if position:
        for key in position:
            _find(library, key)
    path = export_xlsx(library, xlsx, position, lang.value)
    Console(stderr=True).print(f"{len(position) if position else len(library)} 个岗位 → {path}", markup=False)


def _print_entries(out: Console, entries: list[GuidanceEntry], lang: GuideLang = GuideLang.zh) -> None:
    from kaohe.library.i18n import localized

    for module in GuidanceModule:
        chosen = [g for g in entries if g.module == module]
        if not chosen:
            continue
        if lang == GuideLang.en:
            out.print(f"\n[bold]{GUIDANCE_MODULE_NAMES[module].en}[/bold] ({module.value})")
        else:
            out.print(f"\n[bold]{GUIDANCE_MODULE_NAMES[module].zh}[/bold]（{module.value}）")
        for g in chosen:
            question = localized(g, "problem", lang.value)
            out.print(f"  Q: {question}" if lang == GuideLang.en else f"  问：{question}", markup=False)
            for advice in localized(g, "advice", lang.value):
                out.print(f"    - {advice}", markup=False)


@library_app.command("guide")
def guide(
    position: Annotated[str | None, typer.Argument(help="Position id or Chinese name 岗位")] = None,
    module: Annotated[Module | None, typer.Option("--module", help="Only this module 只看某一模块")] = None,
    lang: Annotated[GuideLang, typer.Option("--lang", help="Language of the guidance 语言")] = GuideLang.zh,
    root: RootOption = None,
) -> None:
    """Print the key-problem guidance (关键问题解决), general and for one position."""
    wanted = GuidanceModule(module.value) if module else None
    out = _out()
    out.print("[bold]General guidance[/bold]" if lang == GuideLang.en else "[bold]通用指引 / General guidance[/bold]")
    _print_entries(out, [g for g in general_guidance(wanted)], lang)
    if position:
        entry = _find(_load(root), position)
        if lang == GuideLang.en:
            out.print(f"\n[bold]Key problems of the {entry.position.name.en.lower()} position[/bold]")
        else:
            out.print(f"\n[bold]{entry.position.name.zh}的关键问题 / {entry.position.name.en}[/bold]")
        _print_entries(out, [g for g in entry.position.guidance if wanted is None or g.module == wanted], lang)


@library_app.command("presets")
def presets(
    preset_id: Annotated[str | None, typer.Argument(help="Show one preset's tree 显示一个预设的结构")] = None,
    output_json: Annotated[bool, typer.Option("--json", help="The presets as JSON")] = False,
) -> None:
    """Organisation presets from the book (000, 004). 组织结构预设：HR 在组织页面上实例化后再修改。"""
    from kaohe.library.presets import default_presets, preset

    chosen = list(default_presets())
    if preset_id:
        try:
            chosen = [preset(preset_id)]
        except KeyError:
            Console(stderr=True).print(f"没有预设 {preset_id!r} / no preset {preset_id!r}; 运行 kaohe library presets 查看",
                                       markup=False)
            raise typer.Exit(1) from None
    if output_json:
        sys.stdout.write(json.dumps([p.model_dump(mode="json") for p in chosen], ensure_ascii=False, indent=2) + "\n")
        return
    out = _out()
    for p in chosen:
        out.print(f"[bold]{p.id}[/bold]  {p.name.zh} / {p.name.en}  （{p.source}）")
        if preset_id:
            out.print(f"  {p.description.zh}", markup=False)
            for depth, unit in p.walk():
                teams = "、".join(t.name.zh for t in unit.teams)
                out.print("  " * (depth + 1) + f"- {unit.name.zh}：" + "、".join(unit.positions)
                          + (f"；班组：{teams}" if teams else ""), markup=False)
