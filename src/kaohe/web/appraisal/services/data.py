"""Operational records into a cycle, and KPI values out of them, with provenance.

Uploads go through `kaohe.metrics.ingest`: first into a scratch store (the validation
report, nothing loaded), then, when HR confirms, into the company's event store. KPI
values come from `kaohe.metrics.compute.compute_kpis`; each computation is kept, a
recompute supersedes the previous one instead of overwriting it.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import shutil
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kaohe.web.appraisal.models import Cycle, KpiComputation, KpiValue, Sheet, UploadBatch
from kaohe.web.audit.services import record
from kaohe.web.errors import IllegalTransition, InvalidInput, ValidationReport
from kaohe.web.org.models import Employee
from kaohe.web.permissions import require

log = logging.getLogger(__name__)


def params_key(params: Mapping[str, Any] | None, kpi: str | None = None) -> str:
    """A canonical text of KPI parameters, so that equal parameter sets compare equal."""
    items = sorted((params or {}).items())
    return ";".join(f"{k}={v}" for k, v in items)


@contextmanager
def store_lock(root: Path) -> Iterator[None]:
    """An exclusive lock on a company's event store, across threads and processes.

    Imports, the org dimension rewrite and KPI computation all touch the store; two of
    them at once could load a file twice or read a half-written org table.
    """
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".import.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def store_dir(company: Any) -> Path:
    return Path(settings.KAOHE_EVENTS_DIR) / company.code


def _store(company: Any):  # type: ignore[no-untyped-def]
    from kaohe.metrics.store import Store

    root = store_dir(company)
    root.mkdir(parents=True, exist_ok=True)
    return Store(root)


def org_table(company: Any):  # type: ignore[no-untyped-def]
    """The org dimension the metrics layer rolls up by (ids as text)."""
    import pyarrow as pa

    rows = list(Employee.objects.filter(company=company).select_related("position").values_list(
        "code", "name", "team_id", "department_id", "position__code"))
    return pa.table({
        "employee_id": [r[0] for r in rows], "name": [r[1] for r in rows],
        "team_id": [None if r[2] is None else str(r[2]) for r in rows],
        "department_id": [str(r[3]) for r in rows], "center_id": [company.code] * len(rows),
        "position_id": [r[4] for r in rows]})


def write_org(store: Any, company: Any) -> None:
    """Replace the store's org table with the current org (it is a dimension, not an event log)."""
    org_dir = store.root / "org"
    if org_dir.exists():
        shutil.rmtree(org_dir)
    store.write_table("org", org_table(company), source="kaohe.web")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def validate_upload(cycle: Cycle, actor: Any, *, path: Path, file_name: str, table: str | None = None,
                    mapping: str | None = None, timezone_name: str | None = None,
                    correct: bool = False) -> UploadBatch:
    """Check a file of records and keep it for confirmation; the report lists every bad row.

    `timezone_name` is the zone of times written without one (default: the company's zone;
    exports of Kaohe's own event store are naive UTC). `correct`: the rows correct records
    already loaded; a row whose key is stored replaces the stored row (the report says how many
    rows of which earlier uploads) instead of being refused as a duplicate.
    """
    from kaohe.metrics.ingest import import_file

    require(actor, "upload_records", cycle)
    company = cycle.company
    uploads = Path(settings.KAOHE_UPLOADS_DIR) / company.code
    uploads.mkdir(parents=True, exist_ok=True)
    digest = _sha256(Path(path))
    kept = uploads / f"{digest[:16]}-{Path(file_name).name}"
    if not kept.exists():
        shutil.copyfile(path, kept)
    tz = timezone_name or company.time_zone
    # validated against the real store (keys already stored, the org table), committing nothing, so
    # that a file that passes here cannot be refused on confirm ("key already stored")
    with store_lock(store_dir(company)):
        store = _store(company)
        write_org(store, company)
    report = import_file(kept, store, table=table, mapping=mapping, timezone=tz, dry_run=True,
                         **_correcting(correct))
    batch = UploadBatch.objects.create(
        cycle=cycle, table=report.table, mapping=mapping or "", timezone=tz, file_name=Path(file_name).name,
        stored_path=str(kept), sha256=digest,
        status=UploadBatch.Status.VALIDATED if report.ok else UploadBatch.Status.REJECTED,
        rows_read=report.rows_read, report={**report.to_dict(), **replaced_uploads(company, report)},
        uploaded_by=actor, correct=correct)
    record(actor, "upload.validate", batch, after={"file": batch.file_name, "table": batch.table,
                                                   "ok": report.ok, "rows": report.rows_read,
                                                   "errors": report.errors_total}, company_id=company.pk)
    return batch


