"""Typed models of Kaohe's scheme language.

A *scheme* is the appraisal form of one position at one level for one period:
categories (业绩 / 能力 / 态度 …) with weights, each holding indicators. An
indicator names where its value comes from (a KPI of the metrics catalog, manual
ratings, or counted occurrences) and the rule that turns that value into points.

The models check structure only (types, required fields, unknown keys). Whether a
scheme makes sense — weights summing to 100, tiers without gaps — is the job of
the checker (`kaohe.scheme.checker`), which reports problems instead of refusing
to load, so that an HR officer sees all of them at once.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from kaohe.scheme.kinds.registry import AnyRule

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
ParamValue = str | int | float | bool


class Model(BaseModel):
    """Base for every scheme element: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Model):
    """A text in Chinese (the default language) and English."""

    zh: str = Field(min_length=1)
    en: str = ""


# --- enumerations -------------------------------------------------------------------------


class Direction(StrEnum):
    HIGHER = "higher"  # larger values are better (service level, CSAT)
    LOWER = "lower"  # smaller values are better (ACW, complaints)
    BAND = "band"  # a value inside a band is best (average talk time 40–180 s)
    NONE = "none"  # a rating or a count with no better side of its own


class Level(StrEnum):
    DIRECTOR = "director"  # 总监
    MANAGER = "manager"  # 经理
    SUPERVISOR = "supervisor"  # 主管
    SPECIALIST = "specialist"  # 专员 / 座席员


