"""What a rule kind is: the one class every rule kind (built-in or a company's own) subclasses.

A kind module holds, for one `type:` of scoring rule:

- its pydantic model (a subclass of `RuleModel` whose `type` is `Literal["<type>"]`);
- `evaluate`: a resolved value (or counts) in, a score and its bilingual trace out;
- `best` and `bounds`: the highest score the rule can give and the range a score is kept in;
- `describe`: the rule in a line of Chinese or English, for printed forms and sheets;
- `params`: the parameters a scheme editor shows, as `EditorParam` records (type, unit, help);
- `check`: its checker findings (and `check_rules` for checker rule ids only it uses);
- `strategy`: a hypothesis strategy that builds valid rules of the kind, for property tests;
- a few flags that tell scoring how the rule reads its input (`reads_counts`, `rates_each`,
  `extra`, `veto`) and which field the what-if view may change (`what_if_field`).

The module ends with `register(MyKind())`. See CONTRIBUTING.md, "A rule kind".
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from kaohe.scheme.kinds.registry import RuleModel

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from kaohe.scheme.checks import CheckSpec, Context, Finding, Item
    from kaohe.scheme.models import Indicator, StepPolicy
    from kaohe.scoring.rules import RuleContext, RuleOutcome

R = TypeVar("R", bound=RuleModel)

ParamType = Literal["decimal", "integer", "boolean", "choice", "text", "formula", "step", "list"]
ParamUnit = Literal["value", "score", "count", "level", ""]


@dataclass(frozen=True)
class EditorParam:
    """One parameter of a rule as a scheme editor shows it.

    - `name`: the key in the scheme file (`threshold`, `tiers` …).
    - `type`: how to edit it: `decimal`, `integer`, `boolean`, `choice` (one of `choices`),
      `text`, `formula`, `step` (a nested {per, points, limit} — see `items`), or `list`
      (rows of nested parameters, each described by `items`).
    - `unit`: what the number is measured in: `value` (the indicator's own unit, e.g. 秒 or %),
      `score` (points), `count` (occurrences), `level` (a rating level), or "" (none).
    - `label_*` / `help_*`: the field's label and a one-line help in Chinese and English.
    - `required`: the file must give it; otherwise `default` applies (None: no default).
    """

    name: str
    type: ParamType
    label_zh: str
    label_en: str
    help_zh: str = ""
    help_en: str = ""
    unit: ParamUnit = ""
    required: bool = True
    default: str | None = None
    choices: tuple[str, ...] = ()
    items: tuple[EditorParam, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "unit": self.unit,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "help_zh": self.help_zh,
            "help_en": self.help_en,
            "required": self.required,
            "default": self.default,
            "choices": list(self.choices),
            "items": [item.as_dict() for item in self.items],
        }


STEP_ITEMS = (
    EditorParam("per", "decimal", "步长", "step", "每多少单位算一步", "units per step", unit="value",
                required=False, default="1"),
    EditorParam("points", "decimal", "每步分值", "points per step", "每一步加或扣的分数", "points per step",
                unit="score"),
    EditorParam("limit", "decimal", "计至", "limit", "超过此值不再计步（可空）",
                "deviation stops counting beyond this value (optional)", unit="value", required=False),
)


@dataclass(frozen=True)
class RuleInput:
    """What a rule is evaluated on: the value, and for count rules the occurrence counts."""

    value: Decimal
    counts: Mapping[str, Decimal] | None = None
    target: Decimal | None = None
    sample_size: int | None = None

    def env(self) -> dict[str, Decimal]:
        """The variables a formula sees: value, target, sample and every count."""
        env: dict[str, Decimal] = {"value": self.value}
        if self.target is not None:
            env["target"] = self.target
        if self.sample_size is not None:
            env["sample"] = Decimal(self.sample_size)
        if self.counts is not None:
            env.update(self.counts)
        return env


class RuleKind(Generic[R]):
    """Base of every rule kind. Subclasses set the class attributes and the methods below."""

    type: ClassVar[str]
    model: builtins.type[R]
    title_zh: ClassVar[str]
    title_en: ClassVar[str]
    help_zh: ClassVar[str] = ""
    help_en: ClassVar[str] = ""
    params: ClassVar[tuple[EditorParam, ...]] = ()
    reads_counts: ClassVar[bool] = False  # scored on occurrence counts (per occurrence, veto)
    rates_each: ClassVar[bool] = False  # each rater's rating goes through the rule before weighting
    extra: ClassVar[bool] = False  # outside the category's 100 %: added on top of the total (bonus)
    veto: ClassVar[bool] = False  # with weight 0 it stands outside the weights (veto-only items)
    all_or_nothing: ClassVar[bool] = False  # a pass/fail rule (checker K018 watches its weight)
    what_if_field: ClassVar[str | None] = None  # the one threshold the what-if view may change
    check_rules: ClassVar[tuple[CheckSpec, ...]] = ()  # checker rule ids introduced by this kind

    # --- scoring --------------------------------------------------------------------------

    def evaluate(self, rule: R, ctx: RuleContext, inp: RuleInput) -> RuleOutcome:
        raise NotImplementedError

    def best(self, rule: R, policy: StepPolicy) -> Decimal | None:
        """The highest score the rule can give, or None when it has no upper bound."""
        raise NotImplementedError

    def stated_max(self, rule: R) -> Decimal | None:
        """An upper bound the scheme states for the score (a cap or max), or None."""
        return None

    def bounds(self, rule: R, scale_max: Decimal) -> tuple[Decimal, Decimal]:
        """The range a score is kept in: 0 to the scale's maximum, or to a higher stated cap."""
        stated = self.stated_max(rule)
        high = stated if stated is not None and stated > scale_max else scale_max
        return Decimal(0), high

    def count_names(self, rule: R, indicator: Indicator) -> list[str]:
        """The counts the rule reads (by default every count of a counts source)."""
        counts = getattr(indicator.source, "counts", None)
        return sorted(counts) if isinstance(counts, Mapping) else []

    def rating_range(self, rule: R) -> tuple[Decimal, Decimal] | None:
        """The range a rater may enter for the rule (None: Kaohe's default 0–100)."""
        return None

    def target(self, rule: R) -> Decimal | None:
        """The target the rule itself states (checked against the indicator's target, K025)."""
        return None

    # --- words ----------------------------------------------------------------------------

    def describe(self, rule: R, unit: str, lang: str) -> str:
        """The rule in one line, `lang` "zh" or "en"."""
        raise NotImplementedError

    # --- checks and tests -----------------------------------------------------------------

    def check(self, rule: R, item: Item, ctx: Context) -> Iterator[Finding]:
        """Findings about this rule on one indicator (each names its checker rule id)."""
        return iter(())

    def strategy(self) -> SearchStrategy[R]:
        """A hypothesis strategy of valid rules of this kind (imports hypothesis lazily)."""
        raise NotImplementedError

    def editor(self) -> dict[str, Any]:
        """The kind as the scheme editor needs it: type, titles, help, parameters."""
        return {
            "type": self.type,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "help_zh": self.help_zh,
            "help_en": self.help_en,
            "params": [p.as_dict() for p in self.params],
        }

