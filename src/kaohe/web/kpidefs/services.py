"""KPI definitions each company chooses: change them (with history), recompute open cycles, and
let HR decide for published sheets.

- A change adds a definition row and closes the previous one; it is audited.
- Every open cycle whose schemes use the KPI is recomputed: a new KPI computation supersedes
  the old one, whose values stay stored (``KpiComputation.superseded_by``). Sheets not yet
  published that already had a score are re-scored from the new values.
- Published sheets are never changed silently: each one whose values changed gets a notice;
  HR re-scores it (a new score version, audited, with the reason) or leaves it as published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.web.appraisal.models import Cycle, KpiComputation, KpiValue, ScoreVersion, Sheet, SheetState
from kaohe.web.audit.services import record
from kaohe.web.errors import Forbidden, IllegalTransition, InvalidInput, ReadOnly, ValidationReport
from kaohe.web.kpidefs.models import KpiDefinition, SheetNotice
from kaohe.web.permissions import require

# KPI → the parameters a company chooses on the page (the catalog documents each one)
DEFINABLE: dict[str, tuple[str, ...]] = {
    "service_level": ("threshold_s", "abandon_treatment", "short_abandon_s"),
    "abandon_rate": ("short_abandon_s", "denominator"),
    "asa": ("include_ring",),
    "aht": ("components",),
    "occupancy": ("denominator",),
    "fcr": ("window_days", "repeat"),
}
PUBLISHED = frozenset({SheetState.PUBLISHED, SheetState.INTERVIEWED, SheetState.ACKNOWLEDGED, SheetState.APPEALED,
                       SheetState.CLOSED})


@dataclass
class ChangeOutcome:
    definition: KpiDefinition
    cycles: list[Cycle] = field(default_factory=list)
    rescored: list[Sheet] = field(default_factory=list)
    notices: list[SheetNotice] = field(default_factory=list)


def current_definitions(company: Any) -> dict[str, dict[str, Any]]:
    """KPI → the parameters the company chose (only KPIs it defined)."""
    rows = KpiDefinition.objects.filter(company=company, superseded_at__isnull=True)
    return {r.kpi: dict(r.params) for r in rows}


def effective_params(company: Any) -> dict[str, dict[str, Any]]:
    """Every definable KPI with its parameters in force: the company's choice over the catalog default."""
    from kaohe.metrics.catalog.registry import get_kpi

    chosen = current_definitions(company)
    out = {}
    for kpi, names in DEFINABLE.items():
        d = get_kpi(kpi)
        defaults = {p.name: p.default for p in d.params if p.name in names}
        out[kpi] = {**defaults, **chosen.get(kpi, {})}
    return out


def history(company: Any) -> list[KpiDefinition]:
    return list(KpiDefinition.objects.filter(company=company).select_related("changed_by")
                .order_by("-valid_from", "-pk"))


def _check(kpi: str, params: dict[str, Any]) -> dict[str, Any]:
    from kaohe.metrics.catalog.registry import KpiParamError, get_kpi

    report = ValidationReport()
    if kpi not in DEFINABLE:
        report.add("kpi", f"指标 {kpi} 没有可选口径", f"KPI {kpi} has no definition to choose", value=kpi)
        raise InvalidInput(report)
    for name in params:
        if name not in DEFINABLE[kpi]:
            report.add(name, f"{kpi} 没有参数 {name}", f"{kpi} has no parameter {name}", value=name)
    if report.ok:
        try:
            resolved = get_kpi(kpi).resolve_params(params)
        except KpiParamError as exc:
            for problem in exc.problems:
                report.add(kpi, f"参数取值无效:{problem}", f"Invalid value: {problem}")
        else:
            return {k: resolved[k] for k in params}
    raise InvalidInput(report, "指标口径未保存", "The KPI definition was not saved")


def change_definition(company: Any, actor: Any, kpi: str, params: dict[str, Any], reason: str = "") -> ChangeOutcome:
    """Set the company's definition of ``kpi``; recompute open cycles; notices for published sheets."""
    require(actor, "manage_org", company)
    params = _check(kpi, params)
    current = KpiDefinition.objects.filter(company=company, kpi=kpi, superseded_at__isnull=True).first()
    before = effective_params(company)[kpi]
    if {**before, **params} == before and current is not None:
        report = ValidationReport()
        report.add(kpi, "口径没有变化", "The definition is unchanged")
        raise InvalidInput(report, "指标口径没有变化", "Nothing changed")
    now = timezone.now()
    with transaction.atomic():
        if current is not None:
            KpiDefinition.objects.filter(pk=current.pk).update(superseded_at=now)
        merged = {**(current.params if current else {}), **params}
        definition = KpiDefinition.objects.create(company=company, kpi=kpi, params=merged, reason=reason,
                                                  changed_by=actor, valid_from=now)
        record(actor, "kpi_definition.change", definition, before={"kpi": kpi, "params": before},
               after={"kpi": kpi, "params": {**before, **merged}}, reason=reason, company_id=company.pk)
    return recompute_open_cycles(definition, actor)


