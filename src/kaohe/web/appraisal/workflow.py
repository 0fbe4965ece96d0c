"""The sheet workflow as one table: every allowed step, from which states, by which roles.

Roles here are *relations to the sheet* (see `kaohe.web.permissions.relations`):
`employee` is the person appraised, `supervisor` their 考核人, `reviewer` the
supervisor's manager (审核人), `hr` a 绩效管理员 of the company, `director` a
客服总监 over the employee, `re_reviewer` the person HR assigned to an appeal.
A step not in this table does not exist; a step from another state is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaohe.web.appraisal.models import SheetState as S


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label_zh: str
    label_en: str
    needs_reason: bool = False


def _t(name: str, sources: tuple[str, ...], target: str, roles: set[str], zh: str, en: str,
       needs_reason: bool = False) -> Transition:
    return Transition(name, sources, target, frozenset(roles), zh, en, needs_reason)


TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    _t("set_targets", (S.DRAFT,), S.TARGETS_SET, {"supervisor", "hr"}, "下达目标责任书", "Issue the targets"),
    _t("acknowledge_targets", (S.TARGETS_SET,), S.TARGETS_ACKNOWLEDGED, {"employee"},
       "确认目标责任书", "Acknowledge the targets"),
    _t("start_self_review", (S.TARGETS_ACKNOWLEDGED,), S.SELF_REVIEW, {"supervisor", "hr"},
       "开始自评", "Start the self-review"),
    _t("submit_self_review", (S.SELF_REVIEW,), S.SUPERVISOR_REVIEW, {"employee"},
       "提交自评", "Submit the self-review"),
    _t("submit_supervisor_review", (S.SUPERVISOR_REVIEW,), S.REVIEWER_APPROVAL, {"supervisor"},
       "提交考评", "Submit the supervisor review"),
    _t("approve", (S.REVIEWER_APPROVAL,), S.CALIBRATION, {"reviewer"}, "审核通过", "Approve"),
    _t("return_to_supervisor", (S.REVIEWER_APPROVAL,), S.SUPERVISOR_REVIEW, {"reviewer"},
       "退回考核人", "Return to the supervisor", needs_reason=True),
    _t("publish", (S.CALIBRATION,), S.PUBLISHED, {"hr"}, "发布结果", "Publish"),
    # Reached when the employee confirms an interview the supervisor recorded (services.confirm_interview).
    _t("complete_interview", (S.PUBLISHED,), S.INTERVIEWED, {"employee"}, "确认面谈记录",
       "Confirm the interview record"),
    _t("acknowledge_result", (S.INTERVIEWED,), S.ACKNOWLEDGED, {"employee"}, "确认考核结果",
       "Acknowledge the result"),
    # within the window after publication; acknowledging the result first is not required
    _t("appeal", (S.PUBLISHED, S.INTERVIEWED, S.ACKNOWLEDGED), S.APPEALED, {"employee"}, "提出申诉", "Appeal",
       needs_reason=True),
    _t("resolve_appeal", (S.APPEALED,), S.CLOSED, {"re_reviewer", "hr"}, "处理申诉", "Resolve the appeal",
       needs_reason=True),
    _t("close", (S.ACKNOWLEDGED,), S.CLOSED, {"hr"}, "归档", "Close"),
]}

# States in which nothing on the sheet may change except through the steps above.
READ_ONLY_STATES = frozenset({S.PUBLISHED, S.INTERVIEWED, S.ACKNOWLEDGED, S.APPEALED, S.CLOSED})

# Non-transition actions and the states in which they are allowed.
ACTION_STATES: dict[str, frozenset[str]] = {
    "rate_self": frozenset({S.SELF_REVIEW}),
    "rate_supervisor": frozenset({S.SUPERVISOR_REVIEW}),
    "rate_reviewer": frozenset({S.REVIEWER_APPROVAL}),
    # 360 and QA ratings can come in any time between acknowledged targets and the supervisor's review
    "rate_peer": frozenset({S.TARGETS_ACKNOWLEDGED, S.SELF_REVIEW, S.SUPERVISOR_REVIEW}),
    "rate_customer": frozenset({S.TARGETS_ACKNOWLEDGED, S.SELF_REVIEW, S.SUPERVISOR_REVIEW}),
    "rate_qa": frozenset({S.TARGETS_ACKNOWLEDGED, S.SELF_REVIEW, S.SUPERVISOR_REVIEW}),
    # a request must be answerable: no new rating requests once the sheet has left the rating states
    "request_ratings": frozenset({S.DRAFT, S.TARGETS_SET, S.TARGETS_ACKNOWLEDGED, S.SELF_REVIEW,
                                  S.SUPERVISOR_REVIEW, S.REVIEWER_APPROVAL}),
    "assess_competency_self": frozenset({S.SELF_REVIEW}),
    "assess_competency_supervisor": frozenset({S.SUPERVISOR_REVIEW}),
    "score": frozenset({S.SELF_REVIEW, S.SUPERVISOR_REVIEW, S.REVIEWER_APPROVAL, S.CALIBRATION}),
    "calibrate": frozenset({S.CALIBRATION}),
    "record_interview": frozenset({S.PUBLISHED}),
    "confirm_interview": frozenset({S.PUBLISHED}),
    "assign_re_reviewer": frozenset({S.APPEALED}),
    "exclude": frozenset({S.SUPERVISOR_REVIEW, S.REVIEWER_APPROVAL, S.CALIBRATION}),
}


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]
