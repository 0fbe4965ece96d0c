"""`kaohe import --source …` and `kaohe kpi` in every format, on the hand-written Asterisk log.

Agents 1001 and 1002 (see tests/ingest/test_asterisk_queue_log.py for the hand computation):
AHT 1001 = 96.5 s over 2 calls, 1002 = 160 s over 1 call; both in team t1.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaohe.cli.main import app

ASTERISK = Path(__file__).resolve().parents[1] / "ingest" / "data" / "asterisk"
KEYS = ["kpi", "level", "unit_id", "unit_name", "value", "numerator", "denominator", "sample_size", "from", "to"]


@pytest.fixture
def store(runner, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    cfg = tmp_path / "asterisk.yaml"
    cfg.write_text("acw: {policy: pause, pause_gap_s: 10}\n", encoding="utf-8")
    org = tmp_path / "org.csv"
    org.write_text("employee_id,name,team_id,department_id,center_id,position_id\n"
                   "1001,张三,t1,d1,c1,agent\n1002,李四,t1,d1,c1,agent\n", encoding="utf-8")
    r = runner.invoke(app, ["import", str(org), "-d", str(data), "-t", "org"])
    assert r.exit_code == 0, r.output
    # auto-detected as an Asterisk queue log; the bad lines are skipped and listed
    r = runner.invoke(app, ["import", str(ASTERISK / "queue_log.1"), "-d", str(data), "--config", str(cfg),
                            "--skip-bad-rows"])
    assert r.exit_code == 0, r.output
    assert "skipped lines: [19, 22]" in r.output and "QUEUESTART" in r.output
    r = runner.invoke(app, ["import", str(ASTERISK / "queue_log.2"), "-d", str(data), "--config", str(cfg),
                            "--source", "asterisk-queue-log", "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.stdout)[0]
    assert rep["completed_from_earlier"] == 1 and rep["tables"]["calls"]["rows_loaded"] == 1
    return data


def _args(data: Path, *more: str) -> list[str]:
    return ["kpi", "--data", str(data), "--from", "2026-10-01", "--to", "2026-10-31", *more]


def test_import_without_the_skip_flag_refuses_and_names_the_lines(runner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["import", str(ASTERISK / "queue_log.1"), "-d", str(tmp_path / "d")])
    assert r.exit_code == 1
    assert "row 19" in r.output and "row 22" in r.output and "nothing was loaded" in r.output


def test_json(runner, store: Path) -> None:
    r = runner.invoke(app, _args(store, "--level", "agent", "--kpi", "aht,handled_calls", "--format", "json"))
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    aht = {x["unit_id"]: x for x in rows if x["kpi"] == "aht"}
    assert set(KEYS) <= set(aht["1001"])
    assert (aht["1001"]["value"], aht["1001"]["numerator"], aht["1001"]["denominator"]) == (96.5, 193.0, 2.0)
    assert aht["1001"]["unit_name"] == "张三" and aht["1001"]["sample_size"] == 2
    assert (aht["1001"]["from"], aht["1001"]["to"], aht["1001"]["level"]) == ("2026-10-01", "2026-10-31", "agent")
    assert aht["1002"]["value"] == 160.0 and aht["1002"]["provenance"] == "records"


def test_team_level_and_definitions(runner, store: Path, tmp_path: Path) -> None:
    defs = tmp_path / "defs.yaml"
    defs.write_text("aht: {components: talk}\n", encoding="utf-8")
    r = runner.invoke(app, _args(store, "--level", "team", "--kpi", "aht", "--format", "json",
                                 "--definitions", str(defs)))
    (row,) = json.loads(r.stdout)
    assert (row["unit_id"], row["value"], row["params"]) == ("t1", round(310 / 3, 6), {"components": "talk"})
    r = runner.invoke(app, _args(store, "--level", "team", "--kpi", "aht", "--format", "json",
                                 "--param", "aht.components=talk+acw"))
    assert json.loads(r.stdout)[0]["value"] == round((310 + 43) / 3, 6)


def test_csv(runner, store: Path, tmp_path: Path) -> None:
    out = tmp_path / "kpi.csv"
    r = runner.invoke(app, _args(store, "--kpi", "aht", "--format", "csv", "--out", str(out)))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [(x["unit_id"], x["value"], x["sample_size"]) for x in rows] == [("1001", "96.5", "2"), ("1002", "160.0", "1")]


def test_xlsx(runner, store: Path, tmp_path: Path) -> None:
    out = tmp_path / "kpi.xlsx"
    r = runner.invoke(app, _args(store, "--kpi", "occupancy", "--format", "xlsx", "--out", str(out)))
    assert r.exit_code == 0, r.output
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:10] == KEYS
    got = {row[2]: row[4] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert got == {"1001": 38.6, "1002": round(160 / 330 * 100, 6)}
    assert runner.invoke(app, _args(store, "--format", "xlsx")).exit_code == 2  # xlsx needs --out


def test_table_and_every_available_kpi(runner, store: Path) -> None:
    r = runner.invoke(app, _args(store, "--level", "center"))
    assert r.exit_code == 0, r.output
    assert "service_level" in r.stdout and "occupancy" in r.stdout and "c1" in r.stdout
    assert "csat_mean" not in r.stdout  # no surveys loaded: not offered


def test_bad_arguments(runner, store: Path) -> None:
    assert runner.invoke(app, _args(store, "--kpi", "nope")).exit_code == 2
    assert runner.invoke(app, ["kpi", "--data", str(store), "--from", "2026-10-31", "--to", "2026-10-01"]).exit_code == 2
    r = runner.invoke(app, _args(store, "--param", "aht.components"))
    assert r.exit_code == 2 and "kpi.parameter=value" in r.output
