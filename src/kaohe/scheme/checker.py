"""The scheme checker: the book's 关键问题解决 (key problems) as software.

Each rule is a small class with a stable id, a default level, and a `check` that
yields findings. `check_scheme` runs them all and places each finding in its file
and line. Rules never stop at the first finding: an HR officer fixes a scheme in one
pass. Adding a rule means adding a class to `RULES` and a section to
docs/scheme-language.md (a test checks that every id is documented).

Findings about one kind of scoring rule (tier gaps, band limits, formulas …) come from
that rule kind's module (`kaohe.scheme.kinds.<type>`, `RuleKind.check`); the classes
here that derive from `KindRule` only carry those rules' ids, titles and hints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from kaohe.scheme.checks import CheckRule, CheckSpec, Context, Finding
from kaohe.scheme.kinds.registry import all_kinds, kind_of
from kaohe.scheme.loader import LocatedScheme, nearest_position
from kaohe.scheme.models import (
    INDICATOR_CLASS_NAMES,
    CountsSource,
    IndicatorClass,
    KpiSource,
    ManualSource,
    RaterWeight,
    Scale,
    Scheme,
)
from kaohe.scheme.problems import Level, Problem, format_path
from kaohe.scheme.rules_support import (
    PathKey,
    counts_in_weights,
    items,
    plain_number,
    rule_max,
)
from kaohe.scheme.standards import boundary_problem

__all__ = [
    "RULES",
    "CheckRule",
    "CheckSpec",
    "Context",
    "Finding",
    "Level",
    "Problem",
    "all_specs",
    "catalog_kpi_ids",
    "check_scheme",
]

MAX_INDICATORS = 10
LARGE_SHARE = Decimal(30)
HUNDRED = Decimal(100)


class KindRule(CheckRule):
    """A checker rule whose findings come from the rule kinds (`RuleKind.check`), not from here."""

    def check(self, ctx: Context) -> Iterator[Finding]:
        return iter(())


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


class TierGaps(KindRule):
    id = "K004"
    title_zh, title_en = "分档之间有空缺", "tiers leave values uncovered"
    hint_zh = "补上缺失的区间，或用 otherwise 规定不在任何一档时的得分"
    hint_en = "add a tier for the missing range, or give `otherwise` for values in no tier"



class TierOverlaps(KindRule):
    id = "K005"
    title_zh, title_en = "分档重叠或为空", "tiers overlap or are empty"
    hint_zh = "用 min/max 及 min_inclusive/max_inclusive 让每个值只落入一档"
    hint_en = "set min/max (and min_inclusive/max_inclusive) so that every value falls in exactly one tier"



# --- contradictory or unreachable targets -------------------------------------------------


class GateUnreachable(KindRule):
    id = "K006"
    title_zh, title_en = "达标线无法达到或必然达到", "gate threshold outside the possible range"
    hint_zh = "把门槛设在指标可能的取值范围内（百分比在 0–100 之间）"
    hint_en = "put the threshold inside the values the indicator can take (0–100 for a percentage)"



class BandContradictions(KindRule):
    id = "K007"
    title_zh, title_en = "区间规则自相矛盾", "band rule contradicts itself"
    hint_zh = "下限应不高于上限；低于下限的步长界限应在下限以下，高于上限的应在上限以上"
    hint_en = "low must not exceed high; the below-step limit lies under low, the above-step limit over high"



class LinearContradictions(KindRule):
    id = "K008"
    title_zh, title_en = "线性规则自相矛盾", "linear rule contradicts itself"
    hint_zh = "更好一侧的界限要在目标值的更好一侧；基础分应在保底分和封顶分之间；方向须为 higher 或 lower"
    hint_en = "the better limit must lie on the better side of the target; base between floor and cap; direction higher or lower"



class BoundsContradictions(KindRule):
    id = "K009"
    title_zh, title_en = "得分上下限颠倒", "score bounds are reversed"
    hint_zh = "下限（min / floor）应不高于上限（max / cap）"
    hint_en = "the lower bound (min / floor) must not exceed the upper bound (max / cap)"



class LevelScale(KindRule):
    id = "K010"
    title_zh, title_en = "等级评分表有问题", "level rating table is inconsistent"
    hint_zh = "每个等级只出现一次，等级越高得分越高"
    hint_en = "list each level once, with higher levels scoring more"



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
            if kind_of(indicator.rule).reads_counts and not isinstance(source, CountsSource):
                yield Finding(
                    spath,
                    f"指标「{indicator.name.zh}」按次数计分，但数据来源不是计数（kind: counts）",
                    f"{indicator.id!r} scores occurrences but its source is not kind: counts",
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


class MeasurableTarget(CheckRule):
    id = "K017"
    title_zh, title_en = "目标无法衡量", "target cannot be measured"
    hint_zh = "写明可以量化的目标或标准（数字、比率、次数），或改用带行为描述的等级评分"
    hint_en = (
        "state a measurable target or standard (a number, rate or count), or use a level rating with anchors"
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            indicator = item.indicator
            if indicator.target is None and not indicator.standard.strip():
                yield Finding(
                    item.path,
                    f"指标「{indicator.name.zh}」既没有目标值也没有考核标准",
                    f"{indicator.id!r} has neither a target nor a standard",
                    "warning",
                )


class HeavyVetoOrGate(CheckRule):
    id = "K018"
    level = "warning"
    title_zh, title_en = "否决项或达标项权重过大", "a veto or gate carries a large share of the weight"
    hint_zh = f"全有或全无的指标占总分超过 {n(LARGE_SHARE)}% 时，一次失误就决定结果：降低权重或改为分档"
    hint_en = f"an all-or-nothing item above {n(LARGE_SHARE)} % of the total decides the result alone: lower it or use tiers"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            if not kind_of(item.indicator.rule).all_or_nothing:
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
        if ctx.scheme.grading:
            for index, effect in enumerate(ctx.scheme.grading.effects):
                if effect.grade not in known:
                    yield Finding(
                        ("grading", "effects", index, "grade"),
                        f"等级效果引用了未定义的等级 {effect.grade!r}",
                        f"grade effect names undefined grade {effect.grade!r}",
                    )


class FormulaVariables(KindRule):
    id = "K023"
    title_zh, title_en = "公式无法解析或引用了未知变量", "formula does not parse or uses unknown variables"
    hint_zh = "公式只能用 value、target、sample 和本指标的计数名称"
    hint_en = "formulas may use only value, target, sample and the indicator's count names"



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
            stated = kind_of(rule).target(rule)
            if stated is not None and target is not None and target != stated:
                yield Finding(
                    item.path + ("target",),
                    f"指标「{item.indicator.name.zh}」目标 {n(target)} 与规则目标 {n(stated)} 不一致",
                    f"{item.indicator.id!r}: target {n(target)} differs from the rule's {n(stated)}",
                )


class StandardBoundary(CheckRule):
    """The stated standard and the scoring disagree at the standard's own boundary (表9-23 销售额)."""

    id = "K026"
    title_zh, title_en = "考核标准与计分规则在边界上不一致", "stated standard and scoring disagree at the boundary"
    hint_zh = "让计分规则与标准一致：改分档的开闭（min_inclusive / max_inclusive）、门槛的比较符，或改写标准"
    hint_en = "make the rule agree with the standard: change the tiers' open or closed ends, the gate's operator, or the standard"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for item in items(ctx.scheme):
            found = boundary_problem(item.indicator)
            if found is None:
                continue
            stated, ind = found.standard, item.indicator
            value = n(stated.boundary) + ind.unit
            where_zh = f"（目标值 {value}）" if stated.from_target else ""
            where_en = f" (the target, {value})" if stated.from_target else ""
            says_zh = "算达标" if found.meets else "不算达标"
            says_en = "meets it" if found.meets else "does not meet it"
            if found.score is None:
                got_zh, got_en = "没有任何一档覆盖这个值，无法计分", "no tier covers that value, so it cannot be scored"
            else:
                got_zh = f"计分规则却给 {n(found.score)} 分（满分 {n(found.best)} 分）"
                got_en = f"the rule gives {n(found.score)} (best {n(found.best)})"
            yield Finding(
                item.path + ("standard",),
                f"指标「{ind.name.zh}」的标准「{ind.standard}」：恰好等于{where_zh or ' ' + value}时标准{says_zh}，{got_zh}",
                f"indicator {ind.id!r}: the standard \"{ind.standard}\" ({stated.phrase}) says a value equal to the "
                f"boundary{where_en or ' ' + value} {says_en}, but {got_en}",
            )


