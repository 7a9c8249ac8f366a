"""Builders that turn one ``@directive`` into a resolver closure (mapping-kit ``index.ts``).

Each builder receives the directive's raw options and compilers for nested values and returns
``resolver(data) -> value``. Problems with the options that the JavaScript code reports only
when the directive runs are reported the same way: the returned resolver raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reference_client.js.json import dumps, loads
from reference_client.js.numbers import to_js_string
from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import (
    js_key_order,
    loosely_equals_empty_string,
    real_type_of,
    truthy,
    typeof,
    utf16_length,
    utf16_units,
)
from reference_client.mapping.errors import MappingError, MappingValidationError
from reference_client.mapping.get import compile_getter, get
from reference_client.mapping.template import compile_template, render_template
from reference_client.mapping.validate import (
    MAX_PATTERN_LENGTH,
    MAX_REPLACEMENT_LENGTH,
    validate_mapping,
)

Resolver = Callable[[Any], Any]
Compile = Callable[[Any], Resolver]
Builder = Callable[[Any, Compile, Compile], Resolver]


def failing(message: str) -> Resolver:
    """A resolver that raises a JavaScript ``Error`` with ``message`` when it runs."""

    def fail(_data: Any) -> Any:
        raise MappingError(message)

    return fail


def _opt(opts: dict[str, Any], key: str) -> Any:
    return opts.get(key, UNDEFINED)


def _nullish(value: Any) -> bool:
    return value is None or value is UNDEFINED


def build_path(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@path``: ``get(data, path.replace('$.', ''))``; the path may itself be a directive."""
    if isinstance(opts, str):
        return compile_getter(opts)
    inner = raw(opts)

    def dynamic_path(data: Any) -> Any:
        path = inner(data)
        if not isinstance(path, str):
            raise MappingError(f"@path: expected string, got {real_type_of(path)}")
        return get(data, path)

    return dynamic_path


