"""The letter fields as pure functions: what fills, what is refused, what is left as written."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kaohe.web.library.letters import FIELDS, fill_text, unknown_fields

INDICATORS = {"csat", "qa_score"}
KNOWN = [f"{{{name}}}" for name in FIELDS] + [f"{{{k}:{i}}}" for k in ("target", "weight") for i in INDICATORS]
VALUES = {token[1:-1]: f"<{token[1:-1]}>" for token in KNOWN}
plain = st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=12)


@given(st.lists(st.one_of(plain, st.sampled_from(KNOWN)), max_size=8))
def test_a_text_of_known_fields_fills_completely_and_keeps_everything_else(parts):
    text = "".join(parts)
    assert unknown_fields(text, INDICATORS) == set()
    filled = fill_text(text, VALUES)
    assert filled == "".join(VALUES[p[1:-1]] if p in KNOWN else p for p in parts)
    assert not any(token in filled for token in KNOWN)


def test_misspelt_names_and_unknown_indicators_are_named_and_left_as_written():
    text = "{employee_nam} {target:nps} {weight:csat} {salary:csat} {employee_name}"
    assert unknown_fields(text, INDICATORS) == {"{employee_nam}", "{target:nps}", "{salary:csat}"}
    assert fill_text(text, {"weight:csat": "30%", "employee_name": "王芳"}) == \
        "{employee_nam} {target:nps} 30% {salary:csat} 王芳"
