"""Indented JSON for people to read, as :func:`json.dumps` (``indent=2``) writes it, but fast.

Python's indenting encoder is pure Python; orjson writes the same layout in C. The two agree
on every value made only of JSON's own types (``dict`` with ``str`` keys, ``list``,
``tuple``, ``str``, ``int``, ``float``, ``bool``, ``None``, no subclasses) except on integers
beyond 64 bits and lone surrogates (orjson refuses them), NaN and the infinities (orjson
writes ``null``) and floats below 1e-4 or with a negative exponent (orjson writes
``0.00001`` and ``1e-7`` where Python writes ``1e-05`` and ``1e-07``). Each is checked in C:
:mod:`marshal` refuses every type but a few exact built-in ones (JSON's, and bytes, sets and
complex numbers, which orjson refuses) and writes floats as 8 bytes in which NaN and the
infinities are seen; orjson's own bytes show the spellings. Where a value does not pass, the
layout is written here level by level, down to the parts that do, and the standard encoder
writes the rest: the bytes never change. One exception to the standard encoder's bytes: a lone
surrogate is written as a ``\\udxxx`` escape, as ``JSON.stringify`` writes it, because the
standard encoder leaves it raw and UTF-8 cannot print it.
"""

from __future__ import annotations

import json
import marshal
from typing import Any

import orjson

from reference_client.js.json import escape_lone_surrogates

_MARSHAL_VERSION = 4
_FLOAT_TYPES = (ord("g"), ord("g") | 0x80)  # marshal's binary float, alone or shared
_DIGITS = frozenset(b"0123456789")

Piece = bytes | str
"""JSON text: UTF-8 bytes where orjson wrote it, else the standard encoder's ``str``."""


def _non_finite_float(data: bytes) -> bool:
    """Whether marshal's ``data`` may hold NaN or an infinity: a float (its type byte, then 8
    bytes, least significant first) whose 11 exponent bits are all set, so that its last byte
    is 0x7f or 0xff and the one before 0xf0 or more. A match inside a string or an integer
    only costs the slower path."""
    for last in (0x7F, 0xFF):
        at = data.find(last, 8)
        while at != -1:
            if data[at - 1] >= 0xF0 and data[at - 8] in _FLOAT_TYPES:
                return True
            at = data.find(last, at + 1)
    return False


def _builtin_and_finite(value: Any) -> bool:
    """Whether ``value`` holds, at every depth, only exact built-in types that marshal writes
    (JSON's, tuples, and bytes, sets and complex numbers, which orjson refuses) and no NaN or
    infinity."""
    try:
        data = marshal.dumps(value, _MARSHAL_VERSION)
    except ValueError:  # a type marshal does not write, or nested too deep
        return False
    return not _non_finite_float(data)


def _spelled_alike(data: bytes) -> bool:
    """Whether orjson's ``data`` holds no float the standard encoder spells otherwise: none
    below 1e-4 (``0.0000...``), none with a negative exponent (a digit, then ``e-``)."""
    if b"0.0000" in data:
        return False
    at = data.find(b"e-")
    while at != -1:
        if at and data[at - 1] in _DIGITS:
            return False
        at = data.find(b"e-", at + 2)
    return True


def _orjson_writes(value: Any, levels: int = 0) -> bytes | None:
    """orjson's indented bytes of ``value`` (wrapped in ``levels`` arrays) when they are the
    standard encoder's, else ``None``."""
    if not _builtin_and_finite(value):
        return None
    for _ in range(levels):
        value = [value]
    try:
        data = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:  # keys that are not strings, big integers, surrogates
        return None
    return data if _spelled_alike(data) else None


def _indented(value: Any, level: int) -> str:
    agreed = _orjson_writes(value)
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


def indented_json(value: Any, level: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, default=str)``, byte for byte, except
    that a lone surrogate is written as a ``\\udxxx`` escape, as ``JSON.stringify`` does (the
    standard encoder leaves it raw, and such text cannot be printed in UTF-8).

    ``level``: the value sits that many containers deep, so every line after its first is
    indented by ``2 * level`` more spaces (its first line is the caller's to place).
    """
    return escape_lone_surrogates(_indented(value, level))


def indented_items(values: list[Any], level: int) -> Piece:
    """Members of an array ``level`` (1 or more) containers deep, as ``json.dumps(indent=2)``
    writes them between the brackets: each indented by ``2 * level`` spaces, separated by
    ``",\\n"``; orjson writes all of them at once when they pass its checks together."""
    if not values:
        return ""
    agreed = _orjson_writes(values, level - 1)
    if agreed is not None:  # cut the brackets of the wrapping arrays off
        opening = sum(2 * depth + 2 for depth in range(level))
        return agreed[opening:-opening]
    inner = "  " * level
    return escape_lone_surrogates(",\n".join(inner + _indented(value, level) for value in values))
