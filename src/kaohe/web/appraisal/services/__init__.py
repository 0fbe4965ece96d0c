"""The appraisal services: the functions pages, reports and the API call (see docs/contracts/web-services.md)."""

from kaohe.web.appraisal.services.competency import competency_gaps, competency_ratings, rate_competency
from kaohe.web.appraisal.services.cycles import (
    BULK_STEPS,
    DEADLINE_STEPS,
    BulkPlan,
    CyclePlan,
    bulk_plan,
    cycle_progress,
    default_deadlines,
    next_label,
    open_cycle,
    period_bounds,
    plan_cycle,
    snapshot_scheme,
)
from kaohe.web.appraisal.services.data import (
    compute_cycle_kpis,
    confirm_upload,
    current_computation,
    kpi_provenance,
    kpi_values_for,
    record_kpi_values,
    validate_upload,
)
from kaohe.web.appraisal.services.ratings import (
    ManualItem,
    OverdueItem,
    PeerFeedback,
    manual_items,
    overdue_ratings,
    overdue_steps,
    peer_feedback,
    pending_ratings,
    request_ratings,
    submit_rating,
)
from kaohe.web.appraisal.services.records import RecordsPage, kpi_records
from kaohe.web.appraisal.services.scoring import (
    GradeDistribution,
    GradeRow,
    calibrate,
    grade_distribution,
    score_history,
    score_sheet,
)
from kaohe.web.appraisal.services.workflow import (
    acknowledge_result,
    acknowledge_targets,
    approve,
    assign_re_reviewer,
    close_sheet,
    confirm_interview,
    exclude_sheet,
    file_appeal,
    incomplete_reason,
    publish,
    record_interview,
    resolve_appeal,
    return_to_supervisor,
    set_targets,
    start_self_review,
    submit_self_review,
    submit_supervisor_review,
    transition,
)

__all__ = [
    "BULK_STEPS", "DEADLINE_STEPS", "BulkPlan", "CyclePlan", "bulk_plan", "OverdueItem", "default_deadlines",
    "exclude_sheet", "incomplete_reason",
    "next_label", "overdue_steps", "period_bounds", "plan_cycle",
    "GradeDistribution", "GradeRow", "ManualItem", "PeerFeedback", "RecordsPage", "kpi_records", "acknowledge_result", "acknowledge_targets",
    "approve", "assign_re_reviewer", "calibrate", "close_sheet", "competency_gaps", "competency_ratings",
    "compute_cycle_kpis", "confirm_interview", "confirm_upload", "current_computation", "cycle_progress",
    "file_appeal", "grade_distribution", "kpi_provenance", "kpi_values_for", "manual_items", "open_cycle",
    "overdue_ratings", "peer_feedback", "pending_ratings", "publish", "rate_competency", "record_interview",
    "record_kpi_values", "request_ratings", "resolve_appeal", "return_to_supervisor", "score_history",
    "score_sheet", "set_targets", "snapshot_scheme", "start_self_review", "submit_rating", "submit_self_review",
    "submit_supervisor_review", "transition", "validate_upload",
]
