"""Event matching (destination-subscriptions ``validate``), compiled into closures."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reference_client.js.numbers import to_js_string
from reference_client.js.undefined import UNDEFINED
from reference_client.mapping.get import property_of, walk
from reference_client.subscriptions.conditions import Condition, Group, Node
from reference_client.subscriptions.errors import TYPE_ERROR_MESSAGE, FqlError
from reference_client.subscriptions.parser import parse_fql

Predicate = Callable[[Any], bool]

_SEGMENTS = re.compile(r"[^\[.\]]+")
_TOP_LEVEL = {"event-type": "type", "event": "event", "name": "name", "userId": "userId"}
_CONTAINERS = {"event-property": "properties", "event-trait": "traits", "event-context": "context"}


def _field(event: Any, key: str) -> Any:
    if type(event) is dict:
        return event.get(key, UNDEFINED)
    if event is None or event is UNDEFINED:
        kind = "null" if event is None else "undefined"
        raise FqlError(f"Cannot read properties of {kind} (reading '{key}')")
    return property_of(event, key)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _to_number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value.strip()) if isinstance(value, str) and value.strip() else 0.0
    except ValueError:
        return float("nan")


def _test(operator: str, expected: Any) -> Callable[[Any], bool]:
    """``actual -> bool`` for one operator (strict JavaScript comparisons)."""
    text = to_js_string(expected) if expected is not None else "undefined"
    if operator == "=":
        return lambda actual: type(actual) is str and actual == text
    if operator == "!=":
        return lambda actual: not (type(actual) is str and actual == text)
    if operator in ("number_equals", "number_not_equals", "<", "<=", ">", ">="):
        number = _to_number(expected)
        compare: Callable[[float, float], bool] = {
            "number_equals": lambda a, b: a == b,
            "number_not_equals": lambda a, b: a != b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }[operator]
        return lambda actual: _is_number(actual) and compare(actual, number)
    if operator == "contains":
        return lambda actual: isinstance(actual, str) and text in actual
    if operator == "not_contains":
        return lambda actual: isinstance(actual, str) and text not in actual
    if operator == "starts_with":
        return lambda actual: isinstance(actual, str) and actual.startswith(text)
    if operator == "not_starts_with":
        return lambda actual: isinstance(actual, str) and not actual.startswith(text)
    if operator == "ends_with":
        return lambda actual: isinstance(actual, str) and actual.endswith(text)
    if operator == "not_ends_with":
        return lambda actual: isinstance(actual, str) and not actual.endswith(text)
    if operator == "exists":
        return lambda actual: actual is not None and actual is not UNDEFINED
    if operator == "not_exists":
        return lambda actual: actual is None or actual is UNDEFINED
    if operator == "is_true":
        return lambda actual: actual is True
    if operator == "is_false":
        return lambda actual: actual is False
    return lambda actual: False


def _compile_condition(condition: Condition) -> Predicate:
    test = _test(condition.operator, condition.value)
    top = _TOP_LEVEL.get(condition.type)
    if top is not None:
        return lambda event: test(_field(event, top))
    container = _CONTAINERS.get(condition.type)
    if container is None:
        return lambda event: False
    keys = tuple(_SEGMENTS.findall(condition.name or ""))
    if not keys:
        return lambda event: test(UNDEFINED)

    def lookup(event: Any) -> bool:
        return test(walk(_field(event, container), keys))

    return lookup


def _broken(_event: Any) -> bool:
    raise FqlError(TYPE_ERROR_MESSAGE)


def compile_condition(node: Node | None) -> Predicate:
    """Turn a parsed condition (or group) into ``event -> bool``."""
    if node is None:
        return _broken
    if isinstance(node, Condition):
        return _compile_condition(node)
    children = [compile_condition(child) for child in node.children]
    if len(children) == 1 and node.operator in ("and", "or"):
        return children[0]  # a lone condition (``type = "identify"``): no generator per event
    if node.operator == "and":
        return lambda event: all(child(event) for child in children)
    if node.operator == "or":
        return lambda event: any(child(event) for child in children)
    return lambda event: False


def matches(condition: Group | Node, event: Any) -> bool:
    """Whether ``event`` satisfies ``condition``; an UNDEFINED event never matches."""
    if event is UNDEFINED:
        return False
    return compile_condition(condition)(event)


class Subscription:
    """A ``subscribe`` string parsed and compiled once; raises :class:`FqlError` if invalid."""

    __slots__ = ("_predicate", "condition", "subscribe")

    def __init__(self, subscribe: str):
        self.subscribe: str = subscribe
        self.condition: Group = parse_fql(subscribe)
        self._predicate = compile_condition(self.condition)

    def matches(self, event: Any) -> bool:
        """Whether ``event`` matches the subscription (``undefined`` never matches)."""
        if event is UNDEFINED:
            return False
        return self._predicate(event)

    def __repr__(self) -> str:
        return f"Subscription({self.subscribe!r})"


@lru_cache(maxsize=256)
def subscription(subscribe: str) -> Subscription:
    """A cached :class:`Subscription` for ``subscribe``."""
    return Subscription(subscribe)
