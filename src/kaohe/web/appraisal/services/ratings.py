"""Manual ratings (self, supervisor, reviewer, peers, customers, QA), their deadlines, and 360 anonymity."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kaohe.scheme.kinds import kind_of
from kaohe.scheme.models import CountsSource, ManualSource
from kaohe.web.appraisal.models import RaterRole, Rating, Sheet
from kaohe.web.appraisal.services._common import audit_sheet, save_sheet
from kaohe.web.audit.services import ANONYMOUS_ROLES, rater_pseudonym, record
from kaohe.web.errors import InvalidInput, ValidationReport
from kaohe.web.permissions import can, require, visible_sheets

SINGLE_RATER_ROLES = {"self", "supervisor", "reviewer"}  # one rating each, by whoever holds the relation
MAX_COUNT = 1_000_000  # a count a rater enters (complaints found by QA …)
ROLE_NAMES = [("self", ("本人", "the employee")), ("supervisor", ("考核人", "the supervisor")),
              ("reviewer", ("审核人", "the reviewer")), ("peer", ("同事（360）", "colleagues (360)")),
              ("customer", ("内部客户", "internal customers")), ("qa", ("质检员", "QA officers"))]


@dataclass(frozen=True)
class ManualItem:
    indicator: str
    name_zh: str
    name_en: str
    roles: list[str]
    min: Decimal
    max: Decimal
    counts: list[str]  # names of counts a rater enters (e.g. complaints found by QA)
    # a level item: (level, anchor zh, anchor en, score) — the rater picks one of these, nothing else
    levels: tuple[tuple[int, str, str, Decimal], ...] = ()
    unit: str = ""

    @property
    def step(self) -> Decimal:
        """The smallest change a rater may enter: whole levels and counts, else hundredths."""
        return Decimal(1) if self.levels or self.counts else Decimal("0.01")


def manual_items(sheet: Sheet) -> list[ManualItem]:
    """The sheet's indicators that people rate, with who rates them and the allowed range."""
    scheme = sheet.scheme.scheme()
    items = []
    for cat in scheme.categories:
        for ind in cat.indicators:
            src = ind.source
            if isinstance(src, ManualSource):
                roles = [str(rw.role) for rw in (src.raters or scheme.raters)]
                lo, hi = kind_of(ind.rule).rating_range(ind.rule) or (Decimal(0), Decimal(100))
                anchors = getattr(ind.rule, "levels", None) if getattr(ind.rule, "type", "") == "levels" else None
                levels = tuple((a.level, a.anchor.zh, a.anchor.en or a.anchor.zh, a.score)
                               for a in sorted(anchors or [], key=lambda a: a.level))
                items.append(ManualItem(ind.id, ind.name.zh, ind.name.en, roles, lo, hi, [], levels,
                                        str(ind.unit or "")))
            elif isinstance(src, CountsSource):
                entered = {str(ref.entered_by) for ref in src.counts.values() if ref.entered_by}
                if entered:
                    items.append(ManualItem(ind.id, ind.name.zh, ind.name.en, sorted(entered), Decimal(0),
                                            Decimal(0), [n for n, r in src.counts.items() if r.entered_by]))
    return items


