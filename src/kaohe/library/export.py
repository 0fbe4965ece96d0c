"""Export the library as one Excel workbook an HR officer can review and print.

One sheet per position, laid out top to bottom like the book's section for it:
position information, KPI table, competency model, each scheme (indicator, weight,
standard, rule, explanation, source, a blank score column), the grading, the
responsibility letter, the procedure and the guidance. A contents sheet comes first.
Six fixed columns keep every table printable on an A4 landscape page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.library.describe import (
    LEVEL_ZH,
    PERIOD_ZH,
    ROLE_ZH,
    describe_explanation,
    describe_rule,
    describe_source,
    describe_who,
    n,
)
from kaohe.library.loader import Library, LibraryPosition
from kaohe.results.safe import safe_cell
from kaohe.scheme.models import Grading, Scheme
from kaohe.scheme.position import DIMENSION_NAMES, GUIDANCE_MODULE_NAMES

WIDTHS = (14, 20, 10, 30, 44, 30)  # columns A–F
NCOLS = len(WIDTHS)
CONTENTS_TITLE = "目录"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
SECTION_FILL = PatternFill("solid", fgColor="1F4E79")
WRAP = Alignment(wrap_text=True, vertical="top")
USE_ZH = {"bonus": "绩效奖金", "salary": "调薪", "training": "培训", "promotion": "晋升",
          "position_adjustment": "岗位调整", "improvement_plan": "绩效改进"}


def sheet_title(entry: LibraryPosition) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name; Chinese names fit."""
    name = entry.position.name.zh
    for bad in "[]:*?/\\":
        name = name.replace(bad, "")
    return name[:31]


class _Writer:
    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def title(self, text: str) -> None:
        self.ws.cell(self.row, 1, safe_cell(text)).font = Font(bold=True, size=14)
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=NCOLS)
        self.row += 2

    def section(self, text: str) -> None:
        cell = self.ws.cell(self.row, 1, safe_cell(text))
        cell.font = Font(bold=True, color="FFFFFF")
        for col in range(1, NCOLS + 1):
            self.ws.cell(self.row, col).fill = SECTION_FILL
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=NCOLS)
        self.row += 1

    def header(self, *values: str) -> None:
        self._cells(values, head=True)

    def line(self, *values: str) -> None:
        self._cells(values)

    def pair(self, label: str, value: str) -> None:
        """A label in column A and a value spread over B–F (position info, letter)."""
        self.ws.cell(self.row, 1, safe_cell(label)).font = Font(bold=True)
        self.ws.cell(self.row, 1).fill = HEAD_FILL
        self.ws.cell(self.row, 2, safe_cell(value))
        for col in range(1, NCOLS + 1):
            self.ws.cell(self.row, col).border = BOX
            self.ws.cell(self.row, col).alignment = WRAP
        self.ws.merge_cells(start_row=self.row, start_column=2, end_row=self.row, end_column=NCOLS)
        # merged cells do not grow with wrapped text: estimate the height for printing
        chars_per_line = sum(WIDTHS[1:]) * 0.55
        lines = sum(max(1, int(len(part) / chars_per_line) + 1) for part in value.split("\n"))
        self.ws.row_dimensions[self.row].height = max(15, 15 * lines)
        self.row += 1

    def gap(self) -> None:
        self.row += 1

    def _cells(self, values: Sequence[str], head: bool = False) -> None:
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(self.row, col, safe_cell(value))
            cell.alignment = WRAP
            cell.border = BOX
            if head:
                cell.font = Font(bold=True)
                cell.fill = HEAD_FILL
        self.row += 1


def _numbered(items: Sequence[str]) -> str:
    return "\n".join(f"{i}. {text}" for i, text in enumerate(items, start=1))