def confirm_upload(batch: UploadBatch, actor: Any) -> UploadBatch:
    """Load a validated upload into the company's event store (atomic, idempotent)."""
    from kaohe.metrics.ingest import import_file

    cycle = batch.cycle
    require(actor, "upload_records", cycle)
    if batch.status == UploadBatch.Status.REJECTED:
        raise IllegalTransition("该文件校验未通过，不能导入；请修正后重新上传",
                                "This file failed validation and cannot be loaded; fix it and upload again")
    if batch.status == UploadBatch.Status.LOADED:
        return batch  # a double submit loads nothing twice
    with store_lock(store_dir(cycle.company)):
        # re-read under the lock: a confirm running at the same moment may have loaded it already
        batch = UploadBatch.objects.get(pk=batch.pk)
        if batch.status == UploadBatch.Status.LOADED:
            return batch
        store = _store(cycle.company)
        write_org(store, cycle.company)
        report = import_file(batch.stored_path, store, table=batch.table, mapping=batch.mapping or None,
                             timezone=batch.timezone or cycle.company.time_zone, **_correcting(batch.correct))
        if not report.ok:
            UploadBatch.objects.filter(pk=batch.pk).update(status=UploadBatch.Status.REJECTED,
                                                           report=report.to_dict())
            batch.refresh_from_db()
            return batch
        with transaction.atomic():
            UploadBatch.objects.filter(pk=batch.pk).update(
                status=UploadBatch.Status.LOADED, rows_loaded=report.rows_loaded,
                batch_id=report.batch_id or report.already_imported_batch or "", loaded_at=timezone.now(),
                report={**report.to_dict(), **replaced_uploads(cycle.company, report)})
            batch.refresh_from_db()
            _record_load(batch, actor)
    return batch


def _correcting(correct: bool) -> dict[str, Any]:
    """import_file's option for a correction file (left out otherwise)."""
    return {"correct": True} if correct else {}


def replaced_uploads(company: Any, report: Any) -> dict[str, Any]:
    """Which earlier uploads a correction replaces rows of, named as people know them (the file name),
    for the report page: {"replaced": [{"file": ..., "rows": n, "upload": pk or None}], "rows_replaced": n}."""
    superseded: Mapping[str, int] = getattr(report, "superseded", None) or {}
    if not superseded:
        return {}
    uploads = {b.batch_id: b for b in UploadBatch.objects.filter(cycle__company=company,
                                                                   batch_id__in=list(superseded))
               .order_by("uploaded_at")}
    sources: dict[str, str] = {}
    missing = [b for b in superseded if b not in uploads]
    if missing:  # loaded outside the web app (the command line, an API client): the store names the file
        for entry in _store(company).batches():
            if entry.get("batch_id") in missing and entry.get("source"):
                sources[str(entry["batch_id"])] = Path(str(entry["source"])).name
    replaced = []
    for batch_id, rows in sorted(superseded.items(), key=lambda kv: (-kv[1], kv[0])):
        up = uploads.get(batch_id)
        replaced.append({"file": up.file_name if up is not None else sources.get(batch_id, ""),
                         "upload": up.pk if up is not None else None, "rows": int(rows),
                         "loaded_at": up.loaded_at.isoformat() if up is not None and up.loaded_at else None})
    return {"replaced": replaced, "rows_replaced": int(getattr(report, "rows_replaced", 0) or 0)}


def corrected_employees(company: Any, table: str, batch_id: str) -> list[str]:
    """Employee codes of a loaded correction's rows and of the rows it replaced: whose KPI values it changes."""
    import pyarrow.parquet as pq

    store = _store(company)
    entry = next((e for e in store.batches(table) if e.get("batch_id") == batch_id), None)
    files = [store.table_dir(table) / f"batch-{batch_id}.parquet"]
    if entry is not None and entry.get("superseded_path"):
        files.append(store.root / str(entry["superseded_path"]))
    codes: set[str] = set()
    for f in files:
        if not f.exists():
            continue
        cols = [c for c in ("agent_id", "employee_id") if c in pq.read_schema(f).names]
        data = pq.read_table(f, columns=cols) if cols else None
        for c in cols:
            codes.update(str(v) for v in data.column(c).to_pylist() if v is not None)  # type: ignore[union-attr]
    return sorted(codes)


