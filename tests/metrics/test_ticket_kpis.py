"""Ticket KPIs, including working days over the 2026 National Day holiday and its make-up Saturday."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kaohe.metrics.calendar import CalendarNotLoaded, WorkCalendar

from .conftest import L


def ticket(tid, type_, owner, created, first=None, resolved=None, caused=None, reopened=0):
    return {
        "ticket_id": tid, "type": type_, "customer_id": None, "owner_id": owner, "caused_by_id": caused,
        "created_at": L(created), "first_response_at": L(first) if first else None,
        "resolved_at": L(resolved) if resolved else None, "closed_at": None, "reopened_count": reopened,
        "escalated": False,
    }


TICKETS = [
    # Thu 8 Oct -> Mon 12 Oct: Fri 9, Sat 10 (make-up workday), Mon 12 = 3 working days
    ticket("t1", "complaint", "a1", "2026-10-08 10:00", "2026-10-08 11:30", "2026-10-12 09:00", caused="a2"),
    # Thu 8 Oct -> Tue 13 Oct = 4 working days, late only because Sat 10 Oct is a make-up workday
    ticket("t2", "complaint", "a1", "2026-10-08 10:00", "2026-10-08 12:30", "2026-10-13 10:00"),
    # created on the holiday 1 Oct, resolved Fri 9 Oct: 2 working days (8th and 9th)
    ticket("t3", "complaint", "a1", "2026-10-01 09:00", None, "2026-10-09 17:00", caused="a2"),
    ticket("t4", "complaint", "a1", "2026-10-20 09:00"),  # still open
    # Sat 31 Oct -> Mon 2 Nov: 1 working day, but resolved after the period
    ticket("t5", "complaint", "a2", "2026-10-31 22:00", "2026-10-31 22:30", "2026-11-02 10:00"),
    ticket("t6", "repair", "a3", "2026-10-15 09:00", None, "2026-10-16 09:00", caused="a2", reopened=1),
    ticket("t7", "repair", "a3", "2026-09-20 09:00", None, "2026-10-05 09:00"),
    ticket("t8", "repair", "a3", "2026-10-20 09:00", None, "2026-11-05 09:00", reopened=2),
]


@pytest.mark.parametrize(
    "kpi_id,agent,value,sample",
    [
        ("ticket_count", "a2", "2", 3),  # complaints t1, t3 caused by a2; plus repair t6
        ("ticket_first_response_within", "a1", "25", 4),  # t1 only (t2 took 2.5 h)
        ("ticket_resolved_within", "a1", "50", 4),  # t1, t3
        ("ticket_resolved_within", "a2", "100", 1),  # t5 over the weekend
        ("ticket_resolution_rate", "a1", "75", 4),  # t1, t2, t3 before 1 Nov
        ("ticket_resolution_rate", "a2", "0", 1),  # t5 resolved in November
        ("ticket_reopen_rate", "a3", "50", 2),  # resolved in October: t6 (reopened), t7
    ],
)
def test_ticket_kpis(kpi, kpi_id, agent, value, sample):
    v = kpi({"tickets": TICKETS}, [kpi_id])[(kpi_id, agent, "2026-10")]
    assert (v.value, v.sample_size) == (Decimal(value), sample)


def test_company_override_changes_working_days(kpi):
    cal = WorkCalendar()
    cal.set_override(date(2026, 10, 10), False)  # this center does not work the make-up Saturday
    v = kpi({"tickets": TICKETS}, ["ticket_resolved_within"], calendar=cal)[("ticket_resolved_within", "a1", "2026-10")]
    assert v.value == Decimal("75")  # t2 is now within 3 working days


def test_hours_and_working_days_are_parameters(kpi):
    vals = kpi({"tickets": TICKETS}, [("ticket_first_response_within", {"hours": 3}),
                                      ("ticket_resolved_within", {"working_days": 4})])
    assert vals[("ticket_first_response_within", "a1", "2026-10")].value == Decimal("50")
    assert vals[("ticket_resolved_within", "a1", "2026-10")].value == Decimal("75")


def test_a_year_without_an_official_schedule_is_refused_then_accepted_after_import(kpi):
    tickets = [ticket("n1", "complaint", "a1", "2027-01-05 10:00", None, "2027-01-08 10:00"),
               ticket("n2", "complaint", "a1", "2027-01-05 10:00", None, "2027-01-12 10:00")]
    cal = WorkCalendar()
    with pytest.raises(CalendarNotLoaded) as err:
        kpi({"tickets": tickets}, ["ticket_resolved_within"], period="2027-01", calendar=cal)
    assert "2027" in str(err.value) and "import" in str(err.value).lower()
    cal.import_year(2027, holidays=[date(2027, 1, 1)], workdays=[])
    v = kpi({"tickets": tickets}, ["ticket_resolved_within"], period="2027-01", calendar=cal)
    assert v[("ticket_resolved_within", "a1", "2027-01")].value == Decimal("50")  # Tue -> Fri: 3; -> next Tue: 5


def test_a_ticket_resolved_in_an_unloaded_year_is_refused(kpi):
    tickets = [ticket("d1", "complaint", "a1", "2026-12-30 10:00", None, "2027-01-04 10:00")]
    with pytest.raises(CalendarNotLoaded, match="2027"):
        kpi({"tickets": tickets}, ["ticket_resolved_within"], period="2026-12", calendar=WorkCalendar())
