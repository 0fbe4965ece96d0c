"""Results by seed 003's four indicator classes (基础工作 / 服务质量 / 客户满意度 / 问题处理与反馈).

For one sheet, each class gets the points its indicators contributed to the total and the
most they could have contributed, so "服务质量 28.5 / 40 (71 %)" reads the same on every
position's sheet. For a team, the classes are averaged over its members' achievement
rates. Bonus items and items left out (excluded, not applicable) are not counted; items
whose indicator has no class are reported as "未分类".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kaohe.results.tables import Column, Table
from kaohe.scheme.models import INDICATOR_CLASS_NAMES, IndicatorClass, Scheme
from kaohe.scoring.results import SheetResult

TWO = Decimal("0.01")
UNCLASSIFIED = "unclassified"
CLASS_ORDER = [c.value for c in IndicatorClass] + [UNCLASSIFIED]


def class_name(key: str, lang: str = "zh") -> str:
    if key == UNCLASSIFIED:
        return "未分类" if lang == "zh" else "Unclassified"
    text = INDICATOR_CLASS_NAMES[IndicatorClass(key)]
    return text.zh if lang == "zh" else text.en


@dataclass(frozen=True)
class ClassScore:
    indicator_class: str  # an IndicatorClass value, or "unclassified"
    points: Decimal  # contributed to the sheet total
    max_points: Decimal  # the most these items could contribute
    items: int

    @property
    def rate(self) -> Decimal | None:
        """Achievement rate in percent (points ÷ max × 100)."""
        return None if self.max_points == 0 else (self.points * 100 / self.max_points).quantize(TWO, ROUND_HALF_UP)


def class_scores(scheme: Scheme, result: SheetResult) -> list[ClassScore]:
    """One employee's sheet by class, in 003's order; classes without scored items are left out."""
    classes = {i.id: (i.indicator_class.value if i.indicator_class else UNCLASSIFIED)
               for c in scheme.categories for i in c.indicators}
    categories = {c.category_id: c for c in result.categories}
    points: dict[str, Decimal] = defaultdict(Decimal)
    most: dict[str, Decimal] = defaultdict(Decimal)
    count: dict[str, int] = defaultdict(int)
    for item in result.items:
        category = categories.get(item.category_id)
        if item.is_bonus or item.status == "excluded" or item.contribution is None or category is None:
            continue
        key = classes.get(item.indicator_id, UNCLASSIFIED)
        points[key] += item.contribution
        most[key] += item.max_points * item.effective_weight / item.weight * category.effective_weight / 100 \
            if item.weight else Decimal(0)
        count[key] += 1
    return [ClassScore(k, points[k].quantize(TWO, ROUND_HALF_UP), most[k].quantize(TWO, ROUND_HALF_UP), count[k])
            for k in CLASS_ORDER if count.get(k)]


def employee_class_table(rows: Sequence[tuple[str, str, Scheme, SheetResult]], lang: str = "zh") -> Table:
    """Employees × classes: points / max and rate. `rows` are (employee id, name, scheme, result)."""
    out: list[list[object]] = []
    for employee_id, name, scheme, result in rows:
        for score in class_scores(scheme, result):
            out.append([employee_id, name, class_name(score.indicator_class, lang), score.points, score.max_points,
                        score.rate])
    return Table("按指标类别（员工）" if lang == "zh" else "By indicator class (employees)", (
        Column("employee_id", "工号", "Employee ID"), Column("name", "姓名", "Name"),
        Column("class", "指标类别", "Indicator class"), Column("points", "得分", "Points", "0.00"),
        Column("max_points", "满分", "Full marks", "0.00"), Column("rate", "达成率 %", "Rate %", "0.00"),
    ), out, ("类别依据 003《客户服务中心绩效考核手册》2.1：基础工作、服务质量、客户满意度、问题处理与反馈",))


def team_class_table(rows: Sequence[tuple[str, Scheme, SheetResult]], lang: str = "zh") -> Table:
    """Teams × classes: the mean achievement rate of the team's members, and how many had the class."""
    rates: Mapping[tuple[str, str], list[Decimal]] = defaultdict(list)
    for team, scheme, result in rows:
        for score in class_scores(scheme, result):
            if score.rate is not None:
                rates[(team, score.indicator_class)].append(score.rate)
    out: list[list[object]] = []
    for (team, key) in sorted(rates, key=lambda k: (k[0], CLASS_ORDER.index(k[1]))):
        values = rates[(team, key)]
        mean = (sum(values, Decimal(0)) / len(values)).quantize(TWO, ROUND_HALF_UP)
        out.append([team, class_name(key, lang), len(values), mean])
    return Table("按指标类别（班组）" if lang == "zh" else "By indicator class (teams)", (
        Column("team", "班组", "Team"), Column("class", "指标类别", "Indicator class"),
        Column("people", "人数", "People"), Column("rate", "平均达成率 %", "Mean rate %", "0.00"),
    ), out)
