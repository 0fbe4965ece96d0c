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