def _record_load(batch: UploadBatch, actor: Any) -> None:
    """The audit trail of a load; a correction also says which earlier uploads lost how many rows."""
    company_id = batch.cycle.company_id
    record(actor, "upload.load", batch, after={"batch_id": batch.batch_id, "rows_loaded": batch.rows_loaded},
           company_id=company_id)
    if batch.correct:
        if batch.batch_id:
            try:
                employees = corrected_employees(batch.cycle.company, batch.table, batch.batch_id)
            except OSError:  # the store's files cannot be read now: the report goes without the names
                employees = []
            UploadBatch.objects.filter(pk=batch.pk).update(report={**(batch.report or {}), "employees": employees})
            batch.refresh_from_db()
        report = batch.report or {}
        record(actor, "upload.correct", batch, after={
            "file": batch.file_name, "table": batch.table, "batch_id": batch.batch_id,
            "rows_replaced": int(report.get("rows_replaced", 0) or 0),
            "replaced": [{"file": r.get("file", ""), "rows": r.get("rows", 0)} for r in report.get("replaced", [])],
            "superseded": report.get("superseded", {}), "employees": report.get("employees", [])},
               company_id=company_id)


def current_computation(cycle: Cycle) -> KpiComputation | None:
    return KpiComputation.objects.filter(cycle=cycle, superseded_by__isnull=True).order_by("-number").first()


def _requested_specs(cycle: Cycle) -> dict[tuple[str, str], tuple[str, dict[str, Any], set[str]]]:
    """(kpi, params key) → (kpi, params, scopes) over every scheme of the cycle."""
    from kaohe.scheme.models import CountsSource, KpiSource

    found: dict[tuple[str, str], tuple[str, dict[str, Any], set[str]]] = {}
    for snap_id in Sheet.objects.filter(cycle=cycle).values_list("scheme", flat=True).distinct():
        from kaohe.web.appraisal.models import SchemeSnapshot

        scheme = SchemeSnapshot.objects.get(pk=snap_id).scheme()
        for cat in scheme.categories:
            for ind in cat.indicators:
                src = ind.source
                refs: list[tuple[str, dict[str, Any], str]] = []
                if isinstance(src, KpiSource):
                    refs.append((src.kpi, dict(src.params), src.scope))
                elif isinstance(src, CountsSource):
                    refs += [(r.kpi, dict(r.params), "self") for r in src.counts.values() if r.kpi]
                for kpi, params, scope in refs:
                    entry = found.setdefault((kpi, params_key(params)), (kpi, params, set()))
                    entry[2].add(scope)
    return found


def company_calendar(company: Any):  # type: ignore[no-untyped-def]
    """The statutory calendar with the company's loaded years and own overrides on top (one calendar:
    kaohe.web.workdays.services.company_calendar). KPIs stay strict: an unloaded year is refused."""
    from kaohe.web.workdays.services import company_calendar as calendar_of

    return calendar_of(company)


def _led_entity(emp: Employee, scope: str, company: Any) -> str | None:
    """Whose figure an employee is rated on for a team / department / center scope."""
    if scope == "center":
        return company.code
    if scope == "department":
        return str(emp.department_id)
    # the team they lead: the team most of their direct reports sit in, else their own
    teams = Counter(t for t in emp.reports.values_list("team_id", flat=True) if t is not None)
    team = teams.most_common(1)[0][0] if teams else emp.team_id
    return None if team is None else str(team)


# --- rollups of a company's store (kaohe.metrics.rollups) --------------------------------------------

_ROLLUP_CACHES: dict[str, Any] = {}
_ROLLUP_CACHES_LOCK = threading.Lock()


def rollup_cache(company: Any) -> Any:
    """The process's RollupCache of a company's store: the day partitions read by earlier computations,
    so a month-to-date recompute reads again only the days whose rollups changed (its `reads` lists
    every day partition read from disk). The rollups key a day by their build and generation, so a full
    rebuild (a changed KPI definition, another zone) is never served from the old partitions."""
    from kaohe.metrics.rollups import RollupCache

    key = str(store_dir(company))
    with _ROLLUP_CACHES_LOCK:
        cache = _ROLLUP_CACHES.get(key)
        if cache is None:
            cache = _ROLLUP_CACHES[key] = RollupCache()
        return cache


def rollup_specs(company: Any, cycle: Cycle | None = None) -> list[Any]:
    """The KPI specs the company's rollups hold: every rolled-up KPI at its defaults (what a fold after
    an import keeps) plus the ones the open cycles' schemes use, with the company's KPI definitions.

    The list depends on the company's schemes and definitions only, not on the cycle computed, so
    computing one cycle after another does not rebuild the rollups; a changed definition does."""
    from kaohe.metrics.catalog.registry import KpiError, get_kpi, kpi_spec
    from kaohe.metrics.rollups import default_specs

    cycles = list(Cycle.objects.filter(company=company, status=Cycle.Status.OPEN))
    if cycle is not None and cycle.pk not in {c.pk for c in cycles}:
        cycles.append(cycle)
    specs = list(default_specs())
    for c in cycles:
        for kpi, params, _scopes in _company_definitions(company, _requested_specs(c)).values():
            try:
                if not get_kpi(kpi).rollup:
                    continue
                specs.append(kpi_spec((kpi, params)))
            except KpiError:
                continue  # compute_kpis reports the bad KPI itself
    return specs


