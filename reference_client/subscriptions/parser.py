"""FQL parser (destination-subscriptions ``parse-fql``) over :mod:`.lexer` tokens.

There is no precedence: the last ``and``/``or`` at a nesting level decides that level's
operator. One level of parentheses is supported; deeper nesting fails like the original.
"""

from __future__ import annotations

import math
from collections import deque
from functools import lru_cache

from reference_client.js.numbers import number_to_string
from reference_client.subscriptions.conditions import Condition, Group, Node, Value
from reference_client.subscriptions.errors import TYPE_ERROR_MESSAGE, FqlError
from reference_client.subscriptions.lexer import Token, lex

_CONDITION_TYPES = {
    "type": "event-type",
    "event": "event",
    "name": "name",
    "userId": "userId",
    "properties": "event-property",
    "traits": "event-trait",
    "context": "event-context",
}
_PREFIXED = {"event-property": "properties", "event-trait": "traits", "event-context": "context"}
_FUNCTION_FIELDS = (
    ("properties", "event-property"),
    ("traits", "event-trait"),
    ("context", "event-context"),
)


def _type_error() -> FqlError:
    return FqlError(TYPE_ERROR_MESSAGE)


def _js_number(text: str) -> int | float:
    try:
        number = float(text)
    except ValueError:
        return math.nan
    if number.is_integer() and "." not in text and abs(number) <= 2**53:
        return int(number)
    return number


def _token_value(token: Token) -> Value:
    if token.kind == "string":
        text = token.value
        if text.startswith('"'):
            text = text[1:]
        if text.endswith('"'):
            text = text[:-1]
        return text
    if token.kind == "number":
        return _js_number(token.value)
    if token.kind == "ident" and token.value in ("true", "false"):
        return token.value == "true"
    return token.value


def _as_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_to_string(value)
    return value


def _strip_prefix(ident: str, prefix: str) -> str:
    return ident[len(prefix) + 1 :] if ident.startswith(prefix + ".") else ident


def _normalize(tokens: list[Token]) -> list[Token]:
    """Join ``ident . ident`` runs into one identifier (``a.b.c``)."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        current = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            out
            and out[-1].kind == "ident"
            and current.kind == "dot"
            and following is not None
            and following.kind == "ident"
        ):
            previous = out.pop()
            out.append(Token("ident", previous.value + current.value + following.value))
            index += 2
        else:
            out.append(current)
            index += 1
    return out


def _shift(tokens: deque[Token]) -> Token | None:
    return tokens.popleft() if tokens else None


def _condition(ident: str, kind: str, operator: Token, value: Token) -> Condition:
    op = operator.value
    is_exists = op == "!=" and value.value == "null"
    is_not_exists = op == "=" and value.value == "null"
    is_true = op == "=" and value.value == "true"
    is_false = op == "=" and value.value == "false"
    if kind in ("event-type", "event"):
        return Condition(kind, op, _as_string(_token_value(value)))
    if kind == "name":
        if is_exists or is_not_exists:
            return Condition(kind, "exists" if is_exists else "not_exists", has_value=False)
        return Condition(kind, op, _as_string(_token_value(value)))
    special = (
        "exists"
        if is_exists
        else "not_exists"
        if is_not_exists
        else "is_true"
        if is_true
        else "is_false"
        if is_false
        else None
    )
    if kind == "userId":
        if special is not None:
            return Condition(kind, special, has_value=False)
        return Condition(kind, op, _as_string(_token_value(value)))
    name = _strip_prefix(ident, _PREFIXED[kind])
    if special is not None:
        return Condition(kind, special, name=name, has_value=False)
    if value.kind == "number" and op in ("=", "!="):
        number_op = "number_equals" if op == "=" else "number_not_equals"
        return Condition(kind, number_op, _token_value(value), name=name)
    return Condition(kind, op, _token_value(value), name=name)


def _function(name: str, nodes: list[Node | None], tokens: deque[Token], negate: bool) -> None:
    _shift(tokens)  # "("
    field = _shift(tokens)
    if field is None:
        raise FqlError(f"{name}() is missing a 1st argument")
    _shift(tokens)  # ","
    value_token = _shift(tokens)
    if value_token is None:
        raise FqlError(f"{name}() is missing a 2nd argument")
    _shift(tokens)  # ")"
    if name == "contains":
        operator = "not_contains" if negate else "contains"
        value = _as_string(_token_value(value_token))
    elif value_token.value.endswith('*"'):
        operator = "not_starts_with" if negate else "starts_with"
        value = _as_string(_token_value(value_token))[:-1]
    else:
        operator = "not_ends_with" if negate else "ends_with"
        value = _as_string(_token_value(value_token))[1:]
    if field.value in ("event", "name", "userId"):
        nodes.append(Condition(field.value, operator, value))
    for prefix, kind in _FUNCTION_FIELDS:
        if field.value.startswith(prefix):
            nodes.append(Condition(kind, operator, value, name=_strip_prefix(field.value, prefix)))


def _parse(tokens: deque[Token]) -> Node | None:
    nodes: list[Node | None] = []
    operator = "and"
    token = _shift(tokens)
    while token is not None and token.kind != "eos":
        if token.kind == "ident":
            kind = _CONDITION_TYPES.get(token.value.split(".")[0])
            if kind is not None:
                operator_token = _shift(tokens)
                if operator_token is None:
                    raise FqlError("Operator token is missing")
                value_token = _shift(tokens)
                if value_token is None:
                    raise FqlError("Value token is missing")
                nodes.append(_condition(token.value, kind, operator_token, value_token))
            if token.value in ("contains", "match"):
                _function(token.value, nodes, tokens, negate=False)
        if token.kind == "operator" and token.value == "!":
            if not tokens:
                raise _type_error()
            if tokens[0].kind == "ident" and tokens[0].value in ("contains", "match"):
                name = tokens.popleft().value
                _function(name, nodes, tokens, negate=True)
        if token.kind == "parenleft":
            inner: deque[Token] = deque()
            group_token = _shift(tokens)
            while True:
                if group_token is None:
                    raise _type_error()
                if group_token.kind == "parenright":
                    break
                inner.append(group_token)
                group_token = _shift(tokens)
            inner.append(Token("eos", "eos"))
            nodes.append(_parse(inner))
        if token.kind == "conditional":
            operator = token.value
        token = _shift(tokens)
    if len(nodes) > 1:
        return Group(operator, tuple(nodes))
    return nodes[0] if nodes else None


@lru_cache(maxsize=1024)
def _parse_cached(subscribe: str) -> Group | FqlError:
    try:
        ast = _parse(deque(_normalize(lex(subscribe))))
    except FqlError as error:
        return error
    if ast is None:
        return _type_error()
    if isinstance(ast, Group):
        return ast
    return Group("and", (ast,))


def parse_fql(subscribe: str) -> Group:
    """Parse a ``subscribe`` string into its top-level group (results are cached).

    Raises:
        FqlError: with the message the runtime reports (for every lexer error and most parse
            errors, ``Cannot read properties of undefined (reading 'type')``).
    """
    result = _parse_cached(subscribe)
    if isinstance(result, FqlError):
        raise FqlError(result.message)
    return result
