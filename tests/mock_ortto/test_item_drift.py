"""The mock's item schemas and the destination's field definitions describe the same items.

The mock states its wire contract itself (it judges the reference client, so it must not
borrow the client's definitions); this test compares keys, types, nullability, formats,
enums, required keys and nested objects, so a change on one side fails until the other
follows.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_ortto.config import ServerConfig
from mock_ortto.openapi import build
from mock_ortto.openapi.wire import ITEM_SCHEMAS
from reference_client.definitions.model import Action, Field
from reference_client.definitions.ortto_actions import TRACK_ACTIVITY, UPSERT_CONTACT
from reference_client.definitions.ortto_audiences import SYNC_AUDIENCE
from reference_client.destinations.ortto_client import AUDIENCE_MODES

COMPONENTS = build(ServerConfig())["components"]["schemas"]
ADDED_BY_CLIENT = {"audience"}
"""Keys the client adds to an item itself: ``{mode, id}`` from the hook output or Engage."""
SYNC_ITEM_KEYS = ("message_id", "user_id", "anonymous_id", "ip", "location", "traits")
"""The Sync Audience fields the client copies into an item; the others steer the sync."""

CASES = [
    ("identify", UPSERT_CONTACT, None),
    ("track", TRACK_ACTIVITY, None),
    ("members", SYNC_AUDIENCE, SYNC_ITEM_KEYS),
]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return COMPONENTS[ref.rsplit("/", 1)[1]] if isinstance(ref, str) else schema


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema["type"]
    return set(kind) if isinstance(kind, list) else {kind}


def _field_types(field: Field) -> set[str]:
    return {field.type} | ({"null"} if field.allow_null else set())


def _compare(field: Field, schema: dict[str, Any]) -> None:
    schema = _resolve(schema)
    assert _types(schema) == _field_types(field), field.key
    assert schema.get("format") == field.format, field.key
    choices = [c.value for c in field.choices] if field.choices else None
    assert schema.get("enum") == choices, field.key
    if field.properties is not None:
        assert schema.get("additionalProperties") == field.additional_properties, field.key
        inner = schema["properties"]
        assert set(inner) == {p.key for p in field.properties}, field.key
        for sub in field.properties:
            _compare(sub, inner[sub.key])


def _item_fields(action: Action, keys: tuple[str, ...] | None) -> dict[str, Field]:
    fields = {f.key: f for f in action.fields}
    return fields if keys is None else {key: fields[key] for key in keys}


@pytest.mark.parametrize(("kind", "action", "keys"), CASES, ids=[c[0] for c in CASES])
def test_item_schema_matches_the_action_fields(
    kind: str, action: Action, keys: tuple[str, ...] | None
) -> None:
    item = COMPONENTS[ITEM_SCHEMAS[kind]]
    fields = _item_fields(action, keys)
    assert item["additionalProperties"] is False
    assert set(item["properties"]) - ADDED_BY_CLIENT == set(fields)
    for key, field in fields.items():
        _compare(field, item["properties"][key])
    required = {key for key, field in fields.items() if field.is_required}
    assert set(item.get("required", [])) - ADDED_BY_CLIENT == required


def test_audience_reference_takes_the_modes_the_client_sends() -> None:
    reference = COMPONENTS["AudienceRef"]
    assert reference["properties"]["mode"]["enum"] == list(AUDIENCE_MODES)
    assert set(reference["required"]) == {"mode", "id"}
    for kind in ITEM_SCHEMAS:
        assert COMPONENTS[ITEM_SCHEMAS[kind]]["properties"]["audience"] == {
            "$ref": "#/components/schemas/AudienceRef"
        }


def test_the_comparison_notices_a_change() -> None:
    """A field the mock does not know, or a different type or enum, is caught."""
    from dataclasses import replace

    from reference_client.definitions.model import Choice

    item = COMPONENTS["UpsertItem"]["properties"]
    with pytest.raises(AssertionError):
        _compare(replace(UPSERT_CONTACT.field("batch_size"), type="integer"), item["batch_size"])
    mode = UPSERT_CONTACT.field("audience_update_mode")
    with pytest.raises(AssertionError):
        _compare(replace(mode, choices=(Choice("Add", "add"),)), item["audience_update_mode"])
    with pytest.raises(AssertionError):
        _compare(replace(UPSERT_CONTACT.field("ip"), format=None), item["ip"])