def ensure_rollups(store: Any, company: Any, specs: list[Any]) -> bool:
    """Bring the store's rollups up to date for `specs` (call under the store lock). Never raises:
    rollups that fail to build stay stale, and compute_kpis then reads the records."""
    from kaohe.metrics.rollups import refresh_rollups

    try:
        refresh_rollups(store, tz=company.time_zone, specs=specs)
    except Exception:  # noqa: BLE001 - a computation never waits on its rollups
        log.exception("rollups of %s not refreshed; KPIs are computed from the records", store.root)
        return False
    return True


def _read_from(root: Path, company: Any, period: str, specs: list[Any]) -> str:
    """Whether compute_kpis will read `specs` from the rollups, the records, or both (as it decides:
    rollups current, whole local days in the rollups' zone, the spec rolled up)."""
    from kaohe.metrics.backends import EventSource
    from kaohe.metrics.catalog.periods import Period
    from kaohe.metrics.catalog.registry import KpiError, kpi_spec
    from kaohe.metrics.rollups import open_view, spec_key

    try:
        # open_view looks at the directory only (its manifests and files), no backend is opened
        view = open_view(EventSource(None, data_dir=Path(root)), Period.parse(period), company.time_zone)
    except Exception:  # noqa: BLE001 - the records are the answer whenever the rollups cannot say
        view = None
    if view is None or not specs:
        return "records"
    rolled = {k for info in view.m.get("groups", {}).values() if info.get("keys") for k in info.get("specs", [])}
    served = 0
    for item in specs:
        try:
            served += spec_key(kpi_spec(item)) in rolled
        except KpiError:
            continue
    if served == 0:
        return "records"
    return "rollups" if served == len(specs) else "mixed"


def compute_cycle_kpis(cycle: Cycle, actor: Any) -> KpiComputation:
    """Compute every KPI the cycle's schemes use, for every employee, from the event store."""
    from kaohe.metrics.calendar import CalendarNotLoaded
    from kaohe.metrics.catalog.registry import KpiError
    from kaohe.metrics.compute import compute_kpis
    from kaohe.web.appraisal.services.calendar import UnknownCalendar

    require(actor, "compute_kpis", cycle)
    company = cycle.company
    # the same lock as imports: no KPI is computed from a half-loaded file or org table
    with store_lock(store_dir(company)):
        store = _store(company)
        write_org(store, company)
        # the company's KPI definitions (kaohe.web.kpidefs) win over the schemes' own parameters;
        # values stay filed under the scheme's parameters, which is how sheets look them up
        wanted = _company_definitions(company, _requested_specs(cycle))
        levels = {"self": "agent", "team": "team", "department": "department", "center": "center"}
        scopes = set().union(*(s for _, _, s in wanted.values())) if wanted else set()
        # the rollups first: built once, then each committed import is folded into them (Store.commit)
        ensure_rollups(store, company, rollup_specs(company, cycle))
        read_from = _read_from(store.root, company, cycle.label, [(k, p) for k, p, _ in wanted.values()])
        try:
            values = compute_kpis(str(store.root), [(k, p) for k, p, _ in wanted.values()], cycle.label,
                                  [levels[s] for s in sorted(scopes)] or ["agent"], tz=company.time_zone,
                                  calendar=company_calendar(company),
                                  # a table nobody uploaded yields missing values (None), which the
                                  # sheets then report per their scheme's missing-value policy
                                  missing_tables="missing", rollup_cache=rollup_cache(company))
        except CalendarNotLoaded as exc:
            raise UnknownCalendar(
                f"尚未载入 {exc.year} 年的法定节假日安排，无法计算按工作日统计的指标；请绩效管理员导入该年的节假日与调休工作日",
                f"No statutory holiday schedule is loaded for {exc.year}; KPIs counted in working days cannot be "
                f"computed until HR imports that year's holidays and make-up workdays", year=exc.year) from None
        except KpiError as exc:  # an unknown KPI id or bad parameters in one of the cycle's schemes
            report = ValidationReport()
            report.add("kpi", f"方案中的 KPI 定义有误：{exc}", f"A KPI in the cycle's schemes is invalid: {exc}")
            raise InvalidInput(report, "无法计算 KPI：方案引用了无效的 KPI",
                               "KPIs cannot be computed: a scheme refers to an invalid KPI") from None
    by_entity: dict[tuple[str, str, str, str], Any] = {}
    batches: set[str] = set()
    row_counts: dict[str, int] = {}
    for v in values:
        keys = [pk for (k, pk), (_, p, _s) in wanted.items()
                if k == v.kpi_id and all(v.params.get(x) == y for x, y in p.items())]
        if not keys:
            continue
        for key_params in keys:  # two schemes' parameter sets may meet in one company definition
            by_entity[(v.kpi_id, key_params, v.entity_level, str(v.entity_id))] = v
        for table, info in (v.inputs or {}).items():
            if isinstance(info, dict):
                batches.update(info.get("batches", []) or [])
                if "rows" in info:
                    row_counts[table] = max(row_counts.get(table, 0), int(info["rows"]))
    rows = []
    for emp in Employee.objects.filter(sheets__cycle=cycle).distinct():
        for (kpi, pkey), (_, _p, scope_set) in wanted.items():
            for scope in scope_set:
                entity = emp.code if scope == "self" else _led_entity(emp, scope, company)
                v = by_entity.get((kpi, pkey, levels[scope], str(entity)))
                rows.append({"employee": emp, "kpi": kpi, "params_key": pkey, "scope": scope,
                             "value": None if v is None else v.value,
                             "sample_size": None if v is None else v.sample_size,
                             "unit": "" if v is None else v.unit})
    return _store_computation(cycle, actor, rows, source="metrics", batches=sorted(batches),
                              row_counts=row_counts, read_from=read_from)


