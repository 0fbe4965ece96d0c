"""Web load benchmark (`make bench`, not a test).

Builds a company of 10,000 employees in a fresh PostgreSQL database `kaohe_bench`, serves
it with gunicorn (deploy/gunicorn.conf.py) on loopback, and drives it with 50 concurrent
users who really log in through the login page:

  - agents open their appraisal (`/me/`, which leads to their own sheet);
  - supervisors open their team page (`/team/`);
  - an integration pushes KPI source records in bulk (`POST /api/v1/records/surveys`);
  - every user also fetches a static file (the baseline: the same gunicorn, no view, no database).

It stops by itself (a request budget per user and a time limit), prints p50/p95/p99 per
kind, throughput and errors, and writes them into docs/benchmarks.md between the markers
`<!-- load-bench -->` and `<!-- /load-bench -->`, with each kind's latency as a ratio of
the baseline measured in the same run. Target: p95 ≤ 300 ms, no errors.

Fairness: the client runs on the same cores as the server, so it is kept cheap (one
keep-alive `requests.Session` per user, threads that mostly sleep through a think time),
its own CPU time is measured (os.times) and reported next to gunicorn's and PostgreSQL's,
and the first `--warmup` seconds (workers importing, connections opening, caches filling)
are left out of the figures.

    nice -n 5 .venv/bin/python bench/load_bench.py [--users 50] [--employees 10000]
        [--requests 100] [--seconds 120] [--warmup 15] [--think 1.0] [--pushes 20] [--push-rows 500]
        [--keep-db] [--no-docs]

`--keep-db` reuses the database of the previous run (new passwords, a new token) to
compare gunicorn settings quickly, e.g. KAOHE_WORKER_CLASS=gthread KAOHE_WORKERS=2 KAOHE_THREADS=8.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DB_NAME = "kaohe_bench"
DATA_DIR = REPO / ".bench-data" / "web"
DOCS = REPO / "docs" / "benchmarks.md"
BEGIN, END = "<!-- load-bench -->", "<!-- /load-bench -->"
PASSWORD = secrets.token_urlsafe(12)  # one fresh password for every bench user, never stored
TARGET_P95_MS = 300.0
STATIC = "/static/kaohe/css/kaohe.css"


def configure_env(port: int) -> dict[str, str]:
    env = {
        "KAOHE_ENV": "production", "KAOHE_DEBUG": "false",
        "KAOHE_SECRET_KEY": secrets.token_urlsafe(50), "KAOHE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KAOHE_DB": "postgres", "KAOHE_DB_NAME": DB_NAME, "KAOHE_DATA_DIR": str(DATA_DIR),
        "KAOHE_BIND": f"127.0.0.1:{port}", "KAOHE_ACCESS_LOG": "/dev/null", "KAOHE_LOG_LEVEL": "warning",
        # throttling counts failures only; 50 bench logins from one address must not trip it
        "KAOHE_LOGIN_FAILURE_LIMIT": "1000",
        # keep PostgreSQL connections between requests, as docs/operations.md recommends behind gunicorn
        "KAOHE_DB_CONN_MAX_AGE": os.environ.get("KAOHE_DB_CONN_MAX_AGE", "60"),
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.web.settings")
    return {**os.environ, **env}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def recreate_database() -> None:
    import psycopg

    host = os.environ.get("KAOHE_DB_HOST", "127.0.0.1")
    user = os.environ.get("KAOHE_DB_USER", "postgres")
    with psycopg.connect(host=host, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


# ---- data --------------------------------------------------------------------------------------
@dataclass
class World:
    agents: list[str]  # usernames
    supervisors: list[str]
    hr: str
    token: str
    sheets: int


def build_world(n_employees: int) -> World:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from kaohe.scheme.models import KpiSource
    from kaohe.web.appraisal import library_bridge
    from kaohe.web.appraisal import services as svc
    from kaohe.web.appraisal.models import Cycle, KpiComputation, KpiValue, Sheet
    from kaohe.web.appraisal.services.data import params_key
    from kaohe.web.org.models import Company, Department, Employee, Position, RoleAssignment, Team

    rng = random.Random(7)
    User = get_user_model()
    pw = make_password(PASSWORD)  # hashed once (Argon2 is slow on purpose), shared by all bench users
    company = Company.objects.create(code="bench", name="基准客服中心")
    center = Department.objects.create(company=company, code="center", name="客服中心")
    n_depts, teams_per_dept = 10, 60
    depts = Department.objects.bulk_create([Department(company=company, code=f"d{i:02d}", name=f"{i}部",
                                                       parent=center) for i in range(n_depts)])
    teams = Team.objects.bulk_create([Team(department=d, code=f"t{j:02d}", name=f"{j}组")
                                      for d in depts for j in range(teams_per_dept)])
    pos = {
        "agent": Position.objects.create(code="call_center_agent", name_zh="呼叫中心座席员", level="specialist"),
        "supervisor": Position.objects.create(code="agent_supervisor", name_zh="座席主管", level="supervisor"),
        "manager": Position.objects.create(code="call_center_manager", name_zh="呼叫中心经理", level="manager"),
        "director": Position.objects.create(code="customer_service_director", name_zh="客服总监",
                                            level="director"),
    }
    n_agents = n_employees - 1 - n_depts - len(teams)
    names = (["director", "hr"] + [f"m{i:02d}" for i in range(n_depts)] + [f"s{i:04d}" for i in range(len(teams))]
             + [f"a{i:05d}" for i in range(n_agents)])
    User.objects.bulk_create([User(username=n, password=pw, email=f"{n}@bench.invalid") for n in names],
                             batch_size=2000)
    uid = dict(User.objects.values_list("username", "pk"))
    hired = dt.date(2024, 1, 1)

    def emp(name: str, code: str, p: str, dept: Department, team: Team | None, manager: Employee | None) -> Employee:
        return Employee(company=company, user_id=uid[name], code=code, name=name, department=dept, team=team,
                        position=pos[p], level=pos[p].level, manager=manager, hire_date=hired)

    director = Employee.objects.bulk_create([emp("director", "D0001", "director", center, None, None)])[0]
    managers = Employee.objects.bulk_create([emp(f"m{i:02d}", f"M{i:04d}", "manager", d, None, director)
                                             for i, d in enumerate(depts)])
    sups = Employee.objects.bulk_create([emp(f"s{i:04d}", f"S{i:04d}", "supervisor", t.department, t,
                                             managers[depts.index(t.department)]) for i, t in enumerate(teams)])
    agents = Employee.objects.bulk_create([emp(f"a{i:05d}", f"A{i:05d}", "agent", teams[i % len(teams)].department,
                                               teams[i % len(teams)], sups[i % len(teams)])
                                           for i in range(n_agents)], batch_size=2000)
    roles = [RoleAssignment(user_id=uid["director"], company=company, role="director", scope="company"),
             RoleAssignment(user_id=uid["hr"], company=company, role="hr", scope="company")]
    roles += [RoleAssignment(user_id=uid[f"m{i:02d}"], company=company, role="reviewer", scope="department",
                             department=d) for i, d in enumerate(depts)]
    roles += [RoleAssignment(user_id=uid[f"s{i:04d}"], company=company, role="supervisor", scope="team", team=t)
              for i, t in enumerate(teams)]
    RoleAssignment.objects.bulk_create(roles)

    scheme = library_bridge.scheme_for("call_center_agent", "specialist", "monthly")
    if scheme is None:
        raise SystemExit("the library has no monthly scheme for call_center_agent")
    snap = svc.snapshot_scheme(scheme)
    cycle = Cycle.objects.create(company=company, name="2026年10月 座席员考核", period="monthly", label="2026-10",
                                 start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31),
                                 opened_by_id=uid["hr"])
    cycle.positions.add(pos["agent"])
    Sheet.objects.bulk_create([Sheet(cycle=cycle, employee=a, scheme=snap, state="self_review") for a in agents],
                              batch_size=2000)
    specs = [(i.source.kpi, params_key(dict(i.source.params)), i.source.scope)
             for c in scheme.categories for i in c.indicators if isinstance(i.source, KpiSource)]
    comp = KpiComputation.objects.create(cycle=cycle, number=1, computed_at=dt.datetime.now(dt.UTC),
                                         computed_by_id=uid["hr"], source="manual")
    KpiValue.objects.bulk_create(
        [KpiValue(computation=comp, employee=a, kpi=k, params_key=p, scope=s,
                  value=Decimal(rng.randint(60, 100)), sample_size=rng.randint(20, 200))
         for a in agents for k, p, s in specs], batch_size=5000)

    from kaohe.web.api.models import IntegrationToken

    _, raw = IntegrationToken.issue(name="bench ACD push", company=company,
                                    acting_user=User.objects.get(pk=uid["hr"]), scopes=["records:write"], days=1)
    return World([f"a{i:05d}" for i in range(n_agents)], [f"s{i:04d}" for i in range(len(teams))], "hr", raw,
                 n_agents)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them in a running site: right after
    a bulk load PostgreSQL still believes the tables are small and plans accordingly."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def reuse_world() -> World:
    """The previous run's company (`--keep-db`): new password for every bench user, a new token."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from kaohe.web.api.models import IntegrationToken
    from kaohe.web.appraisal.models import Sheet
    from kaohe.web.org.models import Company

    User = get_user_model()
    company = Company.objects.get(code="bench")
    User.objects.filter(email__endswith="@bench.invalid").update(password=make_password(PASSWORD))
    names = list(User.objects.filter(email__endswith="@bench.invalid").values_list("username", flat=True))
    _, raw = IntegrationToken.issue(name="bench ACD push", company=company,
                                    acting_user=User.objects.get(username="hr"), scopes=["records:write"], days=1)
    return World(sorted(n for n in names if n.startswith("a")), sorted(n for n in names if n.startswith("s")),
                 "hr", raw, Sheet.objects.filter(cycle__company=company).count())


