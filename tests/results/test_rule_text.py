from kaohe.results.rule_text import describe_rule
from kaohe.results.sample import sample_scheme
from kaohe.scheme.models import Indicator

IND = {i.id: i for c in sample_scheme().categories for i in c.indicators}


def _with_rule(rule: dict) -> Indicator:
    data = IND["qa_score"].model_dump(mode="json")
    data["rule"] = rule
    return Indicator.model_validate(data)


def test_each_rule_reads_as_the_book_would_write_it():
    assert describe_rule(IND["qa_score"]) == ">= 80分 得 100 分，否则 0 分"
    assert describe_rule(IND["discipline"]) == "基本分 100，迟到每次扣 20 分，早退每次扣 20 分，旷工每次扣 50 分"
    assert describe_rule(IND["avg_acw_time"]) == "目标 40秒 得 70 分，每秒加 2 分（至 25秒 止），每秒扣 5 分"
    assert describe_rule(IND["avg_acw_time"], "en") == "70 at target 40秒, + 2 per 1秒 (up to 25秒), − 5 per 1秒"
    tiers = _with_rule({"type": "tiers", "tiers": [{"min": "90", "score": "20"}, {"min": "85", "max": "90", "score": "10"}],
                        "otherwise": "0"})
    assert describe_rule(tiers) == "≥90 → 20；≥85 且 <90 → 10；其他 → 0"
