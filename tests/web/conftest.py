"""Named personas on a real database (SQLite by default, PostgreSQL with KAOHE_DB=postgres).

The org of the fixture:

    客服中心 (center)                       director   — 客服总监, company scope
      └ 呼入部 (inbound)                    reviewer   — manager of the inbound department
          ├ 一组 team A: supervisor → agent, peer1, peer2, peer3
          └ 二组 team B: other_supervisor → other_agent
    hr (绩效管理员, company scope), qa (质检员, company scope), auditor (审计, company scope)
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.web.settings")

AGENT_POSITION = "call_center_agent"


def agent_scheme_dict() -> dict[str, Any]:
    """A small scheme for an agent: one KPI, a QA score, a 360 item and a three-rater item."""
    expl = {"definition": "定义", "formula": "公式", "data_source": "来源", "frequency": "每月"}
    return {
        "id": "test_agent_monthly", "name": {"zh": "座席员月度考核", "en": "Agent monthly"},
        "position": AGENT_POSITION, "level": "specialist", "period": "monthly",
        "categories": [
            {"id": "performance", "name": {"zh": "业绩"}, "weight": "60", "indicators": [
                {"id": "csat", "name": {"zh": "客户满意度", "en": "CSAT"}, "weight": "100", "unit": "%",
                 "direction": "higher", "source": {"kind": "kpi", "kpi": "csat_top2"},
                 "target": "90", "standard": "≥ 90%",
                 "rule": {"type": "tiers", "tiers": [{"min": "90", "score": "100"},
                                                      {"min": "80", "max": "90", "score": "80"},
                                                      {"max": "80", "score": "50"}]},
                 "explanation": expl}]},
            {"id": "quality", "name": {"zh": "质量"}, "weight": "20", "indicators": [
                {"id": "qa_score", "name": {"zh": "质检成绩"}, "weight": "100", "direction": "higher",
                 "source": {"kind": "manual", "raters": [{"role": "qa", "weight": "100"}]},
                 "rule": {"type": "manual", "max": "100"}, "explanation": expl}]},
            {"id": "attitude", "name": {"zh": "态度"}, "weight": "20", "indicators": [
                {"id": "teamwork", "name": {"zh": "团队合作"}, "weight": "50", "direction": "higher",
                 "source": {"kind": "manual", "raters": [{"role": "self", "weight": "20"},
                                                         {"role": "supervisor", "weight": "50"},
                                                         {"role": "reviewer", "weight": "30"}]},
                 "rule": {"type": "manual", "max": "100"}, "explanation": expl},
                {"id": "peer_feedback", "name": {"zh": "同事评价"}, "weight": "50", "direction": "higher",
                 "source": {"kind": "manual", "raters": [{"role": "peer", "weight": "100"}]},
                 "rule": {"type": "manual", "max": "100"}, "explanation": expl}]},
        ],
        "grading": {"bands": [{"grade": "A", "min": "90"}, {"grade": "B", "min": "80"},
                              {"grade": "C", "min": "60"}, {"grade": "D", "min": "0"}],
                    "forced_distribution": {"A": "20", "B": "30", "C": "40", "D": "10"}},
    }


def agent_scheme():  # type: ignore[no-untyped-def]
    from kaohe.scheme.models import Scheme

    return Scheme.model_validate(agent_scheme_dict())


@dataclass
class Personas:
    company: Any
    center: Any
    inbound: Any
    team_a: Any
    team_b: Any
    agent_position: Any
    users: dict[str, Any]
    employees: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        if name.endswith("_emp") and name[:-4] in self.__dict__.get("employees", {}):
            return self.employees[name[:-4]]
        raise AttributeError(name)


@pytest.fixture
def data_dirs(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Event store and uploads in a temporary folder, never in the repo."""
    settings.KAOHE_EVENTS_DIR = tmp_path / "events"
    settings.KAOHE_UPLOADS_DIR = tmp_path / "uploads"
    settings.KAOHE_JOBS_INLINE = True  # background jobs run before the request returns (a test may turn it off)
    # a dozen personas per test: a fast hasher keeps the suite quick (the real one is for production)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


