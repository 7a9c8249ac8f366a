"""The mapping-kit ``get()`` path lookup, with a pre-split fast path for compiled mappings."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import array_index, truthy, utf16_length, utf16_units

Getter = Callable[[Any], Any]

_SPLIT = re.compile(r"\[(?=[\"'0-9])|\.|(?<=[\"'0-9])\]+")


@lru_cache(maxsize=4096)
def split_path(path: str) -> tuple[str, ...] | None:
    """Split a path the mapping-kit way; None means "the whole object" (``''`` or ``'.'``)."""
    if path in ("", "."):
        return None
    return tuple(part.replace("'", "").replace('"', "") for part in _SPLIT.split(path) if part)


def strip_root(path: str) -> str:
    """Remove the first ``$.`` anywhere in ``path`` (JavaScript ``path.replace('$.', '')``)."""
    return path.replace("$.", "", 1)


def property_of(value: Any, key: str) -> Any:
    """JavaScript ``value[key]`` for a truthy JSON-like ``value``; missing gives UNDEFINED."""
    if isinstance(value, dict):
        return value.get(key, UNDEFINED)
    if isinstance(value, list):
        if key == "length":
            return len(value)
        index = array_index(key)
        if index is not None and index < len(value):
            return value[index]
        return UNDEFINED
    if isinstance(value, str):
        if key == "length":
            return utf16_length(value)
        index = array_index(key)
        if index is None:
            return UNDEFINED
        if value.isascii():
            return value[index] if index < len(value) else UNDEFINED
        units = utf16_units(value)
        return units[index] if index < len(units) else UNDEFINED
    return UNDEFINED


def walk(obj: Any, keys: tuple[str, ...]) -> Any:
    """Follow ``keys`` with ``prev && prev[key]``: a falsy intermediate value is returned as is."""
    current = obj
    for key in keys:
        if type(current) is dict:
            current = current.get(key, UNDEFINED)
        elif not truthy(current):
            return current
        else:
            current = property_of(current, key)
    return current


def get_unprefixed(obj: Any, path: str) -> Any:
    """``get()`` without the ``$.`` stripping (what ``@template`` placeholders use)."""
    keys = split_path(path)
    return obj if keys is None else walk(obj, keys)


def get(obj: Any, path: str) -> Any:
    """Look ``path`` up in ``obj`` exactly as ``@path`` does.

    The first ``$.`` is removed wherever it is; ``''``, ``'.'`` and ``'$.'`` give ``obj``;
    missing keys give ``UNDEFINED``; falsy intermediate values are returned unchanged.
    """
    return get_unprefixed(obj, strip_root(path))


def compile_getter(path: str) -> Getter:
    """Build a fast single-argument lookup for ``@path``'s ``path`` (``$.`` already handled)."""
    keys = split_path(strip_root(path))
    if keys is None:
        return _identity
    if len(keys) == 1:
        (k0,) = keys

        def get1(obj: Any) -> Any:
            if type(obj) is dict:
                return obj.get(k0, UNDEFINED)
            return walk(obj, keys)

        return get1
    if len(keys) == 2:
        k0, k1 = keys

        def get2(obj: Any) -> Any:
            if type(obj) is dict:
                value = obj.get(k0, UNDEFINED)
                if type(value) is dict:
                    return value.get(k1, UNDEFINED)
                return walk(value, keys[1:])
            return walk(obj, keys)

        return get2
    if len(keys) == 3:
        k0, k1, k2 = keys
        rest1, rest2 = keys[1:], keys[2:]

        def get3(obj: Any) -> Any:
            if type(obj) is dict:
                value = obj.get(k0, UNDEFINED)
                if type(value) is dict:
                    value = value.get(k1, UNDEFINED)
                    if type(value) is dict:
                        return value.get(k2, UNDEFINED)
                    return walk(value, rest2)
                return walk(value, rest1)
            return walk(obj, keys)

        return get3

    def get_n(obj: Any) -> Any:
        return walk(obj, keys)

    return get_n


def _identity(obj: Any) -> Any:
    return obj
