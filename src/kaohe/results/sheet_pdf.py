"""The score sheet as PDF: an HTML page rendered by WeasyPrint with a local CJK font.

Nothing is fetched from the network: the page has no external references and the
URL fetcher refuses anything that is not a local file. The font is Noto Sans CJK
(Debian's fonts-noto-cjk), found through fontconfig.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path

from kaohe.results.sheet import COLUMNS, SIGNATURES, ScoreSheet

CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans CJK", sans-serif; font-size: 9pt; }
h1 { text-align: center; font-size: 15pt; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; }
.fields td { padding: 1mm 3mm 1mm 0; }
.sheet th, .sheet td { border: 0.6pt solid #333; padding: 1mm 1.5mm; vertical-align: top; }
.sheet th { background: #eee; white-space: nowrap; }
.sheet tr.category td { font-weight: bold; background: #f6f6f6; }
td.num { text-align: right; white-space: nowrap; }
.note { color: #555; font-size: 7.5pt; }
.footer { margin-top: 4mm; }
.footer td { padding: 1mm 4mm 1mm 0; }
.sign { margin-top: 10mm; width: 100%; }
.sign td { padding-top: 8mm; width: 33%; }
"""


# Percent of the page width per column, in COLUMNS order.
_COL_WIDTHS = (4, 17, 5, 15, 22, 7, 5, 5, 5, 7, 8)


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # as scored: the scheme's rounding decides the places
    return str(value)


def sheet_html(sheet: ScoreSheet, lang: str = "zh") -> str:
    zh = lang == "zh"
    h = sheet.header
    head = "".join(f"<th>{escape(c[0] if zh else c[1])}</th>" for c in COLUMNS)
    cols = "".join(f'<col style="width:{w}%">' for w in _COL_WIDTHS)
    numeric = {2, 5, 6, 7, 8, 9, 10}
    body = []
    for row in sheet.rows:
        cells = row.cells()
        cells[2] = f"{row.weight.normalize():f}%"
        if row.value is not None:
            cells[5] = f"{_fmt(row.value)}{row.unit}"
        tds = [
            f'<td class="num">{escape(_fmt(v))}</td>' if i in numeric else f"<td>{escape(_fmt(v))}</td>"
            for i, v in enumerate(cells)
        ]
        if row.note:  # why the item scored what it did goes under the indicator's name
            tds[1] = f'<td>{escape(_fmt(cells[1]))}<div class="note">{escape(row.note)}</div></td>'
        body.append(f'<tr class="{row.kind}">{"".join(tds)}</tr>')

    def label(z: str, e: str) -> str:
        return z if zh else e

    fields = [
        (label("姓名", "Name"), h.name), (label("工号", "Employee ID"), h.employee_id),
        (label("岗位", "Position"), h.position), (label("部门", "Department"), h.department),
        (label("考核期间", "Period"), h.period), (label("考核方案", "Scheme"), sheet.scheme_name),
    ]
    colon, gap, semicolon = ("：", "　", "；") if zh else (": ", "  ", "; ")
    fields_html = "<tr>" + "".join(f"<td><b>{escape(k)}</b>{colon}{escape(v)}</td>" for k, v in fields) + "</tr>"
    footer = [
        (label("加分", "Bonus"), _fmt(sheet.bonus)),
        (label("总分", "Total"), _fmt(sheet.total) if sheet.total is not None else label("未完成", "incomplete")),
        (label("等级", "Grade"), sheet.grade or "—"),
    ]
    if sheet.vetoes:
        footer.append((label("否决项", "Vetoes"), semicolon.join(sheet.vetoes)))
    if sheet.issues:
        footer.append((label("说明", "Notes"), semicolon.join(sheet.issues)))
    footer_html = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in footer)
    sign_html = "<tr>" + "".join(
        f"<td>{escape(z if zh else e)}{colon}__________{gap}{label('日期', 'Date')}{colon}__________</td>"
        for z, e in SIGNATURES
    ) + "</tr>"
    title = h.title_zh if zh else h.title_en
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if zh else "en"}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><table class=\"fields\">{fields_html}</table>"
        f'<table class="sheet"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        f'<table class="footer">{footer_html}</table><table class="sign">{sign_html}</table>'
        "</body></html>"
    )


def sheet_pdf_bytes(sheet: ScoreSheet, lang: str = "zh") -> bytes:
    # Imported here: rendering is the only user, and WeasyPrint is slow to import.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # A score sheet needs nothing from outside: only file: and data: URLs may load, so
    # rendering stays offline and no crafted text can make the server fetch anything.
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    return HTML(string=sheet_html(sheet, lang), url_fetcher=fetcher).write_pdf()  # type: ignore[no-any-return]


def write_sheet_pdf(sheet: ScoreSheet, path: Path | str, lang: str = "zh") -> Path:
    path = Path(path)
    path.write_bytes(sheet_pdf_bytes(sheet, lang))
    return path
