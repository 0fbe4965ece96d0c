from rich.console import Console

from kaohe import demo


def test_the_demo_scores_every_book_sample_with_explanations() -> None:
    console = Console(record=True, width=200, color_system=None)
    demo.main(console)
    text = console.export_text()
    for name in (
        "呼叫中心座席专员考核表",
        "客户服务部经理考核表",
        "售后服务主管考核表",
        "售后服务专员考核表",
    ):
        assert name in text
    assert "超出上限 180 秒 1 个 2 秒步长，扣 10 分，得 90 分" in text  # 182 s → 90
    assert "K001" in text and "K004" in text  # the book's own flaws are shown
    assert "不在任何档位内" in text  # 82 % falls in the uncovered band and is not silently scored