def request_ratings(sheet: Sheet, actor: Any, *, role: str, raters: list[Any] | None = None,
                    indicators: list[str] | None = None, deadline: dt.datetime | None = None) -> list[Rating]:
    """Ask raters for ratings, each with a deadline (default: the cycle's rating deadline)."""
    require(actor, "request_ratings", sheet)
    items = [i for i in manual_items(sheet) if role in i.roles and (indicators is None or i.indicator in indicators)]
    if not items or (role not in SINGLE_RATER_ROLES and not raters):
        # a request that would create nothing is refused with the reason, never reported as done
        report = ValidationReport()
        if not items:
            label_zh = dict(ROLE_NAMES).get(role, (role, role))[0]
            label_en = dict(ROLE_NAMES).get(role, (role, role))[1]
            report.add("role", f"该考核表的方案中没有由{label_zh}评分的指标，无需邀请",
                       f"The sheet's scheme has no item rated by {label_en}; there is nobody to ask", value=role)
        else:
            report.add("raters", "请至少选择一位评价人", "Choose at least one rater")
        raise InvalidInput(report)
    deadline = deadline or sheet.cycle.rating_deadline
    made = []
    with transaction.atomic():
        for item in items:
            for rater in raters or [None]:
                r, _ = Rating.objects.get_or_create(sheet=sheet, indicator=item.indicator, role=role, rater=rater,
                                                    defaults={"deadline": deadline})
                made.append(r)
        audit_sheet(actor, "rating.request", sheet,
                    after={"role": role, "raters": [getattr(u, "pk", None) for u in raters or []],
                           "indicators": [i.indicator for i in items], "deadline": deadline})
    return made


def submit_rating(sheet: Sheet, actor: Any, *, role: str, indicator: str, score: Any = None,
                  counts: dict[str, int] | None = None, comment: str = "",
                  expected_version: int | None = None) -> Rating:
    """Enter or change one rating. Checked: the rater's right, the state, the indicator and the range."""
    if role not in RaterRole.values:
        report = ValidationReport()
        report.add("role", f"未知评分角色 {role}", f"Unknown rater role {role}", value=role)
        raise InvalidInput(report)
    require(actor, f"rate_{role}", sheet)
    item = next((i for i in manual_items(sheet) if i.indicator == indicator), None)
    report = ValidationReport()
    value: Decimal | None = None
    # typed and ranged (issue 12): no counts nobody asked for, no NUL, no novel-length comment
    unknown = sorted(set(counts or {}) - set(item.counts if item else []))
    if unknown:
        report.add("counts", f"未知的计数项 {', '.join(unknown)[:80]}", f"Unknown counts {', '.join(unknown)[:80]}")
    if "\x00" in comment or len(comment) > 4000:
        report.add("comment", "评语不能含 NUL 字符，且不超过 4000 字", "A comment has no NUL character and at most "
                   "4,000 characters")
    if item is None or role not in item.roles:
        report.add("indicator", f"指标 {indicator} 不由“{role}”评分", f"Indicator {indicator} is not rated by {role}",
                   value=indicator)
    else:
        if item.counts:
            for name in item.counts:
                n = (counts or {}).get(name)
                # a count is a whole number an appraisal can hold: no 10^40, no 2.5, no text
                if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_COUNT:
                    report.add(f"counts.{name}", f"请填写 0–{MAX_COUNT} 之间的整数",
                               f"Enter a whole number from 0 to {MAX_COUNT}", value=str(n)[:40])
        else:
            try:
                value = Decimal(str(score))
                if not value.is_finite():
                    raise InvalidOperation
            except (InvalidOperation, TypeError):
                value = None
                report.add("score", "请填写分数", "Enter a score", value=str(score)[:40])
            if value is not None and item.levels and value not in {Decimal(lv[0]) for lv in item.levels}:
                names = "、".join(str(lv[0]) for lv in item.levels)
                report.add("score", f"请选择一个等级（{names}）", f"Choose one of the levels ({names.replace('、', ', ')})",
                           value=score)
            elif value is not None and not (item.min <= value <= item.max):
                report.add("score", f"分数须在 {item.min}–{item.max} 之间", f"The score must be {item.min}–{item.max}",
                           value=score)
            elif value is not None and value != value.quantize(item.step):
                report.add("score", "分数最多保留两位小数", "Use at most two decimals", value=score)
    if not report.ok:
        raise InvalidInput(report)
    rater = None if role in SINGLE_RATER_ROLES else actor
    with transaction.atomic():
        # the version check comes first: it locks the sheet row, so a concurrent save waits, then is refused
        save_sheet(sheet, expected_version)
        existing = Rating.objects.filter(sheet=sheet, indicator=indicator, role=role, rater=rater).first()
        if existing is None and role in SINGLE_RATER_ROLES:
            existing = Rating.objects.filter(sheet=sheet, indicator=indicator, role=role).first()
        before = None if existing is None or existing.submitted_at is None else {
            "score": existing.score, "counts": existing.counts}
        if existing is None:
            existing = Rating(sheet=sheet, indicator=indicator, role=role, deadline=sheet.cycle.rating_deadline)
        existing.rater = actor
        existing.score = value
        existing.counts = {k: int(v) for k, v in (counts or {}).items()} or None
        existing.comment = comment
        existing.submitted_at = timezone.now()
        existing.save()
        after = {"indicator": indicator, "role": role, "score": value, "counts": existing.counts}
        if role in ANONYMOUS_ROLES:
            # 360 raters stay anonymous in the trail HR and auditors read: a keyed pseudonym, stable
            # within this sheet, stands for the rater (no user id, no name)
            record(None, "rating.submit", sheet, before=before, after=after, company_id=sheet.cycle.company_id,
                   actor_label=rater_pseudonym(sheet.pk, actor.pk))
        else:
            audit_sheet(actor, "rating.submit", sheet, before=before, after=after)
    return existing


