"""A self-contained HTML dashboard: charts drawn by ECharts, each with its table below.

The caller hands in ECharts — its source, to be inlined into the page, or a relative
path to a copy placed next to it (the web app serves the copy it vendors, never a
CDN; `kaohe.web.assets.echarts_source()`). This module reads no files.
Each chart element carries its option as JSON, and one
small script draws them all and keeps the instances in `window.kaoheCharts` (the
browser test looks there).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from kaohe.results.charts import Option
from kaohe.results.tables import Table

STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 32px; }
.chart { width: 100%; max-width: 960px; height: 340px; }
table { border-collapse: collapse; margin: 8px 0 4px; font-size: 13px; }
th, td { border: 1px solid #bbb; padding: 3px 8px; } th { background: #f0f0f0; }
td.num { text-align: right; }
.download { font-size: 13px; }
"""

INIT = """
window.kaoheCharts = [];
document.querySelectorAll("[data-chart]").forEach(function (el) {
  var chart = echarts.init(el, null, {renderer: "canvas"});
  chart.setOption(JSON.parse(el.getAttribute("data-chart")));
  window.kaoheCharts.push(chart);
});
window.addEventListener("resize", function () { window.kaoheCharts.forEach(function (c) { c.resize(); }); });
"""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    table: Table
    option: Option | None = None
    download: str = ""  # link to the table as Excel
    note: str = ""


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def table_html(table: Table, link_column: str | None = None, links: Sequence[str] | None = None) -> str:
    head = "".join(f"<th>{escape(c.header())}</th>" for c in table.columns)
    body = []
    link_index = [c.key for c in table.columns].index(link_column) if link_column else -1
    for r_index, row in enumerate(table.rows):
        tds = []
        for i, v in enumerate(row):
            cls = ' class="num"' if isinstance(v, Decimal | int | float) and not isinstance(v, bool) else ""
            text = escape(_fmt(v))
            if i == link_index and links and links[r_index]:
                text = f'<a href="{escape(links[r_index])}">{text}</a>'
            tds.append(f"<td{cls}>{text}</td>")
        body.append(f"<tr>{''.join(tds)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def dashboard_html(
    title: str,
    sections: Sequence[Section],
    subtitle: str = "",
    echarts_src: str | None = None,
    *,
    echarts_js: str | None = None,
) -> str:
    """`echarts_js`: the ECharts source to inline; or `echarts_src`: a relative path to a copy of it."""
    if echarts_js is not None and echarts_src is None:
        script = "<script>" + echarts_js.replace("</script", "<\\/script") + "</script>"
    elif echarts_src is not None and echarts_js is None:
        script = f'<script src="{escape(echarts_src)}"></script>'
    else:
        raise ValueError("give exactly one of echarts_js (inline) or echarts_src (a relative path)")
    parts = [f"<h1>{escape(title)}</h1>"]
    if subtitle:
        parts.append(f"<p>{escape(subtitle)}</p>")
    for s in sections:
        parts.append(f'<section id="{escape(s.key)}"><h2>{escape(s.title)}</h2>')
        if s.option is not None:
            parts.append(f'<div class="chart" id="chart-{escape(s.key)}" data-chart="{escape(json.dumps(s.option, ensure_ascii=False))}"></div>')
        parts.append(table_html(s.table))
        if s.download:
            parts.append(f'<p class="download"><a href="{escape(s.download)}">下载 Excel / Download Excel</a></p>')
        if s.note:
            parts.append(f"<p>{escape(s.note)}</p>")
        parts.append("</section>")
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style>{script}</head><body>{''.join(parts)}<script>{INIT}</script></body></html>"
    )
