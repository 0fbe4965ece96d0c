"""The individual score sheet in the book's layout (表9-25 / 表9-26), as plain data.

Rows: one per category (with its weight and points) followed by its indicators with
weight, standard, scoring rule, value, the self / supervisor / reviewer ratings
(自评 / 考评 / 审评; empty for indicators computed from records), the rule score
and the points. Then the bonus, the total, the grade, vetoes and issues, and the
signature lines. `sheet_xlsx` and `sheet_pdf` render this; neither computes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kaohe.results.rule_text import describe_rule
from kaohe.scheme.models import Indicator, RaterRole, Scheme
from kaohe.scoring.results import SheetInputs, SheetResult

RATER_COLUMNS = (RaterRole.SELF, RaterRole.SUPERVISOR, RaterRole.REVIEWER)

# (zh, en) of each column, in order; the xlsx and the pdf use the same list.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("序号", "No."),
    ("考核指标", "Indicator"),
    ("权重", "Weight"),
    ("考核标准", "Standard"),
    ("评分规则", "Scoring rule"),
    ("实际值", "Value"),
    ("自评", "Self"),
    ("考评", "Supervisor"),
    ("审评", "Reviewer"),
    ("评分", "Score"),
    ("得分", "Points"),
)

SIGNATURES: tuple[tuple[str, str], ...] = (
    ("被考核人签字", "Employee"),
    ("考评人签字", "Supervisor"),
    ("审评人签字", "Reviewer"),
)


@dataclass(frozen=True)
class SheetHeader:
    employee_id: str
    name: str
    position: str
    department: str
    period: str  # e.g. "2026年10月" / "2026-10"
    title_zh: str = "员工绩效考核表"
    title_en: str = "Performance appraisal sheet"
    company: str = ""


@dataclass(frozen=True)
class SheetRow:
    kind: str  # "category" or "item"
    no: str
    indicator: str
    weight: Decimal
    standard: str = ""
    rule: str = ""
    value: Decimal | None = None
    unit: str = ""
    self_rating: Decimal | None = None
    supervisor_rating: Decimal | None = None
    reviewer_rating: Decimal | None = None
    score: Decimal | None = None
    points: Decimal | None = None
    note: str = ""  # why the item scored what it did (the trace summary) or why it did not
    indicator_id: str = ""  # empty on category rows

    def cells(self) -> list[object]:
        """The row's values in COLUMNS order (weight as a percent number, e.g. 40)."""
        return [
            self.no,
            self.indicator,
            self.weight,
            self.standard,
            self.rule,
            self.value,
            self.self_rating,
            self.supervisor_rating,
            self.reviewer_rating,
            self.score,
            self.points,
        ]


@dataclass(frozen=True)
class ScoreSheet:
    header: SheetHeader
    scheme_name: str
    rows: list[SheetRow]
    bonus: Decimal
    total: Decimal | None
    grade: str | None
    vetoes: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    complete: bool = True


def _plain(value: Decimal | None) -> Decimal | None:
    """A rating as people wrote it: 85, not 85.0000 (a database column pads the places)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _indicators(scheme: Scheme) -> dict[str, Indicator]:
    return {i.id: i for c in scheme.categories for i in c.indicators}


def build_score_sheet(
    scheme: Scheme, result: SheetResult, header: SheetHeader, inputs: SheetInputs | None = None, lang: str = "zh"
) -> ScoreSheet:
    if result.scheme_id != scheme.id:
        raise ValueError(f"result is for scheme {result.scheme_id!r}, not {scheme.id!r}")
    indicators = _indicators(scheme)
    rows: list[SheetRow] = []
    for c_index, cat in enumerate(result.categories, start=1):
        rows.append(
            SheetRow(
                kind="category",
                no=str(c_index),
                indicator=cat.name_zh if lang == "zh" else (cat.name_en or cat.name_zh),
                weight=cat.weight,
                score=cat.score,
                points=cat.points,
                note="本类不计（全部指标被排除）" if cat.excluded and lang == "zh" else ("excluded" if cat.excluded else ""),
            )
        )
        items = [i for i in result.items if i.category_id == cat.category_id]
        for i_index, item in enumerate(items, start=1):
            ind = indicators.get(item.indicator_id)
            ratings = {}
            if inputs is not None and item.indicator_id in inputs.values:
                ratings = dict(inputs.values[item.indicator_id].ratings or {})
            rows.append(
                SheetRow(
                    kind="item",
                    no=f"{c_index}.{i_index}",
                    indicator=item.name_zh if lang == "zh" else (item.name_en or item.name_zh),
                    weight=item.weight,
                    standard=ind.standard if ind else "",
                    rule=describe_rule(ind, lang) if ind else "",
                    value=item.value,
                    unit=ind.unit if ind else "",
                    self_rating=_plain(ratings.get(RaterRole.SELF)),
                    supervisor_rating=_plain(ratings.get(RaterRole.SUPERVISOR)),
                    reviewer_rating=_plain(ratings.get(RaterRole.REVIEWER)),
                    score=item.score,
                    points=item.points,
                    note=item.trace.summary_zh if lang == "zh" else item.trace.summary_en,
                    indicator_id=item.indicator_id,
                )
            )
    return ScoreSheet(
        header=header,
        scheme_name=scheme.name.zh if lang == "zh" else (scheme.name.en or scheme.name.zh),
        rows=rows,
        bonus=result.bonus,
        total=result.total,
        grade=result.grade,
        vetoes=list(result.vetoes),
        issues=[i.message_zh if lang == "zh" else i.message_en for i in result.issues],
        complete=result.complete,
    )
