"""``JSON.stringify`` / ``JSON.parse`` with JavaScript's output, byte for byte.

Python's :func:`json.dumps` differs from JavaScript on numbers (``1e-07`` vs ``1e-7``,
``100.0`` vs ``100``), on lone surrogates and on integer-like key order. The fast path is the
C encoder; a single regular-expression scan decides whether the rare slow path is needed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from reference_client.js.numbers import MAX_SAFE_INTEGER, js_number, number_to_string
from reference_client.js.undefined import UNDEFINED

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=True)

# Number tokens whose Python spelling differs from JavaScript's: "x.0", exponents, NaN,
# Infinity and integers long enough to exceed 2**53. Strings may contain false positives;
# the slow path tokenises properly.
_SUSPECT = re.compile(r"(?:^|[:,\[])(?:-?\d+\.0(?=[,\]}]|$)|-?\d[\d.]*e|NaN|-?Infinity|-?\d{16,})")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|NaN|-?Infinity')
_SURROGATE = re.compile("[\ud800-\udfff]")


def _fix_token(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.startswith('"'):
        return token
    if token in ("NaN", "Infinity", "-Infinity"):
        return "null"
    if "." in token or "e" in token or "E" in token:
        return number_to_string(float(token))
    number = int(token)
    if abs(number) > MAX_SAFE_INTEGER:
        return number_to_string(float(number))
    return token


def _strip_undefined(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_undefined(v) for k, v in value.items() if v is not UNDEFINED}
    if isinstance(value, list):
        return [None if v is UNDEFINED else _strip_undefined(v) for v in value]
    return value


def _has_undefined(value: Any) -> bool:
    if value is UNDEFINED:
        return True
    if isinstance(value, dict):
        return any(_has_undefined(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_undefined(v) for v in value)
    return False


def dumps(value: Any) -> str:
    """Serialise ``value`` exactly as JavaScript's ``JSON.stringify`` would.

    ``UNDEFINED`` object members are omitted and ``UNDEFINED`` array elements become ``null``.
    """
    try:
        text = _ENCODER.encode(value)
    except TypeError:
        if not _has_undefined(value):
            raise
        text = _ENCODER.encode(_strip_undefined(value))
    if _SUSPECT.search(text):
        text = _TOKEN.sub(_fix_token, text)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return text


def dumps_bytes(value: Any) -> bytes:
    """:func:`dumps` encoded as UTF-8, ready to be sent as a request body."""
    return dumps(value).encode("utf-8")


def _is_array_index(key: str) -> bool:
    return (
        key.isascii() and key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1
    )


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if any(_is_array_index(k) for k in obj):
        indexed = sorted((k for k in obj if _is_array_index(k)), key=int)
        rest = [k for k in obj if not _is_array_index(k)]
        return {k: obj[k] for k in indexed + rest}
    return obj


def order_keys(value: Any) -> Any:
    """Reorder every object's keys the JavaScript way (array-index keys first, ascending)."""
    if isinstance(value, dict):
        return _object_pairs([(k, order_keys(v)) for k, v in value.items()])
    if isinstance(value, list):
        return [order_keys(v) for v in value]
    return value


def loads(text: str | bytes) -> Any:
    """Parse JSON as JavaScript would: integers beyond 2**53 lose precision, keys are ordered."""
    return json.loads(text, parse_int=lambda s: js_number(int(s)), object_pairs_hook=_object_pairs)
