"""JavaScript truthiness and string trimming for JSON-like Python values."""

from __future__ import annotations

import math
from typing import Any

from reference_client.js.numbers import to_js_string
from reference_client.js.undefined import UNDEFINED

JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""Characters ``String#trim`` removes."""


def trim(text: str) -> str:
    """JavaScript ``String#trim``."""
    return text.strip(JS_WHITESPACE)


def truthy(value: Any) -> bool:
    """JavaScript truthiness: only ``undefined``, ``null``, ``false``, ``0``, ``NaN``, ``""``
    are falsy; empty arrays and objects are truthy."""
    if value is None or value is UNDEFINED or value is False:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, int | float):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    return True


def real_type_of(value: Any) -> str:
    """mapping-kit's ``realTypeOf``: ``object``, ``array``, ``null``, ``undefined``, ..."""
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if callable(value):
        return "function"
    return "object"


def typeof(value: Any) -> str:
    """JavaScript ``typeof`` (``null`` and arrays are ``"object"``)."""
    kind = real_type_of(value)
    return "object" if kind in ("null", "array") else kind


def utf16_length(text: str) -> int:
    """JavaScript ``String#length`` (UTF-16 code units)."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_units(text: str) -> list[str]:
    """Split ``text`` into UTF-16 code units (astral characters become two surrogates)."""
    units: list[str] = []
    for ch in text:
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            units.append(chr(0xD800 + (code >> 10)))
            units.append(chr(0xDC00 + (code & 0x3FF)))
        else:
            units.append(ch)
    return units


_MAX_ARRAY_INDEX = 2**32 - 2


def array_index(key: str) -> int | None:
    """The integer of a canonical JavaScript array-index key (``"0"``, ``"10"``), else None."""
    if not (key.isascii() and key.isdigit()) or (len(key) > 1 and key[0] == "0"):
        return None
    index = int(key)
    return index if index <= _MAX_ARRAY_INDEX else None


def js_key_order(obj: dict[str, Any]) -> dict[str, Any]:
    """Reorder keys as a JavaScript object holds them (array-index keys first, ascending)."""
    indexed = [k for k in obj if array_index(k) is not None]
    if not indexed:
        return obj
    indexed.sort(key=int)
    ordered = {k: obj[k] for k in indexed}
    for k, v in obj.items():
        if k not in ordered:
            ordered[k] = v
    return ordered


def loosely_equals_empty_string(value: Any) -> bool:
    """JavaScript ``value == ''`` for JSON-like values (``0``, ``false``, ``[]`` are equal)."""
    if isinstance(value, str):
        return value == ""
    if isinstance(value, bool):
        return value is False
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, list):
        return to_js_string(value) == ""
    return False
