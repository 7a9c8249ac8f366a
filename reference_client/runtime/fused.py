"""One generated function per (action, mapping): map, clean and validate an event in one pass.

The interpreted path runs mapping-kit ``resolve`` + ``removeUndefined`` (closures),
``removeEmptyValues``, the ajv-like validator and, in the destination, ``cleanObject``, each
copying the payload. :func:`compile_fused` writes that chain as straight-line Python source once,
from the mapping and the action's JSON schema, for the common shapes: constants, ``@path``,
``@if`` on ``exists`` and ``@literal`` of those, plain objects and arrays, scalar and object
fields. The generated function returns the payload exactly as the interpreted chain would, or
``None`` whenever anything is not plain (a value needing coercion, an error to word, a key
``removeAdditional`` would drop from a value): the caller then runs the interpreted path for
that event. A mapping or schema outside the supported shapes gives no function at all, so the
fused path can only be faster, never different.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import js_key_order, truthy
from reference_client.mapping.compiler import directive_name
from reference_client.mapping.get import split_path, strip_root, walk
from reference_client.runtime.formats import FORMATS
from reference_client.runtime.validation import JSON_PY_TYPES

Fused = Callable[[dict[str, Any]], dict[str, Any] | None]
"""An event (a ``dict``) -> the validated payload, or ``None`` for "use the interpreted path"."""

_SCALARS = {name: kinds for name, kinds in JSON_PY_TYPES.items() if name != "array"}
"""The JSON types a fused field may have (arrays, with their coercions, are left out)."""


_ANNOTATIONS = frozenset({"$schema", "title", "description", "default"})
_OBJECT_KEYWORDS = _ANNOTATIONS | {
    "type",
    "additionalProperties",
    "properties",
    "required",
    "allOf",
}
_SCALAR_KEYWORDS = _ANNOTATIONS | {"type", "format", "enum"}


class Unsupported(Exception):
    """The mapping or schema has a shape the generator does not compile."""


class NotPlain(Exception):
    """A value holds something other than JSON's types: the event takes the interpreted path."""


_PLAIN = frozenset({str, int, float, bool, type(None)})
_STR = frozenset({str})


def plain_object(value: dict[str, Any], drop_empty_keys: bool) -> dict[str, Any]:
    """``removeUndefined(value)`` (+ ``cleanObject`` when ``drop_empty_keys``) in one copy.

    Raises :class:`NotPlain` for a key that is not a ``str`` or a value that is not a JSON
    type, so that what the fused path returns is plain JSON (what ``orjson`` may write).
    """
    if _PLAIN.issuperset(map(type, value.values())) and _STR.issuperset(map(type, value)):
        out = dict(value)  # only scalars under str keys: one copy in C
        if drop_empty_keys:
            out.pop("", None)
        return out
    out = {}
    for key, item in value.items():
        kind = type(item)
        if kind not in _PLAIN:
            if kind is dict:
                item = plain_object(item, drop_empty_keys)
            elif kind is list:
                item = plain_list(item)
            elif item is UNDEFINED:
                continue
            else:
                item = _plain_container(item, drop_empty_keys)
        if type(key) is not str:
            raise NotPlain
        out[key] = item
    if drop_empty_keys:
        out.pop("", None)
    return out


def plain_list(value: list[Any]) -> list[Any]:
    """``removeUndefined`` of an array (objects inside keep ``""`` keys, as ``cleanObject``
    leaves arrays alone); :class:`NotPlain` as in :func:`plain_object`."""
    if _PLAIN.issuperset(map(type, value)):
        return value.copy()  # only scalars: one copy in C
    out = []
    for item in value:
        if type(item) not in _PLAIN:
            item = None if item is UNDEFINED else _plain_container(item, False)
        out.append(item)
    return out


def _plain_container(item: Any, drop_empty_keys: bool) -> Any:
    """A plain copy of an object or array (``removeUndefined`` copies subclasses too)."""
    if isinstance(item, dict):
        return plain_object(item, drop_empty_keys)
    if isinstance(item, list):
        return plain_list(item)
    raise NotPlain


def in_enum(value: Any, allowed: tuple[Any, ...]) -> bool:
    """ajv's ``enum`` as the validator checks it: equal and of the same Python type."""
    return any(value == a and type(value) is type(a) for a in allowed)


