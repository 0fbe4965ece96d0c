"""October 2026 for the agents on the book's agent scheme (call_center_agent_monthly), with results.

Hand-made inputs, chosen so that moving 5 points of weight from the calls category (80 %) to the
work-items category (20 %) changes two grades. Per agent: the calls category scores
0.4 × QA + 0.1 × 100 (attendance) + 0.1 × 100 (effective work 50 %) + 0.15 × 100 (talk 100 s)
+ 0.15 × 100 (after-call work 25 s: 70 + 15 × 2) + 0.1 × 100 (exam 100) = 0.4 × QA' + 60, where
QA' is QA when ≥ 80, else 0; the work-items category is the mean of four items.

| agent        | QA  | calls | work items                                           | 80/20 → grade | 75/25 → grade |
|--------------|-----|-------|------------------------------------------------------|---------------|---------------|
| agent A001   | 100 | 100   | plan 75 % → 50, 5 missed → 50, 3 complaints → 40,     | 90.0 S        | 87.5 A        |
|              |     |       | 4 invalid records → 60: 50                           |               |               |
| peer1 A002   | 90  | 96    | 100                                                  | 96.8 S        | 97.0 S        |
| peer2 A003   | 80  | 92    | 5 complaints → 0: 75                                 | 88.6 A        | 87.75 A       |
| peer3 A004   | 70  | 60    | 100                                                  | 68.0 C        | 70.0 B        |
| other B001   | 85  | 94    | 100                                                  | 95.2 S        | 95.5 S        |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

SCHEME_ID = "call_center_agent_monthly"
INPUTS = {  # code: (qa, plan completion %, missed follow-ups, complaints, invalid records)
    "A001": (100, 75, 5, 3, 4),
    "A002": (90, 100, 0, 0, 0),
    "A003": (80, 100, 0, 5, 0),
    "A004": (70, 100, 0, 0, 0),
    "B001": (85, 100, 0, 0, 0),
}
BEFORE = {"A001": ("90.00", "S"), "A002": ("96.80", "S"), "A003": ("88.60", "A"), "A004": ("68.00", "C"),
          "B001": ("95.20", "S")}
AFTER = {"A001": ("87.50", "A"), "A002": ("97.00", "S"), "A003": ("87.75", "A"), "A004": ("70.00", "B"),
         "B001": ("95.50", "S")}


def october_with_results(org: Any) -> Any:
    """Open October on the book's scheme, store its KPI values and the supervisor's counts, score it, close it."""
    from kaohe.web.appraisal import services as svc
    from kaohe.web.appraisal.models import Cycle, Rating, Sheet, SheetState

    cycle = svc.open_cycle(org.company, org.hr, period="monthly", label="2026-10", start=dt.date(2026, 10, 1),
                           end=dt.date(2026, 10, 31), positions=[org.agent_position])
    values = []
    for code, (qa, plan, missed, complaints, invalid) in INPUTS.items():
        def v(kpi: str, value: Any, params: dict[str, str] | None = None, code: str = code) -> dict[str, Any]:
            return {"employee": code, "kpi": kpi, "value": value, "params": params or {}, "sample_size": 30}

        values += [v("qa_avg", qa), v("attendance_late", 0), v("attendance_early_leave", 0),
                   v("attendance_absent", 0), v("effective_work_rate", 50), v("handled_calls", 400),
                   v("avg_talk_time", 100), v("avg_acw_time", 25), v("exam_score_avg", 100),
                   v("plan_completion_rate", plan, {"measure": "call_tasks"}),
                   v("incident_count", missed, {"type": "missed_followup"}),
                   v("ticket_count", complaints, {"type": "complaint"}),
                   v("incident_count", invalid, {"type": "info_error"})]
    svc.record_kpi_values(cycle, org.hr, values)
    # the month went through its steps; here only the results matter: scored at calibration, then closed
    Sheet.objects.filter(cycle=cycle).update(state=SheetState.CALIBRATION)
    for sheet in cycle.sheets.select_related("employee__manager__user"):
        Rating.objects.create(sheet=sheet, indicator="supervisor_appraisal", role="supervisor",
                              rater=sheet.employee.manager.user, counts={"other_points": 0},
                              submitted_at=timezone.now())
        svc.score_sheet(sheet, org.hr)
    Sheet.objects.filter(cycle=cycle).update(state=SheetState.CLOSED)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    cycle.refresh_from_db()
    return cycle