def agent_position_model():  # type: ignore[no-untyped-def]
    """A minimal library position for the agent: a competency model and a letter template."""
    from kaohe.scheme.position import Position

    lvl = [{"level": i, "descriptor": f"等级 {i}"} for i in (1, 2, 3, 4, 5)]
    return Position.model_validate({
        "id": AGENT_POSITION, "name": {"zh": "呼叫中心座席员"},
        "department": {"id": "call_center", "name": {"zh": "呼叫中心"}, "chapter": 9},
        "level": "specialist", "superior": {"name": {"zh": "呼叫中心主管"}}, "purpose": "接听客户来电",
        "duties": ["接听来电"],
        "work_items": [{"id": "calls", "name": {"zh": "来电处理"}, "description": "处理来电", "kpis": ["csat"]}],
        "kpis": [{"id": "csat", "name": {"zh": "客户满意度"}, "definition": "满意度", "formula": "满意/总数",
                  "direction": "higher", "source": {"kind": "kpi", "kpi": "csat_top2"}}],
        "competency_model": {"competencies": [
            {"id": "communication", "name": {"zh": "沟通能力"}, "dimension": "skill", "definition": "表达清楚",
             "levels": lvl, "required_level": 3},
            {"id": "product_knowledge", "name": {"zh": "产品知识"}, "dimension": "knowledge",
             "definition": "熟悉产品", "levels": lvl, "required_level": 4}]},
        "letter": {"title": "座席员目标责任书", "parties": [
            {"role": "issuer", "title": {"zh": "呼叫中心主管"}}, {"role": "holder", "title": {"zh": "座席员"}}],
            "period": "monthly", "scheme": "test_agent_monthly", "purpose": "明确本月目标",
            "rewards": ["按等级发放绩效工资"], "penalties": ["连续两次 D 级调岗"],
            "signatures": [{"zh": "甲方签字"}, {"zh": "乙方签字"}]},
        "procedure": {"period": "monthly", "raters": ["主管"], "steps": [
            {"id": "rate", "name": {"zh": "评分"}, "who": ["supervisor"], "when": "月末"}],
            "result_uses": [{"use": "bonus", "rule": "按等级"}], "appeal": "五个工作日内申诉"},
        "guidance": [{"module": "kpi_selection", "problem": "指标过多", "advice": ["聚焦四到六项"]}],
    })


@pytest.fixture
def library():  # type: ignore[no-untyped-def]
    """The web tests' own small library, independent of the real library's current content."""
    from kaohe.web.appraisal import library_bridge

    with library_bridge.override(positions=[agent_position_model()], schemes=[agent_scheme()]):
        yield


@pytest.fixture
def org(db, data_dirs, library) -> Personas:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from kaohe.web.org.models import Company, Department, Employee, Position, RoleAssignment, Team

    User = get_user_model()
    company = Company.objects.create(code="demo", name="示范客服中心")
    center = Department.objects.create(company=company, code="center", name="客服中心")
    inbound = Department.objects.create(company=company, code="inbound", name="呼入部", parent=center)
    team_a = Team.objects.create(department=inbound, code="a", name="一组")
    team_b = Team.objects.create(department=inbound, code="b", name="二组")
    pos = {
        "agent": Position.objects.create(code=AGENT_POSITION, name_zh="呼叫中心座席员", level="specialist"),
        "supervisor": Position.objects.create(code="call_center_supervisor", name_zh="呼叫中心主管",
                                              level="supervisor"),
        "manager": Position.objects.create(code="call_center_manager", name_zh="呼叫中心经理", level="manager"),
        "director": Position.objects.create(code="customer_service_director", name_zh="客服总监", level="director"),
    }
    users = {name: User.objects.create_user(name, password="pw-" + name) for name in (
        "director", "reviewer", "supervisor", "agent", "peer1", "peer2", "peer3", "other_supervisor",
        "other_agent", "hr", "qa", "auditor")}
    hired = dt.date(2024, 1, 1)

    def emp(name: str, code: str, position: str, dept: Any, team: Any, manager: Any) -> Any:
        return Employee.objects.create(company=company, user=users[name], code=code, name=name, department=dept,
                                       team=team, position=pos[position], level=pos[position].level,
                                       manager=manager, hire_date=hired)

    e: dict[str, Any] = {}
    e["director"] = emp("director", "D001", "director", center, None, None)
    e["reviewer"] = emp("reviewer", "M001", "manager", inbound, None, e["director"])
    e["supervisor"] = emp("supervisor", "S001", "supervisor", inbound, team_a, e["reviewer"])
    e["other_supervisor"] = emp("other_supervisor", "S002", "supervisor", inbound, team_b, e["reviewer"])
    e["agent"] = emp("agent", "A001", "agent", inbound, team_a, e["supervisor"])
    for i in (1, 2, 3):
        e[f"peer{i}"] = emp(f"peer{i}", f"A00{i + 1}", "agent", inbound, team_a, e["supervisor"])
    e["other_agent"] = emp("other_agent", "B001", "agent", inbound, team_b, e["other_supervisor"])

    def role(name: str, r: str, scope: str, **target: Any) -> None:
        RoleAssignment.objects.create(user=users[name], company=company, role=r, scope=scope, **target)

    role("director", "director", "company")
    role("reviewer", "reviewer", "department", department=inbound)
    role("supervisor", "supervisor", "team", team=team_a)
    role("other_supervisor", "supervisor", "team", team=team_b)
    role("hr", "hr", "company")
    role("qa", "qa", "company")
    role("auditor", "auditor", "company")
    return Personas(company, center, inbound, team_a, team_b, pos["agent"], users, e)


