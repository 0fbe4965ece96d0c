"""What HR does with the company's schemes: copy from the book, save drafts, publish, approve, assign.

Every change is audited (`kaohe.web.audit`). A refused step raises `SchemeRefused` with every
problem at once and changes nothing. `assigned_scheme` is what opening a cycle asks for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kaohe.problems import Problem
from kaohe.scheme.checker import check_scheme
from kaohe.scheme.loader import load_scheme_text_located
from kaohe.scheme.models import Scheme
from kaohe.scheme.problems import SchemeLoadError
from kaohe.web.appraisal import library_bridge
from kaohe.web.audit.services import record
from kaohe.web.errors import Forbidden
from kaohe.web.org.models import Company, RoleAssignment
from kaohe.web.permissions import can, require
from kaohe.web.schemes.formmodel import field_name, flatten
from kaohe.web.schemes.models import (
    BOOK_NOTE,
    CompanyScheme,
    CompanySchemeSettings,
    SchemeAssignment,
    SchemeDraft,
    SchemeVersion,
    content_digest,
)

LABEL_PATTERNS = {"monthly": r"\d{4}-(0[1-9]|1[0-2])", "quarterly": r"\d{4}-Q[1-4]", "annual": r"\d{4}"}
LABEL_EXAMPLES = {"monthly": "2026-12", "quarterly": "2027-Q1", "annual": "2027"}


class SchemeRefused(Exception):
    """A step that was not taken, with every reason (as `Problem`s, shown at their fields)."""

    def __init__(self, problems: Sequence[Problem], message_zh: str, message_en: str) -> None:
        self.problems = list(problems)
        self.message_zh, self.message_en = message_zh, message_en
        super().__init__(message_en)

    def message(self, lang: str) -> str:
        return self.message_en if lang.startswith("en") else self.message_zh


def _refuse(code: str, path: str, zh: str, en: str, hint_zh: str = "", hint_en: str = "") -> SchemeRefused:
    return SchemeRefused([Problem(code, "error", path=path, message_zh=zh, message_en=en, hint_zh=hint_zh,
                                  hint_en=hint_en)], zh, en)


# --- who may do what -----------------------------------------------------------------------------


def hr_companies(user: Any) -> list[Company]:
    return [c for c in Company.objects.order_by("code") if can(user, "manage_org", c)]


def require_hr(user: Any, company: Company) -> None:
    require(user, "manage_org", company)


def is_director(user: Any, company: Company) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and RoleAssignment.objects.filter(
        user=user, company=company, role="director").exists()


def director_companies(user: Any) -> list[Company]:
    return [c for c in Company.objects.order_by("code") if is_director(user, c)]


def settings_of(company: Company) -> CompanySchemeSettings:
    found, _ = CompanySchemeSettings.objects.get_or_create(company=company)
    return found


def set_require_approval(company: Company, actor: Any, value: bool) -> CompanySchemeSettings:
    require_hr(actor, company)
    current = settings_of(company)
    if current.require_approval != value:
        before = current.require_approval
        current.require_approval = value
        current.save()
        record(actor, "scheme.settings", current, before={"require_approval": before},
               after={"require_approval": value}, company_id=company.pk)
    return current


# --- checking ------------------------------------------------------------------------------------


def check(scheme: Scheme) -> list[Problem]:
    """The checker's problems, each with its form field's name as its path."""
    return [_with_field_path(p) for p in check_scheme(scheme)]


def _with_field_path(problem: Problem) -> Problem:
    from dataclasses import replace

    return replace(problem, path=field_name(problem.path))


def errors_of(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error"]


# --- the company's schemes --------------------------------------------------------------------------


def adopt(company: Company, actor: Any, scheme_id: str) -> CompanyScheme:
    """"Use in our company": copy a book scheme into the company's library as version 1 (and its draft)."""
    require_hr(actor, company)
    book = library_bridge.scheme_by_id(scheme_id)
    if book is None:
        raise _refuse("S001", "scheme", f"书中没有方案 {scheme_id}", f"The book has no scheme {scheme_id}")
    if CompanyScheme.objects.filter(company=company, scheme_id=scheme_id).exists():
        raise _refuse("S002", "scheme", "本公司已经在用这个方案", "The company already uses this scheme")
    content = book.model_dump(mode="json")
    problems = check(book)
    with transaction.atomic():
        cs = CompanyScheme.objects.create(company=company, scheme_id=book.id, book_content=content,
                                          position_code=book.position, level=str(book.level),
                                          period=str(book.period), created_by=actor)
        SchemeDraft.objects.create(company_scheme=cs, content=content, updated_by=actor,
                                   error_count=len(errors_of(problems)),
                                   warning_count=len(problems) - len(errors_of(problems)))
        # version 1 is the book's scheme as it is: it needs no approval of its own
        version = SchemeVersion.objects.create(company_scheme=cs, number=1, content=content,
                                               note=BOOK_NOTE, author=actor,
                                               approved_at=timezone.now())
        record(actor, "scheme.adopt", cs, after={"scheme_id": book.id, "version": 1, "sha256": version.sha256},
               company_id=company.pk)
    return cs


