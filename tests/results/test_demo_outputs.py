"""What `make demo` leaves under out/demo/, opened and checked."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from tests.results.demo import write_demo_outputs
from tests.results.sample import CYCLES, sample_absences, sample_people, sample_scheme


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, write_demo_outputs(out, sheet_count=2)


def test_it_writes_sheets_payroll_results_and_a_dashboard(demo):
    out, written = demo
    for name in ("sheets/E001.xlsx", "sheets/E001.pdf", "sheets/E002.pdf", "payroll.csv", "payroll.xlsx",
                 "results.xlsx", "dashboard.html", "dashboard.xlsx"):
        assert (out / name).stat().st_size > 0, name
    assert set(written.values()) >= {out / "payroll.csv", out / "dashboard.html"}


def test_the_payroll_csv_and_xlsx_agree_and_follow_the_formula(demo):
    out, _ = demo
    rows = list(csv.DictReader(io.StringIO((out / "payroll.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 18
    coefficients = {"S": Decimal("1.5"), "A": Decimal("1.2"), "B": Decimal("1.0"), "C": Decimal("0.8"), "D": Decimal(0)}
    weights = {"personal_leave": Decimal(1), "sick_leave": Decimal("0.5"), "annual_leave": Decimal(0)}
    absences = sample_absences(sample_people(), len(CYCLES) - 1)
    for r in rows:
        assert Decimal(r["绩效系数"]) == coefficients[r["考核等级"]]
        # 2000 × coefficient × (22 − Σ weight × days) / 22, rounded half-up to the cent
        days = sum((weights[k] * d for k, d in absences[r["工号"]].items()), Decimal(0))
        expected = Decimal(2000) * coefficients[r["考核等级"]] * (22 - days) / 22
        assert Decimal(r["绩效工资"]) == expected.quantize(Decimal("0.01"), ROUND_HALF_UP)
    xrows = list(load_workbook(out / "payroll.xlsx").active.iter_rows(values_only=True))[2:20]
    assert [(x[0], Decimal(str(x[9])).quantize(Decimal("0.01"))) for x in xrows] == [
        (r["工号"], Decimal(r["绩效工资"])) for r in rows]


def test_the_sheet_pdf_names_every_indicator(demo):
    out, _ = demo
    text = extract_text(str(out / "sheets" / "E001.pdf"))
    for cat in sample_scheme().categories:
        for ind in cat.indicators:
            assert ind.name.zh in text


def test_the_dashboard_references_no_remote_script(demo):
    out, _ = demo
    html = (out / "dashboard.html").read_text(encoding="utf-8")
    assert "<script src=" not in html  # ECharts is inlined
    assert "echarts" in html and "data-chart=" in html
    assert "http://" not in html.split("<body>")[1] and "https://" not in html.split("<body>")[1]