class ClassLeftEmpty(CheckRule):
    """Seed 003 applies its four indicator classes to every employee of the service center."""

    id = "K027"
    level = "warning"
    title_zh, title_en = "方案缺少 003 的某类指标", "scheme leaves one of seed 003's indicator classes empty"
    hint_zh = "按 003 的四类（基础工作、服务质量、客户满意度、问题处理与反馈）各设至少一个指标，或在说明中写明本岗位为何不设"
    hint_en = "give each of 003's four classes at least one indicator, or say in the notes why the position has none"

    def check(self, ctx: Context) -> Iterator[Finding]:
        classes = [i.indicator.indicator_class for i in items(ctx.scheme)]
        if not any(classes):
            return  # the scheme does not use the classification
        for cls in IndicatorClass:
            if cls not in classes:
                name = INDICATOR_CLASS_NAMES[cls]
                yield Finding(
                    ("categories",),
                    f"方案没有“{name.zh}”类指标；003 的指标体系适用于客户服务中心全体员工",
                    f"the scheme has no '{name.en}' indicator; seed 003 applies its classes to every service-center employee",
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
    StandardBoundary(),
    ClassLeftEmpty(),
]


def all_specs() -> dict[str, CheckSpec]:
    """Every checker rule's id, level, title and hint: the generic rules and the kinds' own."""
    specs = {rule.id: rule.spec() for rule in RULES}
    for kind in all_kinds():
        for spec in kind.check_rules:
            specs.setdefault(spec.id, spec)
    return specs


