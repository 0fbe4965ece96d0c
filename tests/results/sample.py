"""A small, self-contained appraisal cycle for the demo and the tests of this package.

The scheme follows the call-center agent form of the book (表9-26: QA listening score,
discipline, effective work rate, talk time, after-call work, knowledge exam) with an
attitude category rated by self, supervisor and reviewer. The people and numbers are
synthetic, drawn from a seeded generator so every run writes the same files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kaohe.scheme.models import RaterRole, Scheme
from kaohe.scoring.results import IndicatorInput, SheetInputs


def _explain(definition: str, formula: str, source: str) -> dict[str, str]:
    return {"definition": definition, "formula": formula, "data_source": source, "frequency": "每月"}


SAMPLE_SCHEME: dict[str, Any] = {
    "id": "sample_call_agent",
    "name": {"zh": "呼叫中心座席员月度考核（示例）", "en": "Call-center agent, monthly (sample)"},
    "position": "call_center_agent",
    "level": "specialist",
    "period": "monthly",
    "scale": "percent",
    "raters": [
        {"role": "self", "weight": "20"},
        {"role": "supervisor", "weight": "50"},
        {"role": "reviewer", "weight": "30"},
    ],
    "categories": [
        {
            "id": "performance",
            "name": {"zh": "业绩指标", "en": "Performance"},
            "weight": "80",
            "indicators": [
                {
                    "id": "qa_score", "name": {"zh": "监听分值", "en": "QA listening score"},
                    "weight": "40", "unit": "分", "direction": "higher",
                    "source": {"kind": "kpi", "kpi": "qa_avg"}, "standard": "质检平均值≥80分",
                    "rule": {"type": "gate", "threshold": "80", "pass_score": "100"},
                    "explanation": _explain("当月质检抽听的平均得分", "质检总分 ÷ 质检次数", "质检系统"),
                },
                {
                    "id": "discipline", "name": {"zh": "劳动纪律", "en": "Discipline"},
                    "weight": "10", "direction": "lower",
                    "source": {"kind": "counts", "counts": {
                        "late": {"kpi": "attendance_late"}, "early_leave": {"kpi": "attendance_early_leave"},
                        "absent": {"kpi": "attendance_absent"}}},
                    "standard": "无迟到、早退、旷工",
                    "rule": {"type": "per_occurrence", "base": "100", "deductions": [
                        {"count": "late", "points": "20", "label": {"zh": "迟到", "en": "late arrival"}},
                        {"count": "early_leave", "points": "20", "label": {"zh": "早退", "en": "early leave"}},
                        {"count": "absent", "points": "50", "label": {"zh": "旷工", "en": "absence"}}]},
                    "explanation": _explain("考勤记录中的违纪次数", "按次扣分", "考勤系统"),
                },
                {
                    "id": "effective_work_rate", "name": {"zh": "有效工作率", "en": "Effective work rate"},
                    "weight": "10", "unit": "%", "direction": "higher",
                    "source": {"kind": "kpi", "kpi": "effective_work_rate"}, "standard": "≥50%",
                    "rule": {"type": "linear", "target": "50", "base": "100",
                             "worse": {"per": "1", "points": "2"}, "floor": "0"},
                    "explanation": _explain("签入时间中用于通话和话后处理的比例",
                                            "(通话总时长 + 话后处理总时长) ÷ 签入总时长", "话务系统"),
                },
                {
                    "id": "avg_talk_time", "name": {"zh": "平均通话时间", "en": "Average talk time"},
                    "weight": "15", "unit": "秒", "direction": "band",
                    "source": {"kind": "kpi", "kpi": "avg_talk_time"}, "standard": "40秒≤x≤180秒",
                    "rule": {"type": "band", "low": "40", "high": "180", "inside": "100",
                             "below": {"per": "2", "points": "10"}, "above": {"per": "2", "points": "10"},
                             "floor": "0"},
                    "explanation": _explain("每通电话的平均通话时长", "通话总时长 ÷ 通话次数", "话务系统"),
                },
                {
                    "id": "avg_acw_time", "name": {"zh": "平均话后处理时间", "en": "Average after-call work"},
                    "weight": "15", "unit": "秒", "direction": "lower",
                    "source": {"kind": "kpi", "kpi": "avg_acw_time"}, "standard": "≤40秒",
                    "rule": {"type": "linear", "target": "40", "base": "70",
                             "better": {"per": "1", "points": "2", "limit": "25"},
                             "worse": {"per": "1", "points": "5"}, "floor": "0"},
                    "explanation": _explain("每次话后处理的平均时长", "话后处理总时长 ÷ 话后处理次数", "话务系统"),
                },
                {
                    "id": "exam_score", "name": {"zh": "业务知识考核", "en": "Knowledge exam"},
                    "weight": "10", "unit": "分", "direction": "higher",
                    "source": {"kind": "kpi", "kpi": "exam_score_avg"}, "standard": "≥80分",
                    "rule": {"type": "gate", "threshold": "80", "pass_score": "100"},
                    "explanation": _explain("当月业务知识考试成绩", "考试平均分", "培训系统"),
                },
            ],
        },
        {
            "id": "attitude",
            "name": {"zh": "态度指标", "en": "Attitude"},
            "weight": "20",
            "indicators": [
                {
                    "id": "initiative", "name": {"zh": "主动性", "en": "Initiative"},
                    "weight": "50", "direction": "none", "source": {"kind": "manual"},
                    "standard": "主动发现并解决问题，定时汇报",
                    "rule": {"type": "manual", "min": "0", "max": "100"},
                    "explanation": _explain("工作中的主动程度", "三方评分加权", "考评记录"),
                },
                {
                    "id": "customer_focus", "name": {"zh": "以客户为中心", "en": "Customer focus"},
                    "weight": "50", "direction": "none", "source": {"kind": "manual"},
                    "standard": "找出客户真实需求并提供相应服务",
                    "rule": {"type": "manual", "min": "0", "max": "100"},
                    "explanation": _explain("服务中对客户需求的把握", "三方评分加权", "考评记录"),
                },
            ],
        },
    ],
    "grading": {
        "bands": [
            {"grade": "S", "min": "95"}, {"grade": "A", "min": "85"}, {"grade": "B", "min": "70"},
            {"grade": "C", "min": "60"}, {"grade": "D", "min": "0"},
        ],
        "forced_distribution": {"S": "10", "A": "20", "B": "50", "C": "15", "D": "5"},
    },
    "source": "book sample 表9-26 with an attitude category (表9-24)",
}


def sample_scheme() -> Scheme:
    return Scheme.model_validate(SAMPLE_SCHEME)


@dataclass(frozen=True)
class Person:
    employee_id: str
    name: str
    team: str
    department: str
    position: str


_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
TEAMS = (("一组", "呼入客服部"), ("二组", "呼入客服部"), ("三组", "回访部"))
LENIENT_TEAM = "二组"
CYCLES = ("2026-07", "2026-08", "2026-09", "2026-10")


def sample_people(n: int = 18, seed: int = 7) -> list[Person]:
    rng = random.Random(seed)
    people = []
    for i in range(n):
        team, dept = TEAMS[i % len(TEAMS)]
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(("", rng.choice(_GIVEN)))
        people.append(Person(f"E{i + 1:03d}", name, team, dept, "呼叫中心座席员"))
    return people


def _d(x: float, places: int = 1) -> Decimal:
    return Decimal(str(round(x, places)))


def _rating(x: float) -> Decimal:
    return Decimal(int(round(max(0.0, min(100.0, x)))))


def sample_inputs(people: list[Person], cycle_index: int = 0, seed: int = 7) -> list[SheetInputs]:
    """Inputs for one cycle; each person has a stable 'ability' so trends look like people."""
    out = []
    for p in people:
        ability = random.Random(f"{seed}-{p.employee_id}").gauss(0, 1)
        rng = random.Random(f"{seed}-{p.employee_id}-{cycle_index}")
        form = ability + rng.gauss(0, 0.6) + 0.15 * cycle_index
        rating = max(40.0, min(100.0, 78 + 8 * form + rng.gauss(0, 4)))
        lenient = 8.0 if p.team == LENIENT_TEAM else 0.0  # one supervisor rates generously
        values = {
            "qa_score": IndicatorInput(value=_d(86 + 4 * form + rng.gauss(0, 2.5)), sample_size=12),
            "discipline": IndicatorInput(counts={
                "late": max(0, int(rng.gauss(0.6 - 0.5 * form, 1))),
                "early_leave": 1 if rng.random() < 0.1 else 0,
                "absent": 1 if rng.random() < 0.04 else 0}),
            "effective_work_rate": IndicatorInput(value=_d(52 + 4 * form + rng.gauss(0, 2))),
            "avg_talk_time": IndicatorInput(value=Decimal(round(165 - 12 * form + rng.gauss(0, 10))), sample_size=900),
            "avg_acw_time": IndicatorInput(value=Decimal(round(40 - 4 * form + rng.gauss(0, 3))), sample_size=850),
            "exam_score": IndicatorInput(value=Decimal(round(84 + 6 * form + rng.gauss(0, 4)))),
            "initiative": IndicatorInput(ratings={
                RaterRole.SELF: _rating(rating + 6),
                RaterRole.SUPERVISOR: _rating(rating + lenient),
                RaterRole.REVIEWER: _rating(rating - 2)}),
            "customer_focus": IndicatorInput(ratings={
                RaterRole.SELF: _rating(rating + 4),
                RaterRole.SUPERVISOR: _rating(rating + lenient + rng.gauss(0, 3)),
                RaterRole.REVIEWER: _rating(rating + rng.gauss(0, 3))}),
        }
        out.append(SheetInputs(p.employee_id, values))
    return out


def supervisor_of(person: Person) -> str:
    return f"{person.team}主管"


def reviewer_of(person: Person) -> str:
    return f"{person.department}经理"


def sample_csat(people: list[Person], cycle_index: int = 0, seed: int = 7) -> dict[str, Decimal]:
    """Customer satisfaction (0–100) per employee, loosely following the same ability."""
    out = {}
    for p in people:
        ability = random.Random(f"{seed}-{p.employee_id}").gauss(0, 1)
        rng = random.Random(f"{seed}-{p.employee_id}-{cycle_index}-csat")
        out[p.employee_id] = _d(max(0.0, min(100.0, 85 + 5 * ability + rng.gauss(0, 3))))
    return out


def sample_absences(people: list[Person], cycle_index: int = 0, seed: int = 7) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for p in people:
        rng = random.Random(f"{seed}-{p.employee_id}-{cycle_index}-att")
        days: dict[str, Decimal] = {}
        if rng.random() < 0.25:
            days["personal_leave"] = Decimal(rng.randint(1, 2))
        if rng.random() < 0.2:
            days["sick_leave"] = Decimal(rng.randint(1, 3))
        if rng.random() < 0.15:
            days["annual_leave"] = Decimal(rng.randint(1, 5))
        out[p.employee_id] = days
    return out
