"""Whatever text an editor hands over, loading ends in a scheme or a SchemeLoadError."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.scheme import SchemeLoadError, dump_scheme, load_scheme_text
from kaohe.scheme.models import Scheme

from .strategies import schemes

YAMLISH = st.sampled_from(
    ["id: x\n", "name: {zh: 名}\n", "categories:\n", "  - ", "- ", "[", "]", "{", "}", ": ", "&a ", "*a ", "!!int ",
     "<<: ", "'", '"', "\t", "\n", "  ", "1.5", ".inf", "~", "true", "weight: ", "rule: {type: formula, expr: '", "#",
     "\x00", "\x85", "\ufeff", "考核"]
)


def _loads(text: str) -> None:
    try:
        assert isinstance(load_scheme_text(text), Scheme)
    except SchemeLoadError as exc:
        assert exc.problems, "a load error always says what is wrong"


@settings(max_examples=300, deadline=None)
@given(st.lists(YAMLISH, max_size=25).map("".join) | st.text(max_size=60))
def test_random_text_gives_a_scheme_or_a_scheme_load_error(text: str) -> None:
    _loads(text)


@settings(max_examples=60, deadline=None)
@given(schemes, st.data())
def test_damaged_scheme_files_give_a_scheme_or_a_scheme_load_error(scheme: Scheme, data: st.DataObject) -> None:
    text = dump_scheme(scheme)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 20)))
    insert = data.draw(st.sampled_from(["", ":", "-", "  ", "\n", "x", "[", "'"]))
    _loads(text[:start] + insert + text[end:])


def test_deep_nesting_is_a_load_error_not_a_crash() -> None:
    _loads("id: " + "[" * 5000 + "]" * 5000)
