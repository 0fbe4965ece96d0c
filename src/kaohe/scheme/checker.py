"""The scheme checker: the book's 关键问题解决 (key problems) as software.

Each rule is a small class with a stable id, a default level, and a `check` that
yields findings. `check_scheme` runs them all and places each finding in its file
and line. Rules never stop at the first finding: an HR officer fixes a scheme in one
pass. Adding a rule means adding a class to `RULES` and a section to
docs/scheme-language.md (a test checks that every id is documented).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from kaohe.scheme.formula import FormulaError, compile_formula, formula_variables
from kaohe.scheme.loader import LocatedScheme, nearest_position
from kaohe.scheme.models import (
    BandRule,
    BonusRule,
    CountsSource,
    Direction,
    FormulaRule,
    GateRule,
    KpiSource,
    LevelRule,
    LinearRule,
    ManualRule,
    ManualSource,
    PerOccurrenceRule,
    RaterWeight,
    RatioRule,
    Scale,
    Scheme,
    TiersRule,
    VetoRule,
)
from kaohe.scheme.problems import Level, Problem, format_path
from kaohe.scheme.rules_support import (
    NON_NEGATIVE_UNITS,
    PathKey,
    counts_in_weights,
    gaps,
    interval_text,
    is_empty,
    items,
    overlaps,
    plain_number,
    rule_max,
    tier_bounds,
)

__all__ = ["RULES", "CheckRule", "Finding", "Level", "Problem", "check_scheme", "catalog_kpi_ids"]

MAX_INDICATORS = 10
LARGE_SHARE = Decimal(30)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Finding:
    path: PathKey
    message_zh: str
    message_en: str
    level: Level | None = None  # None: the rule's default level


@dataclass(frozen=True)
class Context:
    scheme: Scheme
    kpi_ids: frozenset[str] | None


class CheckRule:
    id: ClassVar[str]
    level: ClassVar[Level] = "error"
    title_zh: ClassVar[str]
    title_en: ClassVar[str]
    hint_zh: ClassVar[str]
    hint_en: ClassVar[str]

    def check(self, ctx: Context) -> Iterator[Finding]:
        raise NotImplementedError


n = plain_number  # short name: the messages below use it on almost every line


# --- weights ------------------------------------------------------------------------------


class CategoryWeights(CheckRule):
    id = "K001"
    title_zh, title_en = "类别权重之和不为 100%", "category weights do not sum to 100 %"
    hint_zh = "调整各类别的权重，使其合计为 100%"
    hint_en = "change the category weights so that they add up to 100 %"

    def check(self, ctx: Context) -> Iterator[Finding]:
        weights = [c.weight for c in ctx.scheme.categories]
        total = sum(weights, Decimal(0))
        if total != HUNDRED:
            parts = " + ".join(f"{n(w)}%" for w in weights)
            yield Finding(
                ("categories",),
                f"类别权重合计 {parts} = {n(total)}%，不是 100%",
                f"category weights {parts} = {n(total)} %, not 100 %",
            )


class IndicatorWeights(CheckRule):
    id = "K002"
    title_zh, title_en = "类别内指标权重之和不为 100%", "indicator weights in a category do not sum to 100 %"
    hint_zh = "调整该类别中各指标的权重（加分项和仅否决项不计），使其合计为 100%"
    hint_en = (
        "change the indicator weights of the category (bonus and veto-only items excluded) to add up to 100 %"
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for ci, category in enumerate(ctx.scheme.categories):
            for ii, indicator in enumerate(category.indicators):
                if isinstance(indicator.rule, BonusRule) and indicator.weight != 0:
                    yield Finding(
                        ("categories", ci, "indicators", ii, "weight"),
                        f"加分项「{indicator.name.zh}」的权重 {n(indicator.weight)}% 不起作用，应写 0",
                        f"bonus item {indicator.id!r} has weight {n(indicator.weight)} %, which is ignored; write 0",
                        "warning",
                    )
            weighted = [i.weight for i in category.indicators if counts_in_weights(i)]
            if not weighted:
                continue
            total = sum(weighted, Decimal(0))
            if total != HUNDRED:
                yield Finding(
                    ("categories", ci, "indicators"),
                    f"类别「{category.name.zh}」的指标权重合计 {n(total)}%，不是 100%",
                    f"indicator weights of category {category.id!r} sum to {n(total)} %, not 100 %",
                )


class MaxScoreVersusWeight(CheckRule):
    id = "K003"
    title_zh, title_en = "规则最高分与权重不符", "the rule's highest score does not match the weight"
    hint_zh = "按分值计分时，规则的最高分应等于指标权重；按百分制计分时应能达到 100 分"
    hint_en = "in the points scale the rule's best score should equal the weight; in the percent scale it should reach 100"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            indicator = item.indicator
            if not counts_in_weights(indicator) or indicator.weight == 0:
                continue
            best = rule_max(indicator, ctx.scheme.step_policy)
            if best is None:
                continue
            path = item.path + ("rule",)
            if item.scale == Scale.POINTS:
                if best > indicator.weight:
                    yield Finding(
                        path,
                        f"指标「{indicator.name.zh}」最高可得 {n(best)} 分，超过其权重 {n(indicator.weight)} 分",
                        f"{indicator.id!r} can score {n(best)} points, more than its weight {n(indicator.weight)}",
                    )
                elif best < indicator.weight:
                    yield Finding(
                        path,
                        f"指标「{indicator.name.zh}」最高只能得 {n(best)} 分，达不到权重 {n(indicator.weight)} 分",
                        f"{indicator.id!r} can score at most {n(best)} of its {n(indicator.weight)} points",
                        "warning",
                    )
            elif best < HUNDRED:
                yield Finding(
                    path,
                    f"指标「{indicator.name.zh}」最高只能得 {n(best)} 分（百分制），永远拿不到满分",
                    f"{indicator.id!r} can score at most {n(best)} of 100 in the percent scale",
                    "warning",
                )


# --- tiers --------------------------------------------------------------------------------


class TierGaps(CheckRule):
    id = "K004"
    title_zh, title_en = "分档之间有空缺", "tiers leave values uncovered"
    hint_zh = "补上缺失的区间，或用 otherwise 规定不在任何一档时的得分"
    hint_en = "add a tier for the missing range, or give `otherwise` for values in no tier"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            rule = item.indicator.rule
            if not isinstance(rule, TiersRule) or rule.otherwise is not None:
                continue
            low = Decimal(0) if item.indicator.unit.strip() in NON_NEGATIVE_UNITS else None
            intervals = [tier_bounds(t.min, t.min_inclusive, t.max, t.max_inclusive) for t in rule.tiers]
            for gap in gaps(intervals, low):
                text = interval_text(*gap)
                unit = item.indicator.unit
                yield Finding(
                    item.path + ("rule", "tiers"),
                    f"指标「{item.indicator.name.zh}」的分档没有覆盖 {text}{unit}：落在这里的值无法计分",
                    f"the tiers of {item.indicator.id!r} do not cover {text} {unit}: such a value cannot be scored",
                )


class TierOverlaps(CheckRule):
    id = "K005"
    title_zh, title_en = "分档重叠或为空", "tiers overlap or are empty"
    hint_zh = "用 min/max 及 min_inclusive/max_inclusive 让每个值只落入一档"
    hint_en = "set min/max (and min_inclusive/max_inclusive) so that every value falls in exactly one tier"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            rule = item.indicator.rule
            if not isinstance(rule, TiersRule):
                continue
            bounds = [tier_bounds(t.min, t.min_inclusive, t.max, t.max_inclusive) for t in rule.tiers]
            for index, bound in enumerate(bounds):
                if is_empty(*bound):
                    yield Finding(
                        item.path + ("rule", "tiers", index),
                        f"第 {index + 1} 档 {interval_text(*bound)} 不包含任何值",
                        f"tier {index + 1} {interval_text(*bound)} contains no value",
                    )
            for a in range(len(bounds)):
                for b in range(a + 1, len(bounds)):
                    if (
                        not is_empty(*bounds[a])
                        and not is_empty(*bounds[b])
                        and overlaps(bounds[a], bounds[b])
                    ):
                        yield Finding(
                            item.path + ("rule", "tiers", b),
                            f"指标「{item.indicator.name.zh}」第 {a + 1} 档 {interval_text(*bounds[a])} 与第 {b + 1} 档 "
                            f"{interval_text(*bounds[b])} 重叠",
                            f"tiers {a + 1} {interval_text(*bounds[a])} and {b + 1} {interval_text(*bounds[b])} "
                            f"of {item.indicator.id!r} overlap",
                        )


# --- contradictory or unreachable targets -------------------------------------------------


class GateUnreachable(CheckRule):
    id = "K006"
    title_zh, title_en = "达标线无法达到或必然达到", "gate threshold outside the possible range"
    hint_zh = "把门槛设在指标可能的取值范围内（百分比在 0–100 之间）"
    hint_en = "put the threshold inside the values the indicator can take (0–100 for a percentage)"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            rule, indicator = item.indicator.rule, item.indicator
            if not isinstance(rule, GateRule):
                continue
            path = item.path + ("rule", "threshold")
            low = Decimal(0) if indicator.unit.strip() in NON_NEGATIVE_UNITS else None
            high = HUNDRED if indicator.unit.strip() == "%" and rule.op in (">=", ">") else None
            t = rule.threshold
            never = (high is not None and (t > high or (t == high and rule.op == ">"))) or (
                low is not None and (t < low or (t == low and rule.op == "<")) and rule.op in ("<=", "<")
            )
            if never:
                yield Finding(
                    path,
                    f"指标「{indicator.name.zh}」要求 {rule.op} {n(t)}{indicator.unit}，不可能达到",
                    f"{indicator.id!r} requires {rule.op} {n(t)} {indicator.unit}, which no value can meet",
                )
            if rule.pass_score <= rule.fail_score:
                yield Finding(
                    item.path + ("rule", "pass_score"),
                    f"指标「{indicator.name.zh}」达标得分 {n(rule.pass_score)} 不高于未达标得分 {n(rule.fail_score)}",
                    f"{indicator.id!r}: passing scores {n(rule.pass_score)}, not more than failing ({n(rule.fail_score)})",
                    "warning",
                )


class BandContradictions(CheckRule):
    id = "K007"
    title_zh, title_en = "区间规则自相矛盾", "band rule contradicts itself"
    hint_zh = "下限应不高于上限；低于下限的步长界限应在下限以下，高于上限的应在上限以上"
    hint_en = "low must not exceed high; the below-step limit lies under low, the above-step limit over high"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            rule, name = item.indicator.rule, item.indicator.name.zh
            if not isinstance(rule, BandRule):
                continue
            path = item.path + ("rule",)
            if rule.low > rule.high:
                yield Finding(
                    path + ("low",),
                    f"指标「{name}」区间下限 {n(rule.low)} 高于上限 {n(rule.high)}",
                    f"{item.indicator.id!r}: band low {n(rule.low)} is above high {n(rule.high)}",
                )
            if rule.below and rule.below.limit is not None and rule.below.limit >= rule.low:
                yield Finding(
                    path + ("below", "limit"),
                    f"指标「{name}」低于下限的扣分界限 {n(rule.below.limit)} 不在下限 {n(rule.low)} 以下",
                    f"{item.indicator.id!r}: below.limit {n(rule.below.limit)} is not under low {n(rule.low)}",
                )
            if rule.above and rule.above.limit is not None and rule.above.limit <= rule.high:
                yield Finding(
                    path + ("above", "limit"),
                    f"指标「{name}」高于上限的扣分界限 {n(rule.above.limit)} 不在上限 {n(rule.high)} 以上",
                    f"{item.indicator.id!r}: above.limit {n(rule.above.limit)} is not over high {n(rule.high)}",
                )
            if rule.floor is not None and rule.floor > rule.inside:
                yield Finding(
                    path + ("floor",),
                    f"指标「{name}」保底分 {n(rule.floor)} 高于区间内得分 {n(rule.inside)}",
                    f"{item.indicator.id!r}: floor {n(rule.floor)} is above the inside score {n(rule.inside)}",
                )
            if item.indicator.direction != Direction.BAND:
                yield Finding(
                    item.path + ("direction",),
                    f"指标「{name}」使用区间规则，方向应为 band",
                    f"{item.indicator.id!r} uses a band rule; its direction should be band",
                    "warning",
                )


class LinearContradictions(CheckRule):
    id = "K008"
    title_zh, title_en = "线性规则自相矛盾", "linear rule contradicts itself"
    hint_zh = "更好一侧的界限要在目标值的更好一侧；基础分应在保底分和封顶分之间；方向须为 higher 或 lower"
    hint_en = "the better limit must lie on the better side of the target; base between floor and cap; direction higher or lower"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            rule, indicator = item.indicator.rule, item.indicator
            if not isinstance(rule, LinearRule):
                continue
            path, name = item.path + ("rule",), indicator.name.zh
            if indicator.direction not in (Direction.HIGHER, Direction.LOWER):
                yield Finding(
                    item.path + ("direction",),
                    f"指标「{name}」使用线性规则，但方向为 {indicator.direction.value}，无法判断哪一侧更好",
                    f"{indicator.id!r} uses a linear rule but its direction is {indicator.direction.value}",
                )
                continue
            sign = Decimal(1) if indicator.direction == Direction.HIGHER else Decimal(-1)
            for side, step, wanted in (("better", rule.better, sign), ("worse", rule.worse, -sign)):
                if step is not None and step.limit is not None and (step.limit - rule.target) * wanted <= 0:
                    yield Finding(
                        path + (side, "limit"),
                        f"指标「{name}」{side} 一侧的界限 {n(step.limit)} 落在目标 {n(rule.target)} 的另一侧",
                        f"{indicator.id!r}: the {side} limit {n(step.limit)} is on the wrong side of target {n(rule.target)}",
                    )
            if rule.cap is not None and rule.base > rule.cap:
                yield Finding(
                    path + ("base",),
                    f"指标「{name}」基础分 {n(rule.base)} 高于封顶分 {n(rule.cap)}",
                    f"{indicator.id!r}: base {n(rule.base)} is above cap {n(rule.cap)}",
                )
            if rule.floor is not None and rule.base < rule.floor:
                yield Finding(
                    path + ("base",),
                    f"指标「{name}」基础分 {n(rule.base)} 低于保底分 {n(rule.floor)}",
                    f"{indicator.id!r}: base {n(rule.base)} is below floor {n(rule.floor)}",
                )
            if rule.floor is not None and rule.cap is not None and rule.floor > rule.cap:
                yield Finding(
                    path + ("floor",),
                    f"指标「{name}」保底分 {n(rule.floor)} 高于封顶分 {n(rule.cap)}",
                    f"{indicator.id!r}: floor {n(rule.floor)} is above cap {n(rule.cap)}",
                )


class BoundsContradictions(CheckRule):
    id = "K009"
    title_zh, title_en = "得分上下限颠倒", "score bounds are reversed"
    hint_zh = "下限（min / floor）应不高于上限（max / cap）"
    hint_en = "the lower bound (min / floor) must not exceed the upper bound (max / cap)"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            rule, name, iid = item.indicator.rule, item.indicator.name.zh, item.indicator.id
            path = item.path + ("rule",)
            pairs: list[tuple[str, Decimal | None, str, Decimal | None]] = []
            if isinstance(rule, ManualRule | FormulaRule):
                pairs.append(("min", rule.min, "max", rule.max))
            if isinstance(rule, RatioRule):
                pairs.append(("floor", rule.floor, "cap", rule.cap))
            if isinstance(rule, PerOccurrenceRule):
                pairs.append(("floor", rule.floor, "base", rule.base))
            for low_name, low, high_name, high in pairs:
                if low is not None and high is not None and low > high:
                    yield Finding(
                        path + (low_name,),
                        f"指标「{name}」{low_name} {n(low)} 高于 {high_name} {n(high)}",
                        f"{iid!r}: {low_name} {n(low)} is above {high_name} {n(high)}",
                    )
            if isinstance(rule, BonusRule) and rule.max_points < rule.points:
                yield Finding(
                    path + ("max_points",),
                    f"加分项「{name}」上限 {n(rule.max_points)} 小于单次加分 {n(rule.points)}，一次也加不满",
                    f"bonus {iid!r}: max_points {n(rule.max_points)} is below one award of {n(rule.points)}",
                    "warning",
                )


class LevelScale(CheckRule):
    id = "K010"
    title_zh, title_en = "等级评分表有问题", "level rating table is inconsistent"
    hint_zh = "每个等级只出现一次，等级越高得分越高"
    hint_en = "list each level once, with higher levels scoring more"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            rule = item.indicator.rule
            if not isinstance(rule, LevelRule):
                continue
            path = item.path + ("rule", "levels")
            repeated = sorted(k for k, c in Counter(a.level for a in rule.levels).items() if c > 1)
            if repeated:
                yield Finding(
                    path,
                    f"指标「{item.indicator.name.zh}」等级 {repeated} 重复",
                    f"{item.indicator.id!r}: level(s) {repeated} appear more than once",
                )
            ordered = sorted(rule.levels, key=lambda a: a.level)
            if any(b.score <= a.score for a, b in zip(ordered, ordered[1:], strict=False)):
                yield Finding(
                    path,
                    f"指标「{item.indicator.name.zh}」等级越高得分并不越高",
                    f"{item.indicator.id!r}: scores do not rise with the level",
                    "warning",
                )


# --- data sources, raters, catalog --------------------------------------------------------


class DataSource(CheckRule):
    id = "K011"
    title_zh, title_en = "指标没有数据来源", "indicator has no data source"
    hint_zh = (
        "为每个计数写明来自哪个 KPI（kpi:）或由谁录入（entered_by:）；扣分项引用的计数须在 source.counts 中"
    )
    hint_en = "give each count a kpi: or entered_by:; every count a deduction names must be in source.counts"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            indicator, source = item.indicator, item.indicator.source
            spath = item.path + ("source",)
            if isinstance(source, CountsSource):
                if not source.counts:
                    yield Finding(
                        spath + ("counts",),
                        f"指标「{indicator.name.zh}」没有列出任何计数",
                        f"{indicator.id!r} lists no counts",
                    )
                for name, ref in source.counts.items():
                    if ref.kpi is None and ref.entered_by is None:
                        yield Finding(
                            spath + ("counts", name),
                            f"指标「{indicator.name.zh}」的计数 {name} 既无 KPI 也无录入人",
                            f"count {name!r} of {indicator.id!r} has neither a kpi nor entered_by",
                        )
            rule = indicator.rule
            needed: list[str] = []
            if isinstance(rule, PerOccurrenceRule):
                needed = [d.count for d in rule.deductions]
            if isinstance(rule, PerOccurrenceRule | VetoRule) and not isinstance(source, CountsSource):
                yield Finding(
                    spath,
                    f"指标「{indicator.name.zh}」按次数计分，但数据来源不是计数（kind: counts）",
                    f"{indicator.id!r} scores occurrences but its source is not kind: counts",
                )
            elif isinstance(source, CountsSource):
                for index, name in enumerate(needed):
                    if name not in source.counts:
                        yield Finding(
                            item.path + ("rule", "deductions", index, "count"),
                            f"扣分项引用的计数 {name} 不在数据来源中",
                            f"deduction count {name!r} is not among the source counts",
                        )


class ManualRater(CheckRule):
    id = "K012"
    title_zh, title_en = "人工评分指标没有评分人", "manual indicator has no rater"
    hint_zh = "在指标的 source.raters 或方案的 raters 中写明评分人及权重"
    hint_en = "name the raters and weights in the item's source.raters or in the scheme's raters"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            source = item.indicator.source
            if isinstance(source, ManualSource) and not source.raters and not ctx.scheme.raters:
                yield Finding(
                    item.path + ("source", "raters"),
                    f"人工评分指标「{item.indicator.name.zh}」没有评分人（本项和方案默认都没有）",
                    f"manual indicator {item.indicator.id!r} has no rater, on the item or as scheme default",
                )


class KpiInCatalog(CheckRule):
    id = "K013"
    title_zh, title_en = "KPI 不在指标库中", "KPI id not in the catalog"
    hint_zh = "使用 KPI 目录中的标识（见 docs/contracts/events-and-kpis.md），或先注册新的 KPI"
    hint_en = "use an id from the KPI catalog, or register the new KPI first"

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.kpi_ids is None:
            yield Finding(
                (),
                "未找到 KPI 目录，跳过 KPI 标识检查",
                "no KPI catalog available: KPI ids were not checked",
                "info",
            )
            return
        for item in items(ctx.scheme):
            source = item.indicator.source
            refs: list[tuple[PathKey, str]] = []
            if isinstance(source, KpiSource):
                refs.append((item.path + ("source", "kpi"), source.kpi))
            if isinstance(source, CountsSource):
                refs += [
                    (item.path + ("source", "counts", name, "kpi"), ref.kpi)
                    for name, ref in source.counts.items()
                    if ref.kpi is not None
                ]
            for path, kpi in refs:
                if kpi not in ctx.kpi_ids:
                    yield Finding(path, f"KPI {kpi!r} 不在 KPI 目录中", f"KPI {kpi!r} is not in the catalog")


# --- shape of the sheet -------------------------------------------------------------------


class TooManyIndicators(CheckRule):
    id = "K014"
    level = "warning"
    title_zh, title_en = "一张考核表的指标过多", "too many indicators on one sheet"
    hint_zh = f"一张表的指标以不超过 {MAX_INDICATORS} 个为宜：合并相近的指标，或把次要的放进下一期"
    hint_en = f"keep a sheet to {MAX_INDICATORS} indicators or fewer: merge similar ones or drop minor ones"

    def check(self, ctx: Context) -> Iterator[Finding]:
        count = sum(len(c.indicators) for c in ctx.scheme.categories)
        if count > MAX_INDICATORS:
            yield Finding(
                ("categories",),
                f"本方案共有 {count} 个指标，超过 {MAX_INDICATORS} 个，考核重点容易分散",
                f"the scheme has {count} indicators, more than {MAX_INDICATORS}",
            )


class DuplicateIds(CheckRule):
    id = "K015"
    title_zh, title_en = "标识重复", "duplicate ids"
    hint_zh = "每个类别和指标的 id 在方案中必须唯一"
    hint_en = "every category and indicator id must be unique within the scheme"

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: dict[str, PathKey] = {}
        for ci, category in enumerate(ctx.scheme.categories):
            if category.id in seen:
                yield Finding(
                    ("categories", ci, "id"),
                    f"类别 id {category.id!r} 重复",
                    f"category id {category.id!r} is used twice",
                )
            seen.setdefault(category.id, ("categories", ci))
        seen = {}
        for item in items(ctx.scheme):
            iid = item.indicator.id
            if iid in seen:
                yield Finding(
                    item.path + ("id",),
                    f"指标 id {iid!r} 重复（首次出现于 {format_path(seen[iid])}）",
                    f"indicator id {iid!r} is used twice (first at {format_path(seen[iid])})",
                )
            seen.setdefault(iid, item.path)


class DuplicateNames(CheckRule):
    id = "K016"
    level = "warning"
    title_zh, title_en = "指标名称重复", "duplicate indicator names"
    hint_zh = "名称相同的指标容易重复考核同一件事：合并它们或改名区分"
    hint_en = "two indicators with one name tend to measure the same thing twice: merge or rename them"

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: set[str] = set()
        for item in items(ctx.scheme):
            name = item.indicator.name.zh.strip()
            if name in seen:
                yield Finding(
                    item.path + ("name",), f"指标名称「{name}」重复", f"indicator name {name!r} is used twice"
                )
            seen.add(name)


_NUMBERING = re.compile(r"(^|\s|[;；。])\s*\d+\s*[.、．)]")


class MeasurableTarget(CheckRule):
    id = "K017"
    title_zh, title_en = "目标无法衡量", "target cannot be measured"
    hint_zh = "写明可以量化的目标或标准（数字、比率、次数），或改用带行为描述的等级评分"
    hint_en = (
        "state a measurable target or standard (a number, rate or count), or use a level rating with anchors"
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            indicator, rule = item.indicator, item.indicator.rule
            if isinstance(rule, FormulaRule) and indicator.target is None and "target" in rule.expr:
                try:
                    uses_target = (
                        "target"
                        in compile_formula(rule.expr, formula_variables(_counts(indicator))).variables
                    )
                except FormulaError:
                    uses_target = False
                if uses_target:
                    yield Finding(
                        item.path + ("target",),
                        f"指标「{indicator.name.zh}」的公式用到 target，但没有设定目标值",
                        f"the formula of {indicator.id!r} uses target but the indicator has none",
                    )
            if indicator.target is None and not indicator.standard.strip():
                yield Finding(
                    item.path,
                    f"指标「{indicator.name.zh}」既没有目标值也没有考核标准",
                    f"{indicator.id!r} has neither a target nor a standard",
                    "warning",
                )
            elif (
                isinstance(rule, ManualRule)
                and indicator.target is None
                and not re.search(r"[\d%％零]", _NUMBERING.sub(" ", indicator.standard))
            ):
                yield Finding(
                    item.path + ("standard",),
                    f"人工评分指标「{indicator.name.zh}」的标准中没有任何数量要求，评分容易凭印象",
                    f"manual indicator {indicator.id!r} has a standard with no number in it",
                    "warning",
                )


def _counts(indicator: object) -> set[str]:
    source = getattr(indicator, "source", None)
    return set(source.counts) if isinstance(source, CountsSource) else set()


class HeavyVetoOrGate(CheckRule):
    id = "K018"
    level = "warning"
    title_zh, title_en = "否决项或达标项权重过大", "a veto or gate carries a large share of the weight"
    hint_zh = f"全有或全无的指标占总分超过 {n(LARGE_SHARE)}% 时，一次失误就决定结果：降低权重或改为分档"
    hint_en = f"an all-or-nothing item above {n(LARGE_SHARE)} % of the total decides the result alone: lower it or use tiers"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            if not isinstance(item.indicator.rule, GateRule | VetoRule):
                continue
            share = item.category.weight * item.indicator.weight / HUNDRED
            if share > LARGE_SHARE:
                yield Finding(
                    item.path + ("weight",),
                    f"全有或全无的指标「{item.indicator.name.zh}」占总分 {n(share)}%",
                    f"all-or-nothing item {item.indicator.id!r} carries {n(share)} % of the total",
                )


class RaterWeights(CheckRule):
    id = "K019"
    title_zh, title_en = "评分人权重之和不为 100%", "rater weights do not sum to 100 %"
    hint_zh = "各评分人的权重合计应为 100%，每个角色只出现一次"
    hint_en = "rater weights must add up to 100 % and list each role once"

    def check(self, ctx: Context) -> Iterator[Finding]:
        groups: list[tuple[PathKey, list[RaterWeight]]] = [(("raters",), ctx.scheme.raters)]
        for item in items(ctx.scheme):
            if isinstance(item.indicator.source, ManualSource):
                groups.append((item.path + ("source", "raters"), item.indicator.source.raters))
        for path, raters in groups:
            if not raters:
                continue
            total = sum((r.weight for r in raters), Decimal(0))
            if total != HUNDRED:
                yield Finding(
                    path,
                    f"评分人权重合计 {n(total)}%，不是 100%",
                    f"rater weights sum to {n(total)} %, not 100 %",
                )
            repeated = sorted({r.role.value for r in raters if [x.role for x in raters].count(r.role) > 1})
            if repeated:
                yield Finding(
                    path,
                    f"评分人角色重复：{', '.join(repeated)}",
                    f"rater role(s) listed twice: {', '.join(repeated)}",
                )


# --- grading ------------------------------------------------------------------------------


class GradeBands(CheckRule):
    id = "K020"
    title_zh, title_en = "等级区间未按从高到低排列或有重叠", "grade bands not descending or overlapping"
    hint_zh = "从最好的等级往下列出，每级的最低分严格递减，等级名称不重复"
    hint_en = "list grades from the best down, each with a strictly lower minimum, no grade twice"

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.scheme.grading is None:
            return
        bands = ctx.scheme.grading.bands
        for index in range(1, len(bands)):
            if bands[index].min >= bands[index - 1].min:
                yield Finding(
                    ("grading", "bands", index, "min"),
                    f"等级 {bands[index].grade} 的最低分 {n(bands[index].min)} 不低于上一级 "
                    f"{bands[index - 1].grade} 的 {n(bands[index - 1].min)}",
                    f"grade {bands[index].grade} starts at {n(bands[index].min)}, not below "
                    f"{bands[index - 1].grade} at {n(bands[index - 1].min)}",
                )
        repeated = sorted(g for g, c in Counter(b.grade for b in bands).items() if c > 1)
        if repeated:
            yield Finding(
                ("grading", "bands"),
                f"等级重复：{', '.join(repeated)}",
                f"grade(s) listed twice: {', '.join(repeated)}",
            )


class ForcedDistribution(CheckRule):
    id = "K021"
    title_zh, title_en = "强制分布比例之和不为 100%", "forced distribution does not sum to 100 %"
    hint_zh = "各等级人数比例合计应为 100%，且只用等级区间中定义过的等级"
    hint_en = "the shares must add up to 100 % and use only grades defined in the bands"

    def check(self, ctx: Context) -> Iterator[Finding]:
        grading = ctx.scheme.grading
        if grading is None or grading.forced_distribution is None:
            return
        path: PathKey = ("grading", "forced_distribution")
        total = sum(grading.forced_distribution.values(), Decimal(0))
        if total != HUNDRED:
            yield Finding(
                path,
                f"强制分布比例合计 {n(total)}%，不是 100%",
                f"the forced distribution sums to {n(total)} %, not 100 %",
            )
        known = {b.grade for b in grading.bands}
        unknown = sorted(set(grading.forced_distribution) - known)
        if unknown:
            yield Finding(
                path,
                f"强制分布中的等级未定义：{', '.join(unknown)}",
                f"undefined grade(s) in the distribution: {', '.join(unknown)}",
            )


class GradeReferences(CheckRule):
    id = "K022"
    title_zh, title_en = "引用了未定义的等级", "reference to an undefined grade"
    hint_zh = "否决封顶等级和等级效果只能引用 grading.bands 中的等级；cap_grade 效果必须写明等级"
    hint_en = "veto caps and grade effects may only name grades from grading.bands; effect cap_grade needs cap_grade"

    def check(self, ctx: Context) -> Iterator[Finding]:
        known = {b.grade for b in ctx.scheme.grading.bands} if ctx.scheme.grading else set()
        for item in items(ctx.scheme):
            rule = item.indicator.rule
            if not isinstance(rule, VetoRule) or rule.effect != "cap_grade":
                continue
            # without grading of its own, the scheme takes the company's: only a missing cap is sure
            if rule.cap_grade is None or (ctx.scheme.grading is not None and rule.cap_grade not in known):
                yield Finding(
                    item.path + ("rule", "cap_grade"),
                    f"否决项「{item.indicator.name.zh}」封顶等级 {rule.cap_grade!r} 未定义",
                    f"veto {item.indicator.id!r} caps at undefined grade {rule.cap_grade!r}",
                )
        if ctx.scheme.grading:
            for index, effect in enumerate(ctx.scheme.grading.effects):
                if effect.grade not in known:
                    yield Finding(
                        ("grading", "effects", index, "grade"),
                        f"等级效果引用了未定义的等级 {effect.grade!r}",
                        f"grade effect names undefined grade {effect.grade!r}",
                    )


class FormulaVariables(CheckRule):
    id = "K023"
    title_zh, title_en = "公式无法解析或引用了未知变量", "formula does not parse or uses unknown variables"
    hint_zh = "公式只能用 value、target、sample 和本指标的计数名称"
    hint_en = "formulas may use only value, target, sample and the indicator's count names"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            rule = item.indicator.rule
            if isinstance(rule, FormulaRule):
                try:
                    compile_formula(rule.expr, formula_variables(_counts(item.indicator)))
                except FormulaError as exc:
                    yield Finding(
                        item.path + ("rule", "expr"), f"公式错误：{exc.message_zh}", f"formula error: {exc}"
                    )


class EmptyCategory(CheckRule):
    id = "K024"
    title_zh, title_en = "有权重的类别没有指标", "weighted category has no indicators"
    hint_zh = "为该类别添加指标，或把它的权重设为 0 并删除"
    hint_en = "add indicators to the category, or remove it"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for ci, category in enumerate(ctx.scheme.categories):
            if category.weight > 0 and not any(counts_in_weights(i) for i in category.indicators):
                yield Finding(
                    ("categories", ci),
                    f"类别「{category.name.zh}」有 {n(category.weight)}% 权重，但没有计分指标",
                    f"category {category.id!r} has weight {n(category.weight)} % but no scored indicator",
                )


class TargetMismatch(CheckRule):
    id = "K025"
    level = "warning"
    title_zh, title_en = "目标值与规则中的目标不一致", "indicator target differs from the rule's target"
    hint_zh = "让指标的 target 与规则中的 target 一致，避免员工看到的目标与计分不同"
    hint_en = (
        "make the indicator's target and the rule's target equal, so the stated target is the scored one"
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            rule, target = item.indicator.rule, item.indicator.target
            if isinstance(rule, LinearRule | RatioRule) and target is not None and target != rule.target:
                yield Finding(
                    item.path + ("target",),
                    f"指标「{item.indicator.name.zh}」目标 {n(target)} 与规则目标 {n(rule.target)} 不一致",
                    f"{item.indicator.id!r}: target {n(target)} differs from the rule's {n(rule.target)}",
                )


RULES: list[CheckRule] = [
    CategoryWeights(),
    IndicatorWeights(),
    MaxScoreVersusWeight(),
    TierGaps(),
    TierOverlaps(),
    GateUnreachable(),
    BandContradictions(),
    LinearContradictions(),
    BoundsContradictions(),
    LevelScale(),
    DataSource(),
    ManualRater(),
    KpiInCatalog(),
    TooManyIndicators(),
    DuplicateIds(),
    DuplicateNames(),
    MeasurableTarget(),
    HeavyVetoOrGate(),
    RaterWeights(),
    GradeBands(),
    ForcedDistribution(),
    GradeReferences(),
    FormulaVariables(),
    EmptyCategory(),
    TargetMismatch(),
]


def catalog_kpi_ids() -> frozenset[str] | None:
    """The ids registered in `kaohe.metrics.catalog`, or None when it cannot be loaded."""
    try:
        from kaohe.metrics.catalog.registry import list_kpis
    except Exception:  # the catalog is optional for the scheme layer
        return None
    try:
        return frozenset(str(definition.id) for definition in list_kpis())
    except Exception:
        return None


def check_scheme(
    scheme: Scheme,
    *,
    kpi_ids: set[str] | frozenset[str] | None = None,
    located: LocatedScheme | None = None,
) -> list[Problem]:
    """Run every checker rule; problems come errors first, then in file order.

    `kpi_ids`: the known KPI ids. When None, the ids registered in the metrics catalog
    are used if it can be imported; otherwise the KPI check is skipped with an info.
    """
    ids = frozenset(kpi_ids) if kpi_ids is not None else catalog_kpi_ids()
    ctx = Context(scheme, ids)
    problems: list[Problem] = []
    for rule in RULES:
        for finding in rule.check(ctx):
            position = nearest_position(located.positions, finding.path) if located else None
            problems.append(
                Problem(
                    rule_id=rule.id,
                    level=finding.level or rule.level,
                    file=located.file if located else None,
                    line=position.line if position else None,
                    column=position.column if position else None,
                    path=format_path(finding.path),
                    message_zh=finding.message_zh,
                    message_en=finding.message_en,
                    hint_zh=rule.hint_zh,
                    hint_en=rule.hint_en,
                )
            )
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(problems, key=lambda p: (order[p.level], p.line or 0, p.rule_id))
