"""A compiled validator with the behaviour of Segment's ajv instance.

Segment validates payloads with ``ajv`` (``coerceTypes: 'array'``, ``removeAdditional: true``,
``allErrors: true``) and words errors with ``@segment/ajv-human-errors``. This module compiles
the subset of JSON Schema that :mod:`reference_client.runtime.schema` produces into closures
once, then validates in place: it coerces values, removes unknown keys where
``additionalProperties`` is false, and returns the human messages in ajv's order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference_client.js.json import dumps
from reference_client.js.values import real_type_of
from reference_client.runtime.coercion import NO_COERCION, coerce_to
from reference_client.runtime.formats import FORMAT_LABELS, FORMATS

Check = Callable[[Any, Any, list[str]], None]
"""Validates ``container[key]`` in place, appending messages to the list."""

_COERCIBLE = ("string", "number", "integer", "boolean", "null", "array")


def _kind(value: Any) -> str:
    """How ajv-human-errors names a value's type: ``a string``, ``an array``, ``null``."""
    kind = real_type_of(value)
    if kind in ("null", "undefined"):
        return kind
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


JSON_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
    "object": (dict,),
    "array": (list,),
}
"""The Python types a value of each JSON type has once parsed (``bool`` is not a number)."""


def _has_type(json_type: str, value: Any) -> bool:
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if json_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if json_type == "boolean":
        return isinstance(value, bool)
    if json_type == "null":
        return value is None
    if json_type == "object":
        return isinstance(value, dict)
    if json_type == "array":
        return isinstance(value, list)
    return False


def _subject(title: str | None, path: str) -> str:
    if title:
        return title
    return "the root value" if not path else f"the value at {path}"


def _sentence(subject: str, predicate: str) -> str:
    text = f"{subject} {predicate}"
    return text[0].upper() + text[1:] + "."


def _join_or(words: list[str]) -> str:
    if len(words) <= 2:
        return " or ".join(words)
    return ", ".join(words[:-1]) + ", or " + words[-1]


def _type_message(subject: str, types: tuple[str, ...], value: Any) -> str:
    listed = _join_or(list(types))
    article = "an" if listed[0] in "aeiou" else "a"
    return _sentence(subject, f"must be {article} {listed} but it was {_kind(value)}")


def _unworded(subject: str, types: tuple[str, ...], value: Any) -> str:
    return ""


