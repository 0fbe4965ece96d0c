"""Load the position library and check it as a whole.

Layout (relative to the library root, `src/kaohe/library/` by default):

    grading.yaml                                  company-wide grades, distribution, coefficients
    positions/<position_id>/position.yaml         the position and four of its modules
    positions/<position_id>/schemes/<id>.yaml     its appraisal schemes (one file each)

Every file goes through the scheme language: schemes through `kaohe.scheme.loader`
and the checker, position files through the same YAML builder so that every problem
carries its file, line and element. A scheme without its own `grading` takes the
company grading. Loading collects the problems of all files; any error stops it with
one `LibraryLoadError` listing them all, because a half-loaded library would offer
HR an appraisal form with a silent hole in it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kaohe.scheme.checker import catalog_kpi_ids, check_scheme
from kaohe.scheme.loader import (
    LocatedScheme,
    PathKey,
    load_scheme_text_located,
    nearest_position,
    parse_yaml,
    validation_problems,
)
from kaohe.scheme.loader import Position as YamlPosition
from kaohe.scheme.models import CountsSource, Grading, KpiSource, Level, Period, Scheme
from kaohe.scheme.position import (
    CompetencyDimension,
    GuidanceModule,
    Position,
    SharedTexts,
)
from kaohe.scheme.problems import Problem, SchemeLoadError, format_path

LIBRARY_ROOT = Path(__file__).resolve().parent
GRADING_FILE = "grading.yaml"
SHARED_FILE = "shared.yaml"  # texts kept once and referenced: company-wide competencies, letter terms
POSITIONS_DIR = "positions"
MIN_KPIS = 4

# The period a position of each level is appraised on at least (annual may come on top).
EXPECTED_PERIOD: dict[Level, Period] = {
    Level.SPECIALIST: Period.MONTHLY,
    Level.SUPERVISOR: Period.QUARTERLY,
    Level.MANAGER: Period.QUARTERLY,
    Level.DIRECTOR: Period.ANNUAL,
}


class LibraryLoadError(SchemeLoadError):
    """The library could not be loaded; `problems` lists every error and warning of every file."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.args = (f"{sum(p.level == 'error' for p in problems)} error(s) in the position library:\n"
                     + "\n".join(p.format("en") for p in problems if p.level == "error"),)


@dataclass(frozen=True)
class LibraryPosition:
    """One position with its schemes, and where each was read from."""

    position: Position
    schemes: tuple[Scheme, ...]
    file: Path
    scheme_files: Mapping[str, Path]

    @property
    def id(self) -> str:
        return self.position.id

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the position, its schemes (with the grading they use) and its file."""
        return {"position": self.position.model_dump(mode="json"),
                "schemes": [s.model_dump(mode="json", exclude_none=True) for s in self.schemes],
                "file": str(self.file)}

    def scheme(self, scheme_id: str | None = None) -> Scheme:
        """The scheme with that id, or the position's main one (the one its letter uses)."""
        wanted = scheme_id or self.position.letter.scheme
        for scheme in self.schemes:
            if scheme.id == wanted:
                return scheme
        raise KeyError(f"position {self.id!r} has no scheme {wanted!r}")


@dataclass(frozen=True)
class Library:
    root: Path
    grading: Grading
    positions: Mapping[str, LibraryPosition]  # in the order of the book's chapters
    problems: tuple[Problem, ...] = field(default_factory=tuple)  # warnings and infos kept on load
    shared: SharedTexts = field(default_factory=SharedTexts)  # shared.yaml: texts kept once

    def __iter__(self) -> Iterator[LibraryPosition]:
        return iter(self.positions.values())

    def __len__(self) -> int:
        return len(self.positions)

    def position(self, key: str) -> LibraryPosition:
        """A position by id, or by its Chinese or English name."""
        if key in self.positions:
            return self.positions[key]
        for entry in self.positions.values():
            if key in (entry.position.name.zh, entry.position.name.en):
                return entry
        raise KeyError(f"no position {key!r} in the library")

    def scheme(self, scheme_id: str) -> Scheme:
        for entry in self.positions.values():
            for scheme in entry.schemes:
                if scheme.id == scheme_id:
                    return scheme
        raise KeyError(f"no scheme {scheme_id!r} in the library")

    @property
    def schemes(self) -> list[Scheme]:
        return [s for entry in self.positions.values() for s in entry.schemes]