def build_template(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@template``: placeholder replacement with JavaScript string conversion."""
    if isinstance(opts, str):
        return compile_template(opts)
    inner = raw(opts)

    def dynamic_template(data: Any) -> Any:
        template = inner(data)
        if not isinstance(template, str):
            raise MappingError(f"@template: expected string, got {real_type_of(template)}")
        return render_template(template, data)

    return dynamic_template


def build_literal(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@literal``: the value, resolved."""
    return raw(opts)


def build_liquid(opts: Any, _raw: Compile, _clean: Compile) -> Resolver:
    """``@liquid``: a Liquid template rendered against the event (see :mod:`.liquid`)."""
    if not isinstance(opts, str):
        return failing("liquid template value must be a string")
    # python-liquid takes a tenth of a second to import: only mappings that use it pay
    from reference_client.mapping.liquid import compile_liquid

    compiled = compile_liquid(opts)
    return compiled.render


def build_if(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@if``: ``exists`` / ``blank`` condition, ``then``, and ``else`` only when truthy."""
    if not isinstance(opts, dict):
        return failing('@if requires an object with an "exists" key')
    if not truthy(_opt(opts, "exists")) and not truthy(_opt(opts, "blank")):
        return failing('@if requires an "exists" key or a "blank" key')
    use_blank = "exists" not in opts
    condition = raw(opts["blank"] if use_blank else opts["exists"])
    then_fn = raw(opts["then"]) if "then" in opts else None
    else_fn = raw(opts["else"]) if truthy(_opt(opts, "else")) else None
    # The default mappings test and return the same plain path: look it up only once.
    reuse = (
        not use_blank
        and then_fn is not None
        and opts["then"] == opts["exists"]
        and isinstance(opts["exists"], dict)
        and len(opts["exists"]) == 1
        and isinstance(opts["exists"].get("@path"), str)
    )

    if use_blank:

        def if_blank(data: Any) -> Any:
            value = condition(data)
            if not _nullish(value) and not loosely_equals_empty_string(value):
                return then_fn(data) if then_fn is not None else UNDEFINED
            return else_fn(data) if else_fn is not None else UNDEFINED

        return if_blank

    if reuse and else_fn is not None:

        def if_exists_same(data: Any) -> Any:
            value = condition(data)
            if value is not None and value is not UNDEFINED:
                return value
            return else_fn(data)

        return if_exists_same

    def if_exists(data: Any) -> Any:
        value = condition(data)
        if value is not None and value is not UNDEFINED:
            return then_fn(data) if then_fn is not None else UNDEFINED
        return else_fn(data) if else_fn is not None else UNDEFINED

    return if_exists


def build_case(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@case``: ``lower`` / ``upper`` on strings; other values pass through."""
    if not isinstance(opts, dict):
        return failing('@case requires an object with a "operator" key')
    if not truthy(_opt(opts, "operator")):
        return failing('@case requires a "operator" key')
    if not truthy(_opt(opts, "value")):
        return _undefined
    operator = opts["operator"]
    value_fn = raw(opts["value"])

    def case(data: Any) -> Any:
        value = value_fn(data)
        if isinstance(value, str):
            if operator == "lower":
                return value.lower()
            if operator == "upper":
                return value.upper()
            raise MappingError('operator key should have a value of "lower" or "upper"')
        return value

    return case


def _expand_replacement(replacement: str, match: re.Match[str]) -> str:
    """JavaScript ``String#replace`` replacement patterns for a group-less regular expression."""
    if "$" not in replacement:
        return replacement
    subject = match.string
    out: list[str] = []
    i = 0
    while i < len(replacement):
        ch = replacement[i]
        nxt = replacement[i + 1] if i + 1 < len(replacement) else ""
        if ch == "$" and nxt in ("$", "&", "`", "'"):
            out.append(
                {
                    "$": "$",
                    "&": match.group(0),
                    "`": subject[: match.start()],
                    "'": subject[match.end() :],
                }[nxt]
            )
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _perform_replace(
    value: str, pattern: str, replacement: str, ignore_case: bool, global_: bool
) -> str:
    if utf16_length(pattern) > MAX_PATTERN_LENGTH:
        raise MappingError(
            f'@replace requires a "pattern" less than {MAX_PATTERN_LENGTH} characters'
        )
    if utf16_length(replacement) > MAX_REPLACEMENT_LENGTH:
        raise MappingError(
            f'@replace requires a "replacement" less than {MAX_REPLACEMENT_LENGTH} characters'
        )
    regex = re.compile(re.escape(pattern), re.IGNORECASE if ignore_case else 0)
    return regex.sub(
        lambda m: _expand_replacement(replacement, m), value, count=0 if global_ else 1
    )


def build_replace(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@replace``: literal (escaped) pattern replacement; ``''`` when the types don't fit."""
    if not isinstance(opts, dict):
        return failing('@replace requires an object with a "pattern" key')
    pattern = _opt(opts, "pattern")
    if not truthy(pattern):
        return failing('@replace requires a "pattern" key')
    replacement = _opt(opts, "replacement")
    replacement = "" if _nullish(replacement) else replacement
    pattern2 = _opt(opts, "pattern2")
    replacement2 = _opt(opts, "replacement2")
    if truthy(pattern2) and _nullish(replacement2):
        replacement2 = ""
    ignore_case = _opt(opts, "ignorecase")
    ignore_case = False if _nullish(ignore_case) else ignore_case
    global_ = _opt(opts, "global")
    global_ = True if _nullish(global_) else global_
    if not truthy(_opt(opts, "value")):
        return _undefined
    value_fn = raw(opts["value"])
    types_fit = (
        isinstance(pattern, str)
        and isinstance(replacement, str)
        and isinstance(ignore_case, bool)
        and isinstance(global_, bool)
    )
    second = truthy(pattern2) and isinstance(pattern2, str) and isinstance(replacement2, str)

    def replace(data: Any) -> Any:
        value = value_fn(data)
        if isinstance(value, bool | int | float):
            value = to_js_string(value)
        if not (types_fit and isinstance(value, str)):
            return ""
        result = _perform_replace(value, pattern, replacement, ignore_case, global_)
        if second:
            result = _perform_replace(result, pattern2, replacement2, ignore_case, global_)
        return result

    return replace


def build_array_path(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@arrayPath``: ``[path, itemShape?]``; the shape is resolved against every item."""
    if not isinstance(opts, list):
        return failing(f"@arrayPath expected array, got {real_type_of(opts)}")
    path = opts[0] if opts else UNDEFINED
    shape = opts[1] if len(opts) > 1 else UNDEFINED
    root_fn = compile_getter(path) if isinstance(path, str) else raw(path)
    if not (isinstance(shape, dict) and shape):
        return root_fn
    shape_fn = raw(shape)

    def array_path(data: Any) -> Any:
        root = root_fn(data)
        if isinstance(root, list):
            return [shape_fn(item) for item in root]
        if isinstance(root, dict):
            return [shape_fn(root)]
        return root

    return array_path


def flatten_value(value: Any, prefix: str, separator: str, omit_arrays: bool) -> dict[str, Any]:
    """mapping-kit ``flattenObject``: nested keys joined with ``separator``."""
    if isinstance(value, dict):
        entries: Any = value.items()
    elif isinstance(value, list) and not omit_arrays:
        entries = ((str(index), item) for index, item in enumerate(value))
    else:
        return {prefix: value}
    out: dict[str, Any] = {}
    for key, item in entries:
        out.update(
            flatten_value(
                item, f"{prefix}{separator}{key}" if prefix else key, separator, omit_arrays
            )
        )
    return out


def build_flatten(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@flatten``: ``{value, separator, omitArrays?}`` to a flat object."""
    if not isinstance(opts, dict):
        return failing('@flatten requires an object with a "separator" key')
    if not truthy(_opt(opts, "separator")):
        return failing('@flatten requires a "separator" key')
    separator_fn = raw(opts["separator"])
    value_fn = raw(_opt(opts, "value"))
    omit_arrays = truthy(_opt(opts, "omitArrays"))

    def flatten(data: Any) -> Any:
        separator = separator_fn(data)
        if not isinstance(separator, str):
            raise MappingError("@flatten requires a string separator")
        return js_key_order(flatten_value(value_fn(data), "", separator, omit_arrays))

    return flatten


def _json_decode(text: str) -> Any:
    try:
        value = loads(text)
    except ValueError:
        return text
    if ("NaN" in text or "Infinity" in text) and _has_non_finite(value):
        return text
    return value


def _has_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    if isinstance(value, dict):
        return any(_has_non_finite(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(item) for item in value)
    return False


def build_json(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@json``: ``encode`` (``JSON.stringify``) or ``decode`` (unparsable strings kept)."""
    if not isinstance(opts, dict):
        return failing('@json requires an object with a "value" key')
    if not truthy(_opt(opts, "mode")):
        return failing('@json requires a "mode" key')
    if not truthy(_opt(opts, "value")):
        return failing('@json requires a "value" key')
    mode = opts["mode"]
    value_fn = raw(opts["value"])

    def json_directive(data: Any) -> Any:
        value = value_fn(data)
        if mode == "encode":
            return UNDEFINED if value is UNDEFINED else dumps(value)
        if mode == "decode":
            return _json_decode(value) if isinstance(value, str) else value
        return UNDEFINED

    return json_directive


def assign(objects: list[Any]) -> dict[str, Any]:
    """JavaScript ``Object.assign({}, ...objects)`` for JSON-like sources."""
    out: dict[str, Any] = {}
    for source in objects:
        if isinstance(source, dict):
            out.update(source)
        elif isinstance(source, list):
            out.update((str(index), item) for index, item in enumerate(source))
        elif isinstance(source, str):
            out.update((str(index), unit) for index, unit in enumerate(utf16_units(source)))
    return js_key_order(out)


def build_merge(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@merge``: ``Object.assign`` of the resolved objects; ``left`` lets earlier ones win."""
    if not isinstance(opts, dict):
        return failing('@merge requires an object with an "objects" key and a "direction" key')
    if not truthy(_opt(opts, "direction")):
        return failing('@merge requires a "direction" key')
    direction_fn = raw(opts["direction"])
    objects = _opt(opts, "objects")
    problem: str | None = None
    if not truthy(objects):
        problem = '@merge requires a "objects" key'
    elif not isinstance(objects, list):
        problem = f"@merge: expected opts.array, got {typeof(objects)}"
    object_fns = [raw(item) for item in objects] if problem is None else []

    def merge(data: Any) -> Any:
        direction = direction_fn(data)
        if problem is not None:
            raise MappingError(problem)
        resolved = [fn(data) for fn in object_fns]
        if direction == "left":
            resolved.reverse()
        return assign(resolved)

    return merge


def build_transform(opts: Any, raw: Compile, clean: Compile) -> Resolver:
    """``@transform``: resolve ``mapping`` against ``transform(apply, data)``."""
    if not isinstance(opts, dict):
        return failing('@transform requires an object with an "apply" key and a "mapping" key')
    if not truthy(_opt(opts, "mapping")):
        return failing('@transform requires a "mapping" key')
    if not truthy(_opt(opts, "apply")):
        return failing('@transform requires a "apply" key')
    apply = opts["apply"]
    if not isinstance(apply, dict):
        return failing('@transform "apply" key should be an object')
    invalid: MappingValidationError | None = None
    try:
        validate_mapping(apply)
    except MappingValidationError as error:
        invalid = error
    apply_fn = clean(apply)
    mapping_fn = raw(opts["mapping"])

    def transform_directive(data: Any) -> Any:
        if not isinstance(data, dict):
            raise MappingError(f"data must be an object, got {real_type_of(data)}")
        if invalid is not None:
            raise invalid
        return mapping_fn(apply_fn(data))

    return transform_directive


def clean_nulls(value: Any) -> Any:
    """``@excludeWhenNull``'s object pass: ``null`` members become undefined, recursively."""
    if not isinstance(value, dict):
        return value
    out = dict(value)
    for key, item in value.items():
        if item is None:
            out[key] = UNDEFINED
        elif isinstance(item, dict):
            out[key] = clean_nulls(item)
    return out


def build_exclude_when_null(opts: Any, raw: Compile, _clean: Compile) -> Resolver:
    """``@excludeWhenNull``: ``null`` drops the key; objects lose their ``null`` members."""
    value_fn = raw(opts)

    def exclude_when_null(data: Any) -> Any:
        value = value_fn(data)
        return UNDEFINED if value is None else clean_nulls(value)

    return exclude_when_null


def _undefined(_data: Any) -> Any:
    return UNDEFINED


BUILDERS: dict[str, Builder] = {
    "@if": build_if,
    "@case": build_case,
    "@replace": build_replace,
    "@arrayPath": build_array_path,
    "@path": build_path,
    "@template": build_template,
    "@literal": build_literal,
    "@flatten": build_flatten,
    "@json": build_json,
    "@merge": build_merge,
    "@transform": build_transform,
    "@excludeWhenNull": build_exclude_when_null,
    "@liquid": build_liquid,
}