def draft_scheme(cs: CompanyScheme) -> Scheme:
    return Scheme.model_validate(cs.draft.content)


def save_draft(cs: CompanyScheme, actor: Any, scheme: Scheme) -> list[Problem]:
    """Save HR's edit as the draft (checker problems do not stop a draft); returns the checker's problems."""
    require_hr(actor, cs.company)
    _same_identity(cs, scheme)
    problems = check(scheme)
    content = scheme.model_dump(mode="json")
    draft = cs.draft
    changes = diff_contents(draft.content, content)
    if not changes:
        return problems
    with transaction.atomic():
        draft.content = content
        draft.error_count = len(errors_of(problems))
        draft.warning_count = len(problems) - draft.error_count
        draft.updated_by = actor
        draft.save()
        record(actor, "scheme.draft_save", cs, before={c.path: c.before for c in changes[:50]},
               after={c.path: c.after for c in changes[:50]}, company_id=cs.company_id)
    return problems


def _same_identity(cs: CompanyScheme, scheme: Scheme) -> None:
    problems = []
    for key, wanted in (("id", cs.scheme_id), ("position", cs.position_code), ("level", cs.level),
                        ("period", cs.period)):
        got = str(getattr(scheme, key))
        if got != wanted:
            problems.append(Problem("S003", "error", path=key, value=got,
                                    message_zh=f"{key} 应为 {wanted}，而不是 {got}",
                                    message_en=f"{key} must stay {wanted}, not {got}",
                                    hint_zh="方案的编号、岗位、层级和周期不能在此更改",
                                    hint_en="a scheme's id, position, level and period do not change here"))
    if problems:
        raise SchemeRefused(problems, "方案的身份信息不符，未保存", "The scheme's identity differs; nothing was saved")