def load_library(root: Path | str | None = None, *, kpi_ids: set[str] | frozenset[str] | None = None) -> Library:
    """Load and check the whole library; raises LibraryLoadError if any file has an error.

    `root` defaults to `$KAOHE_LIBRARY_DIR` or the library shipped with Kaohe. `kpi_ids`
    defaults to the ids registered in the metrics catalog.
    """
    base = Path(root or os.environ.get("KAOHE_LIBRARY_DIR") or LIBRARY_ROOT)
    ids = frozenset(kpi_ids) if kpi_ids is not None else catalog_kpi_ids()
    problems: list[Problem] = []
    grading = _load_grading(base / GRADING_FILE, problems)
    shared = _load_shared(base / SHARED_FILE, problems)
    loaded: list[LibraryPosition] = []
    located: dict[str, _Located] = {}
    position_dirs = sorted(p for p in (base / POSITIONS_DIR).iterdir() if p.is_dir()) \
        if (base / POSITIONS_DIR).is_dir() else []
    if not position_dirs:
        problems.append(_problem("P000", "error", str(base / POSITIONS_DIR), None, "",
                                 "岗位库中没有任何岗位目录", "the library holds no position folder",
                                 "每个岗位一个目录：positions/<岗位标识>/position.yaml",
                                 "one folder per position: positions/<position_id>/position.yaml"))
    for folder in position_dirs:
        found = _load_position(folder, grading, ids, problems, shared)
        if found is not None:
            loaded.append(found[0])
            located[found[0].id] = found[1]
    problems += _check_library(loaded, located, {folder.name for folder in position_dirs})
    if any(p.level == "error" for p in problems):
        raise LibraryLoadError(_ordered(problems))
    loaded.sort(key=lambda e: (e.position.department.chapter, _LEVEL_ORDER[e.position.level], e.position.id))
    assert grading is not None  # an unreadable grading file is an error above
    return Library(base, grading, {e.id: e for e in loaded}, tuple(_ordered(problems)), shared)


def lint_library_file(file: Path) -> list[Problem]:
    """`kaohe lint` on one library file: a position file with its checks, shared.yaml or grading.yaml.

    A position file is read as the library loader reads it (shared competencies resolved, its
    schemes and the reporting lines checked against the library it lies in), so the checker
    reports what loading would report for that file, and nothing it would not.
    """
    problems: list[Problem] = []
    if file.name == GRADING_FILE:
        _load_grading(file, problems)
        return problems
    root = file.parent.parent.parent if file.name == "position.yaml" else file.parent
    shared = _load_shared(root / SHARED_FILE, problems)
    if file.name == SHARED_FILE:
        return problems
    grading = _load_grading(root / GRADING_FILE, []) if (root / GRADING_FILE).is_file() else None
    found = _load_position(file.parent, grading, catalog_kpi_ids(), problems, shared)
    # scheme files are linted on their own; keep what concerns the position file here
    mine = [p for p in problems if p.file in (str(file), str(file.parent))]
    if found is not None:
        known = {folder.name for folder in file.parent.parent.iterdir() if folder.is_dir()}
        entry, located = found
        mine += [p for p in _check_library([entry], {entry.id: located}, known) if p.rule_id != "P019" or
                 p.file == str(file)]
    return mine


@lru_cache(maxsize=1)
def default_library() -> Library:
    """The library shipped with Kaohe, loaded once per process (web app, CLI)."""
    return load_library()


_LEVEL_ORDER = {Level.DIRECTOR: 0, Level.MANAGER: 1, Level.SUPERVISOR: 2, Level.SPECIALIST: 3}


def _ordered(problems: list[Problem]) -> list[Problem]:
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(problems, key=lambda p: (order[p.level], p.file or "", p.line or 0, p.rule_id))


