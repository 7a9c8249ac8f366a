"""Validators compiled once from the OpenAPI document, plus body parsing helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import fastjsonschema
import orjson

from mock_ortto import rules
from mock_ortto.errors import ItemError, MockError
from mock_ortto.fastcheck import Check, compile_check
from mock_ortto.openapi.wire import ITEM_SCHEMAS
from reference_client.runtime.formats import is_date_time, is_ipv4

JSON = dict[str, Any]
Validator = Callable[[Any], Any]

_DATETIME_SEEN: dict[str, bool] = {}


def is_datetime(value: str) -> bool:
    """The destination's own ``date-time`` rule (ajv-formats, memoised).

    Anything the real destination lets through its schema is accepted here too, so a valid
    Segment event never fails at the mock on its timestamp's spelling: a space or ``t``
    separator and a missing zone pass, impossible dates such as ``2024-02-30`` do not.
    """
    known = _DATETIME_SEEN.get(value)
    if known is None:
        if len(_DATETIME_SEEN) >= 4096:
            _DATETIME_SEEN.clear()
        known = _DATETIME_SEEN[value] = is_date_time(value)
    return known


_FORMATS = {"date-time": is_datetime, "ipv4": is_ipv4}
"""Format checkers: the destination's own rules, so whatever it sends passes the format checks."""


def _inline(schema: Any, components: JSON, depth: int = 0) -> Any:
    if depth > 50:
        raise ValueError("schema nesting too deep")
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            return _inline(components[ref.rsplit("/", 1)[1]], components, depth + 1)
        return {
            k: _inline(v, components, depth + 1)
            for k, v in schema.items()
            if not k.startswith("x-") and k not in ("example", "description")
        }
    if isinstance(schema, list):
        return [_inline(v, components, depth + 1) for v in schema]
    return schema


def body_schemas(doc: JSON) -> list[str]:
    """Names of the schemas every request body of ``doc`` refers to, in document order."""
    names: list[str] = []
    for item in doc["paths"].values():
        for operation in item.values():
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            ref = (media or {}).get("schema", {}).get("$ref")
            if isinstance(ref, str) and ref.rsplit("/", 1)[1] not in names:
                names.append(ref.rsplit("/", 1)[1])
    return names


class Validators:
    """Compiled validators for every request schema of the document and every batch item.

    Whole batches are checked by a generated yes/no function (:mod:`mock_ortto.fastcheck`);
    fastjsonschema validators word the error of each failing item and check other bodies.
    """

    def __init__(self, doc: JSON) -> None:
        components = doc["components"]["schemas"]
        self._compiled: dict[str, Validator] = {}
        self._batch: dict[str, Check] = {}
        for name in [*ITEM_SCHEMAS.values(), *body_schemas(doc)]:
            schema = _inline(components[name], components)
            self._compiled[name] = fastjsonschema.compile(schema, formats=_FORMATS)
            if name in ITEM_SCHEMAS.values():
                array = {"type": "array", "items": schema}
                self._batch[name] = compile_check(array, _FORMATS)

    def check_body(self, name: str, body: Any) -> None:
        """Validate a whole body; raise 400 naming the problem."""
        try:
            self._compiled[name](body)
        except fastjsonschema.JsonSchemaValueException as exc:
            raise MockError(400, describe(exc, "body"), rule="request.invalid") from None

    def parse_body(self, name: str, raw: bytes) -> Any:
        """Parse a request body strictly and validate it against schema ``name`` (400s).

        The body may nest at most ``payload.max_json_depth`` levels, checked before the
        schema (or anything else) walks it.
        """
        body = parse_json(raw)
        if depth_exceeds(body, MAX_JSON_DEPTH):
            raise MockError(
                400,
                f"request body nests deeper than {MAX_JSON_DEPTH} levels",
                rule="payload.max_json_depth",
            )
        self.check_body(name, body)
        where = lone_surrogate(body, "body") if may_hold_lone_surrogates(raw) else None
        if where is not None:
            message = _SURROGATE_MESSAGE.format(where=where)
            raise MockError(400, message, rule="request.invalid")
        return body

    def batch_valid(self, name: str, items: list[Any]) -> bool:
        """Whether every item matches (one generated yes/no call, see :mod:`fastcheck`).

        When it says no, the caller checks items one by one with fastjsonschema, which words
        the error.
        """
        return self._batch[name](items)

    def check_item(self, name: str, item: Any) -> None:
        """Validate one batch item; raise :class:`ItemError` (status 400)."""
        try:
            self._compiled[name](item)
        except fastjsonschema.JsonSchemaValueException as exc:
            raise ItemError(400, describe(exc, "item"), "item.schema") from None
        where = lone_surrogate(item, "item")
        if where is not None:
            raise ItemError(400, _SURROGATE_MESSAGE.format(where=where), "item.schema")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_MESSAGE = (
    "{where} holds an unpaired UTF-16 surrogate escape (such as \\ud800); the mock cannot store it"
)


def may_hold_lone_surrogates(raw: bytes) -> bool:
    """Cheap pre-check on the raw body: only ``\\udXXX`` escapes can produce one.

    Most bodies hold no backslash at all, which one ``memchr`` pass over the bytes finds.
    """
    return b"\\" in raw and (b"\\ud" in raw or b"\\uD" in raw)


