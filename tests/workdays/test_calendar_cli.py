"""`kaohe calendar import FILE --year 2027` and `kaohe calendar status`."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from kaohe.cli.main import app
from kaohe.web.audit.models import AuditEvent
from kaohe.web.workdays.models import YearSchedule
from tests.web.conftest import fresh, walk_to
from tests.workdays.conftest import SCHEDULE_2027, at

runner = CliRunner()


@pytest.mark.time_machine(at("2026-12-28"), tick=False)
def test_the_command_loads_a_year_and_recounts_provisional_deadlines(org, sheet, tmp_path):
    sheet = walk_to(org, sheet, "acknowledged")
    f = tmp_path / "2027.csv"
    f.write_text(SCHEDULE_2027, encoding="utf-8")
    status = runner.invoke(app, ["calendar", "status", "--lang", "en"])
    assert status.exit_code == 1 and "2027  NOT LOADED" in status.output and "provisional deadlines: 1" in status.output
    result = runner.invoke(app, ["calendar", "import", str(f), "--year", "2027", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "2027: 8 holidays, 1 make-up workdays loaded from 2027.csv; 1 provisional deadline(s) recounted" \
        in result.output
    assert f"sheet {sheet.pk} appeal_deadline: 2027-01-04 → 2027-01-05" in result.output
    assert fresh(sheet).appeal_deadline == dt.date(2027, 1, 5)
    sched = YearSchedule.objects.get(year=2027)
    assert sched.imported_by is None and sched.imported_by_label.startswith("command line")
    assert AuditEvent.objects.filter(action="calendar.import_year").count() == 1
    status = runner.invoke(app, ["calendar", "status", "--lang", "en"])
    assert status.exit_code == 0 and "2027  imported  2027.csv" in status.output


def test_a_bad_file_exits_1_naming_each_row_and_column_and_changes_nothing(org, tmp_path):
    f = tmp_path / "2027.csv"
    f.write_text("date,kind\n2027-01-01,holiday\n2027-02-30,holiday\n2027-02-09,vacation\n", encoding="utf-8")
    result = runner.invoke(app, ["calendar", "import", str(f), "--year", "2027"])
    assert result.exit_code == 1
    assert "2027.csv：2 处错误，未作任何更改" in result.output
    assert "第 3 行，date 列 (2027-02-30)" in result.output and "第 4 行，kind 列 (vacation)" in result.output
    en = runner.invoke(app, ["calendar", "import", str(f), "--year", "2027", "--lang", "en"])
    assert "row 3, column date (2027-02-30): Dates are written YYYY-MM-DD" in en.output
    assert not YearSchedule.objects.exists()