def _problem(rule_id: str, level: str, file: str | None, line: int | None, path: str, zh: str, en: str,
             hint_zh: str = "", hint_en: str = "") -> Problem:
    return Problem(rule_id, level, file, line, path, zh, en, hint_zh, hint_en)  # type: ignore[arg-type]


def _load_model(file: Path, model: type[BaseModel], problems: list[Problem],
                prepare: Callable[[Any, dict[PathKey, YamlPosition]], Any] | None = None,
                ) -> tuple[Any, dict[PathKey, YamlPosition]]:
    """Parse one YAML file into `model`; on failure add the problems and return (None, positions).

    `prepare` may rewrite the parsed data before validation (resolving `ref:` entries).
    """
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(_problem("L001", "error", str(file), None, "", f"无法读取文件：{exc}",
                                 f"cannot read file: {exc}"))
        return None, {}
    try:
        data, positions = _parse(text, str(file))
    except SchemeLoadError as exc:
        problems.extend(exc.problems)
        return None, {}
    if prepare is not None:
        data = prepare(data, positions)
    try:
        return model.model_validate(data), positions
    except ValidationError as exc:
        problems.extend(validation_problems(exc.errors(), data, positions, str(file)))
        return None, positions


# Composing YAML with positions is the slow part of loading (pure-Python ruamel), and a
# library is mostly re-read unchanged (tests, a server re-loading after one edit), so
# parsed files are remembered by their text. Failures are never remembered: they must
# name the file they came from.
_PARSED: dict[str, tuple[Any, dict[PathKey, YamlPosition]]] = {}
_SCHEMES: dict[str, LocatedScheme] = {}
_CACHE_LIMIT = 512


def _parse(text: str, filename: str) -> tuple[Any, dict[PathKey, YamlPosition]]:
    if text not in _PARSED:
        if len(_PARSED) >= _CACHE_LIMIT:
            _PARSED.clear()
        _PARSED[text] = parse_yaml(text, filename)
    return _PARSED[text]


def _parse_scheme(file: Path) -> LocatedScheme:
    text = file.read_text(encoding="utf-8-sig")
    if text not in _SCHEMES:
        if len(_SCHEMES) >= _CACHE_LIMIT:
            _SCHEMES.clear()
        _SCHEMES[text] = load_scheme_text_located(text, str(file))
    cached = _SCHEMES[text]
    return LocatedScheme(cached.scheme, str(file), cached.positions)


def _load_shared(file: Path, problems: list[Problem]) -> SharedTexts:
    """The library's shared texts; a library without shared.yaml simply has none."""
    if not file.is_file():
        return SharedTexts()
    shared, _ = _load_model(file, SharedTexts, problems)
    return shared if isinstance(shared, SharedTexts) else SharedTexts()


def _resolver(shared: SharedTexts, file: Path, problems: list[Problem]
              ) -> Callable[[Any, dict[PathKey, YamlPosition]], Any]:
    """Replace `{ref: id, required_level: n}` competencies by the shared competency `id`."""
    by_id = {c.id: c for c in shared.competencies}

    def prepare(data: Any, positions: dict[PathKey, YamlPosition]) -> Any:
        try:
            entries = data["competency_model"]["competencies"]
        except (KeyError, TypeError):
            return data
        if not isinstance(entries, list):
            return data
        resolved: list[Any] = []
        for index, entry in enumerate(entries):
            if not (isinstance(entry, dict) and "ref" in entry):
                resolved.append(entry)
                continue
            found = by_id.get(str(entry["ref"]))
            if found is None:
                where = nearest_position(positions, ("competency_model", "competencies", index))
                problems.append(_problem(
                    "P020", "error", str(file), where.line if where else None,
                    f"competency_model.competencies[{index}].ref",
                    f"引用的共用素质 {entry['ref']} 不在 shared.yaml 中",
                    f"the shared competency {entry['ref']!r} is not in shared.yaml",
                    "检查拼写，或在 shared.yaml 的 competencies 中加上它",
                    "check the spelling, or add it to competencies in shared.yaml"))
                continue
            merged = found.model_dump(mode="json")
            merged["shared"] = True
            merged.update({k: v for k, v in entry.items() if k != "ref"})
            resolved.append(merged)
        data = dict(data)
        data["competency_model"] = {**data["competency_model"], "competencies": resolved}
        return data

    return prepare