def pending_ratings(user: Any) -> QuerySet:
    """Open rating requests addressed to the user (a QA officer's or a peer's to-do list)."""
    return Rating.objects.filter(rater=user, submitted_at__isnull=True).select_related("sheet__employee",
                                                                                     "sheet__cycle")


def overdue_ratings(user: Any, *, now: dt.datetime | None = None) -> QuerySet:
    """Ratings past their deadline: the user's own, plus those on sheets the user oversees."""
    now = now or timezone.now()
    overseen = [s.pk for s in visible_sheets(user) if can(user, "request_ratings", s) or can(user, "score", s)]
    return (Rating.objects.filter(submitted_at__isnull=True, deadline__lt=now)
            .filter(Q(rater=user) | Q(sheet_id__in=overseen))
            .select_related("sheet__employee", "sheet__cycle").order_by("deadline"))


@dataclass(frozen=True)
class PeerFeedback:
    shown: bool
    raters: int
    minimum: int
    average: Decimal | None
    per_indicator: dict[str, Decimal]
    message_zh: str
    message_en: str


def peer_feedback(sheet: Sheet, viewer: Any) -> PeerFeedback:
    """360 feedback as an aggregate, and only from at least the company's minimum of raters.

    The same rule holds for everyone who may see the sheet: no single peer's rating can
    be singled out, and rater identities are never returned.
    """
    require(viewer, "view_sheet", sheet)
    minimum = sheet.cycle.company.min_peer_raters
    ratings = list(Rating.objects.filter(sheet=sheet, role__in=["peer", "customer"], submitted_at__isnull=False,
                                         score__isnull=False))
    raters = len({r.rater_id for r in ratings})
    if raters < minimum:
        return PeerFeedback(False, raters, minimum, None, {},
                            f"360 评价人数不足 {minimum} 人，暂不显示", f"Shown from {minimum} raters; fewer have rated")
    per: dict[str, list[Decimal]] = defaultdict(list)
    for r in ratings:
        per[r.indicator].append(r.score)
    q = Decimal("0.01")
    per_indicator = {k: (sum(v, Decimal(0)) / len(v)).quantize(q) for k, v in per.items()}
    average = (sum((r.score for r in ratings), Decimal(0)) / len(ratings)).quantize(q)
    return PeerFeedback(True, raters, minimum, average, per_indicator, f"来自 {raters} 位评价人的汇总",
                        f"Aggregate of {raters} raters")


