"""``removeEmptyValues``: the runtime's pre-validation cleaning of a resolved payload.

The single-event path calls it with ``is_root=True`` (root-level ``""`` values are dropped);
the batch path does not, which is why the two paths report ``""`` differently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference_client.js.undefined import UNDEFINED

_EMPTY: dict[str, Any] = {}


def _types(schema: dict[str, Any]) -> tuple[str, ...]:
    declared = schema.get("type")
    if declared is None:
        return ()
    return tuple(declared) if isinstance(declared, list) else (declared,)


def remove_empty_values(value: Any, schema: dict[str, Any], is_root: bool = False) -> Any:
    """Drop ``null`` where the schema forbids it and ``""`` where it is not a string.

    Returns :data:`UNDEFINED` when the value itself should disappear.
    """
    if "type" not in schema and "enum" not in schema:
        return value
    if isinstance(value, list):
        items = schema.get("items")
        if not items:
            return value
        return [v for v in value if remove_empty_values(v, items) is not UNDEFINED]
    if isinstance(value, dict):
        properties = schema.get("properties")
        if not properties:
            return value
        copy: dict[str, Any] = {}
        for key, item in value.items():
            cleaned = remove_empty_values(item, properties.get(key, _EMPTY))
            if cleaned is UNDEFINED or (is_root and cleaned == "" and isinstance(cleaned, str)):
                continue
            copy[key] = cleaned
        return copy
    types = _types(schema)
    if value is None and "null" not in types:
        return UNDEFINED
    if isinstance(value, str) and value == "" and "string" not in types:
        return UNDEFINED
    return value


Cleaner = Callable[[Any], Any]


def compile_remover(schema: dict[str, Any], is_root: bool = False) -> Cleaner:
    """:func:`remove_empty_values` specialised to ``schema`` once (same results, less work)."""
    if "type" not in schema and "enum" not in schema:
        return _identity
    types = _types(schema)
    drop_null = "null" not in types
    drop_empty = "string" not in types
    items = schema.get("items")
    properties = schema.get("properties")
    item_cleaner = compile_remover(items) if items else None
    # Per property: None (kept as is), (drop_null, drop_empty) for a scalar schema, applied
    # inline, or the nested cleaner; the same results as calling compile_remover(child).
    plan = {k: _plan(v) for k, v in (properties or {}).items()}

    def clean(value: Any) -> Any:
        kind = type(value)
        if kind is list:
            if item_cleaner is None:
                return value
            return [v for v in value if item_cleaner(v) is not UNDEFINED]
        if kind is dict:
            if not properties:
                return value
            copy: dict[str, Any] = {}
            for key, item in value.items():
                how = plan.get(key)
                if how is None:
                    cleaned = item
                elif isinstance(how, tuple):
                    if item is None:
                        if how[0]:
                            continue
                    elif how[1] and type(item) is str and item == "":
                        continue
                    cleaned = item
                else:
                    cleaned = how(item)
                    if cleaned is UNDEFINED:
                        continue
                if is_root and type(cleaned) is str and cleaned == "":
                    continue
                copy[key] = cleaned
            return copy
        if value is None:
            return UNDEFINED if drop_null else value
        if drop_empty and kind is str and value == "":
            return UNDEFINED
        return value

    return clean


def _identity(value: Any) -> Any:
    return value


def _plan(schema: dict[str, Any]) -> Cleaner | tuple[bool, bool] | None:
    """How a parent cleans one property with ``schema`` (see :func:`compile_remover`)."""
    if "type" not in schema and "enum" not in schema:
        return None
    if schema.get("items") or schema.get("properties"):
        return compile_remover(schema)
    types = _types(schema)
    return ("null" not in types, "string" not in types)
