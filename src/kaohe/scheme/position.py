"""Typed models of a position in Kaohe's library: the five modules around one job.

A position file holds everything the appraisal of one job needs besides its
schemes (which live in their own files, see `models.Scheme`):

1. the position itself — department, level, reporting line, purpose, duties;
2. its work items and the key performance indicators drawn from them;
3. its competency model (职业素养 / 知识 / 技能·能力) with graded level descriptors;
4. the target-responsibility letter (目标责任书) and the appraisal procedure;
5. guidance on the key problems of each module.

Like `models`, these classes check structure only. Whether the content is complete
(four KPIs or more, all three competency dimensions, a scheme for the position) is
checked by the library loader, which reports every problem with file and line.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from kaohe.scheme.models import Direction, Identifier, Level, Model, Period, RaterRole, Source, Text


class CompetencyDimension(StrEnum):
    PROFESSIONALISM = "professionalism"  # 职业素养
    KNOWLEDGE = "knowledge"  # 知识
    SKILL = "skill"  # 技能 / 能力


DIMENSION_NAMES: dict[CompetencyDimension, Text] = {
    CompetencyDimension.PROFESSIONALISM: Text(zh="职业素养", en="Professionalism"),
    CompetencyDimension.KNOWLEDGE: Text(zh="知识", en="Knowledge"),
    CompetencyDimension.SKILL: Text(zh="技能/能力", en="Skills and abilities"),
}


class GuidanceModule(StrEnum):
    KPI_SELECTION = "kpi_selection"  # 关键业绩指标的挑选
    COMPETENCY_MODEL = "competency_model"  # 胜任素质模型的构建
    INDICATOR_DESIGN = "indicator_design"  # 考核指标设计：权重与目标值
    APPRAISAL_RULES = "appraisal_rules"  # 绩效考核细则的制定与执行


GUIDANCE_MODULE_NAMES: dict[GuidanceModule, Text] = {
    GuidanceModule.KPI_SELECTION: Text(zh="关键业绩指标的挑选", en="Choosing KPIs"),
    GuidanceModule.COMPETENCY_MODEL: Text(zh="胜任素质模型的构建", en="Building the competency model"),
    GuidanceModule.INDICATOR_DESIGN: Text(zh="考核指标设计（权重与目标值）", en="Designing indicators (weights, targets)"),
    GuidanceModule.APPRAISAL_RULES: Text(zh="绩效考核细则的制定与执行", en="Writing and running the appraisal rules"),
}


# --- 1. the position ----------------------------------------------------------------------


class Department(Model):
    id: Identifier
    name: Text
    chapter: int = Field(ge=1, le=20)  # the chapter of the book's outline that covers it


class PositionRef(Model):
    """A position on the reporting line; `id` is empty for jobs outside the library (总经理)."""

    id: Identifier | None = None
    name: Text


# --- 2. work items and KPIs ---------------------------------------------------------------


class PositionKpi(Model):
    """A key performance indicator of the position, with where its value comes from."""

    id: Identifier
    name: Text
    definition: str = Field(min_length=1)
    definition_en: str = ""
    formula: str = Field(min_length=1)
    formula_en: str = ""
    unit: str = ""  # a unit code; pages translate it (kaohe.web.ui.formatting.UNITS)
    direction: Direction
    source: Source


class WorkItem(Model):
    """A main work item of the position (主要工作事项) and the KPIs drawn from it."""

    id: Identifier
    name: Text
    description: str = Field(min_length=1)
    description_en: str = ""
    kpis: list[Identifier] = Field(min_length=1)  # ids of the position's `kpis`


# --- 3. competency model ------------------------------------------------------------------


class LevelDescriptor(Model):
    level: int = Field(ge=1, le=5)
    descriptor: str = Field(min_length=1)  # the behaviour someone at this level shows
    descriptor_en: str = ""


class Competency(Model):
    id: Identifier
    name: Text
    dimension: CompetencyDimension
    definition: str = Field(min_length=1)
    definition_en: str = ""
    levels: list[LevelDescriptor] = Field(min_length=3, max_length=5)
    required_level: int = Field(ge=1, le=5)
    # a competency shared company-wide (职业素养) is written once in shared/competencies.yaml
    # and referenced by id; `shared` names it so exports can say so
    shared: bool = False


class CompetencyModel(Model):
    competencies: list[Competency] = Field(min_length=1)

    def by_dimension(self, dimension: CompetencyDimension) -> list[Competency]:
        return [c for c in self.competencies if c.dimension == dimension]


# --- 4. responsibility letter and procedure -----------------------------------------------


class LetterParty(Model):
    """One side of the letter: 甲方 (who sets the targets) or 乙方 (who takes them on)."""

    role: str = Field(pattern=r"^(issuer|holder)$")
    title: Text  # the position that signs, e.g. 呼叫中心经理


class ResponsibilityLetter(Model):
    """The template of the 目标责任书; its targets table is taken from `scheme`."""

    title: str = Field(min_length=1)
    title_en: str = ""
    parties: list[LetterParty] = Field(min_length=2)
    period: Period
    scheme: Identifier  # the scheme whose indicators, weights and targets fill the table
    purpose: str = Field(min_length=1)
    purpose_en: str = ""
    targets: list[str] = Field(default_factory=list)  # the position's own targets, in words
    targets_en: list[str] = Field(default_factory=list)
    duties: list[str] = Field(default_factory=list)  # what the holder commits to beyond the table
    duties_en: list[str] = Field(default_factory=list)
    # rewards, penalties and terms common to every letter live once in the library's shared.yaml
    # (`letter_terms`); a position lists here only what is its own
    rewards: list[str] = Field(default_factory=list)
    rewards_en: list[str] = Field(default_factory=list)
    penalties: list[str] = Field(default_factory=list)
    penalties_en: list[str] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list)  # changes, disputes, copies
    terms_en: list[str] = Field(default_factory=list)
    signatures: list[Text] = Field(min_length=2)


class ProcedureStep(Model):
    id: Identifier
    name: Text
    who: list[RaterRole | str] = Field(min_length=1)  # rater roles, or a named office (绩效管理员)
    who_en: list[str] = Field(default_factory=list)  # `who` in English, same order
    when: str = Field(min_length=1)
    when_en: str = ""
    evidence: list[str] = Field(default_factory=list)
    evidence_en: list[str] = Field(default_factory=list)
    output: str = ""
    output_en: str = ""


class ResultUse(Model):
    use: str = Field(pattern=r"^(bonus|salary|training|promotion|position_adjustment|improvement_plan)$")
    rule: str = Field(min_length=1)
    rule_en: str = ""


class Procedure(Model):
    """绩效考核细则: who rates, when, with which evidence, and what the result changes."""

    period: Period
    raters: list[str] = Field(min_length=1)  # who takes part, in words
    raters_en: list[str] = Field(default_factory=list)
    steps: list[ProcedureStep] = Field(min_length=1)
    result_uses: list[ResultUse] = Field(min_length=1)
    appeal: str = Field(min_length=1)
    appeal_en: str = ""


# --- 5. guidance --------------------------------------------------------------------------


class GuidanceEntry(Model):
    """A key problem of one module and how to solve it for this position."""

    module: GuidanceModule
    problem: str = Field(min_length=1)
    problem_en: str = ""
    advice: list[str] = Field(min_length=1)
    advice_en: list[str] = Field(default_factory=list)


# --- texts kept once for the whole library ---------------------------------------------------


class LetterTerms(Model):
    """Rewards, penalties and terms that every target-responsibility letter of the company shares."""

    rewards: list[str] = Field(default_factory=list)
    rewards_en: list[str] = Field(default_factory=list)
    penalties: list[str] = Field(default_factory=list)
    penalties_en: list[str] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list)
    terms_en: list[str] = Field(default_factory=list)


class SharedTexts(Model):
    """The library's shared.yaml: company-wide 职业素养 competencies and letter terms.

    A position references a shared competency as `{ref: integrity, required_level: 2}`.
    """

    competencies: list[Competency] = Field(default_factory=list)
    letter_terms: LetterTerms = Field(default_factory=LetterTerms)


# --- the position -------------------------------------------------------------------------


class Position(Model):
    id: Identifier
    name: Text
    department: Department
    level: Level
    superior: PositionRef
    subordinates: list[PositionRef] = Field(default_factory=list)
    purpose: str = Field(min_length=1)
    purpose_en: str = ""
    duties: list[str] = Field(min_length=1)
    duties_en: list[str] = Field(default_factory=list)
    qualifications: list[str] = Field(default_factory=list)
    qualifications_en: list[str] = Field(default_factory=list)
    # 职位说明书 (seed 004 表1-5): who the position works with inside and outside the company
    internal_collaboration: list[Text] = Field(default_factory=list)  # 内部协作
    external_collaboration: list[Text] = Field(default_factory=list)  # 外部协作
    work_items: list[WorkItem] = Field(min_length=1)
    kpis: list[PositionKpi] = Field(min_length=1)
    competency_model: CompetencyModel
    letter: ResponsibilityLetter
    procedure: Procedure
    guidance: list[GuidanceEntry] = Field(min_length=1)

    def kpi(self, kpi_id: str) -> PositionKpi | None:
        return next((k for k in self.kpis if k.id == kpi_id), None)

    def guidance_for(self, module: GuidanceModule) -> list[GuidanceEntry]:
        return [g for g in self.guidance if g.module == module]
