"""ajv's ``coerceTypes: 'array'`` rules, reproduced value by value."""

from __future__ import annotations

import math
import re
from typing import Any

from reference_client.js.numbers import number_to_string
from reference_client.js.values import trim

NO_COERCION: Any = object()
"""Returned when no rule converts the value to the wanted type."""

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_RADIX = {"0x": 16, "0o": 8, "0b": 2}


def js_string_to_number(text: str) -> float | None:
    """JavaScript ``Number(text)``; ``None`` stands for ``NaN``."""
    body = trim(text)
    if body == "":
        return 0.0
    if body in ("Infinity", "+Infinity"):
        return math.inf
    if body == "-Infinity":
        return -math.inf
    radix = _RADIX.get(body[:2].lower())
    if radix is not None:
        try:
            return float(int(body[2:], radix)) if body[2:] else None
        except ValueError:
            return None
    if _DECIMAL.match(body):
        return float(body)
    return None


def _as_number(value: float) -> int | float:
    if math.isfinite(value) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def coerce_to(json_type: str, value: Any) -> Any:
    """Convert ``value`` to ``json_type`` the way ajv does, or return :data:`NO_COERCION`."""
    if json_type == "string":
        if _is_number(value) or isinstance(value, bool):
            return number_to_string(value)
        if value is None:
            return ""
    elif json_type in ("number", "integer"):
        if isinstance(value, bool):
            return 1 if value else 0
        if value is None:
            return 0
        if isinstance(value, str) and value:
            number = js_string_to_number(value)
            if number is not None and (json_type == "number" or float(number).is_integer()):
                return _as_number(number)
    elif json_type == "boolean":
        if value == "false" or value is None or (_is_number(value) and value == 0):
            return False
        if value == "true" or (_is_number(value) and value == 1):
            return True
    elif json_type == "null":
        if value == "" or value is False or (_is_number(value) and value == 0):
            return None
    elif json_type == "array":
        return [value]
    return NO_COERCION