class _Compiler:
    """Turns one schema node into a :data:`Check` closure.

    A ``quiet`` compiler words no type errors: its checks only say whether anything failed
    (the probes of ``if`` conditions, whose messages are never shown).
    """

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def compile(self, schema: dict[str, Any], path: str) -> Check:
        declared = schema.get("type")
        types: tuple[str, ...] = (
            ()
            if declared is None
            else tuple(declared)
            if isinstance(declared, list)
            else (declared,)
        )
        title: str | None = schema.get("title")
        subject = _subject(title, path)
        steps: list[Check] = []
        if "properties" in schema or "required" in schema or "allOf" in schema:
            object_check = self._object(schema, path, subject, types)
        else:
            object_check = None
        type_check = self._type(types, subject, has_object_rules=object_check is not None)
        if type_check is not None:
            steps.append(type_check)
        if "enum" in schema:
            steps.append(self._enum(schema["enum"], subject))
        fmt = schema.get("format")
        if fmt in FORMATS and "string" in types:
            steps.append(self._format(fmt, subject))
        if object_check is not None:
            steps.append(object_check)
        if len(steps) == 1:
            return steps[0]

        def check(container: Any, key: Any, errors: list[str]) -> None:
            for step in steps:
                step(container, key, errors)

        return check

    def _type(self, types: tuple[str, ...], subject: str, has_object_rules: bool) -> Check | None:
        if not types:
            return None
        coerce_targets = tuple(t for t in types if t in _COERCIBLE)
        if not coerce_targets and len(types) == 1 and has_object_rules:
            return None  # reported by the object group instead (ajv's quirk)
        union = len(types) > 1
        # ``type(value) in accepted`` is exact: bool is not accepted as a number.
        accepted = frozenset(t for name in types for t in JSON_PY_TYPES.get(name, ()))
        word = _unworded if self.quiet else _type_message

        def check(container: Any, key: Any, errors: list[str]) -> None:
            value = container[key]
            if type(value) in accepted:
                return
            if not coerce_targets:
                errors.append(word(subject, types, value))
                return
            data = value
            coerced: Any = NO_COERCION
            if isinstance(data, list) and len(data) == 1:
                data = data[0]
                if not union and _has_type(types[0], data):
                    coerced = data
            if coerced is NO_COERCION:
                for json_type in coerce_targets:
                    coerced = coerce_to(json_type, data)
                    if coerced is not NO_COERCION:
                        break
            if coerced is NO_COERCION:
                errors.append(word(subject, types, data))
                return
            container[key] = coerced

        return check

    def _enum(self, allowed: list[Any], subject: str) -> Check:
        listed = _join_or([dumps(v) for v in allowed])
        message = _sentence(subject, f"must be one of: {listed}")

        def check(container: Any, key: Any, errors: list[str]) -> None:
            value = container[key]
            if not any(value == a and type(value) is type(a) for a in allowed):
                errors.append(message)

        return check

    def _format(self, fmt: str, subject: str) -> Check:
        checker = FORMATS[fmt]
        message = _sentence(
            subject, f"must be a valid {FORMAT_LABELS.get(fmt, fmt)} string but it was not"
        )

        def check(container: Any, key: Any, errors: list[str]) -> None:
            value = container[key]
            if isinstance(value, str) and not checker(value):
                errors.append(message)

        return check

    def _object(
        self, schema: dict[str, Any], path: str, subject: str, types: tuple[str, ...]
    ) -> Check:
        properties: dict[str, Any] = schema.get("properties", {})
        children = [(k, self.compile(s, f"{path}/{k}")) for k, s in properties.items()]
        required: list[str] = list(schema.get("required", []))
        strip_unknown = schema.get("additionalProperties") is False
        known = frozenset(properties)
        conditionals = [self._conditional(rule, subject) for rule in schema.get("allOf", [])]
        missing_prefix = f"{subject} is missing the required field"
        report_type = types == ("object",)

        def check(container: Any, key: Any, errors: list[str]) -> None:
            data = container[key]
            for rule in conditionals:
                rule(data, errors)
            if not isinstance(data, dict):
                if report_type:
                    errors.append(_type_message(subject, ("object",), data))
                return
            for name in required:
                if name not in data:
                    errors.append(_sentence(missing_prefix, f"'{name}'"))
            if strip_unknown and not data.keys() <= known:
                for name in [k for k in data if k not in properties]:
                    del data[name]
            for name, child in children:
                if name in data:
                    child(data, name, errors)

        return check

    def _conditional(self, rule: dict[str, Any], subject: str) -> Callable[[Any, list[str]], None]:
        branches = rule["if"]["anyOf"]
        absent_key: str = branches[0]["not"]["required"][0]
        null_key, null_schema = next(iter(branches[1]["properties"].items()))
        null_check = _Compiler(quiet=True).compile(null_schema, "")
        then_required: list[str] = rule["then"]["required"]
        then_message = _sentence(subject, 'must match "then" schema')
        missing_prefix = f"{subject} is missing the required field"

        def apply(data: Any, errors: list[str]) -> None:
            if not isinstance(data, dict):
                return
            if absent_key in data:
                probe: list[str] = []
                null_check(data, null_key, probe)  # may coerce "", 0, false to null in place
                if probe:
                    return
            missing = [name for name in then_required if name not in data]
            if missing:
                for name in missing:
                    errors.append(_sentence(missing_prefix, f"'{name}'"))
                errors.append(then_message)

        return apply


class Validator:
    """A schema compiled once; calling it validates (and coerces) a payload in place."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._check = _Compiler().compile(schema, "")

    def __call__(self, payload: Any) -> list[str]:
        """Validate ``payload`` in place and return the error messages (empty when valid)."""
        errors: list[str] = []
        box = [payload]
        self._check(box, 0, errors)
        return errors

    def validate(self, payload: Any) -> Any:
        """Validate in place; raise :class:`AggregateAjvError` when invalid; return the payload."""
        from reference_client.runtime.errors import AggregateAjvError

        errors = self(payload)
        if errors:
            raise AggregateAjvError(errors)
        return payload
