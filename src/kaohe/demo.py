"""`make demo`: score the book's sample tables on a few sample employees and explain them.

The figures are invented, chosen to show every kind of rule at work — including a value
that falls into the gap the book's 表9-23 leaves, which Kaohe refuses to score silently.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.panel import Panel

from kaohe.cli.output import sheet_table
from kaohe.scheme import load_scheme_located
from kaohe.scheme.checker import check_scheme
from kaohe.scheme.models import RaterRole
from kaohe.scoring import IndicatorInput, SheetInputs, score_sheet

BOOK = Path(__file__).resolve().parent / "library" / "book_samples"
D = Decimal
SELF, SUP, REV = RaterRole.SELF, RaterRole.SUPERVISOR, RaterRole.REVIEWER


def _v(value: str) -> IndicatorInput:
    return IndicatorInput(value=D(value))


def _c(**counts: int) -> IndicatorInput:
    return IndicatorInput(counts=counts)


def _r(**ratings: str) -> IndicatorInput:
    roles = {"self": SELF, "supervisor": SUP, "reviewer": REV}
    return IndicatorInput(ratings={roles[k]: D(v) for k, v in ratings.items()})


SAMPLES: dict[str, list[tuple[str, str, dict[str, IndicatorInput]]]] = {
    "table_9_26_call_center_agent.yaml": [
        (
            "a1001",
            "周敏",
            {
                "qa_score": _v("86.5"),
                "supervisor_appraisal": _c(late=1, early_leave=0, absent=0, other_points=0),
                "effective_work_rate": _v("57.2"),
                "avg_talk_time": _v("182"),
                "avg_acw_time": _v("42"),
                "product_knowledge": _v("88"),
            },
        ),
        (
            "a1002",
            "陈浩",
            {
                "qa_score": _v("78"),
                "supervisor_appraisal": _c(late=0, early_leave=1, absent=1, other_points=5),
                "effective_work_rate": _v("46"),
                "avg_talk_time": _v("186"),
                "avg_acw_time": _v("38"),
                "product_knowledge": _v("79"),
            },
        ),
    ],
    "table_9_23_24_cs_manager.yaml": [
        (
            "m2001",
            "林静",
            {
                "customer_callback": _v("95"),
                "complaint_handling": _c(
                    response_missed=0, resolution_time_missed=1, resolution_rate_missed=0
                ),
                "customer_satisfaction": _v("88"),
                "service_training": _v("12"),
                "service_process_system": _v("92"),
                "customer_information": _r(supervisor="1.5"),
                "sales_revenue": _v("103"),
                "customer_churn": _v("0"),
                "initiative": _r(supervisor="4"),
                "customer_focus": _r(supervisor="3"),
                "attentive_service": _r(supervisor="5"),
                "responsibility": _r(supervisor="4"),
            },
        ),
        (
            "m2002",
            "高远",
            {
                "customer_callback": _v("100"),
                "complaint_handling": _c(
                    response_missed=0, resolution_time_missed=0, resolution_rate_missed=0
                ),
                "customer_satisfaction": _v("91"),
                "service_training": _v("6"),
                "service_process_system": _v("82"),  # inside the band the book's tiers leave open
                "customer_information": _r(supervisor="0"),
                "sales_revenue": _v("99"),
                "customer_churn": _v("1.2"),
                "initiative": _r(supervisor="3"),
                "customer_focus": _r(supervisor="3"),
                "attentive_service": _r(supervisor="3"),
                "responsibility": _r(supervisor="3"),
            },
        ),
    ],
    "table_9_25_after_sales_supervisor.yaml": [
        (
            "s3001",
            "吴磊",
            {
                indicator: _r(self=str(full), supervisor=str(full - 1), reviewer=str(full - 2))
                for indicator, full in (
                    ("customer_feedback", 10),
                    ("customer_records", 10),
                    ("fault_analysis", 10),
                    ("damaged_parts_ledger", 5),
                    ("major_incidents", 15),
                    ("timeliness", 10),
                    ("satisfaction_survey", 10),
                    ("staff_training", 5),
                    ("complaint_handling", 15),
                    ("cross_department", 10),
                )
            },
        ),
    ],
    "table_9_27_after_sales_specialist.yaml": [
        (
            "p4001",
            "郑洁",
            {
                "policy_product_knowledge": _r(supervisor="9"),
                "customer_callback": _r(supervisor="13"),
                "business_liaison": _r(supervisor="22"),
                "problem_resolution": _r(supervisor="14"),
                "information_followup": _r(supervisor="5"),
                "customer_notice": _r(supervisor="8"),
                "service_quality": _c(complaints=1),
                "attendance": _c(late=1, absent=0),
            },
        ),
    ],
}


def main(console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    console.print(Panel.fit("Kaohe 考核 · 书中样表计分演示 / scoring the book's sample tables", style="bold"))
    for file, employees in SAMPLES.items():
        located = load_scheme_located(BOOK / file)
        scheme = located.scheme
        console.rule(f"[bold]{scheme.name.zh}[/bold]  ({scheme.source})")
        for problem in check_scheme(scheme, located=located):
            if problem.level != "info":
                style = "red" if problem.level == "error" else "yellow"
                console.print(
                    f"  检查 {problem.rule_id} {problem.level}: {problem.message_zh}",
                    style=style,
                    markup=False,
                )
        for employee_id, name, values in employees:
            result = score_sheet(scheme, SheetInputs(employee_id, values))
            console.print(sheet_table(result, name))
            for line in result.trace_zh:
                console.print(f"  {line}", markup=False)
            for issue in result.issues:
                console.print(f"  ! {issue.message_zh}", style="yellow", markup=False)
            console.print()


if __name__ == "__main__":
    main()
