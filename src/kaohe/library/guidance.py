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
        "主管、经理用所带团队或部门的数据（scope: team / department / center），不要用个人数据。"]),
    GuidanceEntry(module=GuidanceModule.KPI_SELECTION, problem="指标选多少个合适？", advice=[
        "一张考核表不超过 10 项；每项权重一般不低于 5%，低于 5% 的指标难以引起重视，可合并或放到下一期。"]),
    GuidanceEntry(module=GuidanceModule.COMPETENCY_MODEL, problem="胜任素质模型怎样搭建？", advice=[
        "职业素养、知识、技能/能力三个维度各选 2–4 项，每项写出 3–5 级可观察的行为描述。",
        "要求等级按岗位层级递增：专员多为 2 级，主管 3 级，经理和总监 3–4 级。",
        "招聘面试和能力评估使用同一套等级描述，评估结果低于要求等级的列入培训需求。"]),
    GuidanceEntry(module=GuidanceModule.INDICATOR_DESIGN, problem="权重怎样分配？", advice=[
        "类别权重（业绩 / 能力态度）合计 100%，每个类别内各指标权重再合计 100%。",
        "层级越高，业绩类权重越大：专员约 70–80%，主管 70%，经理 75%，总监 80%。",
        "一票否决和加分项不占权重，单列在表中。"]),
    GuidanceEntry(module=GuidanceModule.INDICATOR_DESIGN, problem="目标值怎样确定？", advice=[
        "岗位库中的目标值是默认值。企业应以近四个周期的实际值为基准，结合年度目标修改。",
        "新业务、新团队首期可放宽目标；修改目标后运行 `kaohe library list` 检查全部方案。"]),
    GuidanceEntry(module=GuidanceModule.APPRAISAL_RULES, problem="考核怎样执行才公正？", advice=[
        "期初签订目标责任书，期末依据系统数据和事例记录评分，人工评分须附具体事例。",
        "审核人在部门内校准，参照强制分布比例（10/20/40/20/10）确定等级。",
        "结果公布后安排面谈并留存记录；被考核人有 5 个工作日的申诉期。"]),
    GuidanceEntry(module=GuidanceModule.APPRAISAL_RULES, problem="数据缺失或样本太少怎么办？", advice=[
        "缺失的数据不会被当作 0 分：方案的 missing 规定是报错、记 0 还是不计入。",
        "样本少于最低样本量的指标会被标记，交审核人复核后再定。"]),
]


def general_guidance(module: GuidanceModule | None = None) -> list[GuidanceEntry]:
    return [g for g in GENERAL if module is None or g.module == module]