def publish(cs: CompanyScheme, actor: Any, note: str) -> SchemeVersion:
    """Publish the draft as the next immutable version. A draft with a checker error cannot be published."""
    require_hr(actor, cs.company)
    scheme = draft_scheme(cs)
    problems = errors_of(check(scheme))
    if not note.strip():
        problems.append(Problem("S004", "error", path="note", message_zh="发布必须写明改了什么",
                                message_en="Say what changed: a version needs a change note"))
    latest = cs.latest_version()
    if latest is not None and latest.sha256 == content_digest(cs.draft.content):
        problems.append(Problem("S005", "error", path="note",
                                message_zh=f"草稿与第 {latest.number} 版相同，没有可发布的更改",
                                message_en=f"The draft equals version {latest.number}: nothing to publish"))
    if problems:
        raise SchemeRefused(problems, "方案有错误，不能发布", "The scheme has errors and cannot be published")
    with transaction.atomic():
        number = (cs.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = SchemeVersion.objects.create(company_scheme=cs, number=number, content=cs.draft.content,
                                               note=note.strip(), author=actor)
        record(actor, "scheme.publish", version, after={
            "scheme_id": cs.scheme_id, "version": number, "note": version.note, "sha256": version.sha256,
            "changes": [c.path for c in diff_contents(latest.content if latest else cs.book_content,
                                                      version.content)][:50]}, company_id=cs.company_id)
    return version


def needs_approval(version: SchemeVersion) -> bool:
    return settings_of(version.company_scheme.company).require_approval and version.approved_at is None


def approve(version: SchemeVersion, actor: Any) -> SchemeVersion:
    """A director (not the author) approves a version so that it may be used."""
    company = version.company_scheme.company
    if not is_director(actor, company):
        raise Forbidden("只有总监可以批准方案版本", "Only a director approves scheme versions")
    if version.author_id is not None and version.author_id == getattr(actor, "pk", None):
        raise _refuse("S006", "approve", "发布人不能批准自己的版本", "The author cannot approve their own version")
    if version.approved_at is not None:
        raise _refuse("S007", "approve", "该版本已批准", "This version is already approved")
    version.approved_by, version.approved_at = actor, timezone.now()
    version.save()
    record(actor, "scheme.approve", version, after={"scheme_id": version.company_scheme.scheme_id,
                                                    "version": version.number}, company_id=company.pk)
    return version


def awaiting_approval(company: Company) -> list[SchemeVersion]:
    if not settings_of(company).require_approval:
        return []
    return list(SchemeVersion.objects.filter(company_scheme__company=company, approved_at__isnull=True)
                .select_related("company_scheme", "author").order_by("published_at"))


def assign(version: SchemeVersion, actor: Any, effective_from: str) -> SchemeAssignment:
    """Use `version` for its position, level and period kind from the cycle `effective_from` on."""
    cs = version.company_scheme
    require_hr(actor, cs.company)
    problems = []
    label = effective_from.strip()
    if not re.fullmatch(LABEL_PATTERNS.get(cs.period, r".+"), label):
        problems.append(Problem("S008", "error", path="effective_from", value=label,
                                message_zh=f"起始周期应形如 {LABEL_EXAMPLES.get(cs.period, '')}",
                                message_en=f"The first period is written like {LABEL_EXAMPLES.get(cs.period, '')}"))
    if needs_approval(version):
        problems.append(Problem("S009", "error", path="effective_from",
                                message_zh=f"第 {version.number} 版尚未经总监批准，不能启用",
                                message_en=f"Version {version.number} waits for a director's approval"))
    if errors_of(check(version.scheme())):
        problems.append(Problem("S010", "error", path="effective_from",
                                message_zh="该版本有检查错误，不能启用",
                                message_en="This version has checker errors and cannot be used"))
    if problems:
        raise SchemeRefused(problems, "未能启用该版本", "The version was not put in use")
    with transaction.atomic():
        assignment = SchemeAssignment.objects.create(
            company=cs.company, position_code=cs.position_code, level=cs.level, period=cs.period,
            effective_from=label, version=version, assigned_by=actor)
        record(actor, "scheme.assign", assignment, after={
            "scheme_id": cs.scheme_id, "version": version.number, "position": cs.position_code, "level": cs.level,
            "period": cs.period, "effective_from": label}, company_id=cs.company_id)
    return assignment


def assigned_version(company: Any, position_code: str, level: str, period: str,
                     label: str | None = None) -> SchemeVersion | None:
    """The version in use for a cycle `label` (the latest start not after it); None: the book's scheme."""
    qs = SchemeAssignment.objects.filter(company=company, position_code=position_code, level=level,
                                         period=period).select_related("version__company_scheme__company")
    if label is not None:
        qs = qs.filter(effective_from__lte=label)
    for assignment in qs.order_by("-effective_from", "-assigned_at", "-pk"):
        if not needs_approval(assignment.version):
            return assignment.version
    return None


def assigned_scheme(company: Any, position_code: str, level: str, period: str,
                    label: str | None = None) -> Scheme | None:
    version = assigned_version(company, position_code, level, period, label)
    return version.scheme() if version is not None else None


def version_for_snapshot(snapshot: Any) -> SchemeVersion | None:
    """The company version a cycle's frozen scheme copy holds (same scheme, same content)."""
    sha = getattr(snapshot, "sha256", None)
    if not sha:
        return None
    # one query: a version of a company whose cycles have sheets on this snapshot
    return (SchemeVersion.objects.filter(company_scheme__scheme_id=snapshot.scheme_id, sha256=sha,
                                         company_scheme__company__cycles__sheets__scheme=snapshot)
            .order_by("number").first())


# --- differences -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    path: str
    before: str | None
    after: str | None


def diff_contents(a: Any, b: Any) -> list[Change]:
    """Field-level differences between two schemes' JSON contents (paths as the form names them)."""
    fa, fb = flatten(a), flatten(b)
    keys = list(dict.fromkeys([*fa, *fb]))
    return [Change(k, fa.get(k), fb.get(k)) for k in keys if fa.get(k) != fb.get(k)]


def readable_path(path: str, content: Any, lang: str = "zh") -> str:
    """`categories.0.indicators.2.weight` → "通话 › 话后处理时间 › weight" by the names in `content`."""
    en = lang.startswith("en")
    parts = path.split(".")
    words: list[str] = []
    node: Any = content
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if nxt is not None and nxt.isdigit():
            items = node.get(part) if isinstance(node, dict) else None
            item = items[int(nxt)] if isinstance(items, list) and int(nxt) < len(items) else None
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(name, dict):
                words.append(str((name.get("en") if en else None) or name.get("zh") or ""))
            elif isinstance(item, dict) and ("grade" in item or "role" in item):
                words.append(str(item.get("grade") or item.get("role")))
            else:
                words.append(f"{_word(part, last=False, lang=lang)} {int(nxt) + 1}")
            node = item
            i += 2
            continue
        words.append(_word(part, last=nxt is None, lang=lang))
        node = node.get(part) if isinstance(node, dict) else None
        i += 1
    return " › ".join(w for w in words if w)


PARTS = {"rule": ("计分规则", "rule"), "source": ("数据来源", "data source"), "explanation": ("指标说明", "explanation"),
         "grading": ("等级", "grading"), "forced_distribution": ("强制分布", "forced distribution"),
         "rounding": ("舍入", "rounding"), "applies_when": ("适用条件", "applies when"), "name": ("名称", "name"),
         "min_sample": ("最小样本", "minimum sample"), "counts": ("计数", "counts"), "label": ("名称", "label"),
         "note": ("说明", "note"), "better": ("更好一侧", "better side"), "worse": ("更差一侧", "worse side"),
         "tiers": ("分档", "tier"), "levels": ("等级描述", "level"), "deductions": ("扣分项", "deduction"),
         "bands": ("等级线", "band"), "raters": ("评价人", "rater"), "effects": ("等级结果", "effect"),
         "score": ("得分", "score")}


def _word(part: str, *, last: bool, lang: str) -> str:
    """A path part in words: a structural part, else the field's label, else the key itself."""
    from kaohe.web.schemes.formmodel import LABELS

    en = lang.startswith("en")
    found = (None if last else PARTS.get(part)) or (LABELS.get(part) if last else None) or PARTS.get(part)
    if found is None:
        return part
    return found[1] if en else found[0]


# --- YAML ------------------------------------------------------------------------------------------


def load_yaml(text: str, filename: str) -> tuple[Scheme | None, list[Problem]]:
    """YAML through the scheme loader, then the checker; every problem keeps its line."""
    try:
        located = load_scheme_text_located(text, filename)
    except SchemeLoadError as exc:
        return None, [_with_field_path(p) for p in exc.problems]
    problems = [_with_field_path(p) for p in check_scheme(located.scheme, located=located)]
    return located.scheme, problems


def upload_yaml(cs: CompanyScheme, actor: Any, text: str, filename: str) -> list[Problem]:
    """Replace the draft by an uploaded file. Any loader or checker error: nothing is saved."""
    require_hr(actor, cs.company)
    scheme, problems = load_yaml(text, filename)
    if scheme is None or errors_of(problems):
        raise SchemeRefused(errors_of(problems) or problems, "文件有错误，未作任何更改",
                            "The file has errors; nothing was changed")
    save_draft(cs, actor, scheme)
    return problems


# --- preview on the last closed cycle ---------------------------------------------------------------


@dataclass
class PreviewRow:
    name: str
    code: str
    sheet_id: int
    current_total: Decimal | None
    current_grade: str
    draft_total: Decimal | None
    draft_grade: str

    @property
    def changed(self) -> bool:
        return self.current_grade != self.draft_grade


@dataclass
class Preview:
    cycle: Any = None
    rows: list[PreviewRow] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.changed]

    def distribution(self) -> list[tuple[str, int, int]]:
        return [(g, self.before.get(g, 0), self.after.get(g, 0)) for g in self.grades]


