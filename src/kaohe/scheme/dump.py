"""Scheme → YAML text that loads back to an equal scheme.

Defaults are left out so a dumped file reads like a hand-written one. Decimals are
written from their exact value (never through float), as plain numbers.
"""

from __future__ import annotations

import io
from decimal import Decimal
from enum import Enum
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter

from kaohe.scheme.models import Scheme


class _Representer(RoundTripRepresenter):
    pass


def _represent_decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    text = format(value, "f")
    if value == value.to_integral_value() and "." not in text:
        return representer.represent_scalar("tag:yaml.org,2002:int", text)
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


def _represent_enum(representer: RoundTripRepresenter, value: Enum) -> Any:
    return representer.represent_str(str(value.value))


_Representer.add_representer(Decimal, _represent_decimal)
_Representer.add_multi_representer(Enum, _represent_enum)


def scheme_to_data(scheme: Scheme) -> dict[str, Any]:
    return scheme.model_dump(mode="python", exclude_defaults=True, by_alias=True)


def dump_scheme(scheme: Scheme) -> str:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096  # keep long Chinese texts on one line
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(scheme_to_data(scheme), out)
    return out.getvalue()
