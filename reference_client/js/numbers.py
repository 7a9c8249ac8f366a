"""JavaScript ``Number#toString`` and ``String(value)`` for Python values."""

from __future__ import annotations

import math
from typing import Any

MAX_SAFE_INTEGER = 2**53


def number_to_string(value: float | int) -> str:
    """Format a number exactly as JavaScript's ``String(value)`` does.

    >>> number_to_string(1.5e-7), number_to_string(1e16), number_to_string(100.0)
    ('1.5e-7', '10000000000000000', '100')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return str(value)
        value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    text = repr(abs(value))
    mantissa, _, exp_text = text.partition("e")
    exponent = int(exp_text) if exp_text else 0
    whole, _, fraction = mantissa.partition(".")
    if fraction == "0":
        fraction = ""
    digits = (whole + fraction).lstrip("0")
    # Position of the decimal point relative to the start of ``digits`` (ECMA-262 "n").
    leading_zeros = len(whole + fraction) - len((whole + fraction).lstrip("0"))
    point = len(whole) + exponent - leading_zeros
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= point <= 21:
        body = digits + "0" * (point - k)
    elif 0 < point <= 21:
        body = digits[:point] + "." + digits[point:]
    elif -6 < point <= 0:
        body = "0." + "0" * (-point) + digits
    else:
        exp = point - 1
        exp_sign = "+" if exp >= 0 else "-"
        head = digits[0] + ("." + digits[1:] if k > 1 else "")
        body = f"{head}e{exp_sign}{abs(exp)}"
    return sign + body


def js_number(value: int) -> int | float:
    """Return ``value`` as JavaScript would hold it after parsing (doubles beyond 2**53)."""
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    return float(value)


def to_js_string(value: Any) -> str:
    """JavaScript ``String(value)`` for JSON-like values (arrays join with commas)."""
    from reference_client.js.undefined import UNDEFINED

    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return number_to_string(value)
    if isinstance(value, list):
        return ",".join(
            "" if item is None or item is UNDEFINED else to_js_string(item) for item in value
        )
    return "[object Object]"