def lone_surrogate(value: Any, path: str) -> str | None:
    """Where the first unpaired surrogate of ``value`` is (a key or a string), or ``None``."""
    if isinstance(value, str):
        return path if _LONE_SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _LONE_SURROGATE.search(key):
                return f"{path} key"
            found = lone_surrogate(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = lone_surrogate(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def describe(exc: fastjsonschema.JsonSchemaValueException, root: str) -> str:
    """Turn a fastjsonschema error into a short message that names the field."""
    name = str(exc.name)
    field = root + name[4:] if name.startswith("data") else name
    rule = exc.rule
    if rule == "format":
        fmt = exc.definition.get("format") if isinstance(exc.definition, dict) else None
        if fmt == "ipv4":
            return f"{field} must be an IPv4 address (or null)"
        if fmt == "date-time":
            return f"{field} must be an RFC 3339 date-time such as 2024-05-01T10:00:00.000Z"
    if rule == "additionalProperties":
        return f"{field} has unknown keys: " + str(exc.message).split("contain ", 1)[-1].replace(
            " properties", ""
        )
    message = str(exc.message)
    return message.replace(name, field, 1) if message.startswith(name) else message


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


_INT_RANGE = range(-(2**63), 2**64)


def _orjson_int(text: str) -> int | float:
    """An integer as orjson reads it: exact within 64 bits, otherwise the nearest double."""
    if len(text) <= 21:
        value = int(text)
        if value in _INT_RANGE:
            return value
    return _finite_float(text)


MAX_JSON_DEPTH = rules.default_int("payload.max_json_depth")


def _utf8_text(raw: bytes) -> str:
    """The body as text: UTF-8 without a byte-order mark, else a 400 saying what it is."""
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise MockError(
            400,
            "request body starts with a byte-order mark; send UTF-8 JSON without one",
            rule="payload.utf8",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MockError(
            400,
            f"request body is not UTF-8 text (invalid byte at offset {exc.start}); expected"
            " UTF-8 JSON",
            rule="payload.utf8",
        ) from None
    if "\x00" in text:
        raise MockError(
            400,
            "request body holds NUL bytes (UTF-16 or UTF-32 text?); expected UTF-8 JSON",
            rule="payload.utf8",
        )
    return text


_JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json$")


def check_media_type(header: str | None) -> None:
    """Accept a body sent as JSON: ``application/json`` (or ``+json``), charset UTF-8 if named.

    A missing header is accepted (the body is read as JSON anyway); any other media type is
    415, so a client that sends a form or text finds out at once instead of being guessed at.
    """
    if header is None or not header.strip():
        return
    media, _, params = header.partition(";")
    media = media.strip().lower()
    if not _JSON_MEDIA.match(media):
        raise MockError(
            415,
            f"Content-Type {media or header.strip()!r} is not accepted; send the body as"
            " application/json (as the destination does)",
            rule="payload.content_type",
        )
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            raise MockError(
                415,
                f"charset {value.strip()!r} is not accepted; send application/json in UTF-8",
                rule="payload.content_type",
            )


def parse_json(raw: bytes) -> Any:
    """Parse a request body strictly (no NaN/Infinity); raise 400 saying what is wrong.

    Only UTF-8 without a byte-order mark is accepted. Numbers come out the same whichever
    parser reads the body: integers within 64 bits exactly, larger ones as the nearest
    double (as orjson, and Ortto's JavaScript side, read them).
    """
    if not raw.strip():
        raise MockError(400, "request body is empty; expected JSON", rule="payload.json_array")
    try:  # orjson is strict (no NaN, no overflowing numbers) and several times faster
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass  # the standard parser decides, and words the error (it also accepts lone
        # surrogate escapes, which JavaScript's JSON.stringify can produce)
    return parse_standard(raw)


def parse_standard(raw: bytes) -> Any:
    """The fallback parser of :func:`parse_json`: same values as orjson, worded errors."""
    text = _utf8_text(raw)
    try:
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_orjson_int,
        )
    except RecursionError:
        raise MockError(
            400, "request body nests too deeply to parse", rule="payload.max_json_depth"
        ) from None
    except ValueError as exc:
        raise MockError(
            400, f"request body is not valid JSON: {exc}", rule="payload.json_array"
        ) from None


_RECURSE_UP_TO = 64  # deeper values are walked without recursion


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests deeper than ``limit`` containers.

    Shallow values (nearly all of them) are walked recursively, which is cheapest; past
    ``_RECURSE_UP_TO`` levels the walk goes on with an explicit stack, so no input can exhaust
    the interpreter's recursion limit.
    """
    return _exceeds(value, limit, 1)


_CONTAINERS = frozenset({dict, list})


def _exceeds(value: Any, limit: int, level: int) -> bool:
    if level > limit:
        return True
    if level >= _RECURSE_UP_TO:
        return _exceeds_iteratively(value, limit, level)
    kind = type(value)
    if kind is dict:
        children: Any = value.values()
    elif kind is list:
        children = value
    else:
        return False
    if _CONTAINERS.isdisjoint(map(type, children)):  # flat (the usual case), checked in C
        return False
    for inner in children:
        if type(inner) in _CONTAINERS and _exceeds(inner, limit, level + 1):
            return True
    return False


def any_exceeds(values: Iterable[Any], limit: int) -> bool:
    """Whether any container among ``values`` nests deeper than ``limit`` containers (as
    :func:`depth_exceeds` counts), in one level-by-level walk over all of them.

    A whole batch is walked at once: one comprehension per level instead of calls per item.
    """
    level = [v for v in values if type(v) in _CONTAINERS]
    depth = 1
    while level:
        if depth > limit:
            return True
        level = [
            child
            for value in level
            for child in (value.values() if type(value) is dict else value)
            if type(child) in _CONTAINERS
        ]
        depth += 1
    return False


def _exceeds_iteratively(value: Any, limit: int, level: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, level)]
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        if type(current) is dict:
            stack.extend((v, depth + 1) for v in current.values() if type(v) in (dict, list))
        elif type(current) is list:
            stack.extend((v, depth + 1) for v in current if type(v) in (dict, list))
    return False
