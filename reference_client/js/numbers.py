"""JavaScript ``Number#toString`` and ``String(value)`` for Python values."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

MAX_SAFE_INTEGER = 2**53
_JS_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


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


def to_js_number(value: Any, stringify: Callable[[Any], str] = to_js_string) -> float | int:
    """JavaScript ``Number(value)``.

    A one-element array converts through the text of its element; ``stringify`` is how the
    caller turns a value into text (liquid passes its own).
    """
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return _string_to_number(value)
    if isinstance(value, list):
        if not value:
            return 0
        if len(value) == 1:
            first = value[0]
            return to_js_number(stringify(first) if first is not None else "", stringify)
    return math.nan


def _string_to_number(value: str) -> float | int:
    text = value.strip()
    if text == "":
        return 0
    if _JS_NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if text in ("Infinity", "+Infinity", "-Infinity"):
        return -math.inf if text[0] == "-" else math.inf
    lowered = text.lower()
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if lowered.startswith(prefix):
            try:
                return int(text[2:], base)
            except ValueError:
                return math.nan
    return math.nan


def to_number(value: Any, stringify: Callable[[Any], str] = to_js_string) -> float | int:
    """liquidjs ``toNumber``: ``+value || 0`` (anything non-numeric counts as 0)."""
    number = to_js_number(value, stringify)
    return 0 if number != number else number


def js_divide(left: float, right: float) -> float:
    """JavaScript ``left / right`` (division by zero gives infinities or NaN)."""
    if right == 0:
        if left == 0 or left != left:
            return math.nan
        negative = (left < 0) != (math.copysign(1.0, right) < 0)
        return -math.inf if negative else math.inf
    return left / right


def js_remainder(left: float, right: float) -> float:
    """JavaScript ``left % right`` (the sign follows the dividend)."""
    if right == 0 or not math.isfinite(left) or right != right or left != left:
        return math.nan
    if math.isinf(right):
        return left
    return math.fmod(left, right)


def js_round_to_int(value: float, rounding: Callable[[float], int]) -> float | int:
    """Round a finite number with ``rounding``; infinities and NaN stay as they are."""
    return rounding(value) if math.isfinite(value) else value