class Period(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class Scale(StrEnum):
    POINTS = "points"  # the rule yields points out of the indicator's weight (表9-23)
    PERCENT = "percent"  # the rule yields 0–100, then × weight / 100 (表9-26)


class StepPolicy(StrEnum):
    WHOLE = "whole"  # only complete steps count: 3 s over a 2 s step is one step
    STARTED = "started"  # every started step counts: 3 s over a 2 s step is two steps


class MissingPolicy(StrEnum):
    ERROR = "error"  # the sheet cannot be scored until the value is supplied
    ZERO = "zero"  # the item scores zero, and the sheet says why
    EXCLUDE = "exclude"  # the item is left out and the other weights are renormalised


class LowSamplePolicy(StrEnum):
    FLAG = "flag"  # score it, but flag the item for the reviewer
    EXCLUDE = "exclude"  # treat as missing-and-excluded (renormalise)
    ERROR = "error"  # refuse to score until more data exists


class RaterRole(StrEnum):
    SELF = "self"  # 自评
    SUPERVISOR = "supervisor"  # 考评 (direct supervisor)
    REVIEWER = "reviewer"  # 审评 (the supervisor's manager)
    PEER = "peer"  # 360: colleagues
    CUSTOMER = "customer"  # 360: internal or external customers
    QA = "qa"  # quality-monitoring officer


class AbsentRaterPolicy(StrEnum):
    RENORMALISE = "renormalise"  # the present raters' weights are scaled up to 100 %
    ERROR = "error"  # the item cannot be scored until every rater has rated


class RoundingMode(StrEnum):
    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    DOWN = "down"
    UP = "up"


# --- explanation (指标说明) ----------------------------------------------------------------


class Explanation(Model):
    """What the book calls 指标说明: how HR explains an indicator to the people rated on it."""

    definition: str = Field(min_length=1)
    formula: str = Field(min_length=1)
    data_source: str = Field(min_length=1)
    frequency: str = Field(min_length=1)
    # the same in English (kaohe.library.i18n.localized picks the reader's language)
    definition_en: str = ""
    formula_en: str = ""
    data_source_en: str = ""
    frequency_en: str = ""


# --- data sources -------------------------------------------------------------------------


class KpiSource(Model):
    """The value is a KPI computed by the metrics catalog from operational records."""

    kind: Literal["kpi"]
    kpi: Identifier
    params: dict[str, ParamValue] = Field(default_factory=dict)
    # whose figure: the employee's own, or the team / department / center they lead
    scope: Literal["self", "team", "department", "center"] = "self"


class RaterWeight(Model):
    role: RaterRole
    weight: Decimal = Field(gt=0, le=100)  # percent of the indicator's rating
    # True when the weight is Kaohe's assumption, not the source's (表9-25 prints no weights)
    assumed: bool = False


class ManualSource(Model):
    """The value is a rating given by people (self, supervisor, reviewer, 360)."""

    kind: Literal["manual"]
    raters: list[RaterWeight] = Field(default_factory=list)


class CountRef(Model):
    """One kind of counted occurrence: from a KPI (e.g. attendance_late) or entered by a rater."""

    kpi: Identifier | None = None
    params: dict[str, ParamValue] = Field(default_factory=dict)
    entered_by: RaterRole | None = None


class CountsSource(Model):
    """The value is a set of occurrence counts (late arrivals, absences, complaints …)."""

    kind: Literal["counts"]
    counts: dict[Identifier, CountRef]


Source = Annotated[KpiSource | ManualSource | CountsSource, Field(discriminator="kind")]


# --- rules --------------------------------------------------------------------------------


class Step(Model):
    """A linear step: every `per` units of deviation change the score by `points`.

    `limit` is the value beyond which the deviation stops counting (表9-26: the ACW
    reward stops at 25 s).
    """

    per: Decimal = Field(default=Decimal(1), gt=0)
    points: Decimal = Field(ge=0)
    limit: Decimal | None = None


Rule = AnyRule  # the registered rule kinds: kaohe.scheme.kinds (one module per `type:`)


def __getattr__(name: str) -> type[BaseModel]:
    """Old imports (`from kaohe.scheme.models import TiersRule`) find the model in its kind's module."""
    from kaohe.scheme.kinds.registry import model_class

    found = None if name.startswith("_") else model_class(name)
    if found is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return found


# --- indicators, categories, schemes ------------------------------------------------------


class IndicatorClass(StrEnum):
    """Seed 003's four kinds of indicator (绩效考核指标分类, 2.1)."""

    BASIC_WORK = "basic_work"  # 基础工作指标: attendance, task completion, timeliness, work quality
    SERVICE_QUALITY = "service_quality"  # 服务质量指标: professionalism, communication, attitude
    CUSTOMER_SATISFACTION = "customer_satisfaction"  # 客户满意度指标: the customers' own evaluation
    PROBLEM_HANDLING = "problem_handling"  # 问题处理与反馈指标: complaints and problems, feedback


INDICATOR_CLASS_NAMES: dict[IndicatorClass, Text] = {
    IndicatorClass.BASIC_WORK: Text(zh="基础工作", en="Basic work"),
    IndicatorClass.SERVICE_QUALITY: Text(zh="服务质量", en="Service quality"),
    IndicatorClass.CUSTOMER_SATISFACTION: Text(zh="客户满意度", en="Customer satisfaction"),
    IndicatorClass.PROBLEM_HANDLING: Text(zh="问题处理与反馈", en="Problem handling and feedback"),
}


class Applicability(Model):
    """When an indicator applies (表9-26: 对于话务量较少的项目公司此项可不做为考核指标).

    The indicator applies when the KPI `kpi` compares to `threshold` by `op` (handled calls
    >= 300) and, if `setting` is named, when that company setting is on. When it does not
    apply its weight goes to the other indicators by `redistribute`: `category` shares it
    among the rest of its category in proportion to their weights (when it is the only
    item of its category, the category's weight goes to the other categories).
    """

    kpi: Identifier | None = None
    params: dict[str, ParamValue] = Field(default_factory=dict)
    op: Literal[">=", ">", "<=", "<"] = ">="
    threshold: Decimal | None = None
    setting: Identifier | None = None
    redistribute: Literal["category"] = "category"
    note: Text | None = None  # why, in words, shown in the trace


class MinSample(Model):
    """A minimum sample below which the value is not trusted (CSAT from < 10 surveys)."""

    size: int = Field(ge=1)
    action: LowSamplePolicy = LowSamplePolicy.FLAG


class Indicator(Model):
    id: Identifier
    name: Text
    weight: Decimal = Field(ge=0)  # percent within its category (0 for bonus and veto items)
    unit: str = ""
    direction: Direction
    source: Source
    target: Decimal | None = None
    standard: str = ""  # the target as written on the form (指标要求 / 考核标准)
    standard_en: str = ""
    rule: Rule
    explanation: Explanation
    missing: MissingPolicy | None = None  # None: the scheme's default
    min_sample: MinSample | None = None
    prorate: bool = False  # scale counts to a full period for new hires / long leave
    # seed 003's four indicator classes (基础工作 / 服务质量 / 客户满意度 / 问题处理与反馈)
    indicator_class: IndicatorClass | None = None
    source_text: str = ""  # the source's exact wording, beside the cleaned-up name and standard
    applies_when: Applicability | None = None  # 表9-26's low-volume exemption and the like


class Category(Model):
    id: Identifier
    name: Text
    weight: Decimal = Field(ge=0)  # percent of the sheet total
    scale: Scale | None = None  # None: the scheme's scale
    indicators: list[Indicator] = Field(default_factory=list)


class Rounding(Model):
    places: int = Field(default=2, ge=0, le=6)
    mode: RoundingMode = RoundingMode.HALF_UP


class GradeBand(Model):
    grade: str = Field(min_length=1, max_length=8)
    min: Decimal  # inclusive lower bound of the total
    label: Text | None = None


class GradeEffect(Model):
    """What a grade brings: the bonus coefficient and other consequences."""

    grade: str
    bonus_coefficient: Decimal = Field(ge=0)
    salary_adjustment_pct: Decimal = Decimal(0)
    note: Text | None = None


class Grading(Model):
    bands: list[GradeBand] = Field(min_length=1)  # from the best grade down
    forced_distribution: dict[str, Decimal] | None = None  # grade → percent of people
    effects: list[GradeEffect] = Field(default_factory=list)


class Scheme(Model):
    id: Identifier
    name: Text
    position: Identifier  # position id in the library
    level: Level
    period: Period
    scale: Scale = Scale.PERCENT
    step_policy: StepPolicy = StepPolicy.WHOLE
    rounding: Rounding = Field(default_factory=Rounding)
    missing: MissingPolicy = MissingPolicy.ERROR
    absent_rater: AbsentRaterPolicy = AbsentRaterPolicy.RENORMALISE
    raters: list[RaterWeight] = Field(default_factory=list)  # default for manual items
    categories: list[Category] = Field(min_length=1)
    grading: Grading | None = None
    source: str = ""  # where the scheme comes from, e.g. "book sample 表9-26"
    source_en: str = ""
    notes: str = ""
    notes_en: str = ""