# sheet state → (deadline key in Cycle.deadlines, step zh, step en, who owes it)
PENDING_STEPS: dict[str, tuple[str, str, str, str]] = {
    "draft": ("acknowledge_targets", "下达目标责任书", "Issue the targets", "supervisor"),
    "targets_set": ("acknowledge_targets", "确认目标责任书", "Acknowledge the targets", "employee"),
    "targets_acknowledged": ("self_review", "开始自评", "Start the self-review", "hr"),
    "self_review": ("self_review", "自评", "Self-review", "employee"),
    "supervisor_review": ("supervisor_review", "考核人评分", "Supervisor rating", "supervisor"),
    "reviewer_approval": ("reviewer_approval", "审核", "Reviewer approval", "reviewer"),
    "calibration": ("calibration", "校准并发布", "Calibrate and publish", "hr"),
    "published": ("interview", "绩效面谈", "Feedback interview", "supervisor"),
    "interviewed": ("acknowledge_result", "确认考核结果", "Acknowledge the result", "employee"),
}
RATING_STEP_NAMES = {"peer": ("360 评价", "360 rating"), "customer": ("内部客户评价", "Internal customer rating"),
                     "qa": ("质检评分", "QA score"), "self": ("自评", "Self-rating"),
                     "supervisor": ("考核人评分", "Supervisor rating"), "reviewer": ("审核人评分", "Reviewer rating")}


@dataclass(frozen=True)
class OverdueItem:
    sheet: Sheet
    step_zh: str
    step_en: str
    owner: str  # a name, or "(anonymous)" for 360 raters
    deadline: dt.date
    days_late: int
    indicator: str = ""


def _deadline_of(sheet: Sheet, key: str) -> dt.date | None:
    cycle = sheet.cycle
    raw = (cycle.deadlines or {}).get(key)
    if raw:
        return dt.date.fromisoformat(raw)
    if key in ("self_review", "supervisor_review", "reviewer_approval") and cycle.rating_deadline:
        return timezone.localtime(cycle.rating_deadline).date()
    return None


def _owner(sheet: Sheet, who: str) -> str:
    emp = sheet.employee
    if who == "employee":
        return emp.name
    if who == "supervisor":
        return emp.manager.name if emp.manager else "—"
    if who == "reviewer":
        boss = emp.manager.manager if emp.manager else None
        return boss.name if boss else "—"
    return "HR"


def overdue_steps(user: Any, *, cycle: Any = None, now: dt.datetime | None = None) -> list[OverdueItem]:
    """Every pending step past its last day on the sheets the user oversees (or owes), oldest first.

    Sheet steps (targets, self, supervisor, reviewer, calibration, interview, acknowledgement) use the
    cycle's deadlines; 360, customer and QA requests use their own deadline.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    sheets = visible_sheets(user, cycle).select_related(
        "employee__manager__manager", "cycle") if cycle is not None else visible_sheets(user).select_related(
        "employee__manager__manager", "cycle")
    items: list[OverdueItem] = []
    for sheet in sheets.filter(state__in=list(PENDING_STEPS), excluded_at__isnull=True):
        key, zh, en, who = PENDING_STEPS[sheet.state]
        deadline = _deadline_of(sheet, key)
        if deadline is not None and today > deadline:
            items.append(OverdueItem(sheet, zh, en, _owner(sheet, who), deadline, (today - deadline).days))
    for r in overdue_ratings(user, now=now).filter(role__in=["peer", "customer", "qa"]):
        if cycle is not None and r.sheet.cycle_id != cycle.pk:
            continue
        zh, en = RATING_STEP_NAMES[r.role]
        owner = "（匿名）/(anonymous)" if r.role in ("peer", "customer") else (
            r.rater.get_full_name() or r.rater.get_username() if r.rater else "—")
        day = timezone.localtime(r.deadline).date()
        items.append(OverdueItem(r.sheet, zh, en, owner, day, max((today - day).days, 1), r.indicator))
    return sorted(items, key=lambda i: (-i.days_late, i.sheet.employee.code))
