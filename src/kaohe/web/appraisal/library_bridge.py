"""The one place the web app asks the position library for positions and schemes.

The library (`kaohe.library`, another engineer's package) loads the 32 positions with
their schemes. Tests and tools may replace it with `override(...)` so that they do not
depend on the library's current content.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from kaohe.scheme.models import Scheme

_override: tuple[list[Any], list[Scheme]] | None = None


def _loaded() -> tuple[list[Any], list[Scheme]]:
    if _override is not None:
        return _override
    from kaohe.library import default_library

    lib = default_library()
    return ([lp.position for lp in lib.positions.values()],
            [s for lp in lib.positions.values() for s in lp.schemes])


@contextmanager
def override(positions: Sequence[Any] = (), schemes: Sequence[Scheme] = ()) -> Iterator[None]:
    """Use these positions and schemes instead of the library (tests, what-if tools)."""
    global _override
    saved = _override
    _override = (list(positions), list(schemes))
    try:
        yield
    finally:
        _override = saved


def positions() -> list[Any]:
    """`kaohe.scheme.position.Position` objects of the library."""
    return _loaded()[0]


def position(code: str) -> Any | None:
    return next((p for p in positions() if p.id == code), None)


def schemes() -> list[Scheme]:
    return _loaded()[1]


def scheme_for(position_code: str, level: str, period: str, *, company: Any = None,
               label: str | None = None) -> Scheme | None:
    """The scheme for a position at a level and period (None when it has none).

    With `company`, the company's own version assigned for the cycle `label` comes first
    (`kaohe.web.schemes`: published, approved when the company requires it); else the library's.
    """
    if company is not None:
        from django.apps import apps

        if apps.is_installed("kaohe.web.schemes"):
            from kaohe.web.schemes.services import assigned_scheme

            own = assigned_scheme(company, position_code, level, period, label)
            if own is not None:
                return own
    matches = [s for s in schemes() if s.position == position_code and s.period == period]
    exact = [s for s in matches if s.level == level]
    return (exact or matches or [None])[0]


def scheme_by_id(scheme_id: str) -> Scheme | None:
    return next((s for s in schemes() if s.id == scheme_id), None)
