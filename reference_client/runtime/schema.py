"""``fieldsToJsonSchema``: the JSON schema Segment derives from field definitions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reference_client.definitions.model import Field, RequiredWhen

_TYPE_MAP = {"text": "string", "password": "string", "datetime": ["string", "number"]}
_FORMAT_FOR = {"text": "text", "password": "password", "datetime": "date-like"}


def field_schema(field: Field) -> dict[str, Any]:
    """The JSON schema of one field, as the Segment runtime builds it."""
    schema: dict[str, Any] = {"title": field.label}
    if field.description:
        schema["description"] = field.description
    json_type: Any = _TYPE_MAP.get(field.type, field.type)
    if field.type in _FORMAT_FOR:
        schema["format"] = _FORMAT_FOR[field.type]
    if field.format:
        schema["format"] = field.format
    if field.has_default:
        schema["default"] = field.default
    enum: list[Any] | None = [c.value for c in field.choices] if field.choices else None
    if field.allow_null:
        json_type = [*json_type, "null"] if isinstance(json_type, list) else [json_type, "null"]
        if enum is not None:
            enum.append(None)
    if field.multiple:
        items: dict[str, Any] = {"type": json_type}
        if enum is not None:
            items["enum"] = enum
            enum = None
        schema["type"] = "array"
        schema["items"] = items
    else:
        schema["type"] = json_type
    if enum is not None:
        schema["enum"] = enum
    if field.properties is not None:
        nested = object_schema(field.properties, field.additional_properties or False)
        # The nested schema is spread over the field's: ``type`` becomes plain "object"
        # (so ``allowNull`` on an object with properties is lost, as in the real runtime).
        schema.update(nested)
    return schema


def _conditional_rule(key: str, condition: RequiredWhen) -> dict[str, Any]:
    other = condition.field_key
    return {
        "if": {
            "anyOf": [
                {"not": {"required": [other]}},
                {"properties": {other: {"type": "null"}}},
            ]
        },
        "then": {"required": [key]},
    }


def object_schema(fields: Sequence[Field], additional_properties: bool = False) -> dict[str, Any]:
    """The object schema for a list of fields (properties, required, conditional rules)."""
    properties = {f.key: field_schema(f) for f in fields}
    required = [f.key for f in fields if f.required is True]
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": additional_properties,
        "properties": properties,
        "required": required,
    }
    rules = [
        _conditional_rule(f.key, f.required) for f in fields if isinstance(f.required, RequiredWhen)
    ]
    if rules:
        schema["allOf"] = rules
    return schema


def fields_to_json_schema(fields: Sequence[Field]) -> dict[str, Any]:
    """The root schema of an action payload, settings or hook inputs."""
    return {"$schema": "http://json-schema.org/schema#", **object_schema(fields)}
