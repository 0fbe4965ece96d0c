"""Current business rows checked against the audit trail.

The keyed chain proves the trail was not rewritten; this proves the tables the pages read
were not changed behind its back. For each score version, submitted rating and role
assignment, the newest event about it must describe exactly the row as it is now:

- score version: the `score.*` event whose `after.number` is the version's number, on its
  sheet: same kind, total, grade, and (for events that carry it) the digest of the result;
- rating: the newest `rating.submit` event for the sheet, indicator, role (and, for 360
  raters, the rater's pseudonym): same score and counts;
- role assignment: the newest `role.*` or `org.assign_role` event for the assignment: same
  user, role, scope, department and team; and no assignment whose newest event removed it.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import Any


def result_digest(result: Any) -> str:
    """SHA-256 of a score result's canonical JSON (what a score event records as `result_sha256`)."""
    text = json.dumps(result, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None or a == "" or b == "":
        return (a in (None, "")) and (b in (None, ""))
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return str(a) == str(b)


def role_snapshot(ra: Any) -> dict[str, Any]:
    return {"user": ra.user_id, "company": ra.company_id, "role": ra.role, "scope": ra.scope,
            "department": ra.department_id, "team": ra.team_id}


def _problem(seq: int | None, zh: str, en: str) -> Any:
    from kaohe.web.audit.services import ChainProblem

    return ChainProblem(seq, zh, en)


def check_business_rows() -> list[Any]:
    problems: list[Any] = []
    problems += _check_score_versions()
    problems += _check_ratings()
    problems += _check_roles()
    return problems


def _check_score_versions() -> list[Any]:
    from kaohe.web.appraisal.models import ScoreVersion
    from kaohe.web.audit.models import AuditEvent

    events: dict[tuple[str, int], Any] = {}
    for ev in AuditEvent.objects.filter(object_type="appraisal.sheet", action__startswith="score.").order_by("seq"):
        after = ev.after if isinstance(ev.after, dict) else {}
        if "number" in after:
            events[(ev.object_id, int(after["number"]))] = ev
    out = []
    for v in ScoreVersion.objects.all().only("pk", "sheet_id", "number", "kind", "total", "grade", "result"):
        ev = events.get((str(v.sheet_id), v.number))
        name_zh, name_en = f"考核表 {v.sheet_id} 的第 {v.number} 版得分", f"score version {v.number} of sheet {v.sheet_id}"
        if ev is None:
            out.append(_problem(None, f"{name_zh}在审计记录中没有对应事件（被直接写入数据库）",
                                f"{name_en} has no audit event (written to the database directly)"))
            continue
        after = ev.after
        same = (after.get("kind") == v.kind and _same_number(after.get("total"), v.total)
                and (after.get("grade") or "") == (v.grade or ""))
        if same and "result_sha256" in after:
            same = after["result_sha256"] == result_digest(v.result)
        if not same:
            out.append(_problem(ev.seq, f"{name_zh}与审计记录第 {ev.seq} 号事件不符（数据库中被直接修改）",
                                f"{name_en} differs from audit event {ev.seq} (changed directly in the database)"))
    return out


def _check_ratings() -> list[Any]:
    from kaohe.web.appraisal.models import Rating
    from kaohe.web.audit.models import AuditEvent
    from kaohe.web.audit.services import ANONYMOUS_ROLES

    latest: dict[tuple[str, str, str, str], Any] = {}
    for ev in AuditEvent.objects.filter(object_type="appraisal.sheet", action="rating.submit").order_by("seq"):
        after = ev.after if isinstance(ev.after, dict) else {}
        role = str(after.get("role", ""))
        who = ev.actor_label if role in ANONYMOUS_ROLES else ""
        latest[(ev.object_id, str(after.get("indicator", "")), role, who)] = ev
    out = []
    rows = Rating.objects.filter(submitted_at__isnull=False).select_related("rater")
    for r in rows:
        candidates = [""]
        if r.role in ANONYMOUS_ROLES:
            candidates = _rater_labels(r)
        ev = next((latest[k] for k in ((str(r.sheet_id), r.indicator, r.role, c) for c in candidates)
                   if k in latest), None)
        name_zh = f"考核表 {r.sheet_id} 的 {r.indicator}（{r.role}）评分"
        name_en = f"the {r.role} rating of {r.indicator} on sheet {r.sheet_id}"
        if ev is None:
            out.append(_problem(None, f"{name_zh}在审计记录中没有对应事件（被直接写入数据库）",
                                f"{name_en} has no audit event (written to the database directly)"))
            continue
        after = ev.after
        counts = {str(k): int(v) for k, v in (after.get("counts") or {}).items()} or None
        row_counts = {str(k): int(v) for k, v in (r.counts or {}).items()} or None
        if not (_same_number(after.get("score"), r.score) and counts == row_counts):
            out.append(_problem(ev.seq, f"{name_zh}与审计记录第 {ev.seq} 号事件不符（数据库中被直接修改）",
                                f"{name_en} differs from audit event {ev.seq} (changed directly in the database)"))
    return out


def _rater_labels(r: Any) -> list[str]:
    """The labels a 360 rater's events may carry: the keyed pseudonym (any key in the ring) or,
    for events written before pseudonyms, the user name."""
    from kaohe.web.audit.services import _keyring, rater_pseudonym

    labels = [rater_pseudonym(r.sheet_id, r.rater_id, key_id) for key_id in _keyring().keys]
    if r.rater is not None:
        labels.append(r.rater.get_username())
    return labels


def _check_roles() -> list[Any]:
    from kaohe.web.audit.models import AuditEvent
    from kaohe.web.org.models import RoleAssignment

    latest: dict[str, Any] = {}
    for ev in AuditEvent.objects.filter(object_type="org.roleassignment").order_by("seq"):
        if ev.action in ("role.add", "role.change", "role.remove", "org.assign_role", "audit.baseline_role"):
            latest[ev.object_id] = ev
    out = []
    for ra in RoleAssignment.objects.all():
        ev = latest.get(str(ra.pk))
        name_zh, name_en = f"角色分配 {ra.pk}（{ra.role}）", f"role assignment {ra.pk} ({ra.role})"
        if ev is None or ev.action == "role.remove":
            out.append(_problem(None, f"{name_zh}在审计记录中没有对应事件（被直接写入数据库）",
                                f"{name_en} has no audit event (written to the database directly)"))
            continue
        after = ev.after if isinstance(ev.after, dict) else {}
        snap = role_snapshot(ra)
        if any(k in after and after[k] != snap[k] for k in snap):
            out.append(_problem(ev.seq, f"{name_zh}与审计记录第 {ev.seq} 号事件不符（数据库中被直接修改）",
                                f"{name_en} differs from audit event {ev.seq} (changed directly in the database)"))
    return out
