"""Workflow steps on one sheet. Each checks permission and state, saves under the
optimistic lock, and writes an audit event with the state before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.web.appraisal.models import Appeal, Interview, ResponsibilityLetter, ScoreVersion, Sheet
from kaohe.web.appraisal.services._common import audit_sheet, save_sheet
from kaohe.web.appraisal.workflow import TRANSITIONS
from kaohe.web.errors import IllegalTransition, InvalidInput, ValidationReport
from kaohe.web.permissions import require


def transition(sheet: Sheet, name: str, actor: Any, *, reason: str = "", expected_version: int | None = None,
               **changes: Any) -> Sheet:
    """Move `sheet` along the workflow step `name` (a key of `workflow.TRANSITIONS`)."""
    if name not in TRANSITIONS:
        raise IllegalTransition(f"没有名为 {name} 的流程步骤", f"There is no workflow step called {name}")
    step = TRANSITIONS[name]
    require(actor, name, sheet)
    if step.needs_reason and not reason.strip():
        report = ValidationReport()
        report.add("reason", "此步骤必须填写理由", "This step needs a reason")
        raise InvalidInput(report)
    before = sheet.state
    with transaction.atomic():
        sheet = save_sheet(sheet, expected_version, state=step.target, **changes)
        audit_sheet(actor, "sheet.transition", sheet, before={"state": before},
                    after={"state": step.target, "step": name}, reason=reason)
    return sheet


def set_targets(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    """Issue the target-responsibility letter (目标责任书) and move to targets_set."""
    from kaohe.web.appraisal.services.letters import build_letter

    require(actor, "set_targets", sheet)
    with transaction.atomic():
        sheet = transition(sheet, "set_targets", actor, expected_version=expected_version)
        title, content = build_letter(sheet)
        ResponsibilityLetter.objects.update_or_create(
            sheet=sheet, defaults={"title": title, "content": content, "issued_by": actor,
                                   "issued_at": timezone.now(), "acknowledged_at": None,
                                   "acknowledged_by": None})
        return sheet


def acknowledge_targets(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    """The employee acknowledges the letter in the application; the time is recorded."""
    require(actor, "acknowledge_targets", sheet)
    now = timezone.now()
    with transaction.atomic():
        sheet = transition(sheet, "acknowledge_targets", actor, expected_version=expected_version)
        ResponsibilityLetter.objects.filter(sheet=sheet).update(acknowledged_at=now, acknowledged_by=actor)
        return sheet


def start_self_review(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    return transition(sheet, "start_self_review", actor, expected_version=expected_version)


def submit_self_review(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    return transition(sheet, "submit_self_review", actor, expected_version=expected_version)


def submit_supervisor_review(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    """Hand the sheet to the reviewer; the sheet is (re)scored first so the reviewer sees current points."""
    from kaohe.web.appraisal.services.scoring import score_sheet

    require(actor, "submit_supervisor_review", sheet)
    with transaction.atomic():
        sheet = score_sheet(sheet, actor, expected_version=expected_version)
        return transition(sheet, "submit_supervisor_review", actor, returned_reason="")


def approve(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    """Approve for calibration; rescored first, since the reviewer's own ratings (审评) count too."""
    from kaohe.web.appraisal.services.scoring import score_sheet

    require(actor, "approve", sheet)
    with transaction.atomic():
        sheet = score_sheet(sheet, actor, expected_version=expected_version)
        refuse_incomplete(sheet, "approve")
        return transition(sheet, "approve", actor)


def incomplete_reason(sheet: Sheet) -> tuple[str, str] | None:
    """Why a sheet cannot be approved or published yet (zh, en), or None when it can."""
    score = sheet.current_score
    if score is None:
        return "尚未评分", "not scored yet"
    if score.total is None:
        return "没有总分", "no total"
    if not score.grade and (sheet.scheme.content.get("grading") or {}).get("bands"):
        return "没有等级", "no grade"
    if not score.complete:
        return "有指标缺少数据或评分", "some items lack data or ratings"
    return None


def refuse_incomplete(sheet: Sheet, step: str) -> None:
    why = incomplete_reason(sheet)
    if why is not None:
        verb_zh, verb_en = ("审核通过", "approved") if step == "approve" else ("发布", "published")
        raise IllegalTransition(f"考核表不完整（{why[0]}），不能{verb_zh}；请补齐，或由绩效管理员注明理由后排除",
                                f"The sheet is incomplete ({why[1]}) and cannot be {verb_en}; complete it, "
                                f"or HR excludes it with a reason")