def _company_definitions(company: Any, wanted: dict[tuple[str, str], tuple[str, dict[str, Any], set[str]]]
                         ) -> dict[tuple[str, str], tuple[str, dict[str, Any], set[str]]]:
    from kaohe.web.kpidefs.services import current_definitions

    chosen = current_definitions(company)
    return {key: (kpi, {**params, **chosen.get(kpi, {})}, scopes) for key, (kpi, params, scopes) in wanted.items()}


def _store_computation(cycle: Cycle, actor: Any, rows: list[dict[str, Any]], *, source: str,
                       batches: list[str], row_counts: dict[str, int], read_from: str = "") -> KpiComputation:
    from importlib.metadata import PackageNotFoundError, version

    try:
        engine = version("kaohe")
    except PackageNotFoundError:
        engine = "dev"
    with transaction.atomic():
        previous = current_computation(cycle)
        number = (KpiComputation.objects.filter(cycle=cycle).aggregate(m=Max("number"))["m"] or 0) + 1
        comp = KpiComputation.objects.create(cycle=cycle, number=number, computed_at=timezone.now(),
                                             computed_by=actor, source=source, engine_version=engine,
                                             batches=batches, row_counts=row_counts, read_from=read_from)
        KpiValue.objects.bulk_create([KpiValue(computation=comp, **r) for r in rows], batch_size=1000)
        if previous is not None:
            KpiComputation.objects.filter(pk=previous.pk).update(superseded_by=comp)
        record(actor, "kpi.compute", comp, after={"number": number, "values": len(rows), "source": source,
                                                  "batches": batches, "row_counts": row_counts,
                                                  **({"read_from": read_from} if read_from else {})},
               before=None if previous is None else {"number": previous.number}, company_id=cycle.company_id)
    return comp


def record_kpi_values(cycle: Cycle, actor: Any, values: Iterable[Mapping[str, Any]], *,
                      source: str = "manual", batches: list[str] | None = None,
                      row_counts: dict[str, int] | None = None) -> KpiComputation:
    """Store KPI values given directly (an external system, or hand-made demo values) as a new computation.

    Each item: employee (code), kpi, value (None = no data), params, sample_size, unit, scope.
    Every bad item is reported at once and nothing is stored then.
    """
    require(actor, "compute_kpis", cycle)
    codes = dict(Employee.objects.filter(company=cycle.company).values_list("code", "pk"))
    employees = {e.pk: e for e in Employee.objects.filter(company=cycle.company)}
    report = ValidationReport()
    rows = []
    for i, item in enumerate(values, start=1):
        report.rows_read += 1
        code = str(item.get("employee", ""))
        if code not in codes:
            report.add("employee", f"未知员工 {code}", f"Unknown employee {code}", row=i, value=code)
            continue
        raw = item.get("value")
        try:
            value = None if raw is None or raw == "" else Decimal(str(raw))
        except InvalidOperation:
            report.add("value", "不是有效数字", "Not a number", row=i, value=raw)
            continue
        if not item.get("kpi"):
            report.add("kpi", "缺少 KPI 编号", "The KPI id is missing", row=i)
            continue
        rows.append({"employee": employees[codes[code]], "kpi": str(item["kpi"]),
                     "params_key": params_key(item.get("params")), "scope": item.get("scope", "self"),
                     "value": value, "sample_size": item.get("sample_size"), "unit": item.get("unit", "")})
    if not report.ok:
        raise InvalidInput(report)
    return _store_computation(cycle, actor, rows, source=source, batches=batches or [],
                              row_counts=row_counts or {})


