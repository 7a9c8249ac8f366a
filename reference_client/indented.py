"""Indented JSON for people to read, as :func:`json.dumps` (``indent=2``) writes it, but fast.

Python's indenting encoder is pure Python; orjson writes the same layout in C. The two agree
on every value whose compact form they write alike, so the compact forms are compared (both in
C) and where they differ (floats in exponent form, NaN, values orjson does not know, lone
surrogates, integers beyond 64 bits...) the layout is written here level by level, down to the
parts on which they agree, and the standard encoder writes the rest: the bytes never change.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import orjson

_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def _refuse(value: Any) -> NoReturn:
    raise TypeError(f"{type(value).__name__} is left to the standard encoder")


def _orjson_agrees(value: Any) -> bytes | None:
    """orjson's indented bytes of ``value`` when its compact form is the standard one."""
    try:
        compact = orjson.dumps(value, default=_refuse, option=_ORJSON_OPTIONS)
        same = compact.decode() == _COMPACT.encode(value)
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        return None
    return orjson.dumps(value, option=_ORJSON_OPTIONS | orjson.OPT_INDENT_2) if same else None


def _indented(value: Any, level: int) -> str:
    agreed = _orjson_agrees(value)
    if agreed is not None:  # JSON text holds no raw newline: each one starts a line
        return agreed.decode().replace("\n", "\n" + "  " * level)
    inner = "  " * (level + 1)
    if type(value) is dict and value and all(type(k) is str for k in value):
        members = [
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_indented(v, level + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(members) + "\n" + "  " * level + "}"
    if type(value) in (list, tuple) and value:
        items = [inner + _indented(v, level + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * level + "]"
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return text.replace("\n", "\n" + "  " * level)


def indented_json(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, default=str)``, byte for byte."""
    return _indented(value, 0)