def exclude_sheet(sheet: Sheet, actor: Any, reason: str) -> Sheet:
    """HR leaves an incomplete sheet out of this cycle's publishing, with a reason (audited)."""
    require(actor, "exclude", sheet)
    if len(reason.strip()) < 2:
        report = ValidationReport()
        report.add("reason", "排除考核表必须填写理由", "Excluding a sheet needs a reason")
        raise InvalidInput(report)
    with transaction.atomic():
        sheet = save_sheet(sheet, None, excluded_reason=reason.strip(), excluded_at=timezone.now())
        audit_sheet(actor, "sheet.exclude", sheet, after={"state": sheet.state}, reason=reason.strip())
    return sheet


def return_to_supervisor(sheet: Sheet, actor: Any, reason: str, *, expected_version: int | None = None) -> Sheet:
    return transition(sheet, "return_to_supervisor", actor, reason=reason, expected_version=expected_version,
                      returned_reason=reason)


def publish(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    if sheet.current_score_id is None:
        raise IllegalTransition("考核表尚未评分，不能发布", "The sheet has no score yet and cannot be published")
    refuse_incomplete(sheet, "publish")
    if sheet.excluded_at is not None:
        raise IllegalTransition(f"该考核表已被排除：{sheet.excluded_reason}",
                                f"This sheet was excluded: {sheet.excluded_reason}")
    from kaohe.web.workdays.services import mark_provisional, working_deadline

    now = timezone.now()
    company = sheet.cycle.company
    day = timezone.localtime(now, timezone=_zone(company.time_zone)).date()
    # the appeal window counts working days from publication; a year with no statutory schedule loaded
    # counts Monday–Friday and the date is stored as provisional (kaohe.web.workdays), audited
    deadline = working_deadline(company, day, company.appeal_window_days)
    with transaction.atomic():
        sheet = transition(sheet, "publish", actor, expected_version=expected_version, published_at=now,
                           appeal_deadline=deadline.date)
        mark_provisional(sheet, "appeal_deadline", day, company.appeal_window_days, deadline, actor)
        return sheet


def record_interview(sheet: Sheet, actor: Any, *, held_on: dt.date, strengths: str, gaps: str,
                     improvement_plan: str, expected_version: int | None = None) -> Interview:
    """The supervisor records the feedback interview (绩效面谈) and confirms it on their side."""
    require(actor, "record_interview", sheet)
    report = ValidationReport()
    for name, text in (("strengths", strengths), ("gaps", gaps), ("improvement_plan", improvement_plan)):
        if not text.strip():
            report.add(name, "此项必填", "This field is required")
    if not report.ok:
        raise InvalidInput(report)
    with transaction.atomic():
        save_sheet(sheet, expected_version)  # first: locks the sheet row (no lost update)
        interview, _ = Interview.objects.update_or_create(
            sheet=sheet, defaults={"held_on": held_on, "strengths": strengths, "gaps": gaps,
                                   "improvement_plan": improvement_plan, "recorded_by": actor,
                                   "supervisor_confirmed_at": timezone.now(), "employee_confirmed_at": None})
        audit_sheet(actor, "interview.record", sheet, after={"held_on": held_on, "strengths": strengths,
                                                             "gaps": gaps, "improvement_plan": improvement_plan})
    return interview


def confirm_interview(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    """The employee confirms the interview record; with both sides confirmed the sheet is interviewed."""
    require(actor, "confirm_interview", sheet)
    interview = Interview.objects.filter(sheet=sheet).first()
    if interview is None or interview.supervisor_confirmed_at is None:
        raise IllegalTransition("考核人尚未记录面谈", "The supervisor has not recorded the interview yet")
    with transaction.atomic():
        sheet = transition(sheet, "complete_interview", actor, expected_version=expected_version)
        Interview.objects.filter(pk=interview.pk).update(employee_confirmed_at=timezone.now())
        return sheet


def acknowledge_result(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    """The employee acknowledges the result; the appeal window of N working days starts now.

    A year with no statutory schedule loaded never blocks this step: its working days count
    Monday–Friday and the deadline is stored as provisional (kaohe.web.workdays), audited.
    """
    from kaohe.web.workdays.services import mark_provisional, working_deadline

    now = timezone.now()
    company = sheet.cycle.company
    today = timezone.localtime(now, timezone=_zone(company.time_zone)).date()
    deadline = working_deadline(company, today, company.appeal_window_days)
    with transaction.atomic():
        sheet = transition(sheet, "acknowledge_result", actor, expected_version=expected_version,
                           acknowledged_at=now, appeal_deadline=deadline.date)
        mark_provisional(sheet, "appeal_deadline", today, company.appeal_window_days, deadline, actor)
        return sheet


# Evidence files an appeal accepts: extension → (content type, the file's first bytes)
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_MAX_FILES = 5


def check_evidence_files(files: list[Any], report: ValidationReport) -> list[tuple[Any, str, bytes]]:
    """Each uploaded file checked by extension, first bytes and size; (file, content type, bytes) back."""
    from pathlib import Path

    checked = []
    if len(files) > EVIDENCE_MAX_FILES:
        report.add("files", f"最多上传 {EVIDENCE_MAX_FILES} 个文件", f"Attach at most {EVIDENCE_MAX_FILES} files")
    for i, upload in enumerate(files[:EVIDENCE_MAX_FILES], start=1):
        name = Path(str(upload.name)).name
        kind = EVIDENCE_TYPES.get(Path(name).suffix.lower())
        if kind is None:
            report.add("files", f"{name}：只接受图片（PNG、JPG、GIF、WebP）、PDF 或 Excel（xlsx）文件",
                       f"{name}: only images (PNG, JPG, GIF, WebP), PDF or Excel (xlsx) files are accepted",
                       row=i, value=name)
            continue
        if upload.size > EVIDENCE_MAX_BYTES:
            report.add("files", f"{name}：文件超过 5 MB", f"{name}: the file is larger than 5 MB", row=i, value=name)
            continue
        data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
        if not data.startswith(kind[1]):
            report.add("files", f"{name}：文件内容与扩展名不符", f"{name}: the content does not match the extension",
                       row=i, value=name)
            continue
        checked.append((upload, kind[0], data))
    return checked


def _store_evidence(appeal: Appeal, checked: list[tuple[Any, str, bytes]]) -> list[dict[str, Any]]:
    import hashlib
    from pathlib import Path

    from django.conf import settings

    from kaohe.web.appraisal.models import AppealFile

    folder = Path(settings.KAOHE_UPLOADS_DIR) / appeal.sheet.cycle.company.code / "appeals" / str(appeal.pk)
    folder.mkdir(parents=True, exist_ok=True)
    stored = []
    for upload, content_type, data in checked:
        digest = hashlib.sha256(data).hexdigest()
        name = Path(str(upload.name)).name
        path = folder / f"{digest[:16]}{Path(name).suffix.lower()}"
        path.write_bytes(data)
        f = AppealFile.objects.create(appeal=appeal, name=name, content_type=content_type, size=len(data),
                                      sha256=digest, stored_path=str(path))
        stored.append({"file": f.pk, "name": name, "sha256": digest, "size": len(data)})
    return stored


def file_appeal(sheet: Sheet, actor: Any, reason: str, evidence: list[dict[str, Any]] | None = None, *,
                expected_version: int | None = None, files: list[Any] | None = None) -> Appeal:
    """The employee appeals within the window, with a reason and evidence.

    Evidence items: ``{"kind": "text", "note": str}`` or ``{"kind": "kpi", "kpi_value_id": int, "note": str}``
    (a KPI value of this sheet's employee; its provenance leads to the records behind it).
    """
    from kaohe.web.appraisal.models import KpiValue

    require(actor, "appeal", sheet)
    company = sheet.cycle.company
    today = timezone.localtime(timezone.now(), timezone=_zone(company.time_zone)).date()
    if sheet.appeal_deadline is not None and today > sheet.appeal_deadline:
        raise IllegalTransition(f"申诉期已于 {sheet.appeal_deadline} 结束",
                                f"The appeal window ended on {sheet.appeal_deadline}")
    report = ValidationReport()
    if not reason.strip():
        report.add("reason", "请填写申诉理由", "Give the reason for the appeal")
    cleaned: list[dict[str, Any]] = []
    for i, item in enumerate(evidence or [], start=1):
        kind = item.get("kind")
        if kind == "kpi":
            kv = KpiValue.objects.filter(pk=item.get("kpi_value_id"), employee=sheet.employee).first()
            if kv is None:
                report.add(f"evidence[{i}].kpi_value_id", "找不到该员工的此项 KPI 数据",
                           "No such KPI value of this employee", row=i, value=item.get("kpi_value_id"))
                continue
            cleaned.append({"kind": "kpi", "kpi_value_id": kv.pk, "kpi": kv.kpi,
                            "computation": kv.computation_id, "note": str(item.get("note", ""))})
        elif kind == "text" and str(item.get("note", "")).strip():
            cleaned.append({"kind": "text", "note": str(item["note"])})
        else:
            report.add(f"evidence[{i}]", "证据须为文字说明或 KPI 数据", "Evidence is a note or a KPI value", row=i)
    checked = check_evidence_files(list(files or []), report)
    if not report.ok:
        raise InvalidInput(report)
    with transaction.atomic():
        transition(sheet, "appeal", actor, reason=reason, expected_version=expected_version)
        appeal = Appeal.objects.create(sheet=sheet, reason=reason, evidence=cleaned, filed_by=actor,
                                       filed_at=timezone.now(), score_before=sheet.current_score)
        if checked:
            stored = _store_evidence(appeal, checked)
            audit_sheet(actor, "appeal.files", sheet, after={"appeal": appeal.pk, "files": stored})
    return appeal


def assign_re_reviewer(appeal: Appeal, actor: Any, re_reviewer: Any) -> Appeal:
    """HR assigns who re-reviews the appeal (not the employee, not the original supervisor)."""
    sheet = appeal.sheet
    require(actor, "assign_re_reviewer", sheet)
    if re_reviewer.pk == sheet.employee.user_id or (
            sheet.employee.manager and re_reviewer.pk == sheet.employee.manager.user_id):
        report = ValidationReport()
        report.add("re_reviewer", "复核人不能是被考核人本人或其直接考核人",
                   "The re-reviewer cannot be the employee or their own supervisor")
        raise InvalidInput(report)
    with transaction.atomic():
        before = appeal.re_reviewer_id
        Appeal.objects.filter(pk=appeal.pk).update(re_reviewer=re_reviewer, assigned_by=actor)
        audit_sheet(actor, "appeal.assign", sheet, before={"re_reviewer": before},
                    after={"re_reviewer": re_reviewer.pk, "appeal": appeal.pk})
    appeal.refresh_from_db()
    return appeal


def resolve_appeal(appeal: Appeal, actor: Any, *, decision: str, adjusted_total: Any = None,
                   adjusted_grade: str | None = None, expected_version: int | None = None) -> Appeal:
    """Uphold the result, or adjust it as a NEW score version (the old one is kept); then close."""
    from kaohe.web.appraisal.services.scoring import add_adjusted_version

    sheet = appeal.sheet
    require(actor, "resolve_appeal", sheet)  # before the transition: it ends the re-reviewer's relation
    with transaction.atomic():
        new_version: ScoreVersion | None = None
        sheet = transition(sheet, "resolve_appeal", actor, reason=decision, expected_version=expected_version)
        if adjusted_total is not None or adjusted_grade:
            new_version = add_adjusted_version(sheet, actor, kind=ScoreVersion.Kind.APPEAL, total=adjusted_total,
                                               grade=adjusted_grade, reason=decision)
            Sheet.objects.filter(pk=sheet.pk).update(current_score=new_version)
        Appeal.objects.filter(pk=appeal.pk).update(
            outcome=Appeal.Outcome.ADJUSTED if new_version else Appeal.Outcome.UPHELD, decision=decision,
            resolved_at=timezone.now(), score_after=new_version)
    appeal.refresh_from_db()
    return appeal


def close_sheet(sheet: Sheet, actor: Any, *, expected_version: int | None = None) -> Sheet:
    """HR closes an acknowledged sheet once its appeal window has passed."""
    company = sheet.cycle.company
    today = timezone.localtime(timezone.now(), timezone=_zone(company.time_zone)).date()
    if sheet.appeal_deadline is not None and today <= sheet.appeal_deadline:
        require(actor, "close", sheet)
        raise IllegalTransition(f"申诉期至 {sheet.appeal_deadline} 结束，期间不能归档",
                                f"The appeal window runs until {sheet.appeal_deadline}; close it after that")
    return transition(sheet, "close", actor, expected_version=expected_version)


def _zone(name: str):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