def write_position(ws: Worksheet, entry: LibraryPosition, grading: Grading) -> None:
    p = entry.position
    w = _Writer(ws)
    w.title(f"{p.name.zh}（{p.name.en}）岗位绩效考核")
    w.section("一、岗位信息")
    w.pair("岗位名称", f"{p.name.zh}　{p.name.en}　标识：{p.id}")
    w.pair("所属部门", f"{p.department.name.zh}（第 {p.department.chapter} 章）")
    w.pair("层级", LEVEL_ZH[p.level.value])
    w.pair("直接上级", p.superior.name.zh)
    w.pair("直接下级", "、".join(s.name.zh for s in p.subordinates) or "无")
    w.pair("岗位目的", p.purpose)
    w.pair("主要职责", _numbered(p.duties))
    if p.qualifications:
        w.pair("任职资格", _numbered(p.qualifications))
    w.gap()

    w.section("二、关键业绩指标")
    w.header("工作事项", "关键业绩指标", "方向", "定义", "计算公式", "数据来源")
    direction = {"higher": "越高越好", "lower": "越低越好", "band": "区间最佳", "none": "—"}
    for item in p.work_items:
        for kpi_id in item.kpis:
            kpi = p.kpi(kpi_id)
            if kpi is not None:
                w.line(item.name.zh, kpi.name.zh, direction[kpi.direction.value], kpi.definition, kpi.formula,
                       describe_source(kpi.source))
    w.gap()

    w.section("三、胜任素质模型")
    w.header("维度", "素质项", "要求等级", "定义", "等级描述", "")
    for competency in p.competency_model.competencies:
        levels = "\n".join(f"{d.level} 级：{d.descriptor}" for d in competency.levels)
        w.line(DIMENSION_NAMES[competency.dimension].zh, competency.name.zh, f"{competency.required_level} 级",
               competency.definition, levels, "")
    w.gap()

    for index, scheme in enumerate(entry.schemes, start=1):
        _write_scheme(w, scheme, f"四、考核方案（{index}）：{scheme.name.zh}")
    _write_grading(w, grading)

    w.section("五、目标责任书")
    letter = p.letter
    w.pair("标题", letter.title)
    w.pair("双方", "；".join(f"{'甲方' if pt.role == 'issuer' else '乙方'}：{pt.title.zh}" for pt in letter.parties))
    w.pair("考核周期", PERIOD_ZH[letter.period.value])
    w.pair("目的", letter.purpose)
    w.pair("目标", f"见上方考核方案「{entry.scheme(letter.scheme).name.zh}」的指标、权重与目标值")
    if letter.duties:
        w.pair("乙方承诺", _numbered(letter.duties))
    w.pair("奖励", _numbered(letter.rewards))
    w.pair("处罚", _numbered(letter.penalties))
    if letter.terms:
        w.pair("其他约定", _numbered(letter.terms))
    w.pair("签字", "\n".join(f"{s.zh}：____________　日期：______" for s in letter.signatures))
    w.gap()

    w.section("六、考核程序")
    procedure = p.procedure
    w.pair("参与评分", "；".join(procedure.raters))
    w.header("步骤", "参与人", "时间", "依据材料", "输出", "")
    for step in procedure.steps:
        w.line(step.name.zh, describe_who(step.who), step.when, "\n".join(step.evidence), step.output, "")
    w.pair("结果应用", "\n".join(f"{USE_ZH[u.use]}：{u.rule}" for u in procedure.result_uses))
    w.pair("申诉", procedure.appeal)
    w.gap()

    w.section("七、关键问题解决")
    w.header("模块", "关键问题", "", "解决办法", "", "")
    for entry_g in p.guidance:
        w.line(GUIDANCE_MODULE_NAMES[entry_g.module].zh, entry_g.problem, "", _numbered(entry_g.advice), "", "")
        ws.merge_cells(start_row=w.row - 1, start_column=2, end_row=w.row - 1, end_column=3)
        ws.merge_cells(start_row=w.row - 1, start_column=4, end_row=w.row - 1, end_column=NCOLS)

    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    footer = ws.oddFooter.center if ws.oddFooter is not None else None
    if footer is not None:
        footer.text = f"{p.name.zh} · 第 &P 页 / 共 &N 页"


def _write_scheme(w: _Writer, scheme: Scheme, title: str) -> None:
    w.section(title)
    w.pair("适用", f"{LEVEL_ZH[scheme.level.value]}级　{PERIOD_ZH[scheme.period.value]}考核　方案标识：{scheme.id}")
    w.header("考核指标", "指标名称", "权重", "目标 / 考核标准", "计分规则与指标说明", "数据来源　|　得分")
    for category in scheme.categories:
        for indicator in category.indicators:
            weight = (f"{n(indicator.weight)}%\n（占总分 {n(category.weight * indicator.weight / 100)}%）"
                      if indicator.weight else "—（否决/加分项）")
            standard = indicator.standard or (n(indicator.target) if indicator.target is not None else "")
            rule = describe_rule(indicator.rule, indicator.unit)
            w.line(f"{category.name.zh}（{n(category.weight)}%）", indicator.name.zh, weight, standard,
                   f"计分：{rule}\n{describe_explanation(indicator)}",
                   f"{describe_source(indicator.source)}\n得分：______")
    raters = "、".join(f"{ROLE_ZH[r.role.value]} {n(r.weight)}%" for r in scheme.raters)
    if raters:
        w.pair("评分人（默认）", raters)
    if scheme.notes:
        w.pair("说明", scheme.notes)
    w.pair("合计", "总分 ______　等级 ______　考核人签字 ______　被考核人签字 ______")
    w.gap()


def _write_grading(w: _Writer, grading: Grading) -> None:
    w.section("考核等级与结果应用（全公司统一）")
    w.header("等级", "名称", "分数", "强制分布比例", "绩效奖金系数", "年度调薪")
    effects = {e.grade: e for e in grading.effects}
    upper: str | None = None
    for band in grading.bands:
        share = grading.forced_distribution.get(band.grade) if grading.forced_distribution else None
        effect = effects.get(band.grade)
        scores = f"≥{n(band.min)}" + (f" 且 <{upper}" if upper else "")
        w.line(band.grade, band.label.zh if band.label else "", scores, f"{n(share)}%" if share is not None else "",
               n(effect.bonus_coefficient) if effect else "", f"{n(effect.salary_adjustment_pct)}%" if effect else "")
        upper = n(band.min)
    w.gap()


def export_xlsx(library: Library, path: Path | str, positions: Sequence[str] | None = None) -> Path:
    """Write the workbook; `positions` (ids or Chinese names) limits it to some positions."""
    entries = [library.position(key) for key in positions] if positions else list(library)
    wb = Workbook()
    contents = wb.active
    assert contents is not None
    contents.title = CONTENTS_TITLE
    contents.append(["Kaohe 岗位库：客服部岗位绩效考核（五位一体）"])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([])
    contents.append(["部门", "岗位", "层级", "考核方案", "工作表"])
    for cell in contents[3]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    for entry in entries:
        title = sheet_title(entry)
        p = entry.position
        contents.append([safe_cell(v) for v in (p.department.name.zh, p.name.zh, LEVEL_ZH[p.level.value],
                                                 "、".join(s.name.zh for s in entry.schemes), title)])
        link = contents.cell(contents.max_row, 5)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{title}'!A1", display=title)
        link.font = Font(color="0563C1", underline="single")
        write_position(wb.create_sheet(title), entry, library.grading)
    for col, width in enumerate((14, 24, 8, 60, 24), start=1):
        contents.column_dimensions[get_column_letter(col)].width = width
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