def _with_shared_terms(position: Position, shared: SharedTexts) -> Position:
    """The letter as signed: the position's own rewards, penalties and terms, then the shared ones."""
    letter, terms = position.letter, shared.letter_terms
    update = {name: [*getattr(letter, name), *getattr(terms, name)]
              for name in ("rewards", "rewards_en", "penalties", "penalties_en", "terms", "terms_en")}
    return position.model_copy(update={"letter": letter.model_copy(update=update)})


def _load_grading(file: Path, problems: list[Problem]) -> Grading | None:
    grading, _ = _load_model(file, Grading, problems)
    return grading if isinstance(grading, Grading) else None


class _Located:
    """Finds the line of an element of one position file."""

    def __init__(self, file: Path, positions: dict[PathKey, YamlPosition]) -> None:
        self.file, self.positions = str(file), positions

    def problem(self, rule_id: str, level: str, path: PathKey, zh: str, en: str,
                hint_zh: str = "", hint_en: str = "") -> Problem:
        where = nearest_position(self.positions, path)
        return _problem(rule_id, level, self.file, where.line if where else None, format_path(path),
                        zh, en, hint_zh, hint_en)


def _load_position(folder: Path, grading: Grading | None, kpi_ids: frozenset[str] | None,
                   problems: list[Problem], shared: SharedTexts | None = None,
                   ) -> tuple[LibraryPosition, _Located] | None:
    file = folder / "position.yaml"
    if not file.is_file():
        problems.append(_problem("P001", "error", str(folder), None, "", "岗位目录中缺少 position.yaml",
                                 "position folder has no position.yaml", "每个岗位目录须有 position.yaml",
                                 "add position.yaml to the folder"))
        return None
    shared = shared or SharedTexts()
    position, positions = _load_model(file, Position, problems, _resolver(shared, file, problems))
    if isinstance(position, Position):
        position = _with_shared_terms(position, shared)
    at = _Located(file, positions)
    schemes: list[Scheme] = []
    scheme_files: dict[str, Path] = {}
    for scheme_file in sorted((folder / "schemes").glob("*.y*ml")):
        scheme = _load_scheme(scheme_file, grading, kpi_ids, problems)
        if scheme is None:
            continue
        if scheme.id != scheme_file.stem:
            problems.append(_problem("P011", "error", str(scheme_file), 1, "id",
                                     f"方案标识 {scheme.id} 与文件名 {scheme_file.stem} 不一致",
                                     f"scheme id {scheme.id!r} differs from the file name {scheme_file.stem!r}",
                                     "文件名须为 <方案标识>.yaml", "name the file <scheme id>.yaml"))
        if scheme.position != folder.name:
            problems.append(_problem("P012", "error", str(scheme_file), 1, "position",
                                     f"方案属于岗位 {scheme.position}，却放在岗位 {folder.name} 的目录中",
                                     f"scheme is for position {scheme.position!r} but lies in {folder.name!r}",
                                     "改正 position: 或把文件移到对应岗位目录",
                                     "fix position: or move the file to that position's folder"))
        schemes.append(scheme)
        scheme_files[scheme.id] = scheme_file
    if not isinstance(position, Position):
        return None
    problems += _check_position(position, folder, schemes, at, kpi_ids)
    return LibraryPosition(position, tuple(schemes), file, scheme_files), at


def _load_scheme(file: Path, grading: Grading | None, kpi_ids: frozenset[str] | None,
                 problems: list[Problem]) -> Scheme | None:
    try:
        located = _parse_scheme(file)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(_problem("L001", "error", str(file), None, "", f"无法读取文件：{exc}",
                                 f"cannot read file: {exc}"))
        return None
    except SchemeLoadError as exc:
        problems.extend(exc.problems)
        return None
    scheme = located.scheme
    if scheme.grading is None and grading is not None:
        scheme = scheme.model_copy(update={"grading": grading})
        located.scheme = scheme
    problems.extend(check_scheme(scheme, kpi_ids=kpi_ids, located=located))
    return scheme


