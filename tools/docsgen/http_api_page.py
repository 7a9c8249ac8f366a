"""The mock's HTTP API, rendered from the OpenAPI document it serves."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tools.docsgen.markdown import code, prose, table
from tools.docsgen.sources import mock_openapi

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
CONSTRAINTS = (
    ("minimum", "≥ {}"),
    ("maximum", "≤ {}"),
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
    ("pattern", "matches `{}`"),
    ("default", "default `{}`"),
)

Schema = dict[str, Any]


def operation_anchor(method: str, path: str) -> str:
    """``POST /v1/identify`` -> ``post-v1-identify``."""
    return re.sub(r"[^a-z0-9]+", "-", f"{method} {path}".lower()).strip("-")


def schema_anchor(name: str) -> str:
    """The anchor of a component schema."""
    return "schema-" + name.lower()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every ``(METHOD, path, operation)`` of the document, in document order."""
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def type_words(schema: Schema) -> str:
    """A short readable type: ``array of UpsertItem``, ``string (date-time) or null``."""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return f"[{name}](#{schema_anchor(name)})"
    for combinator, joiner in (("oneOf", " or "), ("anyOf", " or "), ("allOf", " and ")):
        if combinator in schema:
            return joiner.join(type_words(s) for s in schema[combinator])
    if "enum" in schema:
        return "one of " + ", ".join(code(json.dumps(v)) for v in schema["enum"])
    if "const" in schema:
        return "exactly " + code(json.dumps(schema["const"]))
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    said = []
    for kind in kinds:
        if kind == "array":
            said.append("array of " + type_words(schema.get("items", {})))
        else:
            said.append(str(kind) + (f" ({schema['format']})" if "format" in schema else ""))
    return " or ".join(said)


def constraint_words(schema: Schema) -> str:
    """Limits a value must respect."""
    found = [text.format(schema[key]) for key, text in CONSTRAINTS if key in schema]
    return ", ".join(found) or "–"


def property_table(schema: Schema) -> str:
    """One row per property of an object schema."""
    required = set(schema.get("required", ()))
    rows = (
        [
            code(name),
            type_words(prop),
            "yes" if name in required else "no",
            constraint_words(prop),
            prose(str(prop.get("description", "–"))),
        ]
        for name, prop in schema.get("properties", {}).items()
    )
    return table(("Property", "Type", "Required", "Constraints", "Description"), rows)


def schema_block(schema: Schema) -> str:
    """A schema as words, plus its property table when it is an inline object."""
    parts = [f"Type: {type_words(schema)}." if "properties" not in schema else "An object:"]
    if schema.get("description"):
        parts.append(prose(str(schema["description"])))
    if "properties" in schema:
        parts.append(property_table(schema))
        if schema.get("additionalProperties") is False:
            parts.append("No other properties are allowed.")
    return "\n\n".join(parts)


def _json_schema(content: dict[str, Any]) -> Schema | None:
    media = content.get("application/json") or next(iter(content.values()), None)
    return None if media is None else media.get("schema")


def _parameters(operation: dict[str, Any]) -> str:
    rows = (
        [
            code(p["name"]),
            p.get("in", ""),
            "yes" if p.get("required") else "no",
            type_words(p.get("schema", {})),
            prose(str(p.get("description", "–"))),
        ]
        for p in operation.get("parameters", ())
    )
    return "**Parameters**\n\n" + table(("Name", "In", "Required", "Type", "Description"), rows)


def _responses(operation: dict[str, Any]) -> str:
    rows = []
    for status, answer in operation.get("responses", {}).items():
        schema = _json_schema(answer.get("content", {}))
        shape = (
            "–"
            if schema is None
            else (
                "object: " + ", ".join(code(k) for k in schema["properties"])
                if "properties" in schema and "$ref" not in schema
                else type_words(schema)
            )
        )
        rows.append([code(status), prose(str(answer.get("description", ""))), shape])
    return "**Responses**\n\n" + table(("Status", "When", "Body"), rows)


def render_operation(method: str, path: str, operation: dict[str, Any]) -> str:
    """One operation: summary, parameters, request body and responses."""
    parts = [f"### `{method} {path}` {{#{operation_anchor(method, path)}}}"]
    parts += [prose(str(operation[k])) for k in ("summary", "description") if operation.get(k)]
    if operation.get("parameters"):
        parts.append(_parameters(operation))
    body = operation.get("requestBody")
    if body:
        schema = _json_schema(body.get("content", {})) or {}
        needed = "required" if body.get("required") else "optional"
        parts.append(f"**Request body** ({needed}, JSON)\n\n" + schema_block(schema))
    parts.append(_responses(operation))
    return "\n\n".join(parts)


def _group(path: str) -> str:
    if path.startswith("/_mock"):
        return "Admin API (`/_mock`)"
    if path.startswith("/v1"):
        return "Ortto API (`/v1`)"
    return "The document"


def render() -> str:
    """The whole page."""
    document = mock_openapi()
    info = document.get("info", {})
    groups: dict[str, list[str]] = {}
    for method, path, operation in operations(document):
        groups.setdefault(_group(path), []).append(render_operation(method, path, operation))
    index = table(
        ("Method and path", "Summary"),
        (
            [f"[`{m} {p}`](#{operation_anchor(m, p)})", str(op.get("summary", ""))]
            for m, p, op in operations(document)
        ),
    )
    schemes = document.get("components", {}).get("securitySchemes", {})
    parts = [
        "# HTTP API of the mock",
        f"{info.get('description', '')} This page is rendered from the OpenAPI "
        f"{document.get('openapi', '')} document the mock serves at `GET /openapi.json` "
        f"({info.get('title', '')} {info.get('version', '')}).",
        "Authentication: "
        + "; ".join(
            f"{code(n)}: {s.get('description', s.get('scheme', ''))}" for n, s in schemes.items()
        ),
        index,
    ]
    for title, rendered in groups.items():
        parts += [f"## {title}", *rendered]
    parts.append("## Schemas")
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        parts += [f"### {name} {{#{schema_anchor(name)}}}", schema_block(schema)]
    return "\n\n".join(parts) + "\n"