def kpi_values_for(sheet: Sheet, user: Any) -> list[KpiValue]:
    require(user, "view_kpi_records", sheet)
    comp = current_computation(sheet.cycle)
    if comp is None:
        return []
    return list(KpiValue.objects.filter(computation=comp, employee=sheet.employee).order_by("kpi", "params_key"))


def kpi_provenance(kpi_value: KpiValue) -> dict[str, Any]:
    """Where a KPI value came from: its computation and the uploads whose records fed it."""
    comp = kpi_value.computation
    uploads = list(UploadBatch.objects.filter(cycle=comp.cycle, batch_id__in=comp.batches).values(
        "id", "file_name", "table", "rows_loaded", "batch_id", "loaded_at"))
    return {"computation": comp.number, "computed_at": comp.computed_at, "source": comp.source,
            "engine_version": comp.engine_version, "read_from": comp.read_from, "batches": comp.batches, "row_counts": comp.row_counts,
            "uploads": uploads, "superseded": comp.superseded_by_id is not None,
            "kpi": kpi_value.kpi, "params": kpi_value.params_key, "scope": kpi_value.scope,
            "value": kpi_value.value, "sample_size": kpi_value.sample_size}


def readiness(cycle: Cycle, actor: Any) -> dict[str, Any]:
    """Before "compute KPIs": which tables the cycle's KPIs read, which are loaded for it, and which
    scheme indicators still lack data in the current computation."""
    from kaohe.metrics.catalog.registry import KpiError, get_kpi

    require(actor, "compute_kpis", cycle)
    needed: dict[str, list[str]] = {}
    for (kpi, _pkey), _entry in _requested_specs(cycle).items():
        try:
            inputs = get_kpi(kpi).inputs
        except KpiError:
            continue
        for table in inputs:
            if table != "org":
                needed.setdefault(table, []).append(kpi)
    loaded: dict[str, int] = {}
    for table, rows, correct, report in UploadBatch.objects.filter(
            cycle=cycle, status=UploadBatch.Status.LOADED).values_list("table", "rows_loaded", "correct", "report"):
        # a correction's rows that replaced loaded rows are not more records
        replaced = int((report or {}).get("rows_replaced", 0) or 0) if correct else 0
        loaded[table] = loaded.get(table, 0) + int(rows or 0) - replaced
    tables = [{"table": t, "kpis": sorted(set(k)), "rows": loaded.get(t), "loaded": t in loaded}
              for t, k in sorted(needed.items())]
    comp = current_computation(cycle)
    lacking: list[dict[str, Any]] = []
    if comp is not None:
        have = set(KpiValue.objects.filter(computation=comp, value__isnull=False).values_list("kpi", flat=True))
        for (kpi, _pkey), _entry in _requested_specs(cycle).items():
            if kpi not in have:
                lacking.append({"kpi": kpi})
    return {"tables": tables, "computation": comp, "lacking": lacking,
            "ready": all(t["loaded"] for t in tables)}


# --- uploads with a column mapping, checked and loaded as background jobs --------------------------


def file_headers(path: Path) -> list[str]:
    """The header row of an uploaded file, as the file writes it."""
    from kaohe.metrics.ingest.readers import SourceError, SourceOptions, read_header, resolve_encoding

    opts = SourceOptions(delimiter="\t" if path.suffix.lower() in (".tsv", ".tab") else ",")
    try:
        return [str(h).strip() for h in read_header(path, opts, resolve_encoding(path, opts))]
    except SourceError as exc:
        report = ValidationReport()
        report.add("file", f"无法读取文件：{exc}", f"The file could not be read: {exc}")
        raise InvalidInput(report) from None


