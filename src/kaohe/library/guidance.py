"""Guidance that holds for every position, by module (关键问题解决).

Each position file carries its own entries; these general ones come first in
`kaohe library guide` and in the web UI's help panels.
"""

from __future__ import annotations

from kaohe.scheme.position import GuidanceEntry, GuidanceModule

GENERAL: list[GuidanceEntry] = [
    GuidanceEntry(module=GuidanceModule.KPI_SELECTION, problem="指标从哪里来？", advice=[
        "先列出岗位的主要工作事项，再从每个事项的结果中提取指标；与任何工作事项都对不上的指标，删掉。",
        "能由系统数据计算的，绑定 KPI 目录中的标识；只能由人判断的，写明评分人和行为标准。",
        "主管、经理用所带团队或部门的数据（scope: team / department / center），不要用个人数据。"],
        problem_en="Where do the indicators come from?", advice_en=[
        "List the position's main work items first, then take indicators from the results of each item; "
        "drop any indicator that matches no work item.",
        "What system data can compute is bound to an id of the KPI catalog; what only people can judge names "
        "its raters and the behaviour standard.",
        "Supervisors and managers are appraised on their team's or department's figures "
        "(scope: team / department / center), not on their own."]),
    GuidanceEntry(module=GuidanceModule.KPI_SELECTION, problem="指标选多少个合适？", advice=[
        "一张考核表不超过 10 项；每项权重一般不低于 5%，低于 5% 的指标难以引起重视，可合并或放到下一期。"],
        problem_en="How many indicators are enough?", advice_en=[
        "No more than 10 items on one sheet, each usually weighing at least 5%; an item below 5% gets no attention, "
        "so merge it with another or leave it for a later period."]),
    GuidanceEntry(module=GuidanceModule.COMPETENCY_MODEL, problem="胜任素质模型怎样搭建？", advice=[
        "职业素养、知识、技能/能力三个维度各选 2–4 项，每项写出 3–5 级可观察的行为描述。",
        "要求等级按岗位层级递增：专员多为 2 级，主管 3 级，经理和总监 3–4 级。",
        "招聘面试和能力评估使用同一套等级描述，评估结果低于要求等级的列入培训需求。"],
        problem_en="How is the competency model built?", advice_en=[
        "Choose 2–4 competencies in each of the three dimensions (professionalism, knowledge, skills and abilities) "
        "and describe 3–5 levels of observable behaviour for each.",
        "Required levels rise with the job's level: mostly 2 for specialists, 3 for supervisors, 3–4 for managers "
        "and directors.",
        "Recruitment interviews and competency assessments use the same level descriptions; anything assessed below "
        "the required level goes into training needs."]),
    GuidanceEntry(module=GuidanceModule.INDICATOR_DESIGN, problem="权重怎样分配？", advice=[
        "类别权重（业绩 / 能力态度）合计 100%，每个类别内各指标权重再合计 100%。",
        "层级越高，业绩类权重越大：专员约 70–80%，主管 70%，经理 75%，总监 80%。",
        "一票否决和加分项不占权重，单列在表中。"],
        problem_en="How are the weights shared out?", advice_en=[
        "Category weights (results / abilities and attitude) add up to 100%, and the weights of the indicators in "
        "each category add up to 100% again.",
        "The higher the level, the more the results category weighs: about 70–80% for specialists, 70% for "
        "supervisors, 75% for managers, 80% for directors.",
        "Veto and bonus items carry no weight and are listed separately on the sheet."]),
    GuidanceEntry(module=GuidanceModule.INDICATOR_DESIGN, problem="目标值怎样确定？", advice=[
        "岗位库中的目标值是默认值。企业应以近四个周期的实际值为基准，结合年度目标修改。",
        "新业务、新团队首期可放宽目标；修改目标后运行 `kaohe library list` 检查全部方案。"],
        problem_en="How are targets set?", advice_en=[
        "The library's targets are defaults. A company takes the actuals of the last four periods as the baseline "
        "and adjusts them to its annual targets.",
        "A new line of business or a new team may get looser targets in its first period; after changing targets, "
        "run `kaohe library list` to check every scheme."]),
    GuidanceEntry(module=GuidanceModule.APPRAISAL_RULES, problem="考核怎样执行才公正？", advice=[
        "期初签订目标责任书，期末依据系统数据和事例记录评分，人工评分须附具体事例。",
        "审核人在部门内校准，参照强制分布比例（10/20/40/20/10）确定等级。",
        "结果公布后安排面谈并留存记录；被考核人有 5 个工作日的申诉期。"],
        problem_en="How is the appraisal run fairly?", advice_en=[
        "Sign the targets letter at the start of the period; at its end, score from system data and recorded "
        "examples — every rating by a person needs a concrete example.",
        "The reviewer calibrates within the department and sets grades with the forced distribution "
        "(10/20/40/20/10) as a guide.",
        "Hold a feedback interview after publication and keep its record; the employee has 5 working days to "
        "appeal."]),
    GuidanceEntry(module=GuidanceModule.APPRAISAL_RULES, problem="数据缺失或样本太少怎么办？", advice=[
        "缺失的数据不会被当作 0 分：方案的 missing 规定是报错、记 0 还是不计入。",
        "样本少于最低样本量的指标会被标记，交审核人复核后再定。"],
        problem_en="What if data is missing or the sample is too small?", advice_en=[
        "Missing data is never silently taken as 0: the scheme's `missing` setting says whether it is an error, "
        "scores 0 or is left out.",
        "An indicator with fewer samples than its minimum is flagged, and the reviewer decides after checking it."]),
]


def general_guidance(module: GuidanceModule | None = None) -> list[GuidanceEntry]:
    return [g for g in GENERAL if module is None or g.module == module]
