"""Small builders shared by the parts of the OpenAPI document."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

NULLABLE_STRING: JSON = {"type": ["string", "null"]}
TS: JSON = {"type": "string", "format": "date-time"}
OBJECT: JSON = {"type": "object"}


NOT_BLANK = (
    "[^\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]"
)
"""Pattern of a string holding at least one character that is not JavaScript whitespace.

Spelled as an explicit class rather than ``\\S`` because the two regex dialects disagree on
``\\s``: Python's also matches U+001C..U+001F and U+0085, ECMAScript's (what an OpenAPI
pattern means) does not, so ``"\\u001f"`` is valid to the document and was refused by the
mock's Python validators. Both dialects read this class alike."""


def ref(name: str) -> JSON:
    """A reference to ``#/components/schemas/<name>``."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: JSON, description: str, example: Any = None) -> JSON:
    """A response with an ``application/json`` body."""
    content: JSON = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"description": description, "content": {"application/json": content}}


def error(description: str) -> JSON:
    """An error response (``{"error": "..."}``)."""
    return json_content(ref("Error"), description)


def request_body(schema_name: str, required: bool = True, example: Any = None) -> JSON:
    """A JSON request body of schema ``schema_name``."""
    media: JSON = {"schema": ref(schema_name)}
    if example is not None:
        media["example"] = example
    return {"required": required, "content": {"application/json": media}}


def obj(properties: JSON, *, required: list[str] | None = None, closed: bool = False) -> JSON:
    """An object schema; ``closed`` forbids unknown keys."""
    out: JSON = {"type": "object"}
    if required:
        out["required"] = required
    if closed:
        out["additionalProperties"] = False
    out["properties"] = properties
    return out


BAD_BODY = error("Body is not valid JSON or does not match the schema.")
TOO_LARGE = error("Body too large.")