def _values(comp: KpiComputation | None, kpi: str) -> dict[tuple[int, str, str], Any]:
    if comp is None:
        return {}
    return {(v.employee_id, v.params_key, v.scope): v.value
            for v in KpiValue.objects.filter(computation=comp, kpi=kpi)}


def recompute_open_cycles(definition: KpiDefinition, actor: Any) -> ChangeOutcome:
    from kaohe.web.appraisal.services.data import _requested_specs, compute_cycle_kpis, current_computation
    from kaohe.web.appraisal.services.scoring import score_sheet

    outcome = ChangeOutcome(definition)
    kpi = definition.kpi
    for cycle in Cycle.objects.filter(company=definition.company, status=Cycle.Status.OPEN).order_by("start"):
        if not any(k == kpi for k, _ in _requested_specs(cycle)):
            continue
        previous = current_computation(cycle)
        comp = compute_cycle_kpis(cycle, actor)
        KpiComputation.objects.filter(pk=comp.pk).update(source="kpi_definition")
        outcome.cycles.append(cycle)
        old, new = _values(previous, kpi), _values(comp, kpi)
        changed: dict[int, list[dict[str, Any]]] = {}
        for key in sorted(set(old) | set(new), key=str):
            if old.get(key) != new.get(key):
                changed.setdefault(key[0], []).append({"kpi": kpi, "params": key[1], "scope": key[2],
                                                       "old": _text(old.get(key)), "new": _text(new.get(key))})
        for sheet in Sheet.objects.filter(cycle=cycle, employee_id__in=changed).select_related("employee", "cycle"):
            if sheet.state in PUBLISHED:
                notice = SheetNotice.objects.create(definition=definition, sheet=sheet, computation=comp,
                                                    changes=changed[sheet.employee_id])
                record(actor, "kpi_definition.notice", sheet, after={"kpi": kpi, "changes": notice.changes},
                       company_id=cycle.company_id)
                outcome.notices.append(notice)
            elif sheet.current_score_id is not None:
                try:
                    outcome.rescored.append(score_sheet(sheet, actor))
                except (IllegalTransition, ReadOnly, Forbidden):
                    continue  # a step that may not be scored now is scored when it gets there
    return outcome


def _text(v: Any) -> str | None:
    return None if v is None else format(v.normalize(), "f") if hasattr(v, "normalize") else str(v)


def notices_for(sheet: Sheet) -> list[SheetNotice]:
    return list(SheetNotice.objects.filter(sheet=sheet).select_related("definition", "decided_by"))


def pending_notices(company: Any) -> list[SheetNotice]:
    return list(SheetNotice.objects.filter(definition__company=company, decision=SheetNotice.Decision.PENDING)
                .select_related("definition", "sheet__employee", "sheet__cycle"))


def decide(notice: SheetNotice, actor: Any, decision: str, reason: str) -> SheetNotice:
    """HR's decision on a published sheet after a definition change: ``rescore`` or ``leave``."""
    from kaohe.scoring import score_sheet as score_result
    from kaohe.web.appraisal.services._common import audit_sheet, save_sheet
    from kaohe.web.appraisal.services.scoring import build_inputs, to_json

    sheet = notice.sheet
    require(actor, "manage_org", sheet.cycle.company)
    report = ValidationReport()
    if decision not in (SheetNotice.Decision.RESCORED, SheetNotice.Decision.LEFT):
        report.add("decision", "请选择重新计分或保持不变", "Choose re-score or leave", value=decision)
    if not reason.strip():
        report.add("reason", "请填写理由", "Give a reason")
    if not report.ok:
        raise InvalidInput(report)
    with transaction.atomic():
        locked = SheetNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.decision != SheetNotice.Decision.PENDING:
            raise IllegalTransition("已对该通知做出决定", "This notice was already decided")
        version = None
        if decision == SheetNotice.Decision.RESCORED:
            scheme = sheet.scheme.scheme()
            result = score_result(scheme, build_inputs(sheet, scheme))
            current = sheet.current_score
            before = None if current is None else {"number": current.number, "total": current.total,
                                                   "grade": current.grade}
            sheet = save_sheet(sheet, None)
            number = (ScoreVersion.objects.filter(sheet=sheet).order_by("-number").values_list("number", flat=True)
                      .first() or 0) + 1
            version = ScoreVersion.objects.create(
                sheet=sheet, number=number, kind=ScoreVersion.Kind.COMPUTED, total=result.total,
                grade=result.grade or "", complete=result.complete, result=to_json(result),
                kpi_computation=locked.computation, reason=reason, created_by=actor)
            Sheet.objects.filter(pk=sheet.pk).update(current_score=version)
            audit_sheet(actor, "score.kpi_definition_rescore", sheet, before=before,
                        after={"number": version.number, "total": version.total, "grade": version.grade,
                               "kpi": locked.definition.kpi}, reason=reason)
        else:
            audit_sheet(actor, "kpi_definition.leave", sheet, after={"kpi": locked.definition.kpi}, reason=reason)
        SheetNotice.objects.filter(pk=locked.pk).update(decision=decision, decided_by=actor, decided_at=timezone.now(),
                                                        decision_reason=reason, score_version=version)
    notice.refresh_from_db()
    return notice
