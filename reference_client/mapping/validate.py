"""Mapping validation with the mapping-kit's rules and error texts (``validate.ts``).

A malformed mapping raises :class:`MappingValidationError`: a bare ``ValidationError``
(status 400) when a single error is thrown at the root, otherwise an ``AggregateError``
(no status) listing every ``ValidationError``. Arrays are not looked into.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference_client.js.json import dumps
from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import real_type_of, utf16_length
from reference_client.mapping.errors import MappingValidationError, UnsupportedDirectiveError

MAX_PATTERN_LENGTH = 10
MAX_REPLACEMENT_LENGTH = 10

Stack = tuple[str, ...]
Validator = Callable[[Any, Stack], None]


class _Invalid(Exception):
    """One JavaScript ``ValidationError``."""

    def __init__(self, message: str, stack: Stack, directive: str | None = None):
        super().__init__(f"/{'/'.join(stack)} {message}.")
        self.text = f"/{'/'.join(stack)} {message}."
        self.directive = directive


class _Aggregate(Exception):
    """A JavaScript ``AggregateError`` of validation errors (always flattened)."""

    def __init__(self, errors: list[_Invalid]):
        super().__init__(errors)
        self.errors = errors


def _flatten(errors: list[Exception]) -> list[_Invalid]:
    flat: list[_Invalid] = []
    for error in errors:
        if isinstance(error, _Aggregate):
            flat.extend(error.errors)
        elif isinstance(error, _Invalid):
            flat.append(error)
    return flat


def _article(type_name: str) -> str:
    return "an" if type_name[:1] in ("a", "e", "i", "o", "u") else "a"


def _type_or_directive(value: Any) -> str:
    if isinstance(value, dict) and any(key.startswith("@") for key in value):
        return "directive"
    return real_type_of(value)


def _validate_directive(obj: Any, stack: Stack) -> None:
    if not isinstance(obj, dict):
        kind = real_type_of(obj)
        raise _Invalid(f"should be a directive object but it is {_article(kind)} {kind}", stack)
    keys = list(obj)
    directive_keys = [key for key in keys if key.startswith("@")]
    if len(directive_keys) > 1:
        raise _Invalid(
            f"should only have one @-prefixed key but it has {len(directive_keys)} keys", stack
        )
    if any(not key.startswith("@") and key != "_metadata" for key in keys):
        raise _Invalid(f"should only have one @-prefixed key but it has {len(keys)} keys", stack)
    name = directive_keys[0]
    validator = _DIRECTIVES.get(name)
    if validator is None:
        raise _Invalid(f"has an invalid directive: {name}", stack, directive=name)
    validator(obj[name], stack)


def _directive_or_raw(value: Any, stack: Stack) -> None:
    kind = _type_or_directive(value)
    if kind == "directive":
        _validate_directive(value, stack)
    elif kind not in ("object", "array", "boolean", "string", "number", "null"):
        raise _Invalid(
            f"should be a mapping directive or a JSON value but it is {_article(kind)} {kind}",
            stack,
        )


def _directive_or_string(value: Any, stack: Stack) -> None:
    kind = _type_or_directive(value)
    if kind == "directive":
        _validate_directive(value, stack)
    elif kind != "string":
        raise _Invalid(
            f"should be a string or a mapping directive but it is {_article(kind)} {kind}", stack
        )


def _directive_or_object(value: Any, stack: Stack) -> None:
    kind = _type_or_directive(value)
    if kind == "directive":
        _validate_directive(value, stack)
    elif kind == "object":
        _validate_object(value, stack)
    else:
        raise _Invalid(
            f"should be a object or a mapping directive but it is {_article(kind)} {kind}", stack
        )


def _string(value: Any, stack: Stack) -> None:
    kind = _type_or_directive(value)
    if kind != "string":
        raise _Invalid(f"should be a string but it is {_article(kind)} {kind}", stack)


def _boolean(value: Any, stack: Stack) -> None:
    kind = _type_or_directive(value)
    if kind != "boolean":
        raise _Invalid(f"should be a boolean but it is {_article(kind)} {kind}", stack)


def _array(value: Any, stack: Stack) -> None:
    kind = real_type_of(value)
    if kind != "array":
        raise _Invalid(f"should be an array but it is {_article(kind)} {kind}", stack)


def _string_length(minimum: int, maximum: int) -> Validator:
    def check(value: Any, stack: Stack) -> None:
        if isinstance(value, str):
            length = utf16_length(value)
            if length < minimum:
                raise _Invalid(f"should be a string of length {minimum} or greater", stack)
            if length > maximum:
                raise _Invalid(f"should be a string of length {maximum} or less", stack)

    return check


def _one_of_strings(*allowed: str) -> Validator:
    def check(value: Any, stack: Stack) -> None:
        _string(value, stack)
        if value.lower() not in allowed:
            raise _Invalid(f"should be one of {', '.join(allowed)} but it is {dumps(value)}", stack)

    return check


def _chain(*validators: Validator) -> Validator:
    def check(value: Any, stack: Stack) -> None:
        for validator in validators:
            validator(value, stack)

    return check


def _validate_object(value: Any, stack: Stack) -> None:
    kind = _type_or_directive(value)
    if kind != "object":
        if kind == "directive":
            first = next(key for key in value if key.startswith("@"))
            raise _Invalid(
                f"shouldn't have directive (@-prefixed) keys but it has {dumps(first)}", stack
            )
        raise _Invalid(f"should be an object but it is {_article(kind)} {kind}", stack)
    errors: list[Exception] = []
    for key, item in value.items():
        try:
            _validate(item, (*stack, key))
        except (_Invalid, _Aggregate) as error:
            errors.append(error)
    if errors:
        raise _Aggregate(_flatten(errors))


def _fields(value: Any, stack: Stack, fields: list[tuple[str, Validator, bool]]) -> None:
    """``validateObjectWithFields``: ``(name, validator, required)`` checked in the order given."""
    _validate_object(value, stack)
    errors: list[Exception] = []
    for name, check, is_required in fields:
        try:
            if name not in value:
                if is_required:
                    raise _Invalid(f"should have field {dumps(name)} but it doesn't", stack)
                continue
            check(value[name], (*stack, name))
        except (_Invalid, _Aggregate) as error:
            errors.append(error)
    if errors:
        raise _Aggregate(_flatten(errors))


def _v_if(value: Any, stack: Stack) -> None:
    _fields(
        value,
        stack,
        [
            ("exists", _directive_or_raw, False),
            ("then", _directive_or_raw, False),
            ("else", _directive_or_raw, False),
        ],
    )


def _v_case(value: Any, stack: Stack) -> None:
    _fields(value, stack, [("operator", _string, False), ("value", _directive_or_string, False)])


def _v_replace(value: Any, stack: Stack) -> None:
    _fields(
        value,
        stack,
        [
            ("pattern", _chain(_string, _string_length(1, MAX_PATTERN_LENGTH)), True),
            ("replacement", _chain(_string, _string_length(0, MAX_REPLACEMENT_LENGTH)), False),
            ("value", _directive_or_string, True),
            ("ignorecase", _boolean, False),
            ("global", _boolean, False),
        ],
    )


def _v_array_path(value: Any, stack: Stack) -> None:
    _array(value, stack)
    _directive_or_string(value[0] if value else UNDEFINED, stack)
    if len(value) > 1:
        _validate(value[1], stack)


def _v_json(value: Any, stack: Stack) -> None:
    _fields(
        value,
        stack,
        [("value", _directive_or_raw, True), ("mode", _one_of_strings("encode", "decode"), True)],
    )


def _v_flatten(value: Any, stack: Stack) -> None:
    _fields(value, stack, [("separator", _string, False), ("value", _directive_or_raw, True)])


def _v_merge(value: Any, stack: Stack) -> None:
    _fields(
        value,
        stack,
        [("direction", _one_of_strings("left", "right"), False), ("objects", _array, True)],
    )
    for item in value["objects"]:
        _directive_or_object(item, ())


def _v_transform(value: Any, stack: Stack) -> None:
    _fields(
        value,
        stack,
        [("apply", _directive_or_object, True), ("mapping", _directive_or_object, True)],
    )


def _directive(name: str, validator: Validator) -> Validator:
    def run(value: Any, stack: Stack) -> None:
        validator(value, (*stack, name))

    return run


_DIRECTIVES: dict[str, Validator] = {
    "@if": _directive("@if", _v_if),
    "@case": _directive("@case", _v_case),
    "@replace": _directive("@replace", _v_replace),
    "@arrayPath": _directive("@arrayPath", _v_array_path),
    "@path": _directive("@path", _directive_or_string),
    "@json": _directive("@json", _v_json),
    "@flatten": _directive("@flatten", _v_flatten),
    "@merge": _directive("@merge", _v_merge),
    "@template": _directive("@template", _directive_or_string),
    "@literal": _directive("@literal", _directive_or_raw),
    "@liquid": _directive("@liquid", _string),
    "@transform": _directive("@transform", _v_transform),
    "@excludeWhenNull": _directive("@excludeWhenNull", _directive_or_raw),
}

KNOWN_DIRECTIVES = frozenset(_DIRECTIVES)


def _validate(mapping: Any, stack: Stack) -> None:
    kind = _type_or_directive(mapping)
    if kind == "directive":
        _validate_directive(mapping, stack)
    elif kind == "object":
        _validate_object(mapping, stack)
    elif kind == "array":
        _array(mapping, stack)


def validate_mapping(mapping: Any) -> None:
    """Validate ``mapping`` like mapping-kit's ``validate``; raise on the first failure.

    Raises:
        UnsupportedDirectiveError: an unknown ``@directive`` is used (same texts as below).
        MappingValidationError: ``ValidationError`` (status 400) for one root error,
            ``AggregateError`` (no status) when errors were collected from nested keys.
    """
    try:
        _validate(mapping, ())
    except _Invalid as error:
        if error.directive is not None:
            raise UnsupportedDirectiveError(error.text, directives=[error.directive]) from None
        raise MappingValidationError(error.text) from None
    except _Aggregate as error:
        texts = [item.text for item in error.errors]
        message = "\n" + "\n".join(f"    ValidationError: {text}" for text in texts)
        unknown = [item.directive for item in error.errors if item.directive is not None]
        if unknown:
            raise UnsupportedDirectiveError(
                message, directives=unknown, js_name="AggregateError", status=None, errors=texts
            ) from None
        raise MappingValidationError(
            message, js_name="AggregateError", status=None, errors=texts
        ) from None
