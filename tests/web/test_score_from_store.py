"""`kaohe score --data` on the company's event store gives every sheet the web app's total.

A small demo-like company (the web fixture's two teams) gets a month of survey records
through the upload path; the web app computes the KPIs, collects QA, 360, self and
supervisor ratings, and scores every sheet. The command line then scores the same
employees straight from the event store (whose org table names who is who) and the
ratings file, through the same `kaohe.scoring.inputs` step — and must agree on every total.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal

from typer.testing import CliRunner

from kaohe.scheme import dump_scheme
from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Rating
from kaohe.web.appraisal.services.data import store_dir
from tests.web.conftest import agent_scheme, fresh

SURVEYS = "survey_id,agent_id,customer_id,call_id,ticket_id,answered_at,csat,nps\n" + "".join(
    f"s{agent}{i},{agent},c{i},,,2026-10-{3 + i:02d} 10:00:00,{score},9\n"
    for agent, scores in {"A001": (5, 4, 2, 5), "A002": (5, 5), "A003": (3, 4, 5, 5, 5), "A004": (2, 3),
                          "B001": (5, 4, 4)}.items()
    for i, score in enumerate(scores)
)


def _rate(sheet, user, role, indicator, score):  # type: ignore[no-untyped-def]
    svc.submit_rating(fresh(sheet), user, role=role, indicator=indicator, score=Decimal(score))


def _walk(org, sheet, n):  # type: ignore[no-untyped-def]
    me, boss = sheet.employee.user, sheet.employee.manager.user
    sheet = svc.start_self_review(svc.acknowledge_targets(svc.set_targets(sheet, boss), me), boss)
    _rate(sheet, org.qa, "qa", "qa_score", 80 + n)
    team = [e.user for e in sheet.employee.team.members.exclude(pk=sheet.employee.pk).filter(
        position=org.agent_position)]
    if team:
        svc.request_ratings(fresh(sheet), boss, role="peer", raters=team)
        for k, user in enumerate(team):
            _rate(sheet, user, "peer", "peer_feedback", 70 + 5 * k + n)
    _rate(sheet, me, "self", "teamwork", 90 - n)
    sheet = svc.submit_self_review(fresh(sheet), me)
    _rate(sheet, boss, "supervisor", "teamwork", 75 + n)
    return svc.score_sheet(fresh(svc.submit_supervisor_review(fresh(sheet), boss)), org.hr)


def test_kaohe_score_data_reproduces_the_web_total_of_every_sheet(org, cycle, tmp_path):
    records = tmp_path / "surveys.csv"
    records.write_text(SURVEYS, encoding="utf-8")
    svc.confirm_upload(svc.validate_upload(cycle, org.hr, path=records, file_name="surveys.csv", table="surveys"),
                       org.hr)
    svc.compute_cycle_kpis(cycle, org.hr)
    sheets = {s.employee.code: _walk(org, s, n) for n, s in enumerate(cycle.sheets.order_by("employee__code"))}
    web = {code: fresh(s).current_score.total for code, s in sheets.items()}
    assert len(web) == 5 and sum(t is not None for t in web.values()) >= 4

    ratings = tmp_path / "ratings.csv"
    with ratings.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["employee_id", "indicator", "role", "rater", "score", "counts"])
        for r in Rating.objects.filter(sheet__cycle=cycle, submitted_at__isnull=False).select_related(
                "sheet__employee"):
            out.writerow([r.sheet.employee.code, r.indicator, r.role, r.rater_id or "", r.score or "",
                          ";".join(f"{k}={v}" for k, v in (r.counts or {}).items())])
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(dump_scheme(agent_scheme()), encoding="utf-8")

    result = CliRunner().invoke(__import__("kaohe.cli.main", fromlist=["app"]).app, [
        "score", "--scheme", str(scheme), "--data", str(store_dir(org.company)), "--period", "2026-10",
        "--employees", ",".join(sorted(web)), "--ratings", str(ratings), "--format", "json",
        "--min-peer-raters", str(org.company.min_peer_raters), "--tz", org.company.time_zone,
    ])
    assert result.exit_code in (0, 1), result.output
    start = result.stdout.index("[")
    cli = {r["employee_id"]: None if r["total"] is None else Decimal(r["total"])
           for r in json.loads(result.stdout[start:])}
    assert cli == web