def conditional_holds(data: dict[str, Any], other: str, required: tuple[str, ...]) -> bool:
    """True when a ``required unless <other>`` rule passes without the validator changing data.

    The validator's ``null`` probe coerces ``""``, ``false`` and ``0`` to ``null`` in place;
    those values (and a missing required key) are left to the interpreted path.
    """
    if other in data:
        value = data[other]
        if value is not None:
            kind = type(value)
            if value == "" or value is False or kind is list:
                return False
            return not ((kind is int or kind is float) and value == 0)
    return all(name in data for name in required)


def _types(schema: dict[str, Any]) -> tuple[str, ...]:
    declared = schema.get("type")
    if declared is None:
        return ()
    return tuple(declared) if isinstance(declared, list) else (declared,)


def _other_key(rule: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The ``(other, required)`` of a rule built by ``schema._conditional_rule``, else raise."""
    try:
        branches = rule["if"]["anyOf"]
        other = branches[0]["not"]["required"][0]
        expected = {
            "if": {
                "anyOf": [{"not": {"required": [other]}}, {"properties": {other: {"type": "null"}}}]
            },
            "then": {"required": rule["then"]["required"]},
        }
    except (KeyError, IndexError, TypeError) as error:
        raise Unsupported("conditional rule") from error
    if rule != expected or not isinstance(other, str):
        raise Unsupported("conditional rule")
    return other, tuple(rule["then"]["required"])


class _Generator:
    def __init__(self, drop_empty_keys: bool) -> None:
        self.drop_empty_keys = drop_empty_keys
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "U": UNDEFINED,
            "_walk": walk,
            "_plain_object": plain_object,
            "_plain_list": plain_list,
            "_in_enum": in_enum,
            "_PLAIN": _PLAIN,
            "_NotPlain": NotPlain,
            "_conditional_holds": conditional_holds,
        }
        self.counter = 0
        self.prelude: list[str] = []
        self.paths: dict[tuple[str, ...], str] = {}

    def tmp(self, prefix: str = "v") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value: Any) -> str:
        name = self.tmp("_k")
        self.names[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    # -- mapping values ------------------------------------------------------------------

    def getter(self, path: str, var: str, indent: int) -> None:
        self.emit(indent, f"{var} = {self.lookup(split_path(strip_root(path)))}")

    def lookup(self, keys: tuple[str, ...] | None) -> str:
        """The variable holding ``get(data, keys)``, computed once at the top of the function.

        Lookups only read the event, so each path (and each prefix of it) is looked up once
        per event; ``walk`` composes, so a prefix's value continues the walk.
        """
        if keys is None:
            return "data"
        found = self.paths.get(keys)
        if found is not None:
            return found
        name = self.tmp("p")
        if len(keys) == 1:
            self.prelude.append(f"{name} = data.get({keys[0]!r}, U)")
        else:
            parent = self.lookup(keys[:-1])
            key = (keys[-1],)
            self.prelude.append(
                f"{name} = {parent}.get({key[0]!r}, U) if type({parent}) is dict"
                f" else (U if {parent} is U else _walk({parent}, {key!r}))"
            )
        self.paths[keys] = name
        return name

    def raw(self, node: Any, var: str, indent: int) -> bool:
        """Emit ``var = resolve(node)``; True when the value may be a container needing
        ``removeUndefined`` (a directive's value), False when it is already clean."""
        if type(node) in _PLAIN:
            self.emit(indent, f"{var} = {self.constant(node)}")
            return False
        if isinstance(node, dict):
            name = directive_name(node)
            if name is None:
                self.plain_object(node, var, indent, in_list=False, raw=True)
                return False
            return self.directive(name, node[name], var, indent)
        if isinstance(node, list):
            self.plain_list(node, var, indent, raw=True)
            return False
        raise Unsupported(type(node).__name__)

    def directive(self, name: str, opts: Any, var: str, indent: int) -> bool:
        if name == "@path" and isinstance(opts, str):
            self.getter(opts, var, indent)
            return True
        if name == "@literal":
            self.raw(opts, var, indent)
            return True
        if name == "@if" and isinstance(opts, dict) and "exists" in opts:
            if not truthy(opts["exists"]):
                raise Unsupported("@if without a truthy exists")
            condition = self.tmp("c")
            self.raw(opts["exists"], condition, indent)
            self.emit(indent, f"if {condition} is not None and {condition} is not U:")
            self._branch(opts, "then", "then" in opts, var, indent + 1)
            self.emit(indent, "else:")
            self._branch(opts, "else", truthy(opts.get("else", UNDEFINED)), var, indent + 1)
            return True
        raise Unsupported(name)

    def _branch(self, opts: dict[str, Any], key: str, used: bool, var: str, indent: int) -> None:
        if used:
            self.raw(opts[key], var, indent)
        else:
            self.emit(indent, f"{var} = U")

    def clean(self, node: Any, var: str, indent: int, in_list: bool, copy: bool = True) -> None:
        """Emit ``var = removeUndefined(resolve(node))`` (+ ``cleanObject`` outside arrays when
        the destination cleans); ``var`` may be ``U`` for a member that is left out. Without
        ``copy`` (a scalar field, whose type check refuses containers) nothing is copied."""
        if isinstance(node, dict) and directive_name(node) is None:
            self.plain_object(node, var, indent, in_list, raw=False)
            return
        if isinstance(node, list):
            self.plain_list(node, var, indent, raw=False)
            return
        if self.raw(node, var, indent) and copy:
            # A directive's value: _clean_directive copies exact dicts and lists only; any
            # other non-JSON value is left to the interpreted path.
            drop = self.drop_empty_keys and not in_list
            self.emit(indent, f"if type({var}) is dict:")
            self.emit(indent + 1, f"{var} = _plain_object({var}, {drop})")
            self.emit(indent, f"elif type({var}) is list:")
            self.emit(indent + 1, f"{var} = _plain_list({var})")
            self.emit(indent, f"elif {var} is not U and type({var}) not in _PLAIN:")
            self.emit(indent + 1, "return None")

    def plain_object(
        self, node: dict[str, Any], var: str, indent: int, in_list: bool, raw: bool
    ) -> None:
        # A raw object keeps undefined members that removeUndefined drops later: building it
        # clean at once gives the same value.
        del raw
        self.emit(indent, f"{var} = {{}}")
        for key, item in js_key_order(node).items():
            if type(key) is not str or (key == "" and self.drop_empty_keys and not in_list):
                raise Unsupported("empty key")
            member = self.tmp()
            self.clean(item, member, indent, in_list)
            self.emit(indent, f"if {member} is not U:")
            self.emit(indent + 1, f"{var}[{key!r}] = {member}")

    def plain_list(self, node: list[Any], var: str, indent: int, raw: bool) -> None:
        del raw
        items = []
        for item in node:
            member = self.tmp()
            self.clean(item, member, indent, in_list=True)
            items.append(f"None if {member} is U else {member}")
        self.emit(indent, f"{var} = [{', '.join(items)}]")

    # -- schema --------------------------------------------------------------------------

    def obj(self, node: Any, schema: dict[str, Any], var: str, indent: int) -> None:
        """Emit ``var`` = the validated object for ``node`` (a plain object) under ``schema``."""
        if not isinstance(node, dict) or directive_name(node) is not None:
            raise Unsupported("object field mapped by a directive")
        if set(schema) - _OBJECT_KEYWORDS:
            raise Unsupported("schema keyword")
        if _types(schema) != ("object",):
            raise Unsupported("object type")
        properties: dict[str, Any] = schema.get("properties", {})
        strip = schema.get("additionalProperties") is False
        self.emit(indent, f"{var} = {{}}")
        for key, item in js_key_order(node).items():
            if type(key) is not str:
                raise Unsupported("key")
            child = properties.get(key)
            if child is None:
                if strip:  # removeAdditional drops it: only check that resolving cannot fail
                    _Generator(self.drop_empty_keys).clean(item, "v", 0, in_list=False)
                    continue
                if key == "" and self.drop_empty_keys:
                    raise Unsupported("empty key")
                member = self.tmp()
                self.clean(item, member, indent, in_list=False)
                self.emit(indent, f"if {member} is not U:")
                self.emit(indent + 1, f"{var}[{key!r}] = {member}")
                continue
            self.field(item, child, var, key, indent)
        for name in schema.get("required", []):
            self.emit(indent, f"if {name!r} not in {var}:")
            self.emit(indent + 1, "return None")
        for rule in schema.get("allOf", []):
            other, required = _other_key(rule)
            value = self.tmp("r")
            self.emit(indent, f"{value} = {var}.get({other!r}, U)")
            # A non-empty string passes the rule untouched; anything else is decided by the
            # helper (which also covers "missing" and null).
            self.emit(indent, f"if type({value}) is not str or {value} == '':")
            self.emit(indent + 1, f"if not _conditional_holds({var}, {other!r}, {required!r}):")
            self.emit(indent + 2, "return None")

    def field(self, node: Any, schema: dict[str, Any], parent: str, key: str, indent: int) -> None:
        """Emit the resolution, cleaning and validation of ``parent[key]``."""
        if "properties" in schema:
            member = self.tmp("o")
            self.obj(node, schema, member, indent)
            self.emit(indent, f"{parent}[{key!r}] = {member}")
            return
        types = _types(schema)
        if set(schema) - _SCALAR_KEYWORDS or not types or not set(types) <= set(_SCALARS):
            raise Unsupported("field schema")
        if "enum" in schema and "object" in types:
            raise Unsupported("object enum")
        accepted = tuple(t for name in types for t in _SCALARS[name])
        member = self.tmp()
        self.clean(node, member, indent, in_list=False, copy="object" in types)
        self.emit(indent, f"if {member} is not U:")
        inner = indent + 1
        # removeEmptyValues: null where the schema forbids it, "" where it is not a string.
        drops = []
        if "null" not in types:
            drops.append(f"{member} is None")
        if "string" not in types:
            drops.append(f"(type({member}) is str and {member} == '')")
        if drops:
            self.emit(inner, f"if {' or '.join(drops)}:")
            self.emit(inner + 1, "pass")
            self.emit(inner, "else:")
            inner += 1
        self.emit(inner, f"if type({member}) not in {self.constant(frozenset(accepted))}:")
        self.emit(inner + 1, "return None")
        if "enum" in schema:
            allowed = tuple(schema["enum"])
            if all(type(a) is str for a in allowed):  # the usual case, checked inline
                strings = self.constant(frozenset(allowed))
                self.emit(inner, f"if type({member}) is not str or {member} not in {strings}:")
            else:
                self.emit(inner, f"if not _in_enum({member}, {self.constant(allowed)}):")
            self.emit(inner + 1, "return None")
        fmt = schema.get("format")
        if fmt in FORMATS and "string" in types:
            checker = self.constant(FORMATS[fmt])
            self.emit(inner, f"if type({member}) is str and not {checker}({member}):")
            self.emit(inner + 1, "return None")
        self.emit(inner, f"{parent}[{key!r}] = {member}")


def generate(mapping: Any, schema: dict[str, Any], drop_empty_keys: bool) -> tuple[str, Fused]:
    """The source and the function for ``mapping`` under the action ``schema``.

    ``drop_empty_keys`` folds the destination's ``cleanObject`` in (the payload comes back as
    the cleaned item). Raises :class:`Unsupported` for shapes it does not compile.
    """
    generator = _Generator(drop_empty_keys)
    generator.emit(0, "def fused(data):")
    generator.emit(1, "try:")
    generator.obj(mapping, schema, "payload", 2)
    generator.emit(1, "except _NotPlain:")
    generator.emit(2, "return None")
    generator.emit(1, "return payload")
    body = ["    " + line for line in generator.prelude] + generator.lines[1:]
    source = "\n".join([generator.lines[0], *body]) + "\n"
    namespace = dict(generator.names)
    exec(compile(source, "<fused action>", "exec"), namespace)  # our own source, from definitions
    function: Fused = namespace["fused"]
    return source, function


def compile_fused(mapping: Any, schema: dict[str, Any], drop_empty_keys: bool) -> Fused | None:
    """:func:`generate`'s function, or ``None`` when the shapes are not supported."""
    try:
        return generate(mapping, schema, drop_empty_keys)[1]
    except Unsupported:
        return None
