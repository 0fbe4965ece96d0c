"""The whole appraisal cycle on a demo call center, for `make serve` afterwards.

    python -m kaohe.web.demo            (or: python manage.py kaohe_demo)

1. creates the embedded database (migrate);
2. loads the position library (all 32 positions);
3. generates a demo center with `kaohe.metrics.generator` (agents, supervisors, a
   manager, QA, planner, account managers) and adds one employee for every other
   library position, each reporting to the holder of its superior position;
4. uploads a month of the generated records through the same validate → confirm
   path HR uses, and computes the KPIs of each cycle;
5. opens the cycles (monthly for specialists, quarterly for supervisors and managers,
   annual for the director), rates, scores and walks every sheet to published;
6. prints a summary and the demo logins.

KPIs that the generated records cannot feed (budgets, key accounts … of positions
the generator does not model) get seeded demo values, recorded in a computation of
source ``metrics+demo`` so that their origin stays visible.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

DEMO_PASSWORD = "kaohe-demo-2026"
MONTH = "2026-03"
SEED = 7
AGENTS = 24
GENERATOR_POSITIONS = {  # the generator's position ids → the library's
    "call_center_agent": "call_center_agent",
    "call_center_supervisor": "agent_supervisor",
    "call_center_manager": "call_center_manager",
    "customer_service_director": "customer_service_director",
    "quality_inspector": "service_quality_inspector",
    "workforce_planner": "traffic_forecast_specialist",
    "account_manager": "key_account_service_specialist",
}
LEVEL_RANK = {"director": 0, "manager": 1, "supervisor": 2, "specialist": 3}
NAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")


def main(argv: list[str] | None = None) -> int:
    import os

    from kaohe.web import setup_django

    if os.environ.get("KAOHE_ENV", "").lower() == "production":
        # the demo's logins share a published password: never create them on a production site
        raise SystemExit("演示不能在生产环境运行 / the demo refuses to run with KAOHE_ENV=production")
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if "--keep" not in (argv or []):
        _start_afresh()
    summary = run_demo()
    print_summary(summary)
    _export_outputs(Path(os.environ.get("KAOHE_DEMO_OUT", "out/demo")))
    return 0


def _export_outputs(out: Path) -> None:
    """Score sheets (xlsx, pdf), the payroll and the dashboard of the cycle just published."""
    from kaohe.web.demo_outputs import export_demo_outputs
    from kaohe.web.org.models import Company

    print(f"\n写出考核表、工资表与看板 / writing sheets, payroll and the dashboard to {out}/ …")
    written = export_demo_outputs(Company.objects.get(code="demo"), out)
    sheets = sum(1 for p in written.values() if str(p).endswith(".pdf"))
    print(f"  {len(written)} 个文件 files, {sheets} 份 PDF 考核表 score sheets; "
          f"打开 open {out}/dashboard.html, {out}/payroll.xlsx")


def _start_afresh() -> None:
    """Re-running the demo on the embedded database starts from an empty one (never on PostgreSQL)."""
    import shutil

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kaohe.web.org.models import Company

    if not Company.objects.filter(code="demo").exists():
        return
    if connection.vendor != "sqlite":
        raise SystemExit("演示公司已存在；PostgreSQL 上不会自动删除数据 / the demo company exists; "
                         "Kaohe does not wipe a PostgreSQL database")
    db_file = Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    db_file.unlink()
    for folder in (Path(settings.KAOHE_EVENTS_DIR) / "demo", Path(settings.KAOHE_UPLOADS_DIR) / "demo"):
        shutil.rmtree(folder, ignore_errors=True)
    print(f"重建演示数据库 / recreating the demo database {db_file}")
    call_command("migrate", verbosity=0, interactive=False)


def run_demo(*, agents: int = AGENTS, out: Any = None) -> dict[str, Any]:
    """Build the demo and return its summary (used by the tests too)."""
    from kaohe.web.org.models import Company

    if Company.objects.filter(code="demo").exists():
        raise SystemExit("演示公司已存在：删除数据库（var/kaohe.sqlite3）后重跑 / the demo company exists already; "
                         "delete the database (var/kaohe.sqlite3) and run again")
    rng = random.Random(SEED)
    from kaohe.library import default_library

    library = default_library()
    with tempfile.TemporaryDirectory(prefix="kaohe-demo-records-") as tmp:
        from kaohe.metrics.generator import generate

        counts = generate(tmp, agents=agents, month=MONTH, seed=SEED)
        ctx = _build_org(library, Path(tmp))
        cycles = _open_cycles(ctx)
        uploads = _upload_records(ctx, cycles[0], Path(tmp))
    for cycle in cycles:
        _compute(ctx, cycle, rng)
    for cycle in cycles:
        _walk(ctx, cycle, rng)
    _open_appeal(ctx, cycles[0])
    live = _live_cycle(ctx, rng)
    summary = _summary(ctx, cycles, counts, uploads)
    summary["live"] = _live_summary(live)
    return summary


# --- org --------------------------------------------------------------------------------------


def _user(username: str, persona: bool = False) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model()(username=username)
    if persona:
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()  # only the printed personas can log in
    user.save()
    return user


def _build_org(library: Any, records: Path) -> dict[str, Any]:
    from kaohe.metrics.store import Store
    from kaohe.web.org.models import Company, Department, Employee, Position, RoleAssignment, Team

    company = Company.objects.create(code="demo", name="示范客服中心", grade_distribution_target={
        "A": 10, "B": 20, "C": 60, "D": 10})
    positions = {}
    for lp in library.positions.values():
        p = lp.position
        positions[p.id] = Position.objects.create(code=p.id, name_zh=p.name.zh, name_en=p.name.en, level=p.level)
    gm_position = Position.objects.create(code="general_manager", name_zh="总经理", name_en="General manager",
                                          level="director", external=True)
    root = Department.objects.create(company=company, code="center", name="客服中心")
    depts: dict[str, Any] = {}
    for lp in library.positions.values():
        d = lp.position.department
        if d.id not in depts:
            depts[d.id] = Department.objects.create(company=company, parent=root, code=d.id, name=d.name.zh)
    hired = dt.date(2024, 7, 1)
    gm = Employee.objects.create(company=company, user=_user("gm", True), code="GM", name="总经理", department=root,
                                 position=gm_position, level="director", hire_date=hired)
    holders: dict[str, Any] = {}  # library position id → first employee holding it

    org = Store(records).read_table("org").to_pylist()
    by_gen_id: dict[str, Any] = {}
    teams: dict[str, Any] = {}
    agent_dept = depts[library.position("call_center_agent").position.department.id]
    rows = sorted(org, key=lambda r: LEVEL_RANK[positions[GENERATOR_POSITIONS[r["position_id"]]].level])
    for r in rows:
        pos = positions[GENERATOR_POSITIONS[r["position_id"]]]
        dept = root if pos.level == "director" else depts[
            library.position(pos.code).position.department.id] if pos.code != "call_center_agent" else agent_dept
        team = None
        if r["team_id"].startswith("T"):
            team = teams.get(r["team_id"]) or teams.setdefault(r["team_id"], Team.objects.create(
                department=agent_dept, code=r["team_id"].lower(), name=f"座席{int(r['team_id'][1:])}组"))
        emp = Employee.objects.create(company=company, user=_user(r["employee_id"].lower()), code=r["employee_id"],
                                      name=r["name"], department=dept, team=team, position=pos, level=pos.level,
                                      hire_date=hired)
        by_gen_id[r["employee_id"]] = emp
        holders.setdefault(pos.code, emp)
    # one employee for every other library position, managers first
    n = 0
    for lp in sorted(library.positions.values(), key=lambda lp: LEVEL_RANK[lp.position.level]):
        p = lp.position
        if p.id in holders:
            continue
        n += 1
        emp = Employee.objects.create(
            company=company, user=_user(f"x{n:02d}"), code=f"X{n:02d}",
            name=NAMES[n % len(NAMES)] + p.name.zh[-2:], department=depts[p.department.id],
            position=positions[p.id], level=p.level, hire_date=hired,
            manager=holders.get(p.superior.id) if p.superior.id else gm)
        holders[p.id] = emp
    # the generator's reporting lines: agents → their team's supervisor → manager → director
    for emp in by_gen_id.values():
        manager = None
        if emp.position.code == "call_center_agent":
            manager = Employee.objects.filter(team=emp.team, position__code="agent_supervisor").first()
        elif emp.position.code == "customer_service_director":
            manager = gm
        else:
            sup = library.position(emp.position.code).position.superior.id
            manager = holders.get(sup)
        Employee.objects.filter(pk=emp.pk).update(manager=manager)
    # demo personas: usernames that say who they are
    personas = {
        "agent": Employee.objects.filter(position__code="call_center_agent").order_by("code").first(),
        "director": holders["customer_service_director"],
        "reviewer": holders["call_center_manager"],
        "qa": holders["service_quality_inspector"],
    }
    personas["supervisor"] = personas["agent"].manager
    for name, emp in personas.items():
        user = emp.user
        user.username = name
        user.set_password(DEMO_PASSWORD)
        user.save()
    hr = _user("hr", True)
    auditor = _user("auditor", True)
    for user, role in ((hr, "hr"), (auditor, "auditor"), (personas["qa"].user, "qa"),
                       (personas["director"].user, "director"), (gm.user, "reviewer")):
        RoleAssignment.objects.create(user=user, company=company, role=role, scope="company")
    for team in teams.values():
        sup = Employee.objects.filter(team=team, position__code="agent_supervisor").first()
        if sup:
            RoleAssignment.objects.create(user=sup.user, company=company, role="supervisor", scope="team", team=team)
    RoleAssignment.objects.create(user=personas["reviewer"].user, company=company, role="reviewer",
                                  scope="department", department=agent_dept)
    return {"company": company, "hr": hr, "auditor": auditor, "gm": gm, "personas": personas,
            "library": library}


# --- cycles and data --------------------------------------------------------------------------


def _open_cycles(ctx: dict[str, Any]) -> list[Any]:
    from kaohe.web.appraisal import services as svc
    from kaohe.web.org.models import Position

    company, hr = ctx["company"], ctx["hr"]
    by_level = {"specialist": "monthly", "supervisor": "quarterly", "manager": "quarterly", "director": "annual"}
    plan = [("monthly", MONTH, dt.date(2026, 3, 1), dt.date(2026, 3, 31), "2026年3月 月度考核"),
            ("quarterly", "2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026年第一季度 季度考核"),
            ("annual", "2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026年度 年度考核")]
    cycles = []
    for period, label, start, end, name in plan:
        positions = [p for p in Position.objects.exclude(code="general_manager") if by_level[p.level] == period]
        cycles.append(svc.open_cycle(company, hr, period=period, label=label, start=start, end=end, name=name,
                                     positions=positions,
                                     rating_deadline=dt.datetime(end.year, end.month, end.day, tzinfo=dt.UTC)
                                     + dt.timedelta(days=7)))
    return cycles


def _upload_records(ctx: dict[str, Any], cycle: Any, records: Path) -> list[Any]:
    """A month of records, through the same validate → confirm path as an HR upload."""
    from kaohe.metrics.store import Store
    from kaohe.web.appraisal import services as svc

    store = Store(records)
    batches = []
    for table in sorted({b["table"] for b in store.batches()} - {"org"}):
        for i, path in enumerate(store.table_files(table), start=1):
            batch = svc.validate_upload(cycle, ctx["hr"], path=path, file_name=f"{table}-{MONTH}-{i}.parquet",
                                        table=table, timezone_name="UTC")
            if batch.status != "validated":
                raise SystemExit(f"demo records failed validation: {table}: {batch.report.get('errors', [])[:3]}")
            batches.append(svc.confirm_upload(batch, ctx["hr"]))
    return batches


def _demo_value(unit: str, target: Decimal | None, rng: random.Random) -> Decimal:
    if target is not None and target != 0:
        return (target * Decimal(str(rng.uniform(0.85, 1.1)))).quantize(Decimal("0.01"))
    if unit in ("%",):
        return Decimal(str(round(rng.uniform(80, 99), 2)))
    if unit in ("count", "次", "件", "个"):
        return Decimal(rng.randint(0, 2))
    return Decimal(str(round(rng.uniform(60, 95), 2)))


def _compute(ctx: dict[str, Any], cycle: Any, rng: random.Random) -> None:
    """Compute from the records; fill what they cannot feed with seeded demo values (source metrics+demo)."""
    from kaohe.scheme.models import CountsSource, KpiSource
    from kaohe.web.appraisal import services as svc
    from kaohe.web.appraisal.models import KpiValue
    from kaohe.web.appraisal.services.calendar import UnknownCalendar

    try:
        comp = svc.compute_cycle_kpis(cycle, ctx["hr"])
    except UnknownCalendar as exc:
        # e.g. the annual cycle: its working-day KPIs reach into a year whose schedule is not published
        ctx.setdefault("notes", []).append(f"{cycle.name}: {exc.message_zh} —— 演示改用示例数值 / demo values used")
        comp = None
    known = {} if comp is None else {
        (kv.employee_id, kv.kpi, kv.params_key, kv.scope): kv for kv in KpiValue.objects.filter(computation=comp)}
    if known and all(kv.value is not None for kv in known.values()):
        return
    from kaohe.web.appraisal.services.data import params_key

    values = []
    for sheet in cycle.sheets.select_related("employee", "scheme"):
        for cat in sheet.scheme.scheme().categories:
            for ind in cat.indicators:
                src = ind.source
                refs = []
                if isinstance(src, KpiSource):
                    refs.append((src.kpi, src.params, src.scope, ind.target))
                elif isinstance(src, CountsSource):
                    refs += [(r.kpi, r.params, "self", None) for r in src.counts.values() if r.kpi]
                for kpi, params, scope, target in refs:
                    kv = known.get((sheet.employee_id, kpi, params_key(params), scope))
                    have = kv is not None and kv.value is not None
                    unit = "count" if isinstance(src, CountsSource) else ind.unit
                    values.append({"employee": sheet.employee.code, "kpi": kpi, "params": params, "scope": scope,
                                   "value": kv.value if have else _demo_value(unit, target, rng),
                                   "sample_size": kv.sample_size if have else 30, "unit": kv.unit if kv else ""})
    seen = set()
    unique = []
    for v in values:
        key = (v["employee"], v["kpi"], params_key(v["params"]), v["scope"])
        if key not in seen:
            seen.add(key)
            unique.append(v)
    svc.record_kpi_values(cycle, ctx["hr"], unique, source="metrics+demo" if comp else "demo",
                          batches=comp.batches if comp else [], row_counts=comp.row_counts if comp else {})


# --- the workflow -----------------------------------------------------------------------------


def _rate_all(sheet: Any, role: str, user: Any, rng: random.Random) -> None:
    from kaohe.web.appraisal import services as svc

    for item in svc.manual_items(sheet):
        if role not in item.roles:
            continue
        if item.counts:
            svc.submit_rating(sheet, user, role=role, indicator=item.indicator,
                              counts={c: rng.choice([0, 0, 0, 1]) for c in item.counts})
        elif item.levels:
            # a level item takes a level; several raters of one role agree here, since the scoring
            # layer averages a role's raters and a mean of levels (3.67) is no level
            pick = random.Random(f"{sheet.pk}-{item.indicator}-{role}") if role in ("peer", "customer") else rng
            upper = [lv[0] for lv in item.levels][len(item.levels) // 2:]
            score = Decimal(pick.choice(upper))
            svc.submit_rating(sheet, user, role=role, indicator=item.indicator, score=score)
        else:
            lo, hi = float(item.min), float(item.max)
            score = Decimal(str(round(rng.uniform(lo + (hi - lo) * 0.6, hi), 0 if hi <= 10 else 1)))
            svc.submit_rating(sheet, user, role=role, indicator=item.indicator, score=score)
        sheet.refresh_from_db()


def _colleagues(sheet: Any, n: int) -> list[Any]:
    from kaohe.web.org.models import Employee

    emp = sheet.employee
    same = Employee.objects.filter(manager=emp.manager).exclude(pk=emp.pk).exclude(user=None)
    others = Employee.objects.filter(company=emp.company).exclude(pk=emp.pk).exclude(manager=emp.manager)
    found = list(same[:n])
    found += list(others.exclude(user=None).order_by("code")[: n - len(found)])
    return [e.user for e in found]


def _walk(ctx: dict[str, Any], cycle: Any, rng: random.Random) -> None:
    from kaohe.web.appraisal import services as svc
    from kaohe.web.permissions import relations

    hr, qa = ctx["hr"], ctx["personas"]["qa"].user
    for sheet in list(cycle.sheets.select_related("employee__manager__manager", "employee__user")):
        emp = sheet.employee
        supervisor = emp.manager.user
        reviewer = (emp.manager.manager.user if emp.manager.manager else ctx["gm"].user)
        sheet = svc.set_targets(sheet, supervisor)
        sheet = svc.acknowledge_targets(sheet, emp.user)
        sheet = svc.start_self_review(sheet, hr)
        items = svc.manual_items(sheet)
        roles = {r for i in items for r in i.roles}
        if "qa" in roles and "qa" in relations(qa, emp, sheet):
            _rate_all(sheet, "qa", qa, rng)
        for role in ("peer", "customer"):
            if role in roles:
                raters = _colleagues(sheet, 3)
                svc.request_ratings(sheet, supervisor, role=role, raters=raters)
                for user in raters:
                    _rate_all(sheet, role, user, rng)
        sheet.refresh_from_db()
        _rate_all(sheet, "self", emp.user, rng)
        for row in svc.competency_ratings(sheet):
            svc.rate_competency(sheet, emp.user, competency=row.competency,
                                level=max(1, min(5, row.required_level + rng.choice([-1, 0, 0, 1]))))
            sheet.refresh_from_db()
        sheet = svc.submit_self_review(sheet, emp.user)
        _rate_all(sheet, "supervisor", supervisor, rng)
        for row in svc.competency_ratings(sheet):
            svc.rate_competency(sheet, supervisor, competency=row.competency,
                                level=max(1, min(5, row.required_level + rng.choice([-1, -1, 0, 0, 1]))))
            sheet.refresh_from_db()
        sheet = svc.submit_supervisor_review(sheet, supervisor)
        _rate_all(sheet, "reviewer", reviewer, rng)
        sheet = svc.approve(sheet, reviewer)
        sheet = svc.publish(sheet, hr)


# --- live work: the current month in progress --------------------------------------------------

# Where the live cycle's sheets stop, in turn, so that every demo login has something to do.
LIVE_STOPS = ["targets_set", "self_review", "supervisor_review", "supervisor_review", "reviewer_approval",
              "calibration", "draft"]


def _open_appeal(ctx: dict[str, Any], cycle: Any) -> None:
    """One agent of the published month appeals (not the `agent` login: its sheet stays for trying)."""
    from kaohe.web.appraisal import services as svc

    me = ctx["personas"]["agent"]
    sheet = (cycle.sheets.filter(employee__position__code="call_center_agent", state="published")
             .exclude(employee=me).select_related("employee__user").order_by("employee__code").first())
    if sheet is not None:
        svc.file_appeal(sheet, sheet.employee.user, "质检抽检的两通录音并非本人接听，请复核质检评分。",
                        [{"kind": "text", "note": "工号登录记录显示当时本人在培训"}])


def _live_cycle(ctx: dict[str, Any], rng: random.Random) -> Any:
    """This month's cycle for the monthly positions, with sheets waiting at each step."""
    from django.utils import timezone

    from kaohe.web.appraisal import services as svc
    from kaohe.web.org.models import Position

    company, hr = ctx["company"], ctx["hr"]
    today = timezone.localdate()
    label = f"{today.year}-{today.month:02d}"
    if label == MONTH:
        label = svc.next_label("monthly", today)
    start, end = svc.period_bounds("monthly", label)  # type: ignore[misc]
    positions = list(Position.objects.filter(level="specialist").exclude(code="general_manager"))
    cycle = svc.open_cycle(company, hr, period="monthly", label=label, start=start, end=end,
                           name=f"{start.year}年{start.month}月 月度考核", positions=positions,
                           leave_out_unschemed=True, deadlines=svc.default_deadlines(start, end))
    _compute(ctx, cycle, rng)
    me = ctx["personas"]["agent"]
    sheets = list(cycle.sheets.select_related("employee__manager__manager", "employee__user")
                  .order_by("employee__code"))
    # the agent login acknowledges its targets; the others stop along the way in turn
    sheets.sort(key=lambda s: (s.employee_id != me.pk, s.employee.code))
    for i, sheet in enumerate(sheets):
        _walk_to(ctx, sheet, LIVE_STOPS[i % len(LIVE_STOPS)], rng)
    return cycle