# ---- CPU accounting ----------------------------------------------------------------------------
TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: str) -> tuple[int, float, str]:
    """(process group, CPU seconds incl. reaped children, command line) of one process."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    return int(fields[2]), sum(int(x) for x in fields[11:15]) / TICK, cmd


def cpu_snapshot(gunicorn_pgid: int) -> dict[str, Any]:
    """CPU seconds so far: this client, gunicorn (master + workers, recycled ones included via the
    master's children time), each PostgreSQL backend of the bench database, and the whole machine
    (busy time of all cores, from /proc/stat)."""
    t = os.times()
    out: dict[str, Any] = {"client": t.user + t.system, "gunicorn": 0.0, "postgres": {}}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            pgid, secs, cmd = _proc_cpu(pid)
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile, or not ours to read
        if pgid == gunicorn_pgid:
            out["gunicorn"] += secs
        elif cmd.startswith("postgres:") and f" {DB_NAME} " in cmd:
            out["postgres"][pid] = secs
    busy = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    out["machine"] = (sum(busy) - busy[3] - busy[4]) / TICK  # all but idle and iowait
    return out


def cpu_used(start: dict[str, Any], end: dict[str, Any]) -> dict[str, float]:
    """CPU seconds between two snapshots. A PostgreSQL backend that ended in between is missed
    (its time is gone with it), so that figure is a lower bound."""
    used = {k: end[k] - start[k] for k in ("client", "gunicorn", "machine")}
    used["postgres"] = sum(secs - start["postgres"].get(pid, 0.0) for pid, secs in end["postgres"].items())
    return used


# ---- load --------------------------------------------------------------------------------------
@dataclass
class Results:
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)
    measure_from: float = 0.0  # time.perf_counter(): requests started earlier are warm-up, not counted
    warmup_requests: int = 0
    warmup_errors: int = 0

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        started = time.perf_counter() - seconds
        with self.lock:
            if started < self.measure_from:
                self.warmup_requests += 1
                self.warmup_errors += bool(error)
                return
            self.samples[kind].append(seconds)
            if error:
                self.errors[kind].append(error)


def make_session(base: str):  # type: ignore[no-untyped-def]
    import requests

    s = requests.Session()
    # what nginx adds in production (deploy/nginx-kaohe.conf); Django trusts it via SECURE_PROXY_SSL_HEADER,
    # so the request counts as HTTPS and the CSRF referer check expects an https:// referer of this host
    https_base = base.replace("http://", "https://")
    s.headers.update({"X-Forwarded-Proto": "https", "Referer": https_base + "/login/"})
    return s


def plain_cookies(s) -> None:  # type: ignore[no-untyped-def]
    """The cookies are Secure (production settings) and requests would not send them over the
    loopback's plain HTTP; keep them as plain cookies — the proxy header says "https"."""
    import requests

    jar = requests.cookies.RequestsCookieJar()
    for c in s.cookies:
        jar.set(c.name, c.value)
    s.cookies = jar


def login(base: str, username: str):  # type: ignore[no-untyped-def]
    s = make_session(base)
    page = s.get(base + "/login/", timeout=60)
    plain_cookies(s)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError(f"no CSRF token on the login page ({page.status_code})")
    r = s.post(base + "/login/", data={"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token.group(1)}, allow_redirects=False, timeout=60)
    if r.status_code != 302:
        raise RuntimeError(f"login of {username} failed: HTTP {r.status_code} {r.text[:300]}")
    plain_cookies(s)
    return s


def user_loop(base: str, session, kind: str, path: str, results: Results, n: int, deadline: float,  # type: ignore[no-untyped-def]
              think: float, rng: random.Random) -> None:
    for _ in range(n):
        if time.monotonic() > deadline:
            return
        for k, p in ((kind, path), ("baseline static file", STATIC)):
            t0 = time.perf_counter()
            try:
                r = session.get(base + p, timeout=60)
                ok = r.status_code == 200 and (k.startswith("baseline") or "/login/" not in r.url)
                results.add(k, time.perf_counter() - t0, None if ok else f"HTTP {r.status_code} {r.url}")
            except Exception as exc:  # noqa: BLE001 — counted as an error of this kind
                results.add(k, time.perf_counter() - t0, repr(exc)[:200])
        if think:
            time.sleep(rng.expovariate(1 / think))


def push_loop(base: str, token: str, results: Results, pushes: int, rows: int, deadline: float,
              worker: int, n_agents: int) -> None:
    import requests

    s = requests.Session()
    s.headers.update({"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"})
    rng = random.Random(worker)
    run = secrets.token_hex(3)  # fresh survey ids on every run, also with --keep-db
    for n in range(pushes):
        if time.monotonic() > deadline:
            return
        body = {"rows": [{"survey_id": f"{run}-w{worker}-p{n}-r{i}", "agent_id": f"A{rng.randrange(n_agents):05d}",
                          "customer_id": f"c{rng.randrange(10**6)}",
                          "answered_at": f"2026-10-{rng.randint(1, 28):02d} {rng.randint(8, 20):02d}:00:00",
                          "csat": rng.randint(1, 5), "nps": rng.randint(0, 10)} for i in range(rows)]}
        t0 = time.perf_counter()
        try:
            r = s.post(base + "/api/v1/records/surveys", json=body, timeout=120)
            ok = r.status_code == 200 and r.json().get("rows_loaded") == rows
            results.add(f"bulk KPI push ({rows} rows)", time.perf_counter() - t0,
                        None if ok else f"HTTP {r.status_code} {r.text[:200]}")
        except Exception as exc:  # noqa: BLE001
            results.add(f"bulk KPI push ({rows} rows)", time.perf_counter() - t0, repr(exc)[:200])
        time.sleep(1.0)  # an integration pushes now and then, not in a tight loop


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k] * 1000


# ---- report ------------------------------------------------------------------------------------
def report(results: Results, elapsed: float, args: argparse.Namespace, setup_s: float, workers: str,
           solo: Results, loads: tuple[float, float], cpu: dict[str, float]) -> str:
    base = results.samples.get("baseline static file", [])
    b50, b95 = pct(base, 50), pct(base, 95)
    total = sum(len(v) for v in results.samples.values())
    errors = sum(len(v) for v in results.errors.values())
    lines = [
        BEGIN, "",
        f"_Generated by `bench/load_bench.py` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC — "
        f"{os.cpu_count()} cores shared with other work, CPython {platform.python_version()}, "
        f"PostgreSQL on 127.0.0.1, gunicorn {workers} (deploy/gunicorn.conf.py), "
        f"production settings (DEBUG off, CSP, axes, whitenoise, connections kept "
        f"{os.environ.get('KAOHE_DB_CONN_MAX_AGE')} s). Machine load average "
        f"(all processes, 1 min) {loads[0]:.1f} before and {loads[1]:.1f} after the load phase._", "",
        f"Setup: {args.employees:,} employees (600 teams), one open cycle, "
        f"{'reused from the previous run' if args.keep_db else 'built with bulk_create'} in {setup_s:.0f} s, "
        f"then ANALYZE. Load: {args.users} concurrent users who log in through "
        f"the login page ({args.users - args.supervisors} agents on my-appraisal, {args.supervisors} "
        f"supervisors on the team page), each up to {args.requests} page views with a mean think time of "
        f"{args.think:g} s, plus a static-file request after every page view (the baseline); "
        f"{args.pushers} integration(s) pushing {args.push_rows}-row batches of survey records through the API "
        f"(up to {args.pushes} pushes each). Ran {elapsed + args.warmup:.0f} s; the first {args.warmup:g} s are "
        f"warm-up and not counted ({results.warmup_requests:,} requests, {results.warmup_errors} errors). "
        f"Measured {elapsed:.0f} s: {total:,} requests, {total / elapsed:.1f} requests/s, {errors} error(s).", "",
        "CPU used during the measured phase, in cores (CPU seconds ÷ wall seconds; the machine has "
        f"{os.cpu_count()}): load generator {cpu['client'] / elapsed:.2f}, gunicorn {cpu['gunicorn'] / elapsed:.2f}, "
        f"PostgreSQL backends of the bench database ≥ {cpu['postgres'] / elapsed:.2f}, whole machine "
        f"{cpu['machine'] / elapsed:.2f} (the rest is other work on the machine).", "",
        "| kind | requests | p50 | p95 | p99 | p50 ÷ baseline | p95 ÷ baseline | errors | p95 ≤ 300 ms "
        "| alone: p50 (one user, no other load) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in sorted(results.samples, key=lambda k: (k.startswith("baseline"), k)):
        v = results.samples[kind]
        p50, p95, p99 = pct(v, 50), pct(v, 95), pct(v, 99)
        ratio50 = "1×" if kind.startswith("baseline") else f"{p50 / b50:.1f}×"
        ratio95 = "1×" if kind.startswith("baseline") else f"{p95 / b95:.1f}×"
        met = "—" if kind.startswith("baseline") else ("met" if p95 <= TARGET_P95_MS else "**missed**")
        if kind.startswith("bulk"):
            met = "— (batch write, not a page view)"
        alone = solo.samples.get(kind, [])
        alone_txt = f"{pct(alone, 50):.0f} ms ({len(alone)} requests)" if alone else "—"
        lines.append(f"| {kind} | {len(v):,} | {p50:.0f} ms | {p95:.0f} ms | {p99:.0f} ms | {ratio50} | {ratio95} "
                     f"| {len(results.errors.get(kind, []))} | {met} | {alone_txt} |")
    pages = [x for k, v in results.samples.items() if not k.startswith(("baseline", "bulk")) for x in v]
    lines += ["", f"All page views together: p50 {pct(pages, 50):.0f} ms, p95 {pct(pages, 95):.0f} ms, "
                  f"p99 {pct(pages, 99):.0f} ms → target p95 ≤ 300 ms "
                  f"{'met' if pct(pages, 95) <= TARGET_P95_MS and not errors else 'NOT met'}"
                  f"{'' if not errors else f' ({errors} errors)'}.", ""]
    lines += ["The *alone* column is the same page requested by one user with nothing else running against "
              "gunicorn, just before the load phase: it is the service time. Under load, the difference to it is "
              "time spent waiting for a free worker or a free core; the baseline (a static file that needs no view "
              "and no database) waits in the same queue, so a high baseline means the machine or the worker pool "
              "is saturated rather than a slow page.", ""]
    if results.errors:
        lines.append("First errors: " + "; ".join(f"{k}: {v[0]}" for k, v in results.errors.items()))
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def gunicorn_setup() -> str:
    """The worker model as deploy/gunicorn.conf.py resolves it under this environment."""
    import runpy

    conf = runpy.run_path(str(REPO / "deploy" / "gunicorn.conf.py"))
    kind = conf.get("worker_class", "sync")
    threads = f" × {conf['threads']} threads" if kind == "gthread" else ""
    return f"{conf['workers']} {kind} workers{threads}"


def write_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# 性能基准 / Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip() + "\n\n## Web load / 网页负载\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")


# ---- main --------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--employees", type=int, default=10_000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--supervisors", type=int, default=10, help="how many of the users are supervisors")
    ap.add_argument("--requests", type=int, default=100, help="page views per user (a bound; time usually ends first)")
    ap.add_argument("--seconds", type=float, default=120, help="time limit of the load phase, warm-up included")
    ap.add_argument("--think", type=float, default=1.0, help="mean think time between page views (s)")
    ap.add_argument("--pushers", type=int, default=1)
    ap.add_argument("--pushes", type=int, default=20)
    ap.add_argument("--push-rows", type=int, default=500)
    ap.add_argument("--warmup", type=float, default=15, help="seconds at the start of the load phase not counted")
    ap.add_argument("--keep-db", action="store_true", help="reuse the previous run's database")
    ap.add_argument("--no-docs", action="store_true")
    args = ap.parse_args()

    port = free_port()
    env = configure_env(port)
    # a fresh event store too: the database is recreated, so earlier pushes must not count as "already imported"
    if not args.keep_db:
        for sub in ("events", "uploads"):
            shutil.rmtree(DATA_DIR / sub, ignore_errors=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    import django
    from django.core.management import call_command

    if not args.keep_db:
        print(f"recreating database {DB_NAME} …", flush=True)
        recreate_database()
    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.keep_db:
        world = reuse_world()
    else:
        print(f"building {args.employees:,} employees …", flush=True)
        world = build_world(args.employees)
    analyze()
    from django.db import connections

    connections.close_all()
    setup_s = time.monotonic() - t0
    print(f"setup done in {setup_s:.0f} s; starting gunicorn on 127.0.0.1:{port}", flush=True)
    gunicorn = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c",
                                 str(REPO / "deploy" / "gunicorn.conf.py")], cwd=REPO, env=env,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        for _ in range(120):
            try:
                if requests.get(base + STATIC, headers={"X-Forwarded-Proto": "https"}, timeout=2,
                                allow_redirects=False).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if gunicorn.poll() is not None:
                raise SystemExit("gunicorn exited during start-up")
            time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not answer within 60 s")
        rng = random.Random(11)
        agents = rng.sample(world.agents, args.users - args.supervisors)
        sups = rng.sample(world.supervisors, args.supervisors)
        print(f"logging in {args.users} users …", flush=True)
        sessions = [(login(base, u), "my appraisal (/me/ → own sheet)", "/me/") for u in agents]
        sessions += [(login(base, u), "team page (/team/)", "/team/") for u in sups]
        solo = Results()
        print("alone: one user at a time …", flush=True)
        for s_, kind, path in (sessions[0], sessions[-1]):
            user_loop(base, s_, kind, path, solo, 10, time.monotonic() + 120, 0.0, random.Random(0))
        results = Results(measure_from=time.perf_counter() + args.warmup)
        load_before = os.getloadavg()[0]
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=user_loop, args=(base, s, kind, path, results, args.requests, deadline,
                                                             args.think, random.Random(i)))
                   for i, (s, kind, path) in enumerate(sessions)]
        threads += [threading.Thread(target=push_loop, args=(base, world.token, results, args.pushes,
                                                             args.push_rows, deadline, w, world.sheets))
                    for w in range(args.pushers)]
        print(f"load: {len(threads)} threads, up to {args.seconds:.0f} s …", flush=True)
        for t in threads:
            t.start()
        time.sleep(args.warmup)
        start, cpu_start = time.monotonic(), cpu_snapshot(gunicorn.pid)
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
        cpu_end = cpu_snapshot(gunicorn.pid)
        cpu = cpu_used(cpu_start, cpu_end)
        load_after = os.getloadavg()[0]
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(gunicorn.pid, signal.SIGKILL)
    workers = gunicorn_setup()
    section = report(results, elapsed, args, setup_s, workers, solo, (load_before, load_after), cpu)
    print(section)
    if not args.no_docs:
        write_docs(section)
        print(f"written to {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