def count_rows(path: Path) -> int:
    """About how many data rows the file has (for the progress bar)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        try:
            return max(0, (wb.worksheets[0].max_row or 1) - 1)
        finally:
            wb.close()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    with open(path, "rb") as fh:
        return max(0, sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b"")) - 1)


def guess_columns(table: str, headers: list[str], titles: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """A first guess of the mapping: a header equal to the column's name or to its Chinese or English title."""
    from kaohe.metrics.events import get_table

    def norm(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    by_norm = {norm(h): h for h in headers}
    guess = {}
    for col in get_table(table).names:
        names = [col, *titles.get(col, ())]
        hit = next((by_norm[norm(n)] for n in names if n and norm(n) in by_norm), "")
        guess[col] = hit
    return guess


def needs_mapping(table: str, headers: list[str]) -> bool:
    """True unless the file already names every required column the canonical way."""
    from kaohe.metrics.events import get_table

    return not set(get_table(table).required) <= set(headers)


def save_column_mapping(company: Any, actor: Any, *, table: str, source: str, headers: list[str],
                        columns: Mapping[str, str]) -> Any:
    """Keep how this source's headers map onto the table; every required column must be mapped."""
    from kaohe.metrics.events import get_table
    from kaohe.web.appraisal.models import ColumnMapping

    schema = get_table(table)
    report = ValidationReport()
    if not source.strip():
        report.add("source", "请为数据来源命名，下次上传同一来源的文件时会沿用此对应关系",
                   "Name the source; the next file from it reuses this mapping")
    for col in schema.columns:
        chosen = columns.get(col.name, "")
        if chosen and chosen not in headers:
            report.add(f"col_{col.name}", f"文件中没有列“{chosen}”", f"The file has no column “{chosen}”", value=chosen)
        elif col.required and not chosen:
            report.add(f"col_{col.name}", "必填字段，请选择文件中对应的列", "Required: choose the file's column for it")
    if not report.ok:
        raise InvalidInput(report)
    clean = {c: columns.get(c, "") for c in schema.names}
    with transaction.atomic():
        existing = ColumnMapping.objects.filter(company=company, table=table, source=source.strip()).first()
        before = None if existing is None else existing.columns
        mapping, _ = ColumnMapping.objects.update_or_create(
            company=company, table=table, source=source.strip(),
            defaults={"headers": headers, "columns": clean, "created_by": actor})
        record(actor, "upload.mapping", mapping, before=before, after={"table": table, "source": source.strip(),
                                                                       "columns": clean}, company_id=company.pk)
    return mapping


def receive_upload(cycle: Cycle, actor: Any, *, path: Path, file_name: str, table: str, source: str = "",
                   correct: bool = False) -> Any:
    """Keep an uploaded file and create its batch, waiting for a mapping or a check (nothing is read yet).

    `correct`: the file's rows correct records already loaded (see `validate_upload`)."""
    from kaohe.web.appraisal.models import ColumnMapping

    require(actor, "upload_records", cycle)
    company = cycle.company
    uploads = Path(settings.KAOHE_UPLOADS_DIR) / company.code
    uploads.mkdir(parents=True, exist_ok=True)
    digest = _sha256(Path(path))
    kept = uploads / f"{digest[:16]}-{Path(file_name).name}"
    if not kept.exists():
        shutil.copyfile(path, kept)
    try:
        headers = file_headers(kept)
    except InvalidInput as error:
        # a file the readers cannot open at all is reported like any bad file; nothing is loaded
        problem = error.report.problems[0]
        batch = UploadBatch.objects.create(
            cycle=cycle, table=table, timezone=company.time_zone, file_name=Path(file_name).name,
            stored_path=str(kept), sha256=digest, status=UploadBatch.Status.REJECTED, uploaded_by=actor,
            correct=correct, report={"errors_total": 1, "rows_read": 0, "source": source.strip(), "headers": [],
                    "errors": [{"row": None, "column": None, "reason": problem.message_en,
                                "message_zh": problem.message_zh, "message_en": problem.message_en}]})
        record(actor, "upload.validate", batch, after={"file": batch.file_name, "table": table, "ok": False},
               company_id=company.pk)
        return batch
    saved = ColumnMapping.objects.filter(company=company, table=table, source=source.strip()).first() \
        if source.strip() else None
    if saved is not None and not {v for v in saved.columns.values() if v} <= set(headers):
        saved = None  # the source changed its export: map again
    batch = UploadBatch.objects.create(
        cycle=cycle, table=table, timezone=company.time_zone, file_name=Path(file_name).name, stored_path=str(kept),
        sha256=digest, status=UploadBatch.Status.CHECKING, uploaded_by=actor, column_mapping=saved,
        correct=correct, report={"headers": headers, "source": source.strip()})
    record(actor, "upload.receive", batch, after={"file": batch.file_name, "table": table, "source": source.strip(),
                                                  "mapping": saved.pk if saved else None,
                                                  **({"correct": True} if correct else {})}, company_id=company.pk)
    return batch


def _mapping_for(batch: UploadBatch) -> Any:
    if batch.column_mapping_id is not None:
        return batch.column_mapping.as_mapping()
    return batch.mapping or None


def check_upload(batch: UploadBatch, actor: Any, job: Any = None) -> UploadBatch:
    """Validate a received file against the real store without committing (privacy/issue 12: a file that
    passes cannot be refused on confirm): the report lists every bad row; nothing is loaded."""
    from kaohe.metrics.ingest import import_file
    from kaohe.web.appraisal import jobs

    require(actor, "upload_records", batch.cycle)
    company = batch.cycle.company
    kept = Path(batch.stored_path)
    progress = jobs.progress_of(job, count_rows(kept)) if job is not None else None
    mapping = _mapping_for(batch)
    with store_lock(store_dir(company)):
        store = _store(company)
        write_org(store, company)
    report = import_file(kept, store, table=None if mapping else batch.table, mapping=mapping,
                         timezone=batch.timezone or company.time_zone, progress=progress, dry_run=True,
                         **_correcting(batch.correct))
    extra = {k: v for k, v in (batch.report or {}).items() if k in ("headers", "source")}
    extra.update(replaced_uploads(company, report))
    # every (column, problem) with its full count: the stored rows stop at a few dozen per problem
    extra["error_counts"] = [[col, cat, n] for (col, cat), n in report.error_counts.items()]
    UploadBatch.objects.filter(pk=batch.pk).update(
        status=UploadBatch.Status.VALIDATED if report.ok else UploadBatch.Status.REJECTED,
        rows_read=report.rows_read, report={**report.to_dict(), **extra})
    batch.refresh_from_db()
    record(actor, "upload.validate", batch, after={"file": batch.file_name, "table": batch.table, "ok": report.ok,
                                                   "rows": report.rows_read, "errors": report.errors_total},
           company_id=company.pk)
    return batch


def load_upload(batch: UploadBatch, actor: Any, job: Any = None) -> UploadBatch:
    """Load a checked file into the company's event store (what `confirm_upload` does, with progress)."""
    from kaohe.metrics.ingest import import_file
    from kaohe.web.appraisal import jobs

    cycle = batch.cycle
    require(actor, "upload_records", cycle)
    progress = jobs.progress_of(job, count_rows(Path(batch.stored_path))) if job is not None else None
    with store_lock(store_dir(cycle.company)):
        batch = UploadBatch.objects.get(pk=batch.pk)
        if batch.status == UploadBatch.Status.LOADED:
            return batch
        store = _store(cycle.company)
        write_org(store, cycle.company)
        mapping = _mapping_for(batch)
        report = import_file(batch.stored_path, store, table=None if mapping else batch.table, mapping=mapping,
                             timezone=batch.timezone or cycle.company.time_zone, progress=progress,
                             **_correcting(batch.correct))
        extra = {k: v for k, v in (batch.report or {}).items() if k in ("headers", "source")}
        extra.update(replaced_uploads(cycle.company, report))
        if not report.ok:
            UploadBatch.objects.filter(pk=batch.pk).update(status=UploadBatch.Status.REJECTED,
                                                           report={**report.to_dict(), **extra})
            batch.refresh_from_db()
            return batch
        with transaction.atomic():
            UploadBatch.objects.filter(pk=batch.pk).update(
                status=UploadBatch.Status.LOADED, rows_loaded=report.rows_loaded,
                batch_id=report.batch_id or report.already_imported_batch or "", loaded_at=timezone.now(),
                report={**report.to_dict(), **extra})
            batch.refresh_from_db()
            _record_load(batch, actor)
    return batch


def start_upload_job(batch: UploadBatch, actor: Any, kind: str) -> Any:
    """Check ("check") or load ("load") the file in the background; the page polls the job."""
    from kaohe.web.appraisal import jobs
    from kaohe.web.appraisal.models import Job

    require(actor, "upload_records", batch.cycle)
    if kind == "load":
        if batch.status == UploadBatch.Status.REJECTED:
            raise IllegalTransition("该文件校验未通过，不能导入；请修正后重新上传",
                                    "This file failed validation and cannot be loaded; fix it and upload again")
        if batch.status != UploadBatch.Status.VALIDATED:
            raise IllegalTransition("该文件尚未通过校验，不能导入", "This file has not passed the check yet")
        UploadBatch.objects.filter(pk=batch.pk).update(status=UploadBatch.Status.LOADING)
    else:
        UploadBatch.objects.filter(pk=batch.pk).update(status=UploadBatch.Status.CHECKING)
    job = Job.objects.create(kind=f"upload.{kind}", company=batch.cycle.company, upload=batch, created_by=actor)
    work = load_upload if kind == "load" else check_upload

    def run(j: Any) -> None:
        try:
            work(UploadBatch.objects.get(pk=batch.pk), actor, j)
        except Exception:
            # the file stays where it was: checked files can be loaded again, unread ones are rejected
            UploadBatch.objects.filter(pk=batch.pk).update(
                status=UploadBatch.Status.VALIDATED if kind == "load" else UploadBatch.Status.REJECTED)
            raise

    return jobs.start(job, run)