def _walk_to(ctx: dict[str, Any], sheet: Any, stop: str, rng: random.Random) -> None:
    from kaohe.web.appraisal import services as svc

    emp = sheet.employee
    supervisor = emp.manager.user
    reviewer = emp.manager.manager.user if emp.manager.manager else ctx["gm"].user
    order = ["draft", "targets_set", "targets_acknowledged", "self_review", "supervisor_review",
             "reviewer_approval", "calibration"]

    def reached(state: str) -> bool:
        return order.index(stop) <= order.index(state)

    if reached("draft") and stop == "draft":
        return
    sheet = svc.set_targets(sheet, supervisor)
    if stop == "targets_set":
        return
    sheet = svc.acknowledge_targets(sheet, emp.user)
    sheet = svc.start_self_review(sheet, ctx["hr"])
    if stop == "self_review":
        return
    _rate_all(sheet, "self", emp.user, rng)
    sheet = svc.submit_self_review(sheet, emp.user)
    if stop == "supervisor_review":
        return
    _rate_all(sheet, "supervisor", supervisor, rng)
    sheet.refresh_from_db()
    try:
        sheet = svc.submit_supervisor_review(sheet, supervisor)
    except Exception:  # noqa: BLE001 — a demo sheet that cannot go on simply waits where it is
        return
    if stop == "reviewer_approval":
        return
    _rate_all(sheet, "reviewer", reviewer, rng)
    sheet.refresh_from_db()
    try:
        svc.approve(sheet, reviewer)
    except Exception:  # noqa: BLE001 — incomplete: it waits for the reviewer (HR may exclude it)
        return


