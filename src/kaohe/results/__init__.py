"""Applying appraisal results, and the files and reports built from them (pure Python, no Django).

- policy: `ResultsPolicy`, `load_policy` — every rule parameter, from company settings YAML;
- pay: grade → bonus coefficient → performance pay prorated for attendance; payroll CSV / xlsx;
- salary, training, careers, plans: raise suggestions, training needs, promotion
  eligibility and position-change warnings, improvement plans tracked to their end;
- sheet, sheet_xlsx, sheet_pdf: the individual score sheet in the book's layout;
- reports, charts, dashboard, tables: report tables, ECharts options, the standalone dashboard;
- quality: indicator-quality and rater-leniency analysis; whatif: distribution-level what-if;
- safe: `safe_cell`, the one formula-injection guard every export uses.
"""

from kaohe.results.careers import CareerFlag, position_change_warnings, promotion_candidates
from kaohe.results.pay import (
    PayError,
    PayInput,
    PayLine,
    attendance_share,
    bonus_coefficient,
    payroll,
    performance_pay,
)
from kaohe.results.payroll_export import payroll_table, write_payroll_csv, write_payroll_xlsx
from kaohe.results.plans import (
    ImprovementPlan,
    OverdueItem,
    PlanItem,
    close_plan,
    open_plan,
    overdue_items,
    plan_state,
    plans_needed,
    update_item,
)
from kaohe.results.policy import PolicyError, ResultsPolicy, load_policy, policy_from_mapping
from kaohe.results.quality import Finding, Rating, indicator_findings, quality_report, rater_findings
from kaohe.results.reports import (
    ResultEntry,
    distribution_table,
    employee_ranking,
    group_ranking,
    position_summary,
    trend_table,
)
from kaohe.results.safe import safe_cell
from kaohe.results.salary import SalaryInput, SalarySuggestion, suggest_salaries, suggest_salary
from kaohe.results.sheet import ScoreSheet, SheetHeader, SheetRow, build_score_sheet
from kaohe.results.tables import Column, Table, csv_text, write_xlsx, xlsx_bytes
from kaohe.results.training import CompetencyAssessment, TrainingNeed, training_needs
from kaohe.results.whatif import DistributionWhatIf, distribution_what_if

__all__ = [
    "CareerFlag", "Column", "CompetencyAssessment", "DistributionWhatIf", "Finding", "ImprovementPlan",
    "OverdueItem", "PayError", "PayInput", "PayLine", "PlanItem", "PolicyError", "Rating", "ResultEntry",
    "ResultsPolicy", "SalaryInput", "SalarySuggestion", "ScoreSheet", "SheetHeader", "SheetRow", "Table",
    "TrainingNeed", "attendance_share", "bonus_coefficient", "build_score_sheet", "close_plan", "csv_text",
    "distribution_table", "distribution_what_if", "employee_ranking", "group_ranking", "indicator_findings",
    "load_policy", "open_plan", "overdue_items", "payroll", "payroll_table", "performance_pay", "plan_state",
    "plans_needed", "policy_from_mapping", "position_change_warnings", "position_summary", "promotion_candidates",
    "quality_report", "rater_findings", "safe_cell", "suggest_salaries", "suggest_salary", "training_needs",
    "trend_table", "update_item", "write_payroll_csv", "write_payroll_xlsx", "write_xlsx",
    "xlsx_bytes",
]
