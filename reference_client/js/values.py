"""JavaScript truthiness and string trimming for JSON-like Python values."""

from __future__ import annotations

import math
from typing import Any

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