def catalog_kpi_ids() -> frozenset[str]:
    """The ids registered in `kaohe.metrics.catalog`. A broken catalog raises: it is an error."""
    from kaohe.metrics.catalog.registry import list_kpis  # the catalog imports Ibis: loaded when needed

    return frozenset(str(definition.id) for definition in list_kpis())


def _findings(ctx: Context) -> Iterator[tuple[str, Finding]]:
    for rule in RULES:
        for finding in rule.check(ctx):
            yield rule.id, finding
    for item in items(ctx.scheme):
        rule_ = item.indicator.rule
        for finding in kind_of(rule_).check(rule_, item, ctx):
            if finding.rule_id is None:
                raise ValueError(f"rule kind {rule_.type!r} yielded a finding without rule_id: {finding}")
            yield finding.rule_id, finding


def check_scheme(
    scheme: Scheme,
    *,
    kpi_ids: set[str] | frozenset[str] | None = None,
    located: LocatedScheme | None = None,
) -> list[Problem]:
    """Run every checker rule; problems come errors first, then in file order.

    `kpi_ids`: the known KPI ids; when None, the ids registered in the metrics catalog.
    """
    ids = frozenset(kpi_ids) if kpi_ids is not None else catalog_kpi_ids()
    ctx = Context(scheme, ids)
    specs = all_specs()
    problems: list[Problem] = []
    for rule_id, finding in _findings(ctx):
        spec = specs[rule_id]
        position = nearest_position(located.positions, finding.path) if located else None
        problems.append(
            Problem(
                rule_id,
                finding.level or spec.level,
                file=located.file if located else None,
                line=position.line if position else None,
                column=position.column if position else None,
                path=format_path(finding.path),
                message_zh=finding.message_zh,
                message_en=finding.message_en,
                hint_zh=spec.hint_zh,
                hint_en=spec.hint_en,
            )
        )
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(problems, key=lambda p: (order[p.level], p.line or 0, p.rule_id))
