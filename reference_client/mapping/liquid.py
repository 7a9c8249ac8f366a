"""``@liquid`` rendered with python-liquid, configured to behave like Segment's liquidjs engine.

Reproduced: missing variables render ``""``; unknown filters pass the value through; only
``false``/``nil`` are falsy; no escaping; the disabled tags and filters raise the liquidjs
messages; 1000-character limit; JavaScript number formatting and arithmetic; arrays render
concatenated, objects as ``[object Object]``; ``date`` formats in the local time zone.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import IO, Any

import liquid
import liquid.exceptions as liquid_exceptions
from liquid import Environment
from liquid.builtin.filters.misc import date as liquid_date
from liquid.builtin.output import Output, OutputNode
from liquid.builtin.tags.echo_tag import EchoNode, EchoTag
from liquid.tag import Tag

from reference_client.js.json import dumps
from reference_client.js.numbers import (
    js_divide,
    js_remainder,
    js_round_to_int,
    number_to_string,
    to_number,
)
from reference_client.js.values import utf16_length
from reference_client.mapping.errors import LiquidError
from reference_client.mapping.liquid_filters import FILTERS as LIQUIDJS_FILTERS

MAX_TEMPLATE_LENGTH = 1000

DISABLED_TAGS = ("case", "for", "include", "layout", "render", "tablerow")
DISABLED_FILTERS = (
    "array_to_sentence_string",
    "concat",
    "find",
    "find_exp",
    "find_index",
    "find_index_exp",
    "group_by",
    "group_by_exp",
    "has",
    "has_exp",
    "map",
    "newline_to_br",
    "reject",
    "reject_exp",
    "reverse",
    "sort",
    "sort_natural",
    "uniq",
    "where_exp",
    "type",
)

_RAW_OPEN = re.compile(r"\{%-?\s*raw\s*-?%\}")
_RAW_CLOSE = re.compile(r"\{%-?\s*endraw\s*-?%\}")


def _line_col(source: str, index: int) -> str:
    line = source.count("\n", 0, index) + 1
    col = index - (source.rfind("\n", 0, index) + 1) + 1
    return f"line:{line}, col:{col}"


def _markup_start(source: str, index: int) -> int:
    """Index of the ``{{``/``{%`` that opens the markup containing ``index``."""
    start = max(source.rfind("{{", 0, index + 1), source.rfind("{%", 0, index + 1))
    return start if start >= 0 else max(index, 0)


def liquid_string(value: Any) -> str:
    """Stringify an output value the liquidjs way (JavaScript numbers, flattened arrays)."""
    if isinstance(value, str):
        return value
    if value is None or value is True or value is False:
        return "" if value is None else ("true" if value else "false")
    if isinstance(value, int | float):
        return number_to_string(value)
    if isinstance(value, list | tuple):
        return "".join(liquid_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, liquid.Undefined):
        return ""
    return str(value)


class _DisabledFilterError(liquid_exceptions.LiquidError):
    """Raised by a disabled filter; converted to a ``RenderError`` with a position."""


class _DisabledTagError(Exception):
    def __init__(self, name: str, index: int):
        super().__init__(name)
        self.name = name
        self.index = index


class _JsOutputNode(OutputNode):
    def render_to_output(self, context: Any, buffer: IO[str]) -> int:
        try:
            value = self.expression.evaluate(context)
        except liquid_exceptions.LiquidError as err:
            if err.token is None:
                err.token = self.token
            raise
        return buffer.write(liquid_string(value))


class _JsEchoNode(EchoNode):
    def render_to_output(self, context: Any, buffer: IO[str]) -> int:
        return buffer.write(liquid_string(self.expression.evaluate(context)))


class _JsOutput(Output):
    node_class = _JsOutputNode


class _JsEcho(EchoTag):
    node_class = _JsEchoNode


def _disabled_tag(tag_name: str) -> type[Tag]:
    class DisabledTag(Tag):
        name = tag_name
        block = False

        def parse(self, stream: Any) -> Any:
            token = stream.current
            raise _DisabledTagError(tag_name, getattr(token, "start_index", 0))

    return DisabledTag


def _disabled_filter(name: str) -> Callable[..., Any]:
    def disabled(*_args: Any, **_kwargs: Any) -> Any:
        raise _DisabledFilterError(f'filter "{name}" is disabled', token=None)

    return disabled


def _number(value: Any) -> float | int:
    """liquidjs ``toNumber`` of a liquid value."""
    return to_number(value, liquid_string)


def _plus(value: Any, other: Any = None) -> Any:
    return _number(value) + _number(other)


def _minus(value: Any, other: Any = None) -> Any:
    return _number(value) - _number(other)


def _times(value: Any, other: Any = None) -> Any:
    return _number(value) * _number(other)


def _divided_by(value: Any, other: Any = None, integer_arithmetic: Any = False) -> Any:
    result = js_divide(float(_number(value)), float(_number(other)))
    if _number(integer_arithmetic):
        return js_round_to_int(result, math.floor)
    return result


def _modulo(value: Any, other: Any = None) -> Any:
    left, right = float(_number(value)), float(_number(other))
    return js_remainder(js_remainder(left, right) + right, right)


def _abs(value: Any) -> Any:
    return abs(_number(value))


def _at_least(value: Any, other: Any = None) -> Any:
    return max(_number(value), _number(other))


def _at_most(value: Any, other: Any = None) -> Any:
    return min(_number(value), _number(other))


def _ceil(value: Any) -> Any:
    return js_round_to_int(float(_number(value)), math.ceil)


def _floor(value: Any) -> Any:
    return js_round_to_int(float(_number(value)), math.floor)


def _shift_decimal(number: float, exponent: int) -> float:
    mantissa, _, power = number_to_string(number).partition("e")
    return float(f"{mantissa}e{int(power or 0) + exponent}")


def _round(value: Any, digits: Any = 0) -> Any:
    """liquidjs ``round``: decimal shifting, so 1.005 rounds like JavaScript does."""
    number, places = float(_number(value)), int(_number(digits))
    scaled = _shift_decimal(abs(number), places)
    if not scaled <= 2**53 - 1:
        return number
    rounded = _shift_decimal(float(math.floor(scaled + 0.5)), -places)
    return -rounded if number < 0 else rounded


def _local_date(value: Any, fmt: Any = None, *, environment: Any = None) -> Any:
    """liquidjs ``date``: aware timestamps are shown in the process's local time zone."""
    moment: dt.datetime | None = None
    if isinstance(value, str) and value not in ("now", "today") and not value.isdigit():
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
    elif isinstance(value, dt.datetime):
        moment = value
    if moment is None or not isinstance(fmt, str):
        return liquid_date(value, fmt, environment=environment)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    # Formatted here: python-liquid caches parsed dates, and aware datetimes that denote the
    # same instant compare equal whatever their zone.
    return moment.strftime(fmt)


def _build_environment() -> Environment:
    env = Environment(strict_filters=False)
    env.add_tag(_JsOutput)
    env.add_tag(_JsEcho)
    for tag in DISABLED_TAGS:
        env.add_tag(_disabled_tag(tag))
    for name in DISABLED_FILTERS:
        env.filters[name] = _disabled_filter(name)
    env.filters["plus"] = _plus
    env.filters["minus"] = _minus
    env.filters["times"] = _times
    env.filters["divided_by"] = _divided_by
    env.filters["modulo"] = _modulo
    env.filters.update(LIQUIDJS_FILTERS)
    env.filters["abs"] = _abs
    env.filters["at_least"] = _at_least
    env.filters["at_most"] = _at_most
    env.filters["ceil"] = _ceil
    env.filters["floor"] = _floor
    env.filters["round"] = _round
    _local_date.with_environment = True  # type: ignore[attr-defined]
    env.filters["date"] = _local_date
    return env


_ENV = _build_environment()


def _unclosed_markup(source: str) -> LiquidError | None:
    """liquidjs ``TokenizationError`` for an output or tag that is never closed."""
    index = 0
    while True:
        start = source.find("{", index)
        if start < 0 or start + 1 >= len(source):
            return None
        opener = source[start + 1]
        if opener not in "{%":
            index = start + 1
            continue
        closer = "}}" if opener == "{" else "%}"
        end = source.find(closer, start + 2)
        if end < 0:
            kind = "output" if opener == "{" else "tag"
            snapshot = dumps(source[start:])
            return LiquidError(
                f"{kind} {snapshot} not closed, {_line_col(source, start)}",
                js_name="TokenizationError",
            )
        index = end + 2
        if opener == "%" and _RAW_OPEN.fullmatch(source, start, index):
            raw_end = _RAW_CLOSE.search(source, index)
            if raw_end is None:
                return None
            index = raw_end.end()


class CompiledLiquid:
    """A parsed ``@liquid`` template; parse errors are kept and raised on every render."""

    __slots__ = ("_error", "_source", "_template")

    def __init__(self, source: str):
        self._source = source
        self._template: Any = None
        self._error: LiquidError | None = None
        if source == "":
            return
        if utf16_length(source) > MAX_TEMPLATE_LENGTH:
            self._error = LiquidError("liquid template values are limited to 1000 characters")
            return
        self._error = _unclosed_markup(source)
        if self._error is not None:
            return
        try:
            self._template = _ENV.from_string(source)
        except _DisabledTagError as err:
            self._error = _disabled_tag_error(source, err)
        except liquid_exceptions.LiquidError as err:
            cause = err.__cause__ or err.__context__
            if isinstance(cause, _DisabledTagError):
                self._error = _disabled_tag_error(source, cause)
            else:
                self._error = LiquidError(
                    f"{err.message}, {_position(source, err)}", js_name="ParseError"
                )

    def render(self, data: Any) -> str:
        """Render against ``data`` (the event); raises :class:`LiquidError`."""
        if self._error is not None:
            raise LiquidError(self._error.message, js_name=self._error.js_name)
        if self._template is None:
            return ""
        scope = data if isinstance(data, dict) else {}
        try:
            result = self._template.render(scope)
        except liquid_exceptions.LiquidError as err:
            raise LiquidError(
                f"{err.message}, {_position(self._source, err)}", js_name="RenderError"
            ) from err
        except (TypeError, ValueError, ArithmeticError) as err:
            raise LiquidError(str(err), js_name="RenderError") from err
        return str(result)


def _disabled_tag_error(source: str, err: _DisabledTagError) -> LiquidError:
    start = _markup_start(source, err.index)
    return LiquidError(
        f'tag "{err.name}" is disabled, {_line_col(source, start)}', js_name="ParseError"
    )


def _position(source: str, err: liquid_exceptions.LiquidError) -> str:
    token = err.token
    index = token.start_index if token is not None and token.start_index >= 0 else 0
    return _line_col(source, _markup_start(source, index))


@lru_cache(maxsize=1024)
def compile_liquid(source: str) -> CompiledLiquid:
    """Parse (and cache) an ``@liquid`` template."""
    return CompiledLiquid(source)


def evaluate_liquid(source: Any, data: Any) -> str:
    """Render an ``@liquid`` template against ``data`` exactly as the Segment runtime does."""
    if not isinstance(source, str):
        raise LiquidError("liquid template value must be a string")
    return compile_liquid(source).render(data)
