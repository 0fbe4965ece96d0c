"""Company schemes: copy from the book, drafts, versions, approval, assignment, cycles, YAML, preview."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from kaohe.scheme.dump import dump_scheme
from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Sheet
from kaohe.web.audit.models import AuditEvent
from kaohe.web.errors import Forbidden
from kaohe.web.schemes import services
from kaohe.web.schemes.formmodel import SchemeForm
from kaohe.web.schemes.models import ImmutableVersion, SchemeVersion
from tests.web.conftest import AGENT_POSITION, walk_to

pytestmark = pytest.mark.django_db


def _edited(cs, **weights):  # type: ignore[no-untyped-def]
    """The draft with category weights changed through the form model, as the page does."""
    data = SchemeForm.from_scheme(services.draft_scheme(cs)).post_data()
    index = {c.id: i for i, c in enumerate(services.draft_scheme(cs).categories)}
    for cat, weight in weights.items():
        data[f"categories.{index[cat]}.weight"] = str(weight)
    return SchemeForm(data).parse()


def _open(org, label: str, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    return svc.open_cycle(org.company, org.hr, period="monthly", label=label, start=start, end=end,
                          positions=[org.agent_position])


def test_a_published_version_is_used_by_the_next_cycle_and_the_earlier_cycle_keeps_version_1(org):
    from kaohe.web.ui.formatting import scheme_label

    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    assert cs.versions.get().number == 1
    october = _open(org, "2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    # the weights 60/20/20 → 55/20/20 = 95: K001 on the draft, which is saved anyway
    problems = services.save_draft(cs, org.hr, _edited(cs, performance=55))
    assert [p.code for p in problems if p.level == "error"] == ["K001"]
    assert problems[0].path == "categories"
    with pytest.raises(services.SchemeRefused) as refused:
        services.publish(cs, org.hr, "业绩权重下调")
    assert [p.code for p in refused.value.problems] == ["K001"]
    assert cs.versions.count() == 1
    assert services.errors_of(services.save_draft(cs, org.hr, _edited(cs, performance=55, attitude=25))) == []
    v2 = services.publish(cs, org.hr, "业绩 55%，态度 25%")
    assert v2.number == 2 and v2.author == org.hr
    services.assign(v2, org.hr, "2026-11")
    november = _open(org, "2026-11", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    old = october.sheets.get(employee=org.agent_emp).scheme
    new = november.sheets.get(employee=org.agent_emp).scheme
    assert new.scheme().categories[0].weight == Decimal(55)
    assert old.scheme().categories[0].weight == Decimal(60)
    assert services.version_for_snapshot(old).number == 1
    assert services.version_for_snapshot(new).number == 2
    with translation.override("zh-hans"):
        assert scheme_label(new) == "座席员月度考核 · 第 2 版"
        assert scheme_label(old) == "座席员月度考核 · 第 1 版"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"scheme.adopt", "scheme.draft_save", "scheme.publish", "scheme.assign"} <= actions


def test_an_assignment_starts_at_its_period(org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    services.save_draft(cs, org.hr, _edited(cs, performance=55, attitude=25))
    v2 = services.publish(cs, org.hr, "change")
    services.assign(v2, org.hr, "2026-12")
    assert services.assigned_version(org.company, AGENT_POSITION, "specialist", "monthly", "2026-11") is None
    assert services.assigned_version(org.company, AGENT_POSITION, "specialist", "monthly", "2026-12") == v2
    assert services.assigned_version(org.company, AGENT_POSITION, "specialist", "monthly", "2027-03") == v2
    with pytest.raises(services.SchemeRefused) as refused:
        services.assign(v2, org.hr, "December")
    assert refused.value.problems[0].code == "S008"


def test_a_version_never_changes(org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    v1 = cs.versions.get()
    v1.content = {**v1.content, "notes": "edited in place"}
    with pytest.raises(ImmutableVersion):
        v1.save()
    assert SchemeVersion.objects.get(pk=v1.pk).content.get("notes", "") == ""


def test_publishing_needs_a_note_and_a_change(org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    with pytest.raises(services.SchemeRefused) as refused:
        services.publish(cs, org.hr, "  ")
    assert {p.code for p in refused.value.problems} == {"S004", "S005"}


def test_a_director_approves_before_a_version_is_used_when_the_company_asks(org):
    services.set_require_approval(org.company, org.hr, True)
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    services.save_draft(cs, org.hr, _edited(cs, performance=55, attitude=25))
    v2 = services.publish(cs, org.hr, "change")
    assert services.awaiting_approval(org.company)[-1] == v2
    with pytest.raises(services.SchemeRefused) as refused:
        services.assign(v2, org.hr, "2026-11")
    assert refused.value.problems[0].code == "S009"
    with pytest.raises(Forbidden):
        services.approve(v2, org.hr)
    services.approve(v2, org.director)
    services.assign(v2, org.hr, "2026-11")
    assert services.assigned_version(org.company, AGENT_POSITION, "specialist", "monthly", "2026-11") == v2
    assert AuditEvent.objects.filter(action="scheme.approve").count() == 1
    assert AuditEvent.objects.filter(action="scheme.settings").count() == 1


def test_only_hr_edits(org):
    with pytest.raises(Forbidden):
        services.adopt(org.company, org.supervisor, "test_agent_monthly")
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    with pytest.raises(Forbidden):
        services.save_draft(cs, org.agent, services.draft_scheme(cs))


def test_uploaded_yaml_with_errors_names_each_line_and_saves_nothing(org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    before = dict(cs.draft.content)
    text = dump_scheme(services.draft_scheme(cs))
    lines = text.splitlines()
    weight_line = next(i for i, line in enumerate(lines) if line.strip() == "weight: 60")
    lines[weight_line] = lines[weight_line].replace("60", "sixty")
    direction_line = next(i for i, line in enumerate(lines) if line.strip() == "direction: higher")
    lines[direction_line] = lines[direction_line].replace("higher", "upwards")
    with pytest.raises(services.SchemeRefused) as refused:
        services.upload_yaml(cs, org.hr, "\n".join(lines) + "\n", "agent.yaml")
    found = {p.line for p in refused.value.problems}
    assert {weight_line + 1, direction_line + 1} <= found
    cs.refresh_from_db()
    assert cs.draft.content == before
    # a file that loads but fails the checker (K001) is refused too, with its line
    bad = text.replace("weight: 60", "weight: 50", 1)
    with pytest.raises(services.SchemeRefused) as refused:
        services.upload_yaml(cs, org.hr, bad, "agent.yaml")
    assert [(p.code, p.line) for p in refused.value.problems][0][0] == "K001"
    assert refused.value.problems[0].line is not None
    cs.refresh_from_db()
    assert cs.draft.content == before
    good = text.replace("weight: 60", "weight: 55", 1).replace("weight: 20\n", "weight: 25\n", 1)
    services.upload_yaml(cs, org.hr, good, "agent.yaml")
    cs.refresh_from_db()
    assert services.draft_scheme(cs).categories[0].weight == Decimal(55)


def test_field_level_differences_between_versions(org):
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    services.save_draft(cs, org.hr, _edited(cs, performance=55, attitude=25))
    v2 = services.publish(cs, org.hr, "change")
    changes = services.diff_contents(cs.versions.get(number=1).content, v2.content)
    assert [(c.path, c.before, c.after) for c in changes] == [
        ("categories.0.weight", "60", "55"), ("categories.2.weight", "20", "25")]
    assert services.readable_path("categories.0.weight", v2.content, "zh") == "业绩 › 权重 %"
    assert services.readable_path("categories.0.indicators.0.rule.tiers.0.score", v2.content, "en") == (
        "业绩 › CSAT › rule › tier 1 › score")


def test_preview_shows_who_changes_grade_on_the_last_closed_cycle(org, sheet):
    # the agent's October sheet: 60×100 + 20×85 + 20×79.5 → 92.9, grade A (tests/web/conftest.py)
    walk_to(org, sheet, "calibration")
    cs = services.adopt(org.company, org.hr, "test_agent_monthly")
    # performance 40 %, quality 40 %: 40 + 34 + 15.9 = 89.9 → B
    result = services.preview(cs, org.hr, _edited(cs, performance=40, quality=40))
    assert result.cycle == sheet.cycle
    row = next(r for r in result.rows if r.code == org.agent_emp.code)
    assert (row.current_total, row.current_grade) == (Decimal("92.9"), "A")
    assert (row.draft_total, row.draft_grade) == (Decimal("89.9"), "B")
    assert [r.code for r in result.changed] == [org.agent_emp.code]
    assert result.before["A"] == 1 and result.after["B"] == 1
    assert len(result.rows) == Sheet.objects.filter(cycle=sheet.cycle).count()
