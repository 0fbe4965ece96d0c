"""How numbers, units, choice labels and scheme names are written on the pages.

One place, so every page shows at most two decimals, a unit in the page's language
(``95.5%``, ``35 秒`` / ``35 s``), and never a raw code or a repr. The template filters
in ``kaohe_ui`` call these; views and exports may call them directly.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

DASH = "—"
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_english() -> bool:
    return (get_language() or "").startswith("en")


def to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any, places: int = 2, grouping: bool = True) -> str:
    """At most `places` decimals (half up), trailing zeros dropped, thousands grouped: 1,234.5."""
    d = to_decimal(value)
    if d is None:
        return DASH if value is None or value == "" else str(value)
    if not d.is_finite():
        return DASH
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places > 0 else d.quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    text = f"{q:,.{places}f}" if grouping else f"{q:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# unit as written in schemes, the KPI catalog and the library → (Chinese suffix, English suffix)
UNITS: dict[str, tuple[str, str]] = {
    "%": ("%", "%"), "percent": ("%", "%"),
    "s": (" 秒", " s"), "秒": (" 秒", " s"), "second": (" 秒", " s"), "seconds": (" 秒", " s"),
    "min": (" 分钟", " min"), "分钟": (" 分钟", " min"), "minutes": (" 分钟", " min"),
    "h": (" 小时", " h"), "小时": (" 小时", " h"), "hours": (" 小时", " h"),
    "days": (" 天", " days"), "day": (" 天", " days"), "天": (" 天", " days"),
    "points": (" 分", " pts"), "分": (" 分", " pts"), "score": (" 分", " pts"),
    "次": (" 次", " times"), "times": (" 次", " times"),
    "calls": (" 通", " calls"), "通": (" 通", " calls"),
    "个": (" 个", ""), "条": (" 条", ""), "处": (" 处", ""), "份": (" 份", ""), "项": (" 项", ""), "count": ("", ""),
    "课时": (" 课时", " class hours"), "microsecond": (" 微秒", " µs"), "元": (" 元", " yuan"),
}


def unit_suffix(unit: str | None) -> str:
    if not unit:
        return ""
    zh, en = UNITS.get(unit.strip(), UNITS.get(unit.strip().lower(), (f" {unit}", "")))
    if is_english():
        return en if not HAN.search(en) else ""
    return zh


def with_unit(value: Any, unit: str | None = None, places: int = 2) -> str:
    """12.345 with "%" → "12.35%"; 35 with "s" → "35 秒" (zh) / "35 s" (en); None → "—"."""
    if to_decimal(value) is None:
        return number(value, places)
    text = number(value, places)
    suffix = unit_suffix(unit)
    return text + suffix.lstrip() if suffix == "%" else text + suffix


def percent(value: Any, places: int = 2) -> str:
    """A value already in percent: 95.456 → 95.46%."""
    return with_unit(value, "%", places)


def ratio_percent(value: Any, places: int = 2) -> str:
    """A ratio: 0.9546 → 95.46%."""
    d = to_decimal(value)
    return DASH if d is None else with_unit(d * 100, "%", places)


def seconds(value: Any, places: int = 0) -> str:
    return with_unit(value, "s", places)


def lang_label(text: Any) -> str:
    """A two-language choice label such as "绩效管理员 HR" or "已发布 Published": the part in the
    page's language. A label in one language only is returned as it is."""
    text = "" if text is None else str(text)
    m = re.match(r"^(?P<zh>.*[\u3400-\u9fff][^A-Za-z]*?)\s+(?P<en>[A-Za-z].*)$", text)
    if not m or HAN.search(m.group("en")):
        return text
    return m.group("en") if is_english() else m.group("zh").strip()


def text_of(obj: Any, field: str = "name") -> str:
    """obj.<field>_en / _zh, obj.<field>.en / .zh, or a {"zh","en"} dict, in the page's language
    (falling back to Chinese when no English text exists)."""
    if obj is None:
        return ""
    lang = "en" if is_english() else "zh"
    if isinstance(obj, dict):
        if "zh" in obj or "en" in obj:
            return obj.get(lang) or obj.get("zh") or ""
        inner = obj.get(field)
        if isinstance(inner, dict):
            return inner.get(lang) or inner.get("zh") or ""
        return obj.get(f"{field}_{lang}") or obj.get(f"{field}_zh") or (inner or "")
    inner = getattr(obj, field, None)
    if inner is not None and hasattr(inner, "zh"):
        return getattr(inner, lang, "") or inner.zh
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_zh", "") or (inner or "")


def scheme_label(snapshot: Any) -> str:
    """A scheme snapshot as people name it: "座席员月度考核方案 · 第 1 版" / "… · version 1"."""
    if snapshot is None:
        return DASH
    content = getattr(snapshot, "content", None) or {}
    name = text_of(content.get("name") or {}) or getattr(snapshot, "scheme_id", "")
    version = getattr(snapshot, "version", None)
    own = _company_version(snapshot)  # the scheme editor's version number, when a company version holds it
    if own is not None:
        version = own
    if version is None:
        return name
    return _("%(name)s · version %(version)s") % {"name": name, "version": version}


def _company_version(snapshot: Any) -> int | None:
    from django.apps import apps

    if not apps.is_installed("kaohe.web.schemes") or not getattr(snapshot, "sha256", None):
        return None
    from kaohe.web.schemes.services import version_for_snapshot

    found = version_for_snapshot(snapshot)
    return found.number if found is not None else None
