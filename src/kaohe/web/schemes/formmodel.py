"""The scheme editor's form model: a `Scheme` ↔ flat form fields (`name` → text) with labels.

A form field's name is the element's path with dots (`categories.0.indicators.2.rule.target`),
the same element the checker names as `categories[0].indicators[2].rule.target`, so each
problem can be shown at its field. Rule parameters come from the rule kind's `EditorParam`s
(`kaohe.scheme.kinds`), so a new kind needs no code here. Anything the page does not show as
a visible field travels as a hidden field, so a scheme always comes back unchanged.

- `SchemeForm.from_scheme(scheme)`: the form of a scheme.
- `form.blocks()`: what the page shows (sections, rows, fields with labels, help and choices).
- `form.post_data()`: the name → text pairs the page posts back (what a browser would send).
- `SchemeForm(posted).parse()`: back to a `Scheme`, or `FormInvalid` with a problem per bad field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from kaohe.problems import Problem, format_path
from kaohe.scheme.kinds.base import EditorParam
from kaohe.scheme.kinds.registry import UnknownRuleKind, all_kinds, get_kind
from kaohe.scheme.loader import data_path
from kaohe.scheme.messages import pydantic_message
from kaohe.scheme.models import Scheme

Choice = tuple[str, str, str]  # value, zh, en


def _choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(items)


DIRECTIONS = _choices(("higher", "越高越好", "higher is better"), ("lower", "越低越好", "lower is better"),
                      ("band", "在区间内最好", "best inside a band"), ("none", "无方向", "no better side"))
SCALES = _choices(("percent", "百分制", "percent (0–100)"), ("points", "分值制", "points"))
MISSING = _choices(("error", "缺值不能计分", "cannot be scored"), ("zero", "缺值计零分", "scores zero"),
                   ("exclude", "缺值时剔除并重分权重", "left out, weights renormalised"))
ROLES = _choices(("self", "自评", "self"), ("supervisor", "考评人（直接上级）", "supervisor"),
                 ("reviewer", "审评人", "reviewer"), ("peer", "同事（360）", "peers (360)"),
                 ("customer", "客户（360）", "customers (360)"), ("qa", "质检", "QA"))
CHOICES: dict[str, tuple[Choice, ...]] = {
    "direction": DIRECTIONS,
    "scale": SCALES,
    "missing": MISSING,
    "step_policy": _choices(("whole", "只计完整步长", "whole steps only"),
                            ("started", "开始的步长即计", "every started step")),
    "absent_rater": _choices(("renormalise", "缺评时其余评价人权重放大到 100%", "renormalise present raters"),
                             ("error", "必须全部评价后才能计分", "wait for every rater")),
    "mode": _choices(("half_up", "四舍五入", "half up"), ("half_even", "银行家舍入", "half even"),
                     ("down", "舍去", "down"), ("up", "进位", "up")),
    "role": ROLES,
    "entered_by": (("", "—", "—"), *ROLES),
    "kind": _choices(("kpi", "运营指标（KPI）", "KPI"), ("manual", "人工评分", "ratings"),
                     ("counts", "次数计数", "counted occurrences")),
    "scope": _choices(("self", "本人", "own"), ("team", "所带班组", "team"), ("department", "部门", "department"),
                      ("center", "中心", "center")),
    "action": _choices(("flag", "标记提醒", "flag"), ("exclude", "剔除", "exclude"), ("error", "不能计分", "refuse")),
    "op": _choices((">=", "≥", "≥"), (">", ">", ">"), ("<=", "≤", "≤"), ("<", "<", "<")),
    "redistribute": _choices(("category", "分给本类别其他指标", "to the rest of its category"),),
    "indicator_class": _choices(("", "—", "—"), ("basic_work", "基础工作", "basic work"),
                                ("service_quality", "服务质量", "service quality"),
                                ("customer_satisfaction", "客户满意度", "customer satisfaction"),
                                ("problem_handling", "问题处理与反馈", "problem handling")),
    "bool": _choices(("false", "否", "no"), ("true", "是", "yes")),
}
SHOWN = {  # how a read-only value reads
    "level": {"director": ("总监", "director"), "manager": ("经理", "manager"), "supervisor": ("主管", "supervisor"),
              "specialist": ("专员", "specialist")},
    "period": {"monthly": ("月度", "monthly"), "quarterly": ("季度", "quarterly"), "annual": ("年度", "annual")},
}
WEIGHT_CODES = {"K001", "K002"}  # weights of a list that do not sum to 100 %
OPTIONAL_CHOICE = {"scale", "missing", "action"}  # "" means the scheme's default / none

# field key → (zh, en, input kind); the key is the last part of a path
LABELS: dict[str, tuple[str, str, str]] = {
    "position": ("岗位", "position", "text"), "level": ("层级", "level", "text"), "period": ("周期", "period", "text"),
    "name.zh": ("名称", "name (Chinese)", "text"), "name.en": ("英文名称", "name (English)", "text"),
    "scale": ("计分方式", "scale", "choice"), "step_policy": ("步长计法", "step counting", "choice"),
    "rounding.places": ("保留小数位", "decimal places", "integer"), "rounding.mode": ("舍入方式", "rounding", "choice"),
    "missing": ("缺值处理", "missing values", "choice"), "absent_rater": ("缺评处理", "absent raters", "choice"),
    "source": ("出处", "source", "text"), "notes": ("备注", "notes", "textarea"),
    "source_en": ("出处（英文）", "source (English)", "text"), "notes_en": ("备注（英文）", "notes (English)", "textarea"),
    "standard_en": ("考核标准（英文）", "standard (English)", "text"),
    "explanation.definition_en": ("指标定义（英文）", "definition (English)", "textarea"),
    "explanation.formula_en": ("计算公式（英文）", "formula (English)", "textarea"),
    "explanation.data_source_en": ("数据来源说明（英文）", "data source (English)", "text"),
    "explanation.frequency_en": ("统计频率（英文）", "frequency (English)", "text"),
    "role": ("评价人", "rater", "choice"), "weight": ("权重 %", "weight %", "decimal"),
    "assumed": ("权重为假定", "weight assumed", "bool"),
    "id": ("编号", "id", "text"), "unit": ("单位", "unit", "text"), "direction": ("方向", "direction", "choice"),
    "indicator_class": ("指标分类", "indicator class", "choice"), "target": ("目标值", "target", "decimal"),
    "standard": ("考核标准", "standard", "text"), "source_text": ("原文", "source wording", "textarea"),
    "prorate": ("按在岗时间折算", "prorate", "bool"),
    "min_sample.size": ("最小样本量", "minimum sample", "integer"),
    "min_sample.action": ("样本不足时", "below the minimum", "choice"),
    "source.kind": ("数据来源", "data source", "choice"), "source.kpi": ("KPI", "KPI", "text"),
    "source.params": ("KPI 参数（每行 名称 = 值）", "KPI parameters (one name = value a line)", "params"),
    "source.scope": ("取谁的数据", "whose figure", "choice"),
    "kpi": ("KPI", "KPI", "text"), "params": ("参数（每行 名称 = 值）", "parameters (name = value a line)", "params"),
    "entered_by": ("录入人", "entered by", "choice"),
    "explanation.definition": ("指标定义", "definition", "textarea"),
    "explanation.formula": ("计算公式", "formula", "textarea"),
    "explanation.data_source": ("数据来源说明", "data source", "text"),
    "explanation.frequency": ("统计频率", "frequency", "text"),
    "applies_when.kpi": ("适用条件 KPI", "applies when: KPI", "text"),
    "applies_when.params": ("条件 KPI 参数", "condition KPI parameters", "params"),
    "applies_when.op": ("比较", "comparison", "choice"), "applies_when.threshold": ("阈值", "threshold", "decimal"),
    "applies_when.setting": ("公司开关", "company setting", "text"),
    "applies_when.redistribute": ("不适用时权重", "weight when it does not apply", "choice"),
    "applies_when.note.zh": ("说明", "note (Chinese)", "text"), "applies_when.note.en": ("英文说明", "note (English)", "text"),
    "grade": ("等级", "grade", "text"), "min": ("总分下限", "lowest total", "decimal"),
    "label.zh": ("名称", "label (Chinese)", "text"), "label.en": ("英文名称", "label (English)", "text"),
    "bonus_coefficient": ("奖金系数", "bonus coefficient", "decimal"),
    "salary_adjustment_pct": ("调薪 %", "salary adjustment %", "decimal"),
    "note.zh": ("说明", "note (Chinese)", "text"), "note.en": ("英文说明", "note (English)", "text"),
    "zh": ("中文", "Chinese", "text"), "en": ("英文", "English", "text"),
}


# --- flat ↔ nested ----------------------------------------------------------------------------


def _params_text(params: Mapping[str, Any]) -> str:
    lines = []
    for key, value in params.items():
        if isinstance(value, str):
            shown = value
            try:
                if not isinstance(json.loads(value), str) or value != value.strip():
                    shown = json.dumps(value, ensure_ascii=False)
            except ValueError:
                pass
        else:
            shown = json.dumps(value)
        lines.append(f"{key} = {shown}")
    return "\n".join(lines)


def parse_params(text: str) -> tuple[dict[str, Any], list[str]]:
    """`name = value` lines → a dict (numbers and true/false typed, other text kept); bad lines listed."""
    out: dict[str, Any] = {}
    bad: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            bad.append(line)
            continue
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
        if parsed is None or isinstance(parsed, list | dict):
            bad.append(line)
            continue
        out[key] = parsed
    return out, bad


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Plain data (a scheme's JSON dump) → {dotted path: text}; `params` mappings become one text."""
    out: dict[str, str] = {}
    last = prefix.rsplit(".", 1)[-1]
    if isinstance(value, dict) and last == "params":
        if value:
            out[prefix] = _params_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}.{index}"))
    elif value is None:
        pass
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    else:
        out[prefix] = str(value)
    return out


