"""The library against its sources: 003's classes, 004's job descriptions, own texts, both languages."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from kaohe.library import LIBRARY_ROOT, Library
from kaohe.scheme import load_scheme
from kaohe.scheme.models import IndicatorClass, ManualSource, RaterRole

from .test_library_content import IDS

POSITION_FILES = sorted((LIBRARY_ROOT / "positions").glob("*/position.yaml"))
BOOK = LIBRARY_ROOT / "book_samples"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def shared_share(texts_of: dict[str, list[str]]) -> float:
    """Share of text occurrences whose exact text appears in more than one position file."""
    positions: dict[str, set[str]] = defaultdict(set)
    occurrences = 0
    for position, texts in texts_of.items():
        for text in texts:
            positions[text].add(position)
            occurrences += 1
    in_shared = sum(len(owners) for owners in positions.values() if len(owners) > 1)
    return in_shared / occurrences


def _raw() -> dict[str, dict]:  # type: ignore[type-arg]
    return {f.parent.name: yaml.safe_load(f.read_text(encoding="utf-8")) for f in POSITION_FILES}


def test_competency_definitions_and_level_descriptors_are_the_positions_own() -> None:
    texts = {pid: [t for c in d["competency_model"]["competencies"] if "ref" not in c
                   for t in [c["definition"], *(lvl["descriptor"] for lvl in c["levels"])]]
             for pid, d in _raw().items()}
    assert sum(map(len, texts.values())) > 32 * 20
    assert shared_share(texts) <= 0.30


def test_letters_are_the_positions_own() -> None:
    texts = {pid: [d["letter"]["purpose"], *(t for k in ("targets", "duties", "rewards", "penalties", "terms")
                                             for t in d["letter"].get(k) or [])]
             for pid, d in _raw().items()}
    assert shared_share(texts) <= 0.30
    assert all(d["letter"].get("targets") for d in _raw().values()), "each letter lists its own targets"


def test_guidance_is_the_positions_own() -> None:
    texts = {pid: [t for g in d["guidance"] for t in [g["problem"], *g["advice"]]] for pid, d in _raw().items()}
    assert shared_share(texts) <= 0.30


def test_the_measure_sees_boilerplate() -> None:
    assert shared_share({"a": ["x", "y"], "b": ["x", "z"]}) == 0.5
    assert shared_share({"a": ["x"], "b": ["y"]}) == 0.0


def test_truly_shared_text_is_kept_once_and_referenced(library: Library) -> None:
    for pid, data in _raw().items():
        refs = [c["ref"] for c in data["competency_model"]["competencies"] if "ref" in c]
        assert refs == ["integrity"], pid
        assert "rewards" not in data["letter"], "company-wide rewards live in shared.yaml"


@pytest.mark.parametrize("position_id", IDS)
def test_competencies_letters_and_job_descriptions_have_english(library: Library, position_id: str) -> None:
    position = library.position(position_id).position
    for competency in position.competency_model.competencies:
        assert competency.definition_en and competency.name.en, competency.id
        assert all(level.descriptor_en for level in competency.levels), competency.id
        assert not re.search(r"[\u4e00-\u9fff]", competency.definition_en)
    letter = position.letter
    assert letter.title_en and letter.purpose_en and len(letter.targets_en) == len(letter.targets)
    assert position.internal_collaboration, "内部协作 (seed 004 表1-5)"
    assert all(t.en for t in position.internal_collaboration + position.external_collaboration)


def test_the_job_description_of_004_is_kept(library: Library) -> None:
    manager = library.position("customer_service_manager").position  # 004 表1-5 客户服务部经理
    assert [t.zh for t in manager.internal_collaboration] == ["生产部", "品质部"]
    assert [t.zh for t in manager.external_collaboration] == ["外部客户"]


@pytest.mark.parametrize("position_id", IDS)
def test_every_library_indicator_carries_one_of_003s_classes(library: Library, position_id: str) -> None:
    for scheme in library.position(position_id).schemes:
        for category in scheme.categories:
            for indicator in category.indicators:
                assert isinstance(indicator.indicator_class, IndicatorClass), (scheme.id, indicator.id)


@pytest.mark.parametrize("file", sorted(BOOK.glob("table_*.yaml")), ids=lambda f: f.stem)
def test_book_sample_indicators_keep_the_seeds_exact_wording(file: Path) -> None:
    [seed] = sorted((SHARED / "seeds").glob("002_*.txt"))
    text = re.sub(r"\s+", "", seed.read_text(encoding="utf-8"))
    for category in load_scheme(file).categories:
        for indicator in category.indicators:
            assert indicator.source_text, indicator.id
            assert indicator.indicator_class is not None, indicator.id
            for part in indicator.source_text.split("…"):
                assert re.sub(r"\s+", "", part) in text, (indicator.id, part)


def test_table_9_25s_rater_weights_are_marked_as_assumptions() -> None:
    scheme = load_scheme(BOOK / "table_9_25_after_sales_supervisor.yaml")
    assert [(r.role, r.assumed) for r in scheme.raters] == [
        (RaterRole.SELF, True), (RaterRole.SUPERVISOR, True), (RaterRole.REVIEWER, True)]
    for file in ("table_9_26_call_center_agent.yaml", "table_9_27_after_sales_specialist.yaml"):
        assert not any(r.assumed for r in load_scheme(BOOK / file).raters)


def test_the_paraphrase_of_table_9_25_is_gone() -> None:
    scheme = load_scheme(BOOK / "table_9_25_after_sales_supervisor.yaml")
    complaint = next(i for c in scheme.categories for i in c.indicators if i.id == "complaint_handling")
    assert "得到客户的理解" in complaint.standard and "认可" not in complaint.standard


def test_001_work_item_wording_is_kept_on_the_agent_scheme(library: Library) -> None:
    [seed] = sorted((SHARED / "seeds").glob("001_*.txt"))
    text = re.sub(r"\s+", "", seed.read_text(encoding="utf-8"))
    work = library.scheme("call_center_agent_monthly").categories[1]
    for indicator in work.indicators:
        assert re.sub(r"\s+", "", indicator.source_text) in text, indicator.id


def test_360_raters_stay_anonymous_through_the_company_minimum(library: Library) -> None:
    with_360 = [s.id for s in library.schemes
                for c in s.categories for i in c.indicators
                if isinstance(i.source, ManualSource)
                and {r.role for r in i.source.raters} & {RaterRole.PEER, RaterRole.CUSTOMER}]
    assert len(set(with_360)) >= 10, with_360


def test_assumed_rater_weights_are_shown_as_assumptions_on_the_sheet() -> None:
    from decimal import Decimal

    from kaohe.scoring import IndicatorInput, SheetInputs, score_sheet

    scheme = load_scheme(BOOK / "table_9_25_after_sales_supervisor.yaml")
    ratings = {RaterRole.SELF: Decimal(10), RaterRole.SUPERVISOR: Decimal(8), RaterRole.REVIEWER: Decimal(9)}
    values = {i.id: IndicatorInput(ratings=ratings) for c in scheme.categories for i in c.indicators}
    item = score_sheet(scheme, SheetInputs("s", values)).item("customer_feedback")
    steps = [s for s in item.trace.steps if "权重" in s.zh]
    assert steps and all("假设的权重" in s.zh and "assumed weight" in s.en for s in steps)


def test_localized_picks_the_english_text_when_written(library: Library) -> None:
    from kaohe.library.i18n import localized

    agent = library.position("call_center_agent").position
    assert localized(agent, "purpose", "en").startswith("Answers customers")
    assert localized(agent, "purpose", "zh").startswith("负责客户")
    guidance = agent.guidance[0]
    assert localized(guidance, "advice", "en")[0].startswith("QA, talk time")
    other = library.position("scheduling_supervisor").position
    assert localized(other, "purpose", "en").startswith("Builds the agent roster")
    from types import SimpleNamespace

    bare = SimpleNamespace(purpose="编排座席班表", purpose_en="")
    assert localized(bare, "purpose", "en") == "编排座席班表"  # no English written: the Chinese
