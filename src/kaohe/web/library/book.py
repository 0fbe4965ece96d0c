"""The book's positions as readable pages: every module turned into plain data in the reader's language.

The book is reached through `kaohe.web.appraisal.library_bridge` (so tests may give their own).
A text the book holds only in Chinese is shown in Chinese with `zh_only` set, and the page marks it
"Chinese only" instead of leaving a hole. Rules are described by their kind's own `describe`
(the rule-kind registry), never printed as YAML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kaohe.scheme.kinds.registry import kind_of
from kaohe.scheme.models import CountsSource, KpiSource, ManualSource, Scheme, Source, Text
from kaohe.scheme.position import DIMENSION_NAMES, GUIDANCE_MODULE_NAMES, CompetencyDimension, Position
from kaohe.scheme.rules_support import plain_number
from kaohe.web.appraisal import library_bridge
from kaohe.web.errors import NotFound

from .letters import target_text, unit

MODULES: list[tuple[str, str, str]] = [  # slug, zh, en — the book's five modules
    ("kpis", "关键业绩指标", "Key performance indicators"),
    ("competency", "胜任素质模型", "Competency model"),
    ("schemes", "考核指标设计", "Appraisal schemes"),
    ("rules", "绩效考核细则", "Appraisal rules: letter and procedure"),
    ("guidance", "关键问题解决", "Key problems and guidance"),
]
LEVELS = {"director": ("总监", "Director"), "manager": ("经理", "Manager"), "supervisor": ("主管", "Supervisor"),
          "specialist": ("专员", "Specialist")}
LEVEL_ORDER = ["director", "manager", "supervisor", "specialist"]
PERIODS = {"monthly": ("月度", "Monthly"), "quarterly": ("季度", "Quarterly"), "annual": ("年度", "Annual")}
ROLES = {"self": ("本人", "self"), "supervisor": ("直接上级", "direct supervisor"), "reviewer": ("审核人", "reviewer"),
         "peer": ("同事", "peers"), "customer": ("内部客户", "internal customers"), "qa": ("质检员", "QA officer")}
SCOPES = {"self": ("本人数据", "own data"), "team": ("班组数据", "team data"),
          "department": ("部门数据", "department data"), "center": ("中心数据", "center data")}
DIRECTIONS = {"higher": ("越高越好", "higher is better"), "lower": ("越低越好", "lower is better"),
              "band": ("区间内最好", "best inside a band"), "none": ("—", "—")}
MISSING = {"error": ("缺失时不能计分，须补数据", "a missing value stops scoring until it is supplied"),
           "zero": ("缺失记 0 分并注明原因", "a missing value scores zero, with the reason shown"),
           "exclude": ("缺失时不计入，其余权重按比例放大", "a missing value is left out and the other weights scaled up")}
ROUNDING = {"half_up": ("四舍五入", "half up"), "half_even": ("银行家舍入", "half to even"),
            "down": ("舍去", "down"), "up": ("进一", "up")}
USES = {"bonus": ("绩效奖金", "bonus"), "salary": ("薪酬调整", "salary"), "training": ("培训", "training"),
        "promotion": ("晋升", "promotion"), "position_adjustment": ("岗位调整", "position change"),
        "improvement_plan": ("改进计划", "improvement plan")}


@dataclass(frozen=True)
class Shown:
    """A text (or list of texts) as shown, and whether it is the Chinese standing in for missing English."""

    text: Any
    zh_only: bool = False


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def local(obj: Any, name: str, lang: str) -> Shown:
    """`obj.<name>_en` in English when written, else `obj.<name>` marked Chinese only."""
    zh = getattr(obj, name)
    if lang != "en":
        return Shown(zh)
    en = getattr(obj, f"{name}_en", None)
    return Shown(en) if en else Shown(zh, bool(zh))


def text(value: Text | None, lang: str) -> Shown:
    if value is None:
        return Shown("")
    if lang != "en":
        return Shown(value.zh)
    return Shown(value.en) if value.en else Shown(value.zh, True)


def _standard(indicator: Any, lang: str) -> str:
    """An indicator's standard as written in the page's language (`standard_en` where the library wrote it)."""
    return str((indicator.standard_en if lang == "en" else "") or indicator.standard)


def zh_only(value: Any, lang: str) -> Shown:
    """A text the book keeps only in Chinese."""
    return Shown(value, lang == "en" and bool(value))


_HAN = re.compile(r"[\u4e00-\u9fff]")


def written(value: str, lang: str) -> Shown:
    """A text written once in whatever language (a target's wording): marked when it is Chinese on an English page."""
    return Shown(value, lang == "en" and bool(_HAN.search(value)))


def num(value: Decimal | int | None) -> str:
    return "—" if value is None else plain_number(Decimal(value))


# --- the positions ---------------------------------------------------------------------------


def positions() -> list[Position]:
    return sorted(library_bridge.positions(), key=lambda p: (
        p.department.chapter, LEVEL_ORDER.index(p.level.value), p.id))


def position(code: str) -> Position:
    found = library_bridge.position(code)
    if found is None:
        raise NotFound(f"岗位库中没有岗位 {code}", f"The library has no position {code}")
    return found  # type: ignore[no-any-return]


def schemes_of(code: str) -> list[Scheme]:
    return [s for s in library_bridge.schemes() if s.position == code]


def indicator_ids(code: str, scheme_id: str = "") -> set[str]:
    """The indicator ids a letter of the position may name (its letter's scheme, else all its schemes)."""
    chosen = [s for s in schemes_of(code) if s.id == scheme_id] or schemes_of(code)
    return {i.id for s in chosen for c in s.categories for i in c.indicators}


def indicator_names(code: str, scheme_id: str, lang: str) -> list[tuple[str, str]]:
    """(id, name) of each indicator of the letter's scheme, in form order."""
    chosen = [s for s in schemes_of(code) if s.id == scheme_id] or schemes_of(code)[:1]
    return [(i.id, text(i.name, lang).text) for s in chosen for c in s.categories for i in c.indicators]


def grouped(lang: str, copied: set[str] = frozenset()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    """Departments in the book's chapter order, each with its positions by level."""
    out: list[dict[str, Any]] = []
    for p in positions():
        if not out or out[-1]["id"] != p.department.id:
            out.append({"id": p.department.id, "name": text(p.department.name, lang), "chapter": p.department.chapter,
                        "levels": []})
        levels = out[-1]["levels"]
        if not levels or levels[-1]["level"] != p.level.value:
            levels.append({"level": p.level.value, "name": pick(LEVELS[p.level.value], lang), "positions": []})
        levels[-1]["positions"].append({"code": p.id, "name": text(p.name, lang), "copied": p.id in copied})
    return out


def overview(p: Position, lang: str) -> dict[str, Any]:
    return {
        "code": p.id, "name": text(p.name, lang), "department": text(p.department.name, lang),
        "level": pick(LEVELS[p.level.value], lang), "superior": text(p.superior.name, lang),
        "subordinates": [{"code": s.id, "name": text(s.name, lang)} for s in p.subordinates],
        "purpose": local(p, "purpose", lang), "duties": local(p, "duties", lang),
        "qualifications": local(p, "qualifications", lang),
    }


# --- module 1: KPIs ----------------------------------------------------------------------------


def kpi_module(p: Position, lang: str, company_params: Mapping[str, Mapping[str, Any]] | None = None
               ) -> dict[str, Any]:
    from kaohe.metrics.catalog.registry import get_kpi

    company_params = company_params or {}
    names = {k.id: text(k.name, lang) for k in p.kpis}
    items = [{"name": text(w.name, lang), "description": local(w, "description", lang),
              "kpis": [names[k] for k in w.kpis if k in names]} for w in p.work_items]
    kpis = []
    for k in p.kpis:
        row: dict[str, Any] = {
            "id": k.id, "name": text(k.name, lang), "unit": unit(k.unit, lang), "direction": pick(DIRECTIONS[k.direction.value], lang),
            "definition": local(k, "definition", lang), "formula": local(k, "formula", lang),
            "source": describe_source(k.source, lang), "catalog": None, "company": []}
        if isinstance(k.source, KpiSource):
            d = get_kpi(k.source.kpi)
            row["catalog"] = {"name": d.name_en if lang == "en" else d.name_zh,
                              "definition": d.definition_en if lang == "en" else d.definition_zh,
                              "formula": d.formula, "sample": d.sample_en if lang == "en" else d.sample_zh}
            chosen = company_params.get(k.source.kpi) or {}
            row["company"] = [f"{name} = {value}" for name, value in sorted(chosen.items())]
        kpis.append(row)
    return {"work_items": items, "kpis": kpis}


def describe_source(source: Source, lang: str) -> str:
    """Where an indicator's value comes from, in words: the KPI's name, the raters, or the counts."""
    from kaohe.metrics.catalog.registry import get_kpi

    en = lang == "en"

    def kpi_name(kpi: str, params: Mapping[str, Any]) -> str:
        d = get_kpi(kpi)
        shown = d.name_en if en else d.name_zh
        return shown + (f" ({', '.join(f'{k} = {v}' for k, v in params.items())})" if params else "")

    if isinstance(source, KpiSource):
        scope = "" if source.scope == "self" else (", " if en else "，") + pick(SCOPES[source.scope], lang)
        return ("System data: " if en else "系统数据：") + kpi_name(source.kpi, source.params) + scope
    if isinstance(source, ManualSource):
        raters = [f"{pick(ROLES[r.role.value], lang)} {num(r.weight)}%" for r in source.raters]
        return ("Rated by: " if en else "人工评分：") + ((", " if en else "、").join(raters) or
                                                        ("the scheme's raters" if en else "方案默认评分人"))
    if isinstance(source, CountsSource):
        parts = []
        for name, ref in source.counts.items():
            if ref.kpi:
                parts.append(kpi_name(ref.kpi, ref.params))
            else:  # a count someone enters has only its name in the scheme: shown in words
                who = pick(ROLES[ref.entered_by.value], lang) if ref.entered_by else "?"
                words = name.replace("_", " ")
                parts.append(f"{words}, entered by the {who}" if en else f"{words}（{who}录入）")
        return ("Counts: " if en else "计数：") + ("; " if en else "；").join(parts)
    raise TypeError(f"unknown source {source!r}")  # pragma: no cover


# --- module 2: competency model --------------------------------------------------------------


def competency_module(model: Any, lang: str) -> list[dict[str, Any]]:
    """Dimensions in the book's order, each competency with its level descriptors."""
    out = []
    for dim in CompetencyDimension:
        comps = []
        for c in model.by_dimension(dim):
            comps.append({
                "id": c.id, "name": text(c.name, lang), "definition": local(c, "definition", lang),
                "required": c.required_level, "shared": c.shared,
                "levels": [{"level": lv.level, "descriptor": local(lv, "descriptor", lang),
                            "required": lv.level == c.required_level} for lv in c.levels]})
        out.append({"name": text(DIMENSION_NAMES[dim], lang), "competencies": comps})
    return out


# --- module 3: schemes -----------------------------------------------------------------------


def scheme_view(s: Scheme, lang: str) -> dict[str, Any]:
    en = lang == "en"
    cats = []
    for cat in s.categories:
        rows = []
        for ind in cat.indicators:
            kind = kind_of(ind.rule)
            e = ind.explanation
            rows.append({
                "name": text(ind.name, lang), "weight": num(ind.weight), "unit": unit(ind.unit, lang),
                "target": written(target_text(_standard(ind, lang), ind.target, unit(ind.unit, lang)), lang),
                "direction": pick(DIRECTIONS[ind.direction.value], lang),
                "source": describe_source(ind.source, lang),
                "kind": kind.title_en if en else kind.title_zh,
                "rule": kind.describe(ind.rule, ind.unit, "en" if en else "zh"),
                "missing": pick(MISSING[ind.missing.value], lang) if ind.missing else "",
                "min_sample": ind.min_sample.size if ind.min_sample else None,
                "explanation": [(pick(label, lang), local(e, field, lang)) for label, field in (
                    (("定义", "Definition"), "definition"), (("计算公式", "Formula"), "formula"),
                    (("数据来源", "Data source"), "data_source"), (("考核频率", "Frequency"), "frequency"))],
            })
        cats.append({"name": text(cat.name, lang), "weight": num(cat.weight), "indicators": rows})
    grading = s.grading
    return {
        "id": s.id, "name": text(s.name, lang), "level": pick(LEVELS[s.level.value], lang),
        "period": pick(PERIODS[s.period.value], lang), "categories": cats,
        "raters": [f"{pick(ROLES[r.role.value], lang)} {num(r.weight)}%" for r in s.raters],
        "missing": pick(MISSING[s.missing.value], lang),
        "rounding": (f"{s.rounding.places} decimal places, {pick(ROUNDING[s.rounding.mode.value], lang)}" if en else
                     f"保留 {s.rounding.places} 位小数，{pick(ROUNDING[s.rounding.mode.value], lang)}"),
        "bands": [{"grade": b.grade, "min": num(b.min), "label": text(b.label, lang)} for b in grading.bands]
        if grading else [],
        "distribution": [{"grade": g, "pct": num(v)} for g, v in (grading.forced_distribution or {}).items()]
        if grading else [],
        "source": local(s, "source", lang), "notes": local(s, "notes", lang),
    }


# --- module 4: letter and procedure ----------------------------------------------------------


def letter_view(letter: Any, lang: str, scheme: Scheme | None) -> dict[str, Any]:
    rows = []
    if scheme is not None:
        for cat in scheme.categories:
            for ind in cat.indicators:
                rows.append({"category": text(cat.name, lang), "name": text(ind.name, lang),
                             "weight": num(ind.weight),
                             "target": written(target_text(_standard(ind, lang), ind.target, unit(ind.unit, lang)),
                                               lang)})
    return {
        "title": local(letter, "title", lang), "period": pick(PERIODS[letter.period.value], lang),
        "parties": [{"role": p.role, "title": text(p.title, lang)} for p in letter.parties],
        "purpose": local(letter, "purpose", lang),
        **{name: local(letter, name, lang) for name in ("targets", "duties", "rewards", "penalties", "terms")},
        "signatures": [text(s, lang) for s in letter.signatures], "table": rows,
    }


def procedure_view(p: Position, lang: str) -> dict[str, Any]:
    proc = p.procedure
    return {
        "period": pick(PERIODS[proc.period.value], lang), "raters": local(proc, "raters", lang),
        "steps": [{"name": text(s.name, lang),
                   "who": (", ".join(s.who_en) if s.who_en else
                           ", ".join(pick(ROLES[w], lang) if w in ROLES else w for w in s.who))
                   if lang == "en" else "、".join(pick(ROLES[w], lang) if w in ROLES else w for w in s.who),
                   "who_zh_only": lang == "en" and not s.who_en and any(w not in ROLES for w in s.who),
                   "when": local(s, "when", lang), "evidence": local(s, "evidence", lang),
                   "output": local(s, "output", lang)} for s in proc.steps],
        "uses": [{"use": pick(USES[u.use], lang), "rule": local(u, "rule", lang)} for u in proc.result_uses],
        "appeal": local(proc, "appeal", lang),
    }


# --- module 5: guidance ----------------------------------------------------------------------


def guidance_view(p: Position, lang: str) -> list[dict[str, Any]]:
    from kaohe.library.guidance import general_guidance

    out = []
    for module, name in GUIDANCE_MODULE_NAMES.items():
        own = [{"problem": local(g, "problem", lang), "advice": local(g, "advice", lang)} for g in p.guidance_for(module)]
        general = [{"problem": local(g, "problem", lang), "advice": local(g, "advice", lang)}
                   for g in general_guidance(module)]
        out.append({"name": text(name, lang), "own": own, "general": general})
    return out


# --- differences between the book and a company copy ------------------------------------------


def differences(book: Any, company: Any, path: str = "") -> list[dict[str, Any]]:
    """Field-level differences between two JSON values: [{"path", "book", "company"}], in document order."""
    if isinstance(book, dict) and isinstance(company, dict):
        out = []
        for key in list(book) + [k for k in company if k not in book]:
            out += differences(book.get(key), company.get(key), f"{path}.{key}" if path else str(key))
        return out
    if isinstance(book, list) and isinstance(company, list) and not all(
            isinstance(v, str) for v in [*book, *company]):
        out = []
        for i in range(max(len(book), len(company))):
            out += differences(book[i] if i < len(book) else None, company[i] if i < len(company) else None,
                               f"{path}[{i}]")
        return out
    return [] if book == company else [{"path": path, "book": book, "company": company}]


def competency_differences(book_model: Any, company_model: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The company's competency model against the book's, each difference named in words."""
    book_json = book_model.model_dump(mode="json")
    by_index = {i: c for i, c in enumerate(book_json["competencies"])}
    out = []
    for d in differences(book_json, dict(company_model)):
        parts = d["path"].split(".")
        where = d["path"]
        if parts[0].startswith("competencies["):
            i = int(parts[0][len("competencies["):-1])
            comp = by_index.get(i) or company_model["competencies"][i]
            name = comp["name"]["en"] or comp["name"]["zh"] if lang == "en" else comp["name"]["zh"]
            rest = ".".join(parts[1:])
            where = f"{name} · {_field_words(rest, lang)}"
        out.append({"where": where, "book": _shown(d["book"]), "company": _shown(d["company"])})
    return out


def letter_differences(book_letter: Any, company_letter: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    out = []
    for d in differences(book_letter.model_dump(mode="json"), dict(company_letter)):
        out.append({"where": _field_words(d["path"], lang), "book": _shown(d["book"]), "company": _shown(d["company"])})
    return out


_FIELD_WORDS = {
    "definition": ("定义", "definition"), "definition_en": ("定义（英文）", "definition (English)"),
    "required_level": ("要求等级", "required level"), "descriptor": ("描述", "descriptor"),
    "descriptor_en": ("描述（英文）", "descriptor (English)"), "title": ("标题", "title"),
    "title_en": ("标题（英文）", "title (English)"), "purpose": ("目的", "purpose"),
    "purpose_en": ("目的（英文）", "purpose (English)"), "targets": ("目标", "targets"),
    "targets_en": ("目标（英文）", "targets (English)"), "duties": ("职责", "duties"),
    "duties_en": ("职责（英文）", "duties (English)"), "rewards": ("奖励", "rewards"),
    "rewards_en": ("奖励（英文）", "rewards (English)"), "penalties": ("处罚", "penalties"),
    "penalties_en": ("处罚（英文）", "penalties (English)"), "terms": ("其他条款", "terms"),
    "terms_en": ("其他条款（英文）", "terms (English)"),
}


def _field_words(path: str, lang: str) -> str:
    words = []
    for part in path.split("."):
        if part.startswith("levels["):
            level = int(part[len("levels["):-1]) + 1
            words.append(f"level {level}" if lang == "en" else f"第 {level} 级")
        else:
            words.append(pick(_FIELD_WORDS[part], lang) if part in _FIELD_WORDS else part)
    return " · ".join(words)


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "\n".join(str(v) for v in value) or "—"
    return str(value) or "—"
