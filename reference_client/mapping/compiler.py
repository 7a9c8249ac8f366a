"""Compile a mapping into nested closures (mapping-kit ``resolve`` + ``removeUndefined``).

Two flavours are produced. *Raw* resolvers follow ``resolve`` exactly and may return
``UNDEFINED`` anywhere (directives such as ``@merge`` must see it). *Clean* resolvers fuse
``removeUndefined`` in: objects skip ``UNDEFINED`` members, arrays turn them into ``None``, and
containers returned by directives are deep-copied without ``UNDEFINED``.
"""

from __future__ import annotations

from typing import Any

from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import js_key_order
from reference_client.mapping.directives import BUILDERS, Resolver
from reference_client.mapping.errors import UnsupportedDirectiveError


def remove_undefined(value: Any) -> Any:
    """Deep-copy objects and arrays; drop ``UNDEFINED`` members, ``UNDEFINED`` items -> None."""
    if isinstance(value, dict):
        return {
            key: remove_undefined(item) if isinstance(item, dict | list) else item
            for key, item in value.items()
            if item is not UNDEFINED
        }
    if isinstance(value, list):
        return [
            None
            if item is UNDEFINED
            else (remove_undefined(item) if isinstance(item, dict | list) else item)
            for item in value
        ]
    return value


def directive_name(node: dict[str, Any]) -> str | None:
    """The ``@`` key when ``node`` is a directive (only ``@`` keys and ``_metadata``), else None."""
    name: str | None = None
    for key in node:
        if key.startswith("@"):
            if name is None:
                name = key
        elif key != "_metadata":
            return None
    return name


def _constant(value: Any) -> Resolver:
    def constant(_data: Any) -> Any:
        return value

    return constant


def _compile_directive(node: dict[str, Any], name: str) -> Resolver:
    builder = BUILDERS.get(name)
    if builder is None:

        def unknown(_data: Any) -> Any:
            raise UnsupportedDirectiveError(
                f"{name} is not a valid directive, got undefined",
                directives=[name],
                js_name="Error",
                status=None,
            )

        return unknown
    return builder(node[name], compile_raw, compile_clean)


def compile_raw(node: Any) -> Resolver:
    """Resolver with mapping-kit ``resolve`` semantics (``UNDEFINED`` kept)."""
    if isinstance(node, dict):
        name = directive_name(node)
        if name is not None:
            return _compile_directive(node, name)
        members = [(key, compile_raw(item)) for key, item in js_key_order(node).items()]

        def raw_object(data: Any) -> Any:
            return {key: fn(data) for key, fn in members}

        return raw_object
    if isinstance(node, list):
        items = [compile_raw(item) for item in node]

        def raw_array(data: Any) -> Any:
            return [fn(data) for fn in items]

        return raw_array
    return _constant(node)


def compile_clean(node: Any) -> Resolver:
    """Resolver equal to ``removeUndefined(resolve(node, data))``."""
    if isinstance(node, dict):
        name = directive_name(node)
        if name is not None:
            return _clean_directive(_compile_directive(node, name))
        # (key, resolver, constant, whether the resolver is a raw directive whose containers
        # still need removeUndefined): directives are called directly, without the
        # _clean_directive wrapper, which saves a call per member.
        members: list[tuple[str, Resolver | None, Any, bool]] = []
        for key, item in js_key_order(node).items():
            if isinstance(item, dict):
                name = directive_name(item)
                if name is not None:
                    members.append((key, _compile_directive(item, name), None, True))
                else:
                    members.append((key, compile_clean(item), None, False))
            elif isinstance(item, list):
                members.append((key, compile_clean(item), None, False))
            else:
                members.append((key, None, item, False))

        def clean_object(data: Any) -> Any:
            out = {}
            for key, fn, constant, raw in members:
                if fn is None:
                    out[key] = constant
                    continue
                value = fn(data)
                if value is UNDEFINED:
                    continue
                if raw:
                    kind = type(value)
                    if kind is dict or kind is list:
                        value = remove_undefined(value)
                out[key] = value
            return out

        return clean_object
    if isinstance(node, list):
        items = [compile_clean(item) for item in node]

        def clean_array(data: Any) -> Any:
            out = []
            for fn in items:
                value = fn(data)
                out.append(None if value is UNDEFINED else value)
            return out

        return clean_array
    return _constant(node)


def _clean_directive(directive: Resolver) -> Resolver:
    def clean_directive(data: Any) -> Any:
        value = directive(data)
        kind = type(value)
        if kind is dict or kind is list:
            return remove_undefined(value)
        return value

    return clean_directive
