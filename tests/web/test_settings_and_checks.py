"""Settings from the environment fail loudly; system checks report org and workflow problems."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kaohe.web import settings as s

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("helper,raw", [(s.env_bool, "perhaps"), (s.env_int, "12a")])
def test_helpers_refuse_values_they_cannot_read(monkeypatch, helper, raw):
    monkeypatch.setenv("KAOHE_X", raw)
    with pytest.raises(ImproperlyConfigured, match="KAOHE_X"):
        helper("KAOHE_X", 1)


def test_choice_and_time_zone_helpers_refuse_unknown_values(monkeypatch):
    monkeypatch.setenv("KAOHE_X", "oracle")
    with pytest.raises(ImproperlyConfigured):
        s.env_choice("KAOHE_X", "sqlite", ("sqlite", "postgres"))
    monkeypatch.setenv("KAOHE_X", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured):
        s.env_time_zone("KAOHE_X", "Asia/Shanghai")


def test_a_required_variable_is_named_when_missing(monkeypatch):
    monkeypatch.delenv("KAOHE_X", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KAOHE_X"):
        s.env_str("KAOHE_X")


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("KAOHE_")} | env
    return subprocess.run([sys.executable, "-c", "import kaohe.web.settings as s; print(s.TIME_ZONE, s.DEBUG)"],
                          env=full, capture_output=True, text=True, cwd=REPO)


def test_production_without_a_secret_key_does_not_start(tmp_path):
    done = _import_settings({"KAOHE_DEBUG": "false", "KAOHE_DATA_DIR": str(tmp_path)})
    assert done.returncode != 0 and "KAOHE_SECRET_KEY" in done.stderr
    done = _import_settings({"KAOHE_DEBUG": "false", "KAOHE_SECRET_KEY": "x" * 50, "KAOHE_DATA_DIR": str(tmp_path)})
    assert done.returncode == 0 and done.stdout.split() == ["Asia/Shanghai", "False"]


def test_every_setting_is_documented_in_a_settings_table():
    """Each KAOHE_ variable read must appear in a `| KAOHE_… |` table row (docstring or comment)."""
    import re

    text = Path(s.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'env_\w+\(\s*"(KAOHE_\w+)"', text))
    doc_lines = [line for line in text.splitlines() if line.lstrip("# ").startswith("| KAOHE_")]
    documented: set[str] = set()
    for line in doc_lines:
        cell = line.lstrip("# ").split("|")[1]
        names = re.findall(r"KAOHE_\w+", cell)
        documented |= set(names)
        # shorthand rows: "KAOHE_EMAIL_HOST / _PORT / _USER" document KAOHE_EMAIL_PORT, KAOHE_EMAIL_USER
        for first in names[:1]:
            prefix = first.rsplit("_", 1)[0]
            documented |= {prefix + suffix for suffix in re.findall(r"(?<![A-Z])(_[A-Z_]+)", cell)}
    assert used <= documented, sorted(used - documented)


def test_the_test_database_is_the_one_asked_for(db):
    from django.db import connection

    expected = "postgresql" if os.environ.get("KAOHE_DB") == "postgres" else "sqlite"
    assert connection.vendor == expected


def test_system_checks_flag_a_bad_company_time_zone_and_a_low_peer_minimum(org):
    from kaohe.web.org.checks import check_company_time_zones

    assert check_company_time_zones(None) == []
    org.company.time_zone = "Mars/Olympus"
    org.company.min_peer_raters = 1
    org.company.save()
    assert sorted(m.id for m in check_company_time_zones(None)) == ["KAOHE-O001", "KAOHE-O002"]


def test_the_workflow_table_passes_its_own_check():
    from kaohe.web.appraisal.checks import check_workflow_table

    assert check_workflow_table(None) == []


def test_the_workflow_check_finds_an_unreachable_state(monkeypatch):
    from kaohe.web.appraisal import workflow
    from kaohe.web.appraisal.checks import check_workflow_table

    table = dict(workflow.TRANSITIONS)
    del table["appeal"]
    monkeypatch.setattr(workflow, "TRANSITIONS", table)
    assert [m.id for m in check_workflow_table(None)] == ["KAOHE-A002"]


def test_a_position_outside_the_library_is_flagged(org):
    from kaohe.web.appraisal.checks import check_positions_in_library

    # the test library knows only the agent; the personas also hold supervisor and manager positions
    ids = {m.msg.split()[1] for m in check_positions_in_library(None)}
    assert "call_center_supervisor" in ids and "call_center_agent" not in ids
    assert {m.id for m in check_positions_in_library(None)} == {"KAOHE-A003"}


def test_the_library_check_reports_load_problems_with_their_rule(monkeypatch):
    import kaohe.library as library
    from kaohe.scheme.problems import Problem
    from kaohe.web.appraisal.checks import check_library

    problem = Problem(code="P019", level="error", file="positions/x/position.yaml", line=16, path="superior.id",
                      message_zh="上级岗位不在岗位库中", message_en="the superior is not in the library",
                      hint_zh="只写名称", hint_en="give only a name")

    def broken():
        raise library.LibraryLoadError([problem])

    monkeypatch.setattr(library, "default_library", broken)
    found = check_library(None)
    assert [m.id for m in found] == ["KAOHE-L001"]
    assert "position.yaml:16" in found[0].msg and "P019" in found[0].msg
