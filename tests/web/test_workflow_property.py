"""Property: any sequence of steps by any persona moves the sheet exactly as the transition table says."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.web.appraisal import services as svc
from kaohe.web.appraisal.models import Sheet
from kaohe.web.appraisal.workflow import TRANSITIONS
from kaohe.web.errors import Forbidden, IllegalTransition, ReadOnly

# each persona's relation to the agent's sheet, written out by hand
RELATION = {"agent": "employee", "supervisor": "supervisor", "reviewer": "reviewer", "hr": "hr",
            "director": "director", "qa": None, "auditor": None, "other_supervisor": None, "peer1": None}
STEPS = st.lists(st.tuples(st.sampled_from(sorted(TRANSITIONS)), st.sampled_from(sorted(RELATION))),
                 min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_a_step_succeeds_exactly_when_the_table_allows_it(org, sheet, steps):
    Sheet.objects.filter(pk=sheet.pk).update(state="draft")
    state = "draft"
    for name, persona in steps:
        step = TRANSITIONS[name]
        current = Sheet.objects.get(pk=sheet.pk)
        role_ok = RELATION[persona] in step.roles
        state_ok = state in step.sources
        try:
            svc.transition(current, name, getattr(org, persona), reason="理由")
            outcome = "ok"
        except Forbidden:
            outcome = "forbidden"
        except (IllegalTransition, ReadOnly):
            outcome = "state"
        expected = "forbidden" if not role_ok else ("ok" if state_ok else "state")
        assert outcome == expected, (name, persona, state)
        if outcome == "ok":
            state = step.target
        assert Sheet.objects.get(pk=sheet.pk).state == state