def _live_summary(cycle: Any) -> dict[str, Any]:
    states = Counter(cycle.sheets.values_list("state", flat=True))
    return {"name": cycle.name, "label": cycle.label, "sheets": cycle.sheets.count(), "states": dict(states)}


# --- summary ----------------------------------------------------------------------------------


def _summary(ctx: dict[str, Any], cycles: list[Any], counts: dict[str, int], uploads: list[Any]) -> dict[str, Any]:
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.audit.services import verify_chain
    from kaohe.web.org.models import Employee, Position

    covered = set(Employee.objects.filter(sheets__isnull=False).values_list("position__code", flat=True))
    per_cycle = []
    for c in cycles:
        sheets = Sheet.objects.filter(cycle=c).select_related("current_score")
        grades = Counter(s.current_score.grade or "—" for s in sheets if s.current_score)
        states = Counter(s.state for s in sheets)
        complete = sum(1 for s in sheets if s.current_score and s.current_score.total is not None)
        per_cycle.append({"name": c.name, "sheets": sheets.count(), "states": dict(states),
                          "grades": dict(sorted(grades.items())), "complete": complete})
    chain = verify_chain()
    return {"company": ctx["company"].name, "employees": Employee.objects.count(),
            "positions_covered": len(covered),
            "library_positions": Position.objects.exclude(code="general_manager").count(),
            "records": {k: v for k, v in counts.items() if k != "org"}, "uploads": len(uploads),
            "cycles": per_cycle, "audit_events": chain.checked, "audit_ok": chain.ok,
            "notes": ctx.get("notes", []),
            "logins": ["hr", "director", "reviewer", "supervisor", "agent", "qa", "auditor", "gm"]}


