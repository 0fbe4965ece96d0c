"""The book's tables 9-23 … 9-27 as scheme files: literal, loadable, and checked."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kaohe.scheme import load_scheme, load_scheme_located
from kaohe.scheme.checker import check_scheme
from kaohe.scheme.models import RaterRole, Scale

from .conftest import BOOK, shared_dir

FILES = {
    "9-23/9-24": "table_9_23_24_cs_manager.yaml",
    "9-25": "table_9_25_after_sales_supervisor.yaml",
    "9-26": "table_9_26_call_center_agent.yaml",
    "9-27": "table_9_27_after_sales_specialist.yaml",
}
# the weights as printed in seed 002, read by hand, in table order
WEIGHTS = {
    "9-23/9-24": [[5, 30, 20, 5, 20, 10, 5, 5], [25, 25, 25, 25]],
    "9-25": [[10, 10, 10, 5, 15, 10, 10, 5, 15, 10]],
    "9-26": [[40, 10, 10, 15, 10, 10]],
    "9-27": [[10, 15, 25, 15, 5, 10, 10, 10]],
}
# names the seed's table layout splits with other cells
SPLIT = {
    "客户反馈信息的收集、汇总": ("客户反馈信息的收", "集、汇总"),
    "对售后人员的培训": ("对售后人", "员的培训"),
    "部门横向沟通": ("部门横向", "沟通"),
    "解决客户问题": ("解决客户",),
}


def seed_002() -> str:
    [path] = sorted((shared_dir() / "seeds").glob("002_*.txt"))
    return re.sub(r"\s+", "", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("table", FILES)
def test_each_book_sample_loads_and_names_its_source(table: str) -> None:
    scheme = load_scheme(BOOK / FILES[table])
    assert table.split("/")[0].replace("-", "-") in scheme.source.replace("表", "")
    assert scheme.notes  # the assumptions are written down


@pytest.mark.parametrize("table", FILES)
def test_book_samples_keep_the_seed_weights(table: str) -> None:
    scheme = load_scheme(BOOK / FILES[table])
    assert [[int(i.weight) for i in c.indicators] for c in scheme.categories] == WEIGHTS[table]


def test_book_sample_indicator_names_come_from_the_seed() -> None:
    seed = seed_002()
    for file in FILES.values():
        for category in load_scheme(BOOK / file).categories:
            for indicator in category.indicators:
                parts = SPLIT.get(indicator.name.zh, (indicator.name.zh,))
                assert all(part in seed for part in parts), indicator.name.zh


def test_the_manager_sheet_keeps_the_literal_85_and_25_percent() -> None:
    scheme = load_scheme(BOOK / FILES["9-23/9-24"])
    assert [c.weight for c in scheme.categories] == [Decimal(85), Decimal(25)]
    assert scheme.scale == Scale.POINTS


def test_lint_on_the_literal_manager_sheet_reports_exactly_the_two_known_errors() -> None:
    located = load_scheme_located(BOOK / FILES["9-23/9-24"])
    problems = check_scheme(located.scheme, located=located)
    errors = [p for p in problems if p.level == "error"]
    assert [p.rule_id for p in errors] == ["K001", "K004", "K026", "K004"]
    assert "去年同期" in errors[2].message_zh and "算达标" in errors[2].message_zh
    assert "110" in errors[0].message_en
    assert "[80, 85)" in errors[1].message_en
    assert "客服流程体系的建立与完善" in errors[1].message_zh
    # the only other finding is justified: the sheet has 12 indicators
    assert [p.rule_id for p in problems if p.level != "error"] == ["K014"]


def test_lint_finds_the_agent_sheet_weights_printed_as_95_percent() -> None:
    located = load_scheme_located(BOOK / FILES["9-26"])
    problems = check_scheme(located.scheme, located=located)
    assert [p.rule_id for p in problems if p.level == "error"] == ["K002"]
    assert "95" in problems[0].message_en


@pytest.mark.parametrize("table", ["9-25", "9-27"])
def test_the_after_sales_sheets_have_no_errors(table: str) -> None:
    located = load_scheme_located(BOOK / FILES[table])
    assert [p for p in check_scheme(located.scheme, located=located) if p.level == "error"] == []


def test_the_supervisor_sheet_has_the_three_rater_roles() -> None:
    scheme = load_scheme(BOOK / FILES["9-25"])
    assert [r.role for r in scheme.raters] == [RaterRole.SELF, RaterRole.SUPERVISOR, RaterRole.REVIEWER]
    assert sum(r.weight for r in scheme.raters) == 100


def test_computable_items_are_bound_to_catalog_kpis() -> None:
    agent = load_scheme(BOOK / FILES["9-26"])
    kpis = {i.id: getattr(i.source, "kpi", None) for c in agent.categories for i in c.indicators}
    assert kpis["avg_talk_time"] == "avg_talk_time"
    assert kpis["avg_acw_time"] == "avg_acw_time"
    assert kpis["effective_work_rate"] == "effective_work_rate"
    assert kpis["qa_score"] == "qa_avg"
