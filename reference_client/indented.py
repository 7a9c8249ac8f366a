"""Indented JSON for people to read, as :func:`json.dumps` (``indent=2``) writes it, but fast.

Python's indenting encoder is pure Python; orjson writes the same layout in C. The two agree
on every value whose compact form they write alike, so the compact forms are compared (both in
C) and the standard encoder is used whenever they differ (floats in exponent form, NaN, values
orjson does not know, lone surrogates, integers beyond 64 bits...): the bytes never change.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import orjson

_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def _refuse(value: Any) -> NoReturn:
    raise TypeError(f"{type(value).__name__} is left to the standard encoder")


def indented_json(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, default=str)``, byte for byte."""
    try:
        compact = orjson.dumps(value, default=_refuse, option=_ORJSON_OPTIONS)
        same = compact.decode() == _COMPACT.encode(value)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        same = False
    if not same:
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return orjson.dumps(value, option=_ORJSON_OPTIONS | orjson.OPT_INDENT_2).decode()