def last_closed_cycle(company: Company, cs: CompanyScheme) -> Any:
    """The latest cycle of the scheme's period kind that is closed (or, if none is, has ended) with sheets of
    the scheme's position and level."""
    from kaohe.web.appraisal.models import Cycle

    cycles = Cycle.objects.filter(company=company, period=cs.period, sheets__employee__position__code=cs.position_code,
                                  sheets__employee__level=cs.level).distinct().order_by("-end", "-pk")
    closed = cycles.filter(status=Cycle.Status.CLOSED).first()
    return closed or cycles.filter(end__lt=timezone.localdate()).first()


def preview(cs: CompanyScheme, actor: Any, scheme: Scheme) -> Preview:
    """Everyone of the position in the last closed cycle: their total and grade now and under `scheme`."""
    from kaohe.scoring import score_sheet as score_result
    from kaohe.scoring.grading import grade_order
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.appraisal.services.scoring import build_inputs

    require_hr(actor, cs.company)
    cycle = last_closed_cycle(cs.company, cs)
    out = Preview(cycle=cycle)
    if cycle is None:
        return out
    sheets = (Sheet.objects.filter(cycle=cycle, employee__position__code=cs.position_code, employee__level=cs.level)
              .select_related("employee", "scheme", "cycle__company").order_by("employee__code"))
    orders: list[str] = []
    for sheet in sheets:
        frozen = sheet.scheme.scheme()
        now = score_result(frozen, build_inputs(sheet, frozen))
        new = score_result(scheme, build_inputs(sheet, scheme))
        out.rows.append(PreviewRow(sheet.employee.name, sheet.employee.code, sheet.pk, now.total, now.grade or "",
                                   new.total, new.grade or ""))
        for g in grade_order(frozen):
            if g not in orders:
                orders.append(g)
    for g in grade_order(scheme):
        if g not in orders:
            orders.append(g)
    out.grades = orders + ([""] if any(not r.current_grade or not r.draft_grade for r in out.rows) else [])
    out.before = dict(Counter(r.current_grade for r in out.rows))
    out.after = dict(Counter(r.draft_grade for r in out.rows))
    return out


def distribution_total(counts: dict[str, int]) -> int:
    return sum(counts.values())
