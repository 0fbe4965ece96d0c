"""System checks of the appraisal setup (stable ids KAOHE-Axxx, each with a hint)."""

from __future__ import annotations

from django.core import checks


@checks.register("kaohe")
def check_workflow_table(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """The transition table must only name known states, and every state must be reachable."""
    from kaohe.web.appraisal.models import SheetState
    from kaohe.web.appraisal.workflow import TRANSITIONS

    found = []
    states = set(SheetState.values)
    reachable = {SheetState.DRAFT.value}
    for t in TRANSITIONS.values():
        for s in (*t.sources, t.target):
            if s not in states:
                found.append(checks.Error(f"工作流转换 {t.name} 使用了未知状态 {s} / transition {t.name} names an "
                                          f"unknown state {s}", hint="Fix kaohe.web.appraisal.workflow.TRANSITIONS",
                                          id="KAOHE-A001"))
        reachable.add(t.target)
    for s in sorted(states - reachable):
        found.append(checks.Error(f"状态 {s} 无法到达 / state {s} cannot be reached",
                                  hint="Add a transition into it or remove the state", id="KAOHE-A002"))
    return found


@checks.register("kaohe")
def check_library(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """The position library must load; each of its problems is reported with file, line and hint."""
    try:
        from kaohe.library import LibraryLoadError, default_library
    except ImportError as exc:
        return [checks.Error(f"岗位库无法导入 / the position library cannot be imported: {exc}", id="KAOHE-L000")]
    try:
        default_library()
    except LibraryLoadError as exc:
        found = []
        for p in getattr(exc, "problems", [])[:50]:
            if getattr(p, "level", "error") != "error":
                continue
            where = f"{p.file}:{p.line}" if getattr(p, "line", None) else str(getattr(p, "file", ""))
            found.append(checks.Error(
                f"{where} {p.rule_id} {p.path}: {p.message_zh} / {p.message_en}",
                hint=f"{getattr(p, 'hint_zh', '')} / {getattr(p, 'hint_en', '')}", id="KAOHE-L001"))
        return found or [checks.Error(f"岗位库加载失败 / the library failed to load: {exc}", id="KAOHE-L001")]
    return []


@checks.register("kaohe")
def check_positions_in_library(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """Every position employees hold should exist in the library (else no scheme, no letter)."""
    from django.db import DatabaseError

    from kaohe.web.appraisal import library_bridge
    from kaohe.web.org.models import Position

    try:
        used = set(Position.objects.filter(employees__isnull=False, external=False).values_list("code", flat=True).distinct())
        known = {p.id for p in library_bridge.positions()}
    except (DatabaseError, Exception):  # noqa: BLE001 - an unloadable library is reported by check_library
        return []
    return [checks.Warning(f"岗位 {code} 不在岗位库中，该岗位员工无法开启考核 / position {code} is not in the library; "
                           f"its employees get no sheet", hint="Add it to the library or map the employees to a "
                           "library position / 在岗位库中补充该岗位，或把员工调整到岗位库中的岗位",
                           id="KAOHE-A003") for code in sorted(used - known)]