def unflatten(flat: Mapping[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """{dotted path: text} → nested data; empty texts are left out (the model's default applies).

    Returns the data and the `params` lines that could not be read, as (field name, line).
    """
    root: dict[str, Any] = {}
    bad: list[tuple[str, str]] = []
    for name, text in flat.items():
        if text is None or str(text).strip() == "" or name.endswith(".__remove"):
            continue
        parts = name.split(".")
        value: Any = str(text).replace("\r\n", "\n")
        if parts[-1] == "params":
            value, lines = parse_params(value)
            bad.extend((name, line) for line in lines)
            if not value:
                continue
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value
    return _lists(root), bad


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {k: _lists(v) for k, v in value.items()}
        if converted and all(k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    return value


def field_name(path: str) -> str:
    """A checker or loader path (`categories[0].indicators[1].weight`) → the form field's name."""
    return re.sub(r"\[(\d+)\]", r".\1", path).strip(".")


# --- what the page shows --------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    label_zh: str
    label_en: str
    kind: str  # decimal, integer, text, textarea, choice, bool, params, formula, hidden
    value: str = ""
    help_zh: str = ""
    help_en: str = ""
    choices: tuple[Choice, ...] = ()
    required: bool = False
    readonly: bool = False
    problems: list[Problem] = field(default_factory=list)
    flagged: bool = False  # one of the fields a list's problem is about (the weights of K001 / K002)
    shown_zh: str = ""  # a read-only value as it reads (a position's name, a level's word)
    shown_en: str = ""

    def shown(self, lang: str) -> str:
        return (self.shown_en if lang.startswith("en") else self.shown_zh) or self.value

    @property
    def parent(self) -> str:
        return self.name.rpartition(".")[0]

    @property
    def wide(self) -> bool:
        return self.kind in ("textarea", "params", "formula")

    def label(self, lang: str) -> str:
        return self.label_en if lang.startswith("en") else self.label_zh

    def help(self, lang: str) -> str:
        return self.help_en if lang.startswith("en") else self.help_zh

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass
class Block:
    """A section, a category, an indicator, a rule, one row of a list …"""

    path: str
    title_zh: str
    title_en: str
    kind: str = "section"  # section, row, list
    fields: list[Field] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    add_path: str = ""  # for a list: the list HR may add a row to
    removable: bool = False  # a row HR may remove
    problems: list[Problem] = field(default_factory=list)
    fold: bool = False  # shown folded (an indicator) unless it has a problem

    @property
    def has_problems(self) -> bool:
        return bool(self.problems) or any(f.problems for f in self.fields) or any(b.has_problems for b in self.blocks)

    def title(self, lang: str) -> str:
        return self.title_en if lang.startswith("en") else self.title_zh

    @property
    def dom_id(self) -> str:
        return "b-" + (self.path.replace(".", "-") or "top")

    def walk_fields(self) -> Iterator[Field]:
        yield from self.fields
        for block in self.blocks:
            yield from block.walk_fields()

    def walk_blocks(self) -> Iterator[Block]:
        yield self
        for block in self.blocks:
            yield from block.walk_blocks()


class FormInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the form")


def _text_of(value: Any, lang: str = "zh") -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("zh") or "")
    return "" if value is None else str(value)


class SchemeForm:
    """The editor's form: posted texts, the blocks that show them, and the way back to a `Scheme`."""

    def __init__(self, data: Mapping[str, str]) -> None:
        self.data: dict[str, str] = {k: str(v) for k, v in data.items()}
        self.tree, self._bad_params = unflatten(self.data)

    @classmethod
    def from_scheme(cls, scheme: Scheme) -> SchemeForm:
        return cls(flatten(scheme.model_dump(mode="json")))

    # --- back to a scheme -----------------------------------------------------------------

    def parse(self) -> Scheme:
        problems = [Problem("F001", "error", path=name, value=line,
                            message_zh=f"无法读取这一行：{line}（应写成 名称 = 值）",
                            message_en=f"Cannot read this line: {line} (write name = value)",
                            hint_zh="每行一个参数，例如 threshold_s = 20", hint_en="one parameter a line, e.g. threshold_s = 20")
                    for name, line in self._bad_params]
        try:
            scheme = Scheme.model_validate(self.tree)
        except ValidationError as exc:
            seen: set[str] = set()
            for error in exc.errors():
                path = format_path(data_path(tuple(error["loc"]), self.tree))
                if path in seen:
                    continue
                seen.add(path)
                zh, en, hint_zh, hint_en = pydantic_message(error)
                problems.append(Problem("L002", "error", path=field_name(path), message_zh=zh, message_en=en,
                                        hint_zh=hint_zh, hint_en=hint_en))
            raise FormInvalid(problems) from None
        if problems:
            raise FormInvalid(problems)
        return scheme

    # --- structural edits -----------------------------------------------------------------

    def removed(self) -> SchemeForm:
        """The form without the rows whose "remove" box is ticked (`<row>.__remove` = on)."""
        rows = sorted({k[: -len(".__remove")] for k, v in self.data.items() if k.endswith(".__remove") and v})
        data = {k: v for k, v in self.data.items() if not k.endswith(".__remove")}
        for row in sorted(rows, key=lambda r: [int(p) if p.isdigit() else p for p in r.split(".")], reverse=True):
            data = _drop_row(data, row)
        return SchemeForm(data)

    def with_row_added(self, list_path: str) -> SchemeForm:
        """The form with one more row in `list_path`: a copy of its last row (a new id where rows have one)."""
        items = [k for k in self.data if k.startswith(list_path + ".")]
        indexes = sorted({int(k[len(list_path) + 1:].split(".")[0]) for k in items
                          if k[len(list_path) + 1:].split(".")[0].isdigit()})
        data = dict(self.data)
        new = (indexes[-1] + 1) if indexes else 0
        if indexes:
            last = f"{list_path}.{indexes[-1]}."
            for key, value in self.data.items():
                if key.startswith(last):
                    data[f"{list_path}.{new}." + key[len(last):]] = value
            id_key = f"{list_path}.{new}.id"
            if id_key in data:
                taken = {v for k, v in data.items() if k.endswith(".id")}
                base, n = re.sub(r"_\d+$", "", data[id_key]) or data[id_key], 2
                while f"{base}_{n}" in taken:
                    n += 1
                data[id_key] = f"{base}_{n}"
        elif list_path.endswith("raters"):
            data[f"{list_path}.0.role"], data[f"{list_path}.0.weight"] = "supervisor", "100"
        return SchemeForm(data)

    def with_rule_type(self, rule_path: str, new_type: str) -> SchemeForm:
        """The form with the rule at `rule_path` changed to another kind (its parameters start at their defaults)."""
        data = {k: v for k, v in self.data.items() if not k.startswith(rule_path + ".")}
        data[rule_path + ".type"] = new_type
        kind = get_kind(new_type)
        for param in kind.params:
            if param.default is not None and param.type not in ("step", "list"):
                data[f"{rule_path}.{param.name}"] = param.default
        return SchemeForm(data)

    # --- what the page shows --------------------------------------------------------------

    def blocks(self, problems: list[Problem] = ()) -> list[Block]:  # type: ignore[assignment]
        """The page's sections. Every posted value appears in exactly one field (hidden if not shown)."""
        shown: set[str] = set()
        t = self.tree
        top: list[Block] = []
        general = Block("", "基本信息", "General")
        for key in ("id", "position", "level", "period"):
            general.fields.append(self._field(key, readonly=True, shown=shown))
        for key in ("name.zh", "name.en", "scale", "step_policy", "rounding.places", "rounding.mode", "missing",
                    "absent_rater", "source", "source_en", "notes", "notes_en"):
            general.fields.append(self._field(key, shown=shown))
        top.append(general)
        top.append(self._raters_block("raters", "默认评价人（人工评分项）", "Default raters (rated items)", shown))
        cats = Block("categories", "类别与指标", "Categories and indicators", "list", add_path="categories")
        for ci, cat in enumerate(_as_list(t.get("categories"))):
            cats.blocks.append(self._category_block(f"categories.{ci}", cat, shown))
        top.append(cats)
        top.append(self._grading_block(shown))
        rest = Block("hidden", "", "")
        for name, value in self.data.items():
            if name not in shown and not name.endswith(".__remove"):
                rest.fields.append(Field(name, name, name, "hidden", value))
        top.append(rest)
        by_name: dict[str, list[Problem]] = {}
        for problem in problems:
            by_name.setdefault(field_name(problem.path), []).append(problem)
        self._place(top, by_name)
        for block in top:
            for f in block.walk_fields():
                if f.choices and f.value not in {c[0] for c in f.choices}:
                    f.choices = (*f.choices, (f.value, f.value, f.value))
        return top

    def post_data(self, problems: list[Problem] = ()) -> dict[str, str]:  # type: ignore[assignment]
        """What the page's form posts back: every field of every block, with its shown value."""
        out: dict[str, str] = {}
        for block in self.blocks(problems):
            for f in block.walk_fields():
                out[f.name] = f.value
        return out

    def _place(self, top: list[Block], by_name: dict[str, list[Problem]]) -> None:
        fields: dict[str, Field] = {}
        blocks: dict[str, Block] = {}
        for block in top:
            for b in block.walk_blocks():
                blocks.setdefault(b.path, b)
                for f in b.fields:
                    fields[f.name] = f
        for name, found in by_name.items():
            target: Field | Block | None = fields.get(name) if fields.get(name) and fields[name].kind != "hidden" \
                else None
            if target is None:
                parts = name.split(".")
                for end in range(len(parts), -1, -1):
                    candidate = ".".join(parts[:end])
                    if candidate in blocks:
                        target = blocks[candidate]
                        break
                    if candidate in fields and fields[candidate].kind != "hidden":
                        target = fields[candidate]
                        break
            if target is None:
                target = blocks[""]
            target.problems.extend(found)
            if isinstance(target, Block) and target.kind == "list" and any(p.code in WEIGHT_CODES for p in found):
                for row in target.blocks:  # the weights that do not add up
                    for f in row.fields:
                        f.flagged = f.flagged or f.name == f"{row.path}.weight"

    def _field(self, key: str, prefix: str = "", *, shown: set[str], readonly: bool = False,
               label: tuple[str, str, str] | None = None) -> Field:
        name = f"{prefix}.{key}" if prefix else key
        zh, en, kind = label or LABELS.get(key) or LABELS.get(key.rsplit(".", 1)[-1]) or (key, key, "text")
        last = key.rsplit(".", 1)[-1]
        choices: tuple[Choice, ...] = CHOICES.get(last, ()) if kind == "choice" else ()
        if kind == "bool":
            choices = CHOICES["bool"]
        if kind == "choice" and last in OPTIONAL_CHOICE and name != "scale":
            choices = (("", "（沿用默认）", "(default)"), *choices)
        value = self.data.get(name, "")
        shown_zh = shown_en = ""
        if readonly:
            kind = "readonly"
            shown_zh, shown_en = SHOWN.get(key, {}).get(value, ("", ""))
            if key == "position":
                shown_zh, shown_en = _position_name(value)
        shown.add(name)
        return Field(name, zh, en, kind, value, choices=choices, readonly=readonly, shown_zh=shown_zh,
                     shown_en=shown_en)

    def _raters_block(self, path: str, zh: str, en: str, shown: set[str]) -> Block:
        block = Block(path, zh, en, "list", add_path=path)
        for ri, _rater in enumerate(_as_list(self._at(path))):
            row = Block(f"{path}.{ri}", f"评价人 {ri + 1}", f"Rater {ri + 1}", "row", removable=True)
            for key in ("role", "weight", "assumed"):
                row.fields.append(self._field(key, row.path, shown=shown))
            block.blocks.append(row)
        return block

    def _at(self, path: str) -> Any:
        node: Any = self.tree
        for part in path.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict):
                node = node.get(part)
            else:
                return None
        return node

    def _category_block(self, path: str, cat: Any, shown: set[str]) -> Block:
        cat = cat if isinstance(cat, dict) else {}
        block = Block(path, _text_of(cat.get("name")) or cat.get("id", ""), _text_of(cat.get("name"), "en")
                      or cat.get("id", ""), "row", removable=True)
        for key in ("id", "name.zh", "name.en", "weight", "scale"):
            block.fields.append(self._field(key, path, shown=shown))
        inds = Block(f"{path}.indicators", "指标", "Indicators", "list", add_path=f"{path}.indicators")
        for ii, ind in enumerate(_as_list(cat.get("indicators"))):
            inds.blocks.append(self._indicator_block(f"{path}.indicators.{ii}", ind, shown))
        block.blocks.append(inds)
        return block

    def _indicator_block(self, path: str, ind: Any, shown: set[str]) -> Block:
        ind = ind if isinstance(ind, dict) else {}
        name = ind.get("name")
        block = Block(path, _text_of(name) or ind.get("id", ""), _text_of(name, "en") or ind.get("id", ""), "row",
                      removable=True, fold=True)
        for key in ("id", "name.zh", "name.en", "weight", "unit", "direction", "indicator_class", "target",
                    "standard", "standard_en", "missing", "prorate", "min_sample.size", "min_sample.action"):
            block.fields.append(self._field(key, path, shown=shown))
        source = ind.get("source") if isinstance(ind.get("source"), dict) else {}
        src = Block(f"{path}.source", "数据来源", "Data source")
        src.fields.append(self._field("source.kind", path, shown=shown))
        kind = source.get("kind")
        if kind == "kpi":
            for key in ("source.kpi", "source.params", "source.scope"):
                src.fields.append(self._field(key, path, shown=shown))
        elif kind == "manual":
            src.blocks.append(self._raters_block(f"{path}.source.raters", "评价人及权重（含 360）",
                                                 "Raters and their weights (360 included)", shown))
        elif kind == "counts":
            for count in (source.get("counts") or {}):
                row = Block(f"{path}.source.counts.{count}", f"计数 {count}", f"Count {count}", "row")
                for key in ("kpi", "params", "entered_by"):
                    row.fields.append(self._field(key, row.path, shown=shown))
                src.blocks.append(row)
        block.blocks.append(src)
        block.blocks.append(self._rule_block(f"{path}.rule", ind.get("rule"), shown))
        expl = Block(f"{path}.explanation", "指标说明", "Explanation")
        for key in ("explanation.definition", "explanation.formula", "explanation.data_source",
                    "explanation.frequency", "explanation.definition_en", "explanation.formula_en",
                    "explanation.data_source_en", "explanation.frequency_en", "source_text"):
            expl.fields.append(self._field(key, path, shown=shown))
        block.blocks.append(expl)
        if isinstance(ind.get("applies_when"), dict):
            when = Block(f"{path}.applies_when", "适用条件", "Applies when")
            for key in ("applies_when.kpi", "applies_when.params", "applies_when.op", "applies_when.threshold",
                        "applies_when.setting", "applies_when.redistribute", "applies_when.note.zh",
                        "applies_when.note.en"):
                when.fields.append(self._field(key, path, shown=shown))
            block.blocks.append(when)
        return block

    def _rule_block(self, path: str, rule: Any, shown: set[str]) -> Block:
        rule = rule if isinstance(rule, dict) else {}
        type_ = str(rule.get("type", ""))
        block = Block(path, "计分规则", "Scoring rule")
        kinds = all_kinds()
        block.fields.append(self._field("type", path, shown=shown, label=("规则类型", "rule kind", "choice")))
        block.fields[-1].choices = tuple((k.type, k.title_zh, k.title_en) for k in kinds)
        block.fields[-1].kind = "rule_type"
        try:
            kind = get_kind(type_)
        except UnknownRuleKind:
            return block
        block.fields[-1].help_zh, block.fields[-1].help_en = kind.help_zh, kind.help_en
        for param in kind.params:
            self._param(block, path, param, rule.get(param.name), shown)
        return block

    def _param(self, block: Block, path: str, param: EditorParam, value: Any, shown: set[str]) -> None:
        name = f"{path}.{param.name}"
        if param.type == "step":
            sub = Block(name, param.label_zh, param.label_en)
            for item in param.items:
                sub.fields.append(self._param_field(name, item, shown))
            block.blocks.append(sub)
        elif param.type == "list":
            rows = Block(name, param.label_zh, param.label_en, "list", add_path=name)
            for index, _row in enumerate(_as_list(value)):
                row = Block(f"{name}.{index}", f"{param.label_zh} {index + 1}", f"{param.label_en} {index + 1}", "row",
                            removable=True)
                for item in param.items:
                    self._param(row, row.path, item, (_row or {}).get(item.name) if isinstance(_row, dict) else None,
                                shown)
                rows.blocks.append(row)
            block.blocks.append(rows)
        elif isinstance(value, dict):  # a text in two languages (a level's anchor, a tier's label)
            for lang, zh, en in (("zh", "中文", "Chinese"), ("en", "英文", "English")):
                f = self._param_field(path, param, shown, suffix=f".{lang}")
                f.label_zh, f.label_en = f"{param.label_zh}（{zh}）", f"{param.label_en} ({en})"
                block.fields.append(f)
        else:
            block.fields.append(self._param_field(path, param, shown))

    def _param_field(self, path: str, param: EditorParam, shown: set[str], suffix: str = "") -> Field:
        name = f"{path}.{param.name}{suffix}"
        kind = {"decimal": "decimal", "integer": "integer", "boolean": "bool", "choice": "choice", "text": "text",
                "formula": "formula"}.get(param.type, "text")
        choices: tuple[Choice, ...] = ()
        if kind == "bool":
            choices = (("", "（默认）", "(default)"), *CHOICES["bool"])
        elif kind == "choice":
            choices = tuple((c, c, c) for c in param.choices)
            if not param.required:
                choices = (("", "（默认）", "(default)"), *choices)
        shown.add(name)
        unit_zh = {"value": "指标单位", "score": "分", "count": "次", "level": "级"}.get(param.unit, "")
        unit_en = {"value": "indicator unit", "score": "points", "count": "times", "level": "level"}.get(param.unit, "")
        help_zh = "；".join(x for x in (param.help_zh, unit_zh and f"单位：{unit_zh}",
                                        "" if param.required else "可空") if x)
        help_en = "; ".join(x for x in (param.help_en, unit_en and f"unit: {unit_en}",
                                        "" if param.required else "optional") if x)
        return Field(name, param.label_zh, param.label_en, kind, self.data.get(name, ""), help_zh, help_en, choices,
                     required=param.required)

    def _grading_block(self, shown: set[str]) -> Block:
        grading = Block("grading", "等级", "Grades")
        t = self.tree.get("grading") if isinstance(self.tree.get("grading"), dict) else {}
        bands = Block("grading.bands", "等级分数线（从高到低）", "Grade bands (best first)", "list",
                      add_path="grading.bands")
        for bi, _band in enumerate(_as_list(t.get("bands"))):
            row = Block(f"grading.bands.{bi}", f"等级 {bi + 1}", f"Grade {bi + 1}", "row", removable=True)
            for key in ("grade", "min", "label.zh", "label.en"):
                row.fields.append(self._field(key, row.path, shown=shown))
            bands.blocks.append(row)
        grading.blocks.append(bands)
        forced = Block("grading.forced_distribution", "强制分布（各等级人数占比 %）",
                       "Forced distribution (percent of people per grade)")
        for grade in (t.get("forced_distribution") or {}):
            forced.fields.append(self._field(grade, "grading.forced_distribution", shown=shown,
                                             label=(f"{grade} 等 %", f"grade {grade} %", "decimal")))
        grading.blocks.append(forced)
        effects = Block("grading.effects", "等级结果（奖金系数、调薪）", "What each grade brings", "list",
                        add_path="grading.effects")
        for ei, _effect in enumerate(_as_list(t.get("effects"))):
            row = Block(f"grading.effects.{ei}", f"结果 {ei + 1}", f"Effect {ei + 1}", "row", removable=True)
            for key in ("grade", "bonus_coefficient", "salary_adjustment_pct", "note.zh", "note.en"):
                row.fields.append(self._field(key, row.path, shown=shown))
            effects.blocks.append(row)
        grading.blocks.append(effects)
        return grading


def _position_name(code: str) -> tuple[str, str]:
    from kaohe.web.appraisal import library_bridge

    position = library_bridge.position(code)
    name = getattr(position, "name", None)
    if name is None:
        return "", ""
    return str(name.zh), str(getattr(name, "en", "") or name.zh)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _drop_row(data: dict[str, str], row: str) -> dict[str, str]:
    """Remove the row `a.b.3` and renumber the rows after it (`a.b.4…` → `a.b.3…`)."""
    list_path, _, index_text = row.rpartition(".")
    if not index_text.isdigit():
        return data
    index = int(index_text)
    out: dict[str, str] = {}
    prefix = list_path + "."
    for key, value in data.items():
        if key.startswith(prefix):
            head, _, tail = key[len(prefix):].partition(".")
            if head.isdigit():
                n = int(head)
                if n == index:
                    continue
                if n > index:
                    key = f"{prefix}{n - 1}" + (f".{tail}" if tail else "")
        out[key] = value
    return out
