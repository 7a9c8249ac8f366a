"""The field table: one row per field (and per property of an object field)."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Iterator, Sequence

from tools.docsgen.mapping_words import words
from tools.docsgen.markdown import code, table
from tools.docsgen.sources import Field

HEADERS = ("Field", "Type", "Required", "Default mapping", "Choices and flags", "Description")


def required_words(item: Field) -> str:
    """``yes``, ``no`` or the condition under which the field is required."""
    if item.is_required:
        return "**yes**"
    if item.required is False:
        return "no"
    return item.required.describe() if not isinstance(item.required, bool) else "no"


def type_words(item: Field) -> str:
    """The type, with its format and whether a list is expected."""
    text = code(item.type) + (" (list)" if item.multiple else "")
    return text + (f", format {code(item.format)}" if item.format else "")


def default_words(item: Field) -> str:
    """The raw default mapping and the same in plain words (objects: see their properties)."""
    if not item.has_default:
        return "none"
    if (
        item.properties
        and isinstance(item.default, dict)
        and set(item.default) <= {p.key for p in item.properties}
    ):
        return "built from the properties below"
    return mapping_cell(item.default)


def raw_mapping(default: object) -> str:
    """The directive as written: a ``@path`` as its path, larger directives folded away."""
    if isinstance(default, dict) and set(default) == {"@path"}:
        return code(str(default["@path"]))
    text = json.dumps(default, ensure_ascii=False)
    return f"<details><summary>directive</summary><code>{html.escape(text)}</code></details>"


def mapping_cell(default: object) -> str:
    """Plain words first, then the raw directive (a constant is said once)."""
    if not isinstance(default, dict):
        return words(default)
    return f"{words(default)}\n{raw_mapping(default)}"


def flag_words(item: Field) -> str:
    """Hidden, read-only, nullable and object-shape flags."""
    flags = [
        name
        for name, on in (
            ("hidden", item.hidden),
            ("read-only", item.read_only),
            ("nullable", item.allow_null),
            ("no extra keys", item.additional_properties is False),
        )
        if on
    ]
    if item.placeholder:
        flags.append(f"placeholder {code(item.placeholder)}")
    return ", ".join(flags) or "–"


def choice_words(item: Field) -> str:
    """Allowed values with their labels."""
    if not item.choices:
        return "–"
    return "one of " + ", ".join(f"{code(c.value)} ({c.label})" for c in item.choices)


def details(item: Field) -> str:
    """Choices and flags in one cell."""
    said = [w for w in (choice_words(item), flag_words(item)) if w != "–"]
    return "\n".join(said) or "–"


def _row(item: Field, key: str, default: str | None = None) -> list[str]:
    return [
        f"{code(key)}\n{item.label}",
        type_words(item),
        required_words(item),
        default if default is not None else default_words(item),
        details(item),
        item.description or "–",
    ]


def rows(fields: Iterable[Field]) -> Iterator[list[str]]:
    """Rows of the field table; object properties follow their parent as ``parent.key``."""
    for item in fields:
        yield _row(item, item.key)
        parent_default = item.default if isinstance(item.default, dict) else {}
        for prop in item.properties or ():
            if prop.key in parent_default:
                default = mapping_cell(parent_default[prop.key])
            else:
                default = default_words(prop)
            yield _row(prop, f"{item.key}.{prop.key}", default)


def field_table(fields: Sequence[Field]) -> str:
    """The whole table for ``fields``."""
    return table(HEADERS, rows(fields))


def identity_note(fields: Sequence[Field]) -> str:
    """An admonition naming the either/or identifier rule, when the fields carry one."""
    pairs = [
        (f.key, f.required.field_key)
        for f in fields
        if not isinstance(f.required, bool) and f.required is not None
    ]
    if not pairs:
        return ""
    said = "; ".join(f"{code(a)} is required when {code(b)} is missing" for a, b in pairs)
    return (
        '!!! note "Every event needs an identifier"\n'
        f"    {said}: each event must carry at least one of them, or it is refused with a 400\n"
        "    before anything is sent."
    )