@pytest.fixture
def cycle(org):  # type: ignore[no-untyped-def]
    from kaohe.web.appraisal import services as svc

    return svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                          end=dt.date(2026, 10, 31), positions=[org.agent_position],
                          rating_deadline=dt.datetime(2026, 11, 5, tzinfo=dt.UTC),
                          schemes={(AGENT_POSITION, "specialist"): agent_scheme()})


@pytest.fixture
def sheet(org, cycle):  # type: ignore[no-untyped-def]
    return cycle.sheets.get(employee=org.agent_emp)


def fresh(sheet: Any) -> Any:
    sheet.refresh_from_db()
    return sheet


# Hand-made data behind the expected total 92.9 (see test_scoring): CSAT 92 % → 100; QA 85;
# teamwork 0.2×90 + 0.5×80 + 0.3×70 = 79; peers (80 + 90 + 70) / 3 = 80.
# Total = 0.6×100 + 0.2×85 + 0.2×(79×0.5 + 80×0.5) = 60 + 17 + 15.9 = 92.9 → A.
EXPECTED_TOTAL = Decimal("92.9")


def walk_to(org: Personas, sheet: Any, state: str) -> Any:
    """Drive the sheet along the happy path with the right persona at each step, up to `state`.

    Works for any sheet of team A or B: the employee, their manager and the manager's manager act.
    """
    from kaohe.web.appraisal import services as svc

    emp = sheet.employee
    me, boss, reviewer = emp.user, emp.manager.user, emp.manager.manager.user
    steps: list[tuple[str, Any]] = [
        ("targets_set", lambda s: svc.set_targets(s, boss)),
        ("targets_acknowledged", lambda s: svc.acknowledge_targets(s, me)),
        ("self_review", lambda s: _ratings_before_self_review(org, svc.start_self_review(s, boss))),
        ("supervisor_review", lambda s: svc.submit_self_review(_rated(svc, s, me, "self", "teamwork", 90), me)),
        ("reviewer_approval", lambda s: svc.submit_supervisor_review(
            _rated(svc, s, boss, "supervisor", "teamwork", 80), boss)),
        ("calibration", lambda s: svc.approve(_rated(svc, s, reviewer, "reviewer", "teamwork", 70), reviewer)),
        ("published", lambda s: svc.publish(s, org.hr)),
        ("interviewed", lambda s: _interviewed(svc, boss, me, s)),
        ("acknowledged", lambda s: svc.acknowledge_result(s, me)),
    ]
    order = [t for t, _ in steps]
    for target, step in steps:
        if sheet.state == state:
            return sheet
        if sheet.state in order and order.index(sheet.state) >= order.index(target):
            continue
        sheet = step(fresh(sheet))
    return fresh(sheet)


def _rated(svc: Any, sheet: Any, user: Any, role: str, indicator: str, score: int) -> Any:
    svc.submit_rating(fresh(sheet), user, role=role, indicator=indicator, score=Decimal(score))
    return fresh(sheet)


def _ratings_before_self_review(org: Personas, sheet: Any) -> Any:
    from kaohe.web.appraisal import services as svc
    from kaohe.web.appraisal.models import KpiValue

    current = svc.current_computation(sheet.cycle)
    values = [] if current is None else [
        {"employee": kv.employee.code, "kpi": kv.kpi, "value": kv.value, "sample_size": kv.sample_size}
        for kv in KpiValue.objects.filter(computation=current).exclude(employee=sheet.employee)]
    values.append({"employee": sheet.employee.code, "kpi": "csat_top2", "value": "92", "sample_size": 40})
    svc.record_kpi_values(sheet.cycle, org.hr, values)
    svc.submit_rating(fresh(sheet), org.qa, role="qa", indicator="qa_score", score=Decimal(85))
    peers = [u for u in (org.peer1, org.peer2, org.peer3, org.agent) if u != sheet.employee.user][:3]
    svc.request_ratings(fresh(sheet), sheet.employee.manager.user, role="peer", raters=peers)
    for user, score in zip(peers, (80, 90, 70), strict=True):
        svc.submit_rating(fresh(sheet), user, role="peer", indicator="peer_feedback", score=Decimal(score))
    return fresh(sheet)


def _interviewed(svc: Any, boss: Any, me: Any, sheet: Any) -> Any:
    svc.record_interview(sheet, boss, held_on=dt.date(2026, 11, 10), strengths="沟通清楚",
                         gaps="话后处理偏长", improvement_plan="每周复盘三通录音")
    return svc.confirm_interview(fresh(sheet), me)
