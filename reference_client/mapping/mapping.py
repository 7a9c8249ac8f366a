"""The public entry points: a compiled :class:`Mapping` and the :func:`transform` shortcut."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import real_type_of
from reference_client.mapping.compiler import compile_clean
from reference_client.mapping.errors import MappingError
from reference_client.mapping.validate import validate_mapping

_CACHE_SIZE = 128


class Mapping:
    """A validated mapping compiled once into closures; :meth:`resolve` is ``transform``.

    Raises :class:`MappingValidationError` (or :class:`UnsupportedDirectiveError`) from the
    constructor when the mapping is malformed.
    """

    __slots__ = ("_resolve", "mapping")

    def __init__(self, mapping: Any):
        validate_mapping(mapping)
        self.mapping: Any = mapping
        self._resolve = compile_clean(mapping)

    def resolve(self, data: Any) -> Any:
        """Resolve every directive against ``data`` (an object) and drop undefined members."""
        if type(data) is not dict:
            if data is UNDEFINED:
                data = {}
            elif not isinstance(data, dict):
                raise MappingError(f"data must be an object, got {real_type_of(data)}")
        return self._resolve(data)

    def resolve_batch(self, events: list[Any]) -> list[Any]:
        """Resolve the mapping for each event (mapping-kit ``transformBatch``)."""
        return [self.resolve(event) for event in events]

    def __repr__(self) -> str:
        return f"Mapping({self.mapping!r})"


_compiled: OrderedDict[str, Mapping] = OrderedDict()


def _cache_key(mapping: Any) -> str | None:
    try:
        return json.dumps(mapping, sort_keys=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None


def compile_mapping(mapping: Any) -> Mapping:
    """Return a (cached) :class:`Mapping` for ``mapping``."""
    key = _cache_key(mapping)
    if key is None:
        return Mapping(mapping)
    found = _compiled.get(key)
    if found is not None:
        _compiled.move_to_end(key)
        return found
    compiled = Mapping(mapping)
    _compiled[key] = compiled
    if len(_compiled) > _CACHE_SIZE:
        _compiled.popitem(last=False)
    return compiled


def transform(mapping: Any, data: Any = UNDEFINED) -> Any:
    """Validate ``mapping`` and resolve it against ``data``; compiled mappings are cached."""
    return compile_mapping(mapping).resolve(data)
