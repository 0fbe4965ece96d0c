"""The company's results policy: every parameter of every results rule, loaded from YAML.

Nothing in `kaohe.results` hard-codes a coefficient, a threshold or a count: it all
comes from a `ResultsPolicy`. Kaohe ships `default_policy.yaml` next to this module;
a company copies it, edits it and points KAOHE_RESULTS_POLICY (or the loader) at it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from kaohe.scheme.models import RoundingMode

DEFAULT_POLICY_PATH = Path(__file__).with_name("default_policy.yaml")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MoneyRounding(_Model):
    places: int = Field(default=2, ge=0, le=4)
    mode: RoundingMode = RoundingMode.HALF_UP


class BonusPolicy(_Model):
    """Grade → bonus coefficient. A scheme's own GradeEffect wins when `scheme_effects_win`."""

    coefficients: dict[str, Decimal]
    scheme_effects_win: bool = True


class AttendancePolicy(_Model):
    """How attendance prorates performance pay (formula in docs/results.md).

    `deductible` weighs each kind of non-attendance day: 1 means the day is fully
    deducted, 0.5 half, 0 not at all. A kind missing from this table is an error, so a
    new leave type cannot slip through unpaid or fully paid by accident.
    `minimum_share`: below this share of required days the period earns no performance pay.
    """

    deductible: dict[str, Decimal]
    minimum_share: Decimal = Field(default=Decimal(0), ge=0, le=1)
    labels: dict[str, str] = Field(default_factory=dict)  # kind → the column title HR uses (事假 …)


class RangeBand(_Model):
    name: str
    upto: Decimal | None = None  # exclusive upper bound of position-in-range; None = no bound


class SalaryPolicy(_Model):
    """Merit matrix: grade × position in the pay range → suggested raise (fraction)."""

    bands: list[RangeBand] = Field(min_length=1)
    matrix: dict[str, dict[str, Decimal]]
    cap_at_range_max: bool = True

    @model_validator(mode="after")
    def _bands_cover_matrix(self) -> SalaryPolicy:
        names = [b.name for b in self.bands]
        problems = []
        if self.bands[-1].upto is not None:
            problems.append("the last band must have no upper bound (upto: null)")
        for grade, row in self.matrix.items():
            missing = sorted(set(names) - set(row))
            if missing:
                problems.append(f"matrix[{grade}] lacks bands {missing}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class TrainingPolicy(_Model):
    weak_item_share: Decimal = Field(gt=0, le=1)  # item points / max points below this → need
    min_competency_gap: int = Field(default=1, ge=1)
    indicator_courses: dict[str, list[str]] = Field(default_factory=dict)
    competency_courses: dict[str, list[str]] = Field(default_factory=dict)


class StreakPolicy(_Model):
    """A run of cycles at or above (`at_least`) or at or below (`at_most`) a grade."""

    grade: str
    consecutive_cycles: int = Field(ge=1)


class ImprovementPolicy(_Model):
    trigger_grades: list[str]
    plan_days: int = Field(default=60, ge=1)
    due_soon_days: int = Field(default=7, ge=0)


class QualityPolicy(_Model):
    min_sheets: int = Field(default=5, ge=2)
    spread_min_std: Decimal = Field(default=Decimal("1"), ge=0)  # in % of the item's max
    correlation_threshold: Decimal = Field(default=Decimal("0.8"), gt=0, le=1)
    rater_min_count: int = Field(default=5, ge=1)
    rater_deviation: Decimal = Field(default=Decimal("5"), gt=0)  # in % of the item's max


class ResultsPolicy(_Model):
    currency: str = "CNY"
    grades: list[str] = Field(min_length=1)  # best first
    money: MoneyRounding = Field(default_factory=MoneyRounding)
    bonus: BonusPolicy
    attendance: AttendancePolicy
    salary: SalaryPolicy
    training: TrainingPolicy
    promotion: StreakPolicy  # at least this grade for N consecutive cycles
    position_change: StreakPolicy  # at most this grade for N consecutive cycles
    improvement: ImprovementPolicy
    quality: QualityPolicy = Field(default_factory=QualityPolicy)

    @model_validator(mode="after")
    def _grades_known(self) -> ResultsPolicy:
        known = set(self.grades)
        problems = []
        for where, grades in (
            ("bonus.coefficients", self.bonus.coefficients),
            ("salary.matrix", self.salary.matrix),
            ("improvement.trigger_grades", self.improvement.trigger_grades),
            ("promotion.grade", [self.promotion.grade]),
            ("position_change.grade", [self.position_change.grade]),
        ):
            unknown = sorted(set(grades) - known)
            if unknown:
                problems.append(f"{where}: unknown grades {unknown} (policy grades: {self.grades})")
        missing = sorted(known - set(self.bonus.coefficients))
        if missing:
            problems.append(f"bonus.coefficients: no coefficient for grades {missing}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def rank(self, grade: str) -> int:
        """0 for the best grade; raises PolicyError for a grade the policy does not know."""
        try:
            return self.grades.index(grade)
        except ValueError:
            raise PolicyError([f"grade {grade!r} is not one of the policy grades {self.grades}"]) from None


class PolicyError(Exception):
    """Every problem of a policy file at once (path: message)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _decimals(node: Any) -> Any:
    # YAML floats would lose exactness on the way to Decimal: go through their text.
    if isinstance(node, float):
        return str(node)
    if isinstance(node, Mapping):
        return {str(k): _decimals(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_decimals(v) for v in node]
    return node


def policy_from_mapping(data: Mapping[str, Any], source: str = "<mapping>") -> ResultsPolicy:
    try:
        return ResultsPolicy.model_validate(_decimals(data))
    except ValidationError as exc:
        raise PolicyError(
            [f"{source}: {'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()]
        ) from None


def policy_path() -> Path:
    """The company's policy file: KAOHE_RESULTS_POLICY when set, else the one Kaohe ships."""
    configured = os.environ.get("KAOHE_RESULTS_POLICY", "").strip()
    return Path(configured) if configured else DEFAULT_POLICY_PATH


def load_policy(path: Path | str | None = None) -> ResultsPolicy:
    """Load a results policy from `path`, or from `policy_path()` when none is given."""
    path = Path(path) if path is not None else policy_path()
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise PolicyError([f"{path}: {exc}"]) from None
    if not isinstance(data, Mapping):
        raise PolicyError([f"{path}: expected a mapping at the top level"])
    return policy_from_mapping(data, str(path))