# --- checks on one position ----------------------------------------------------------------


def _check_position(position: Position, folder: Path, schemes: list[Scheme], at: _Located,
                    kpi_ids: frozenset[str] | None) -> list[Problem]:
    out: list[Problem] = []
    if position.id != folder.name:
        out.append(at.problem("P002", "error", ("id",), f"岗位标识 {position.id} 与目录名 {folder.name} 不一致",
                              f"position id {position.id!r} differs from its folder {folder.name!r}",
                              "目录名须与 id 相同", "name the folder after the id"))
    if len(position.kpis) < MIN_KPIS:
        out.append(at.problem("P003", "error", ("kpis",),
                              f"岗位只有 {len(position.kpis)} 个关键业绩指标，至少需要 {MIN_KPIS} 个",
                              f"the position has {len(position.kpis)} KPIs, at least {MIN_KPIS} are needed",
                              "从主要工作事项中再提炼指标", "draw more KPIs from the work items"))
    seen: set[str] = set()
    for index, kpi in enumerate(position.kpis):
        if kpi.id in seen:
            out.append(at.problem("P004", "error", ("kpis", index, "id"), f"关键业绩指标 {kpi.id} 重复",
                                  f"KPI {kpi.id!r} appears twice"))
        seen.add(kpi.id)
        out += _check_source(kpi.source, ("kpis", index, "source"), at, kpi_ids)
    for index, item in enumerate(position.work_items):
        for k, kpi_id in enumerate(item.kpis):
            if kpi_id not in seen:
                out.append(at.problem("P005", "error", ("work_items", index, "kpis", k),
                                      f"工作事项「{item.name.zh}」引用了不存在的指标 {kpi_id}",
                                      f"work item {item.id!r} names unknown KPI {kpi_id!r}",
                                      "在 kpis: 中定义该指标或改正标识", "define the KPI under kpis: or fix the id"))
    out += _check_competencies(position, at)
    scheme_ids = {s.id for s in schemes}
    if not schemes:
        out.append(at.problem("P008", "error", ("id",), "岗位没有任何考核方案", "the position has no scheme",
                              f"在 {folder.name}/schemes/ 下添加方案文件", f"add a scheme file under {folder.name}/schemes/"))
    elif EXPECTED_PERIOD[position.level] not in {s.period for s in schemes}:
        expected = EXPECTED_PERIOD[position.level].value
        out.append(at.problem("P009", "warning", ("level",), f"该层级岗位通常应有 {expected} 周期的方案",
                              f"a position of this level usually has a {expected} scheme"))
    for scheme in schemes:
        if scheme.level != position.level:
            out.append(at.problem("P010", "warning", ("level",),
                                  f"方案 {scheme.id} 的层级 {scheme.level.value} 与岗位层级不同",
                                  f"scheme {scheme.id!r} has level {scheme.level.value!r}, unlike the position"))
    if position.letter.scheme not in scheme_ids:
        out.append(at.problem("P013", "error", ("letter", "scheme"),
                              f"目标责任书引用的方案 {position.letter.scheme} 不存在",
                              f"the letter uses scheme {position.letter.scheme!r}, which does not exist",
                              "改为本岗位某个方案的标识", "use the id of one of the position's schemes"))
    missing = [m for m in GuidanceModule if not position.guidance_for(m)]
    if missing:
        out.append(at.problem("P014", "error", ("guidance",),
                              "缺少以下模块的关键问题解答：" + "、".join(m.value for m in missing),
                              "no guidance for module(s): " + ", ".join(m.value for m in missing)))
    return out


