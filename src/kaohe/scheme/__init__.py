"""The scheme language: models, YAML loading, dumping, JSON Schema, formulas, checker."""

from kaohe.scheme.dump import dump_scheme
from kaohe.scheme.jsonschema import scheme_json_schema
from kaohe.scheme.loader import (
    LocatedScheme,
    load_scheme,
    load_scheme_located,
    load_scheme_text,
    load_scheme_text_located,
    load_schemes,
)
from kaohe.scheme.problems import Problem, SchemeLoadError

__all__ = [
    "LocatedScheme",
    "Problem",
    "SchemeLoadError",
    "dump_scheme",
    "load_scheme",
    "load_scheme_located",
    "load_scheme_text",
    "load_scheme_text_located",
    "load_schemes",
    "scheme_json_schema",
]