def print_summary(s: dict[str, Any]) -> None:
    print(f"\n== Kaohe 演示 / demo: {s['company']} ==")
    print(f"员工 employees: {s['employees']}   岗位覆盖 positions with a sheet: "
          f"{s['positions_covered']}/{s['library_positions']}")
    print(f"导入记录 records uploaded ({s['uploads']} files): "
          + ", ".join(f"{k} {v:,}" for k, v in s["records"].items()))
    for c in s["cycles"]:
        print(f"- {c['name']}: {c['sheets']} 张考核表 sheets, 状态 states {c['states']}, "
              f"完整评分 fully scored {c['complete']}, 等级 grades {c['grades']}")
    for note in s["notes"]:
        print(f"  注 note: {note}")
    live = s.get("live")
    if live:
        print(f"- 进行中 in progress: {live['name']}: {live['sheets']} 张考核表 sheets, 状态 states {live['states']}")
    print(f"审计事件 audit events: {s['audit_events']}, 哈希链 chain {'完好 intact' if s['audit_ok'] else '损坏 BROKEN'}")
    print(f"\n演示登录 demo logins for `make serve` (http://127.0.0.1:8000), password 密码: {DEMO_PASSWORD}")
    roles = {"hr": "绩效管理员 HR", "director": "客服总监 director", "reviewer": "审核人 reviewer (呼叫中心经理)",
             "supervisor": "考核人 supervisor (座席主管)", "agent": "被考核人 agent (座席员)", "qa": "质检员 QA",
             "auditor": "审计 auditor", "gm": "总经理 general manager (reviews the director)"}
    for u in s["logins"]:
        print(f"  {u:<11} {roles[u]}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