def _check_source(source: object, path: PathKey, at: _Located, kpi_ids: frozenset[str] | None) -> list[Problem]:
    refs: list[tuple[PathKey, str, Mapping[str, Any]]] = []
    if isinstance(source, KpiSource):
        refs.append((path + ("kpi",), source.kpi, source.params))
    elif isinstance(source, CountsSource):
        refs += [(path + ("counts", name, "kpi"), ref.kpi, ref.params)
                 for name, ref in source.counts.items() if ref.kpi is not None]
    out: list[Problem] = []
    for where, kpi_id, params in refs:
        if kpi_ids is not None and kpi_id not in kpi_ids:
            out.append(at.problem("P006", "error", where, f"KPI {kpi_id} 不在 KPI 目录中",
                                  f"KPI {kpi_id!r} is not in the catalog",
                                  "见 docs/contracts/events-and-kpis.md 的 KPI 列表", "see the KPI table of the catalog"))
            continue
        message = _param_problem(kpi_id, params)
        if message:
            out.append(at.problem("P007", "error", where, f"KPI {kpi_id} 的参数有误：{message}",
                                  f"KPI {kpi_id!r} parameters: {message}"))
    return out


def _param_problem(kpi_id: str, params: Mapping[str, Any]) -> str | None:
    """The catalog's complaint about these parameters (a broken catalog raises: it is an error)."""
    from kaohe.metrics.catalog.registry import KpiError, get_kpi

    try:
        get_kpi(kpi_id).resolve_params(dict(params))
    except KpiError as exc:
        return str(exc)
    return None


def _check_competencies(position: Position, at: _Located) -> list[Problem]:
    out: list[Problem] = []
    model = position.competency_model
    for dimension in CompetencyDimension:
        if not model.by_dimension(dimension):
            out.append(at.problem("P015", "error", ("competency_model", "competencies"),
                                  f"胜任素质模型缺少维度 {dimension.value}",
                                  f"the competency model has no {dimension.value!r} competency",
                                  "职业素养、知识、技能/能力三个维度各至少一项",
                                  "give at least one competency in each of the three dimensions"))
    for index, competency in enumerate(model.competencies):
        levels = [d.level for d in competency.levels]
        path = ("competency_model", "competencies", index)
        if levels != list(range(1, len(levels) + 1)):
            out.append(at.problem("P016", "error", path + ("levels",),
                                  f"素质「{competency.name.zh}」的等级须从 1 起连续编号",
                                  f"levels of {competency.id!r} must be numbered 1, 2, 3 … in order"))
        if competency.required_level > len(levels):
            out.append(at.problem("P017", "error", path + ("required_level",),
                                  f"素质「{competency.name.zh}」要求等级 {competency.required_level} 超出已描述的等级",
                                  f"{competency.id!r} requires level {competency.required_level}, "
                                  f"but only {len(levels)} are described"))
    return out


# --- checks across positions ---------------------------------------------------------------


def _check_library(entries: list[LibraryPosition], located: Mapping[str, _Located], folders: set[str]) -> list[Problem]:
    """Cross-file checks. A position whose own file failed still has a folder, so references
    to it are not reported twice."""
    out: list[Problem] = []
    ids = {e.id for e in entries} | folders
    scheme_owner: dict[str, str] = {}
    for entry in entries:
        for scheme in entry.schemes:
            if scheme.id in scheme_owner:
                out.append(_problem("P018", "error", str(entry.scheme_files[scheme.id]), 1, "id",
                                    f"方案标识 {scheme.id} 在岗位 {scheme_owner[scheme.id]} 中已使用",
                                    f"scheme id {scheme.id!r} is already used by {scheme_owner[scheme.id]!r}"))
            scheme_owner[scheme.id] = entry.id
        refs: list[tuple[PathKey, str | None]] = [(("superior", "id"), entry.position.superior.id)]
        refs += [(("subordinates", i, "id"), s.id) for i, s in enumerate(entry.position.subordinates)]
        for path, ref in refs:
            if ref is not None and ref not in ids:
                out.append(located[entry.id].problem(
                    "P019", "error", path, f"上下级关系引用了库中不存在的岗位 {ref}",
                    f"reporting line names {ref!r}, which is not in the library",
                    "库外岗位（如总经理）只写 name，不写 id",
                    "for jobs outside the library (e.g. the CEO) give only a name"))
    return out
