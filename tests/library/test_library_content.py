"""The shipped library against the book's outline and the issue's 'done when' list."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaohe.library import Library
from kaohe.metrics.catalog.registry import list_kpis
from kaohe.scheme.checker import check_scheme
from kaohe.scheme.models import CountsSource, KpiSource, Level, ManualSource, Period
from kaohe.scheme.position import CompetencyDimension, GuidanceModule

# The 32 positions of the book's outline (chapters 2–9), by the id the library gives them.
EXPECTED: dict[str, str] = {
    "customer_development_manager": "客户开发经理",
    "customer_development_supervisor": "客户开发主管",
    "customer_development_specialist": "客户开发专员",
    "customer_relations_manager": "客户关系经理",
    "customer_relations_supervisor": "客户关系主管",
    "customer_relations_specialist": "客户关系专员",
    "key_account_service_manager": "大客户服务经理",
    "key_account_service_supervisor": "大客户服务主管",
    "key_account_service_specialist": "大客户服务专员",
    "after_sales_service_manager": "售后服务经理",
    "after_sales_service_supervisor": "售后服务主管",
    "after_sales_repair_supervisor": "售后维修主管",
    "after_sales_service_specialist": "售后服务专员",
    "after_sales_repair_specialist": "售后维修专员",
    "customer_information_supervisor": "客户信息主管",
    "customer_information_specialist": "客户信息专员",
    "service_quality_manager": "客户服务质量经理",
    "service_quality_supervisor": "客户服务质量主管",
    "quality_monitoring_specialist": "客户服务质量监控专员",
    "call_center_manager": "呼叫中心经理",
    "agent_supervisor": "座席主管",
    "service_training_supervisor": "服务培训主管",
    "quality_assurance_supervisor": "质量保证主管",
    "technical_support_supervisor": "技术支持主管",
    "scheduling_supervisor": "排班主管",
    "call_center_agent": "呼叫中心座席员",
    "traffic_forecast_specialist": "话务量预测专员",
    "service_quality_inspector": "服务质量监督员",
    "customer_service_director": "客服总监",
    "customer_service_manager": "客服经理",
    "customer_service_supervisor": "客服主管",
    "complaint_supervisor": "客户投诉主管",
}
CALL_CENTER = [
    "call_center_manager", "agent_supervisor", "service_training_supervisor", "quality_assurance_supervisor",
    "technical_support_supervisor", "scheduling_supervisor", "call_center_agent", "traffic_forecast_specialist",
    "service_quality_inspector",
]
IDS = sorted(EXPECTED)
CATALOG = frozenset(d.id for d in list_kpis())


def test_the_outline_lists_32_positions() -> None:
    assert len(EXPECTED) == 32 and len(set(EXPECTED.values())) == 32


def test_all_32_positions_of_the_outline_are_present(library: Library) -> None:
    found = {entry.id: entry.position.name.zh for entry in library}
    assert found == EXPECTED


@pytest.mark.parametrize("position_id", CALL_CENTER)
def test_call_center_positions_belong_to_chapter_8(library: Library, position_id: str) -> None:
    assert library.position(position_id).position.department.name.zh == "呼叫中心"


@pytest.mark.parametrize("position_id", IDS)
def test_each_position_has_at_least_four_kpis_drawn_from_work_items(library: Library, position_id: str) -> None:
    position = library.position(position_id).position
    assert len(position.kpis) >= 4
    drawn = {k for item in position.work_items for k in item.kpis}
    assert drawn == {k.id for k in position.kpis}, "every KPI comes from a work item, and only KPIs are named"


@pytest.mark.parametrize("position_id", IDS)
def test_competency_model_covers_all_three_dimensions(library: Library, position_id: str) -> None:
    model = library.position(position_id).position.competency_model
    assert {c.dimension for c in model.competencies} == set(CompetencyDimension)
    for competency in model.competencies:
        assert 3 <= len(competency.levels) <= 5
        assert 1 <= competency.required_level <= len(competency.levels)


@pytest.mark.parametrize("position_id", IDS)
def test_a_scheme_has_weights_summing_to_100_and_no_checker_error(library: Library, position_id: str) -> None:
    entry = library.position(position_id)
    clean = []
    for scheme in entry.schemes:
        categories_ok = sum(c.weight for c in scheme.categories) == Decimal(100)
        items_ok = all(sum(i.weight for i in c.indicators) == Decimal(100) for c in scheme.categories)
        errors = [p for p in check_scheme(scheme, kpi_ids=CATALOG) if p.level == "error"]
        if categories_ok and items_ok and not errors:
            clean.append(scheme.id)
        assert len([i for c in scheme.categories for i in c.indicators]) <= 10
    assert clean, f"{position_id}: no scheme with weights summing to 100 and no checker error"


@pytest.mark.parametrize("position_id", IDS)
def test_every_indicator_has_an_explanation_and_a_data_source(library: Library, position_id: str) -> None:
    for scheme in library.position(position_id).schemes:
        for category in scheme.categories:
            for indicator in category.indicators:
                e = indicator.explanation
                assert e.definition and e.formula and e.data_source and e.frequency, indicator.id
                source = indicator.source
                if isinstance(source, ManualSource):
                    assert source.raters or scheme.raters, indicator.id
                elif isinstance(source, CountsSource):
                    assert all(ref.kpi or ref.entered_by for ref in source.counts.values()), indicator.id


@pytest.mark.parametrize("position_id", IDS)
def test_every_kpi_id_named_by_the_library_exists_in_the_catalog(library: Library, position_id: str) -> None:
    entry = library.position(position_id)
    sources = [k.source for k in entry.position.kpis]
    sources += [i.source for s in entry.schemes for c in s.categories for i in c.indicators]
    named = set()
    for source in sources:
        if isinstance(source, KpiSource):
            named.add(source.kpi)
        elif isinstance(source, CountsSource):
            named |= {ref.kpi for ref in source.counts.values() if ref.kpi}
    assert named <= CATALOG, named - CATALOG


EXPECTED_PERIOD = {Level.SPECIALIST: Period.MONTHLY, Level.SUPERVISOR: Period.QUARTERLY,
                   Level.MANAGER: Period.QUARTERLY, Level.DIRECTOR: Period.ANNUAL}


@pytest.mark.parametrize("position_id", IDS)
def test_the_scheme_period_fits_the_level(library: Library, position_id: str) -> None:
    entry = library.position(position_id)
    assert EXPECTED_PERIOD[entry.position.level] in {s.period for s in entry.schemes}
    assert entry.position.letter.scheme in {s.id for s in entry.schemes}


@pytest.mark.parametrize("position_id", IDS)
def test_guidance_covers_the_four_modules(library: Library, position_id: str) -> None:
    position = library.position(position_id).position
    assert {g.module for g in position.guidance} == set(GuidanceModule)


def test_positions_can_be_found_by_chinese_name(library: Library) -> None:
    assert library.position("呼叫中心座席员").id == "call_center_agent"
    with pytest.raises(KeyError):
        library.position("不存在的岗位")


def test_the_agent_scheme_uses_the_operational_kpis(library: Library) -> None:
    scheme = library.position("call_center_agent").scheme("call_center_agent_monthly")
    by_kpi = {
        i.source.kpi: i.rule.type
        for c in scheme.categories for i in c.indicators if isinstance(i.source, KpiSource)
    }
    assert by_kpi["qa_avg"] == "formula"
    assert by_kpi["avg_talk_time"] == "band"
    assert by_kpi["avg_acw_time"] == "linear"
    assert {"effective_work_rate", "exam_score_avg", "plan_completion_rate"} <= set(by_kpi)
    counted = {ref.kpi for c in scheme.categories for i in c.indicators if isinstance(i.source, CountsSource)
               for ref in i.source.counts.values()}
    assert {"attendance_late", "attendance_early_leave", "attendance_absent", "incident_count",
            "ticket_count"} <= counted
    assert scheme.period is Period.MONTHLY


def test_the_agent_supervisor_is_measured_on_team_figures(library: Library) -> None:
    scheme = library.position("agent_supervisor").scheme()
    scopes = {i.source.kpi: i.source.scope for c in scheme.categories for i in c.indicators
              if isinstance(i.source, KpiSource)}
    assert scopes["service_level"] == "team"
    assert scopes["qa_avg"] == "team"


def test_schemes_without_their_own_grading_take_the_company_grading(library: Library) -> None:
    grading = library.grading
    assert [b.grade for b in grading.bands] == ["S", "A", "B", "C", "D"]
    assert grading.forced_distribution == {g: Decimal(p) for g, p in zip("SABCD", (10, 20, 40, 20, 10), strict=True)}
    assert [e.bonus_coefficient for e in grading.effects] == [Decimal("1.5"), Decimal("1.2"), Decimal(1),
                                                              Decimal("0.8"), Decimal(0)]
    for scheme in library.schemes:
        assert scheme.grading == grading


def test_the_documentation_lists_every_position_and_library_check() -> None:
    import re
    from pathlib import Path

    import kaohe.library.loader as loader

    doc = (Path(__file__).resolve().parents[2] / "docs" / "library.md").read_text(encoding="utf-8")
    for position_id, name in EXPECTED.items():
        assert f"`{position_id}`" in doc and name in doc, position_id
    rule_ids = set(re.findall(r'"(P\d{3})"', Path(loader.__file__).read_text(encoding="utf-8")))
    assert rule_ids and all(f"| {rule_id} |" in doc for rule_id in rule_ids), rule_ids
