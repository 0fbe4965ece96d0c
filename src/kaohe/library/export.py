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
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.library.describe import (
    LEVEL_ZH,
    PERIOD_ZH,
    ROLE_EN,
    ROLE_ZH,
    describe_explanation,
    describe_rule,
    describe_source,
    describe_who,
    n,
)
from kaohe.library.i18n import localized
from kaohe.library.loader import Library, LibraryPosition
from kaohe.results.safe import safe_cell
from kaohe.scheme.models import Grading, Scheme
from kaohe.scheme.position import DIMENSION_NAMES, GUIDANCE_MODULE_NAMES

WIDTHS = (14, 20, 10, 30, 44, 30)  # columns A–F
NCOLS = len(WIDTHS)
CONTENTS_TITLE = "目录"
CONTENTS_TITLE_EN = "Contents"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
SECTION_FILL = PatternFill("solid", fgColor="1F4E79")
WRAP = Alignment(wrap_text=True, vertical="top")
USE_ZH = {"bonus": "绩效奖金", "salary": "调薪", "training": "培训", "promotion": "晋升",
          "position_adjustment": "岗位调整", "improvement_plan": "绩效改进"}
USE_EN = {"bonus": "Performance bonus", "salary": "Pay review", "training": "Training", "promotion": "Promotion",
          "position_adjustment": "Change of position", "improvement_plan": "Improvement plan"}
LEVEL_EN = {"director": "Director", "manager": "Manager", "supervisor": "Supervisor", "specialist": "Specialist"}
PERIOD_EN = {"monthly": "Monthly", "quarterly": "Quarterly", "annual": "Annual"}


class _Lang:
    """Picks the Chinese or the English of each label and library text (`lang` is "zh" or "en")."""

    def __init__(self, lang: str) -> None:
        self.en = lang == "en"
        self.lang = "en" if self.en else "zh"

    def __call__(self, zh: str, en: str) -> str:
        return en if self.en else zh

    def name(self, text: Any) -> str:
        return str((text.en or text.zh) if self.en else text.zh)

    def of(self, obj: Any, field: str) -> Any:
        return localized(obj, field, self.lang)

    def unit(self, unit: str) -> str:
        if not self.en:
            return unit
        from kaohe.scoring.explain import unit_names

        english = unit_names(unit)[1]
        return "" if any("\u3400" <= ch <= "\u9fff" for ch in english) else english

    def source(self, source: Any) -> str:
        return describe_source(source, "en" if self.en else "zh")

    def explanation(self, indicator: Any) -> str:
        if not self.en:
            return describe_explanation(indicator)
        e = indicator.explanation
        return (f"Definition: {self.of(e, 'definition')}\nFormula: {self.of(e, 'formula')}\n"
                f"Data source: {self.of(e, 'data_source')}\nFrequency: {self.of(e, 'frequency')}")

    def who(self, step: Any) -> str:
        if not self.en:
            return describe_who(step.who)
        return ", ".join(step.who_en) if step.who_en else ", ".join(ROLE_EN.get(w, w) for w in step.who)


