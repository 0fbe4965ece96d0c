"""Fixtures for the report pages: a small company with two departments, three teams,
18 agents scored over two cycles with the sample scheme, and the personas who look
at the results (an HR officer, the director, a department director, an agent)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.web.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in the test thread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's chromium, not a browser downloaded by Playwright (the machine has none).
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@dataclass
class World:
    company: Any
    cycles: list[Any]  # oldest first
    hr: Any
    director: Any
    dept_director: Any  # director of 回访部 only
    agent: Any  # E001's user
    other_agent: Any  # E002's user
    sheets: dict[tuple[str, str], Any]  # (cycle label, employee code) → Sheet
    results: dict[str, list[Any]]  # cycle label → SheetResults


def _user(username: str, name: str = ""):
    from django.contrib.auth import get_user_model

    # No password: tests log in with force_login, and hashing one costs a second per user.
    return get_user_model().objects.create_user(username=username, password=None, first_name=name)


def build_world() -> World:
    from django.utils import timezone

    from kaohe.scheme.models import CountsSource, KpiSource
    from kaohe.scoring import score_sheet
    from kaohe.web.appraisal.models import (
        Cycle,
        KpiComputation,
        KpiValue,
        Rating,
        SchemeSnapshot,
        ScoreVersion,
        Sheet,
    )
    from kaohe.web.appraisal.services.scoring import to_json
    from kaohe.web.org.models import Company, Department, Employee, Position, RoleAssignment, Team
    from tests.results.sample import sample_inputs, sample_people, sample_scheme

    company = Company.objects.create(code="acme", name="示例公司")
    depts = {n: Department.objects.create(company=company, code=c, name=n)
             for c, n in (("inbound", "呼入客服部"), ("callback", "回访部"))}
    teams = {}
    for code, name, dept in (("t1", "一组", "呼入客服部"), ("t2", "二组", "呼入客服部"), ("t3", "三组", "回访部")):
        teams[name] = Team.objects.create(department=depts[dept], code=code, name=name)
    position = Position.objects.create(code="call_center_agent", name_zh="呼叫中心座席员", name_en="Agent",
                                       level="specialist")
    hr, director, dept_director = _user("hr", "人事"), _user("director", "总监"), _user("d2", "回访部总监")
    RoleAssignment.objects.create(user=hr, company=company, role="hr", scope="company")
    RoleAssignment.objects.create(user=director, company=company, role="director", scope="company")
    RoleAssignment.objects.create(user=dept_director, company=company, role="director", scope="department",
                                  department=depts["回访部"])
    reviewers = {}
    for name, dept in depts.items():
        u = _user(f"mgr-{dept.code}", f"{name}经理")
        RoleAssignment.objects.create(user=u, company=company, role="reviewer", scope="department", department=dept)
        reviewers[name] = u
    supervisors = {}
    for name, team in teams.items():
        u = _user(f"sup-{team.code}", f"{name}主管")
        RoleAssignment.objects.create(user=u, company=company, role="supervisor", scope="team", team=team)
        supervisors[name] = u
    people = sample_people()
    employees = {}
    for p in people:
        user = _user(p.employee_id.lower(), p.name) if p.employee_id in ("E001", "E002") else None
        employees[p.employee_id] = Employee.objects.create(
            company=company, user=user, code=p.employee_id, name=p.name, department=depts[p.department],
            team=teams[p.team], position=position, level="specialist", hire_date=dt.date(2025, 1, 1))
    scheme = sample_scheme()
    snap = SchemeSnapshot.objects.create(scheme_id=scheme.id, version=1, sha256="0" * 64,
                                         content=scheme.model_dump(mode="json"), position_code=position.code,
                                         level="specialist", period="monthly")
    cycles, sheets, results = [], {}, {}
    now = timezone.now()
    for index, (label, start, end) in enumerate((("2026-09", dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
                                                  ("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31)))):
        cycle = Cycle.objects.create(company=company, name=f"{label} 月度考核", period="monthly", label=label,
                                     start=start, end=end)
        cycles.append(cycle)
        results[label] = []
        # The KPI values the sheets were scored from, so pages that rebuild inputs (what-if) see them.
        computation = KpiComputation.objects.create(cycle=cycle, number=1, computed_at=now, source="manual")
        for inputs in sample_inputs(people, index + 2):
            emp = employees[inputs.employee_id]
            sheet = Sheet.objects.create(cycle=cycle, employee=emp, scheme=snap, state="published")
            result = score_sheet(scheme, inputs)
            results[label].append(result)
            version = ScoreVersion.objects.create(sheet=sheet, number=1, kind="computed", total=result.total,
                                                  grade=result.grade or "", complete=result.complete,
                                                  result=to_json(result))
            Sheet.objects.filter(pk=sheet.pk).update(current_score=version)
            sheet.refresh_from_db()
            sheets[(label, emp.code)] = sheet
            # Satisfaction that moves exactly with the initiative rating (so the quality report must see it).
            KpiValue.objects.create(computation=computation, employee=emp, kpi="csat_score100",
                                    value=result.item("initiative").score)
            for cat in scheme.categories:
                for ind in cat.indicators:
                    given = inputs.values[ind.id]
                    if isinstance(ind.source, KpiSource):
                        KpiValue.objects.create(computation=computation, employee=emp, kpi=ind.source.kpi,
                                                value=given.value, sample_size=given.sample_size)
                    elif isinstance(ind.source, CountsSource):
                        for name, ref in ind.source.counts.items():
                            KpiValue.objects.create(computation=computation, employee=emp, kpi=ref.kpi,
                                                    value=(given.counts or {}).get(name, 0))
            for ind, value in inputs.values.items():
                for role, score in (value.ratings or {}).items():
                    rater = {"self": emp.user, "supervisor": supervisors[emp.team.name],
                             "reviewer": reviewers[emp.department.name]}.get(str(role))
                    if rater is None:
                        continue
                    Rating.objects.create(sheet=sheet, indicator=ind, role=str(role), rater=rater, score=score,
                                          submitted_at=now)
    return World(company, cycles, hr, director, dept_director, employees["E001"].user, employees["E002"].user,
                 sheets, results)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def world_live(transactional_db) -> World:
    """The same world, committed, for a live server running in another thread."""
    return build_world()
