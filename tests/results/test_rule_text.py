from kaohe.library.describe import describe_rule as library_words
from kaohe.results.rule_text import describe_rule
from kaohe.scheme.models import Indicator
from tests.results.sample import sample_scheme

IND = {i.id: i for c in sample_scheme().categories for i in c.indicators}


def _with_rule(rule: dict) -> Indicator:
    data = IND["qa_score"].model_dump(mode="json")
    data["rule"] = rule
    return Indicator.model_validate(data)


def test_the_chinese_rule_text_is_the_librarys_so_sheet_and_workbook_agree():
    for ind in IND.values():
        assert describe_rule(ind) == library_words(ind.rule, ind.unit)


def test_each_rule_reads_in_english_as_written_on_the_form():
    assert describe_rule(IND["qa_score"], "en") == ">= 80分: 100, else 0"
    assert describe_rule(IND["discipline"], "en") == "base 100, −20 per late arrival, −20 per early leave, −50 per absence"
    assert describe_rule(IND["avg_acw_time"], "en") == "70 at target 40秒, +2 per 1秒 (up to 25秒), −5 per 1秒"
    assert describe_rule(IND["avg_talk_time"], "en") == "100 within 40–180秒, below: −10 per 2秒, above: −10 per 2秒"
    tiers = _with_rule({"type": "tiers", "tiers": [{"min": "90", "score": "20"}, {"min": "85", "max": "90", "score": "10"}],
                        "otherwise": "0"})
    assert describe_rule(tiers, "en") == "≥90 → 20; ≥85 and <90 → 10; otherwise → 0"