def sheet_title(entry: LibraryPosition, lang: str = "zh") -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name; Chinese names fit."""
    name = (entry.position.name.en or entry.position.name.zh) if lang == "en" else entry.position.name.zh
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


def write_position(ws: Worksheet, entry: LibraryPosition, grading: Grading, lang: str = "zh") -> None:
    t = _Lang(lang)
    p = entry.position
    w = _Writer(ws)
    w.title(t(f"{p.name.zh}（{p.name.en}）岗位绩效考核", f"{p.name.en} — performance appraisal"))
    w.section(t("一、岗位信息", "1. The position"))
    w.pair(t("岗位名称", "Position"), t(f"{p.name.zh}　{p.name.en}　标识：{p.id}", f"{p.name.en} (id: {p.id})"))
    w.pair(t("所属部门", "Department"), t(f"{p.department.name.zh}（第 {p.department.chapter} 章）",
                                          f"{t.name(p.department.name)} (chapter {p.department.chapter})"))
    w.pair(t("层级", "Level"), t(LEVEL_ZH[p.level.value], LEVEL_EN[p.level.value]))
    w.pair(t("直接上级", "Reports to"), t.name(p.superior.name))
    w.pair(t("直接下级", "Direct reports"), t("、", ", ").join(t.name(s.name) for s in p.subordinates) or t("无", "none"))
    w.pair(t("岗位目的", "Purpose"), t.of(p, "purpose"))
    w.pair(t("主要职责", "Duties"), _numbered(t.of(p, "duties")))
    if p.qualifications:
        w.pair(t("任职资格", "Qualifications"), _numbered(t.of(p, "qualifications")))
    w.gap()

    w.section(t("二、关键业绩指标", "2. Key performance indicators"))
    w.header(*(t("工作事项", "Work item"), t("关键业绩指标", "KPI"), t("方向", "Direction"), t("定义", "Definition"),
               t("计算公式", "Formula"), t("数据来源", "Data source")))
    direction = ({"higher": "Higher is better", "lower": "Lower is better", "band": "Best within a range", "none": "—"}
                 if t.en else {"higher": "越高越好", "lower": "越低越好", "band": "区间最佳", "none": "—"})
    for item in p.work_items:
        for kpi_id in item.kpis:
            kpi = p.kpi(kpi_id)
            if kpi is not None:
                w.line(t.name(item.name), t.name(kpi.name), direction[kpi.direction.value], t.of(kpi, "definition"),
                       t.of(kpi, "formula"), t.source(kpi.source))
    w.gap()

    w.section(t("三、胜任素质模型", "3. Competency model"))
    w.header(*(t("维度", "Dimension"), t("素质项", "Competency"), t("要求等级", "Required level"),
               t("定义", "Definition"), t("等级描述", "Level descriptors"), ""))
    for competency in p.competency_model.competencies:
        levels = "\n".join(t(f"{d.level} 级：{d.descriptor}", f"Level {d.level}: {t.of(d, 'descriptor')}")
                           for d in competency.levels)
        w.line(t.name(DIMENSION_NAMES[competency.dimension]), t.name(competency.name),
               t(f"{competency.required_level} 级", f"level {competency.required_level}"),
               t.of(competency, "definition"), levels, "")
    w.gap()

    for index, scheme in enumerate(entry.schemes, start=1):
        _write_scheme(w, scheme, t(f"四、考核方案（{index}）：{scheme.name.zh}",
                                   f"4. Appraisal scheme ({index}): {t.name(scheme.name)}"), lang)
    _write_grading(w, grading, lang)

    w.section(t("五、目标责任书", "5. Targets letter"))
    letter = p.letter
    w.pair(t("标题", "Title"), t.of(letter, "title"))
    w.pair(t("双方", "Parties"), t("；", "; ").join(
        t(f"{'甲方' if pt.role == 'issuer' else '乙方'}：{pt.title.zh}",
          f"{'Issuer' if pt.role == 'issuer' else 'Holder'}: {t.name(pt.title)}") for pt in letter.parties))
    w.pair(t("考核周期", "Period"), t(PERIOD_ZH[letter.period.value], PERIOD_EN[letter.period.value]))
    w.pair(t("目的", "Purpose"), t.of(letter, "purpose"))
    w.pair(t("目标", "Targets"), t(f"见上方考核方案「{entry.scheme(letter.scheme).name.zh}」的指标、权重与目标值",
                                   f"The indicators, weights and targets of the scheme "
                                   f"“{t.name(entry.scheme(letter.scheme).name)}” above"))
    if letter.duties:
        w.pair(t("乙方承诺", "The holder undertakes"), _numbered(t.of(letter, "duties")))
    w.pair(t("奖励", "Rewards"), _numbered(t.of(letter, "rewards")))
    w.pair(t("处罚", "Penalties"), _numbered(t.of(letter, "penalties")))
    if letter.terms:
        w.pair(t("其他约定", "Other terms"), _numbered(t.of(letter, "terms")))
    w.pair(t("签字", "Signatures"), "\n".join(t(f"{s.zh}：____________　日期：______",
                                                 f"{t.name(s)}: ____________  Date: ______")
                                               for s in letter.signatures))
    w.gap()

    w.section(t("六、考核程序", "6. Appraisal procedure"))
    procedure = p.procedure
    w.pair(t("参与评分", "Who rates"), t("；", "; ").join(t.of(procedure, "raters")))
    w.header(*(t("步骤", "Step"), t("参与人", "Who"), t("时间", "When"), t("依据材料", "Evidence"),
               t("输出", "Output"), ""))
    for step in procedure.steps:
        w.line(t.name(step.name), t.who(step), t.of(step, "when"), "\n".join(t.of(step, "evidence")),
               t.of(step, "output"), "")
    w.pair(t("结果应用", "Use of results"), "\n".join(
        t(f"{USE_ZH[u.use]}：{u.rule}", f"{USE_EN[u.use]}: {t.of(u, 'rule')}") for u in procedure.result_uses))
    w.pair(t("申诉", "Appeals"), t.of(procedure, "appeal"))
    w.gap()

    w.section(t("七、关键问题解决", "7. Key problems and how to solve them"))
    w.header(*(t("模块", "Module"), t("关键问题", "Key problem"), "", t("解决办法", "What to do"), "", ""))
    for entry_g in p.guidance:
        w.line(t.name(GUIDANCE_MODULE_NAMES[entry_g.module]), t.of(entry_g, "problem"), "",
               _numbered(t.of(entry_g, "advice")), "", "")
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
        footer.text = t(f"{p.name.zh} · 第 &P 页 / 共 &N 页", f"{p.name.en} · page &P of &N")


def _write_scheme(w: _Writer, scheme: Scheme, title: str, lang: str = "zh") -> None:
    t = _Lang(lang)
    w.section(title)
    w.pair(t("适用", "Applies to"), t(
        f"{LEVEL_ZH[scheme.level.value]}级　{PERIOD_ZH[scheme.period.value]}考核　方案标识：{scheme.id}",
        f"{LEVEL_EN[scheme.level.value]} level, {PERIOD_EN[scheme.period.value].lower()} appraisal, scheme id: {scheme.id}"))
    w.header(*(t("考核指标", "Category"), t("指标名称", "Indicator"), t("权重", "Weight"),
               t("目标 / 考核标准", "Target / standard"), t("计分规则与指标说明", "Scoring rule and explanation"),
               t("数据来源　|　得分", "Data source | score")))
    for category in scheme.categories:
        for indicator in category.indicators:
            share = n(category.weight * indicator.weight / 100)
            weight = (t(f"{n(indicator.weight)}%\n（占总分 {share}%）", f"{n(indicator.weight)}%\n({share}% of the total)")
                      if indicator.weight else t("—（否决/加分项）", "— (veto or bonus item)"))
            standard = t.of(indicator, "standard") or (n(indicator.target) if indicator.target is not None else "")
            if t.en:
                from kaohe.scheme.kinds.registry import kind_of

                rule = kind_of(indicator.rule).describe(indicator.rule, t.unit(indicator.unit), "en")
            else:
                rule = describe_rule(indicator.rule, indicator.unit)
            w.line(t(f"{category.name.zh}（{n(category.weight)}%）", f"{t.name(category.name)} ({n(category.weight)}%)"),
                   t.name(indicator.name), weight, standard,
                   t(f"计分：{rule}", f"Scoring: {rule}") + f"\n{t.explanation(indicator)}",
                   f"{t.source(indicator.source)}\n" + t("得分：______", "Score: ______"))
    raters = t("、", ", ").join(f"{t(ROLE_ZH[r.role.value], ROLE_EN[r.role.value])} {n(r.weight)}%" for r in scheme.raters)
    if raters:
        w.pair(t("评分人（默认）", "Raters (default)"), raters)
    if scheme.notes:
        w.pair(t("说明", "Notes"), t.of(scheme, "notes"))
    w.pair(t("合计", "Total"), t("总分 ______　等级 ______　考核人签字 ______　被考核人签字 ______",
                                 "Total ______  Grade ______  Rater's signature ______  Employee's signature ______"))
    w.gap()


def _write_grading(w: _Writer, grading: Grading, lang: str = "zh") -> None:
    t = _Lang(lang)
    w.section(t("考核等级与结果应用（全公司统一）", "Grades and what they bring (company-wide)"))
    w.header(*(t("等级", "Grade"), t("名称", "Name"), t("分数", "Score"), t("强制分布比例", "Forced distribution"),
               t("绩效奖金系数", "Bonus coefficient"), t("年度调薪", "Annual pay rise")))
    effects = {e.grade: e for e in grading.effects}
    upper: str | None = None
    for band in grading.bands:
        share = grading.forced_distribution.get(band.grade) if grading.forced_distribution else None
        effect = effects.get(band.grade)
        scores = f"≥{n(band.min)}" + (t(f" 且 <{upper}", f" and <{upper}") if upper else "")
        w.line(band.grade, t.name(band.label) if band.label else "", scores, f"{n(share)}%" if share is not None else "",
               n(effect.bonus_coefficient) if effect else "", f"{n(effect.salary_adjustment_pct)}%" if effect else "")
        upper = n(band.min)
    w.gap()


def export_xlsx(library: Library, path: Path | str, positions: Sequence[str] | None = None,
                lang: str = "zh") -> Path:
    """Write the workbook; `positions` (ids or Chinese names) limits it to some positions; `lang` "en"
    writes every label and library text in English."""
    t = _Lang(lang)
    entries = [library.position(key) for key in positions] if positions else list(library)
    wb = Workbook()
    contents = wb.active
    assert contents is not None
    contents.title = t(CONTENTS_TITLE, CONTENTS_TITLE_EN)
    contents.append([t("Kaohe 岗位库：客服部岗位绩效考核（五位一体）",
                       "Kaohe position library: performance appraisal of customer-service positions")])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([])
    contents.append([t("部门", "Department"), t("岗位", "Position"), t("层级", "Level"), t("考核方案", "Schemes"),
                     t("工作表", "Sheet")])
    for cell in contents[3]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    for entry in entries:
        title = sheet_title(entry, lang)
        p = entry.position
        contents.append([safe_cell(v) for v in (
            t.name(p.department.name), t.name(p.name), t(LEVEL_ZH[p.level.value], LEVEL_EN[p.level.value]),
            t("、", ", ").join(t.name(s.name) for s in entry.schemes), title)])
        link = contents.cell(contents.max_row, 5)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{title}'!A1", display=title)
        link.font = Font(color="0563C1", underline="single")
        write_position(wb.create_sheet(title), entry, library.grading, lang)
    for col, width in enumerate((14, 24, 8, 60, 24), start=1):
        contents.column_dimensions[get_column_letter(col)].width = width
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
