"""``JSON.stringify`` / ``JSON.parse`` with JavaScript's output, byte for byte.

Python's :func:`json.dumps` differs from JavaScript on numbers (``1e-07`` vs ``1e-7``,
``100.0`` vs ``100``), on lone surrogates and on integer-like key order. The fast path is the
C encoder; a few substring tests decide whether the rare slow path is needed. Integers beyond
2**53 are rounded when JSON is parsed (:func:`loads`), as JavaScript does.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from reference_client.js.numbers import js_number, number_to_string
from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import js_key_order

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_NAN_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=True)

# What betrays a number whose Python spelling differs from JavaScript's: "x.0" and exponents
# ("1e-07", "1e+16"); NaN and Infinity make the strict encoder fail instead. Strings may give
# false positives, which the slow path (a real tokeniser) sorts out.
_SUSPECT = re.compile(r"\.0[,\]}]|e[-+][0-9]")
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


def _encode(value: Any) -> str:
    try:
        text = _ENCODER.encode(value)
    except ValueError:  # NaN or Infinity: JavaScript writes null
        text = _TOKEN.sub(_fix_token, _NAN_ENCODER.encode(value))
    except TypeError:
        if not _has_undefined(value):
            raise
        return _encode(_strip_undefined(value))
    if text.endswith(".0") or _SUSPECT.search(text):
        text = _TOKEN.sub(_fix_token, text)
    return text


def escape_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate written as a ``\\udxxx`` escape, as JavaScript's
    ``JSON.stringify`` writes it (such text cannot be encoded as UTF-8)."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def dumps(value: Any) -> str:
    """Serialise ``value`` exactly as JavaScript's ``JSON.stringify`` would.

    ``UNDEFINED`` object members are omitted and ``UNDEFINED`` array elements become ``null``;
    lone surrogates are written as ``\\udxxx`` escapes.
    """
    return escape_lone_surrogates(_encode(value))


def dumps_bytes(value: Any) -> bytes:
    """:func:`dumps` encoded as UTF-8, ready to be sent as a request body."""
    text = _encode(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return escape_lone_surrogates(text).encode("utf-8")


# orjson writes a float as Python's repr does (shortest round trip) except that it always
# keeps ".0" on integral values and switches to "e+NN"/"e-N" at other thresholds than
# JavaScript: only those two spellings can differ, and the slow path handles any doubt.
_PLAIN_INTEGRAL = re.compile(rb"\.0[,\]}]")
_PLAIN_EXPONENT = re.compile(rb"e[-+]")


def _has_exponent(data: bytes) -> bool:
    return any(
        m.start() > 0 and 48 <= data[m.start() - 1] <= 57 for m in _PLAIN_EXPONENT.finditer(data)
    )


def dumps_plain_bytes(value: Any) -> bytes:
    """:func:`dumps_bytes` for a value made only of JSON types (``dict`` with ``str`` keys,
    ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``): written by ``orjson``, with the
    slow path whenever a number might be spelled differently (or orjson refuses the value)."""
    try:
        data = orjson.dumps(value)
    except orjson.JSONEncodeError:  # integers beyond 64 bits, lone surrogates
        return dumps_bytes(value)
    if data.endswith(b".0") or _PLAIN_INTEGRAL.search(data) or _has_exponent(data):
        return dumps_bytes(value)
    return data


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return js_key_order(dict(pairs))


def order_keys(value: Any) -> Any:
    """Reorder every object's keys the JavaScript way (array-index keys first, ascending)."""
    if isinstance(value, dict):
        return _object_pairs([(k, order_keys(v)) for k, v in value.items()])
    if isinstance(value, list):
        return [order_keys(v) for v in value]
    return value


# What makes orjson's reading differ from JavaScript's: an object key that is an array index
# (JavaScript moves it first) and an integer of 16 digits or more (maybe beyond 2**53). Both
# may also be found inside strings; a false positive only costs the slower parser.
_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_WHITESPACE = b" \t\n\r\x0b\x0c"  # deleted too, so that a key's end is always b'0":'
_SIXTEEN_ZEROS = b"0" * 16
_NOT_AN_INTEGER_BEFORE = frozenset(b".eE+")
_NOT_AN_INTEGER_AFTER = frozenset(b".eE")


def _may_differ_in_javascript(data: bytes) -> bool:
    """Whether ``data`` may hold an array-index key or an integer of 16+ digits (one that is
    not a fraction's or an exponent's digits, nor followed by them).

    Every digit is spelled ``0`` first and whitespace is dropped (which can only add false
    alarms, inside strings), so both are found by ``bytes.find``.
    """
    zeros = data.translate(_ZEROS, _WHITESPACE)
    end = zeros.find(b'0":')
    while end != -1:  # a key ending in a digit: is it digits only?
        start = end
        while start and zeros[start - 1] == 48:
            start -= 1
        if start and zeros[start - 1] == 34:
            return True
        end = zeros.find(b'0":', end + 3)
    start = zeros.find(_SIXTEEN_ZEROS)
    while start != -1:
        end = start + 16
        while end < len(zeros) and zeros[end] == 48:
            end += 1
        before = zeros[start - 1] if start else 0
        after = zeros[end] if end < len(zeros) else 0
        if before not in _NOT_AN_INTEGER_BEFORE and after not in _NOT_AN_INTEGER_AFTER:
            return True
        start = zeros.find(_SIXTEEN_ZEROS, end)
    return False


def standard_loads(text: str | bytes) -> Any:
    """:func:`loads` by Python's own parser, a hook per object and integer (always right)."""
    return json.loads(text, parse_int=lambda s: js_number(int(s)), object_pairs_hook=_object_pairs)


def loads(text: str | bytes) -> Any:
    """Parse JSON as JavaScript would: integers beyond 2**53 lose precision, keys are ordered.

    orjson reads the text when neither an array-index key nor a long integer can be in it;
    anything orjson refuses (a syntax error, ``NaN``, a lone surrogate escape, a number out of
    the double range) goes to :func:`standard_loads`, which accepts it or words the error.
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if not _may_differ_in_javascript(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return standard_loads(text)
