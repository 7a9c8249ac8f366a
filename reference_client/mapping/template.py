"""``@template``: ``{{{ path }}}`` then ``{{ path }}`` placeholder replacement."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reference_client.js.numbers import to_js_string
from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import trim
from reference_client.mapping.get import get_unprefixed

_TRIPLE = re.compile(r"\{\{\{([^}]+)\}\}\}")
_DOUBLE = re.compile(r"\{\{([^}]+)\}\}")


def render_template(template: str, data: Any) -> str:
    """Replace placeholders in ``template`` with values from ``data`` (missing -> ``""``).

    Values are converted with JavaScript's ``String()``: arrays join with ``,``, objects give
    ``[object Object]``. The triple-brace pass runs first over the whole string, then the
    double-brace pass runs over its result.
    """

    def replace(match: re.Match[str]) -> str:
        value = get_unprefixed(data, trim(match.group(1)))
        if value is None or value is UNDEFINED:
            return ""
        if type(value) is str:
            return value
        return to_js_string(value)

    return _DOUBLE.sub(replace, _TRIPLE.sub(replace, template))


def compile_template(template: str) -> Callable[[Any], str]:
    """A renderer for a fixed template; templates without ``{{`` become constants."""
    if "{{" not in template:

        def constant(_data: Any) -> str:
            return template

        return constant

    def render(data: Any) -> str:
        return render_template(template, data)

    return render
