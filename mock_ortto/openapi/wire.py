"""The Ortto wire contract: the /v1 endpoints the destinations call and their item schemas.

The mock states these shapes itself rather than importing them from the reference client,
because it judges the client; ``tests/mock_ortto/test_item_drift.py`` compares them with the
destination's field definitions so neither side can change alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from mock_ortto.config import Settings
from mock_ortto.models import MODES
from mock_ortto.openapi.common import (
    BAD_BODY,
    JSON,
    NOT_BLANK,
    NULLABLE_STRING,
    OBJECT,
    TOO_LARGE,
    TS,
    error,
    json_content,
    obj,
    ref,
    request_body,
)

LOCATION: JSON = {
    "type": ["object", "null"],
    "description": "Contact location; the four keys are optional and may be null.",
    "additionalProperties": False,
    "properties": {k: NULLABLE_STRING for k in ("country", "state", "city", "post_code")},
}
AUDIENCE_REF: JSON = obj(
    {"mode": {"type": "string", "enum": list(MODES)}, "id": {"type": "string", "minLength": 1}},
    required=["mode", "id"],
    closed=True,
)
_IP: JSON = {"type": ["string", "null"], "format": "ipv4"}
_COMMON_ITEM: JSON = {
    "timestamp": TS,
    "message_id": {"type": "string"},
    "user_id": {"type": "string"},
    "anonymous_id": {"type": "string"},
    "enable_batching": {"type": "boolean"},
    "ip": _IP,
    "location": ref("Location"),
    "traits": {"type": "object", "description": "Contact traits; null values remove a trait."},
    "audience_update_mode": {"type": "string", "enum": list(MODES)},
    "batch_size": {"type": "number"},
    "audience": ref("AudienceRef"),
}

UPSERT_EXAMPLE = [
    {
        "timestamp": "2024-05-01T10:01:00.000Z",
        "message_id": "msg-identify-0011",
        "user_id": "user-2001",
        "enable_batching": True,
        "ip": "203.0.113.11",
        "location": {"country": "Australia", "city": "Perth"},
        "traits": {"email": "a.one@example.com", "first_name": "Ann"},
        "audience_update_mode": "add",
        "batch_size": 500,
    }
]
TRACK_EXAMPLE = [
    {
        "timestamp": "2024-05-01T11:01:00.000Z",
        "message_id": "msg-track-0011",
        "user_id": "user-3001",
        "enable_batching": True,
        "ip": "192.0.2.1",
        "location": {},
        "audience_update_mode": "add",
        "batch_size": 500,
        "event": "Product Viewed",
        "properties": {"sku": "sku-1", "price": 19.99},
    }
]
MEMBERS_EXAMPLE = [
    {
        "message_id": "msg-identify-0051",
        "user_id": "user-6001",
        "anonymous_id": "anon-6001",
        "ip": "203.0.113.20",
        "location": {"country": "Australia", "state": "NSW", "city": "Sydney", "post_code": "2000"},
        "audience": {"mode": "remove", "id": "aud_0001"},
        "traits": {"email": "engage.vip@example.com"},
    }
]


@dataclass(frozen=True, slots=True)
class Batch:
    """One batch endpoint: its kind (as the engine knows it), route and item schema."""

    kind: str
    method: str
    path: str
    operation_id: str
    item_schema: str
    summary: str
    example: list[JSON]


BATCHES: Final[tuple[Batch, ...]] = (
    Batch(
        "identify",
        "post",
        "/v1/identify",
        "identify",
        "UpsertItem",
        "Upsert contacts (Upsert Contact).",
        UPSERT_EXAMPLE,
    ),
    Batch(
        "track",
        "post",
        "/v1/track",
        "track",
        "TrackItem",
        "Track activities (Track Activity).",
        TRACK_EXAMPLE,
    ),
    Batch(
        "members",
        "put",
        "/v1/audiences/members",
        "audienceMembers",
        "MemberItem",
        "Add or remove audience members (Sync Audience).",
        MEMBERS_EXAMPLE,
    ),
)
"""The batch endpoints: the one list of item schemas (engine, validators and document)."""

ITEM_SCHEMAS: Final[dict[str, str]] = {b.kind: b.item_schema for b in BATCHES}
"""Item schema name per batch kind."""


def schemas() -> JSON:
    """Component schemas of the wire contract."""
    item_error = obj(
        {
            "index": {"type": "integer", "minimum": 0},
            "status": {"type": "integer"},
            "message": {"type": "string"},
        },
        required=["index", "status", "message"],
        closed=True,
    )
    rate_error = obj(
        {
            "code": {"const": "rate-limit"},
            "message": {"type": "string"},
            "try-in-seconds": {"type": "integer", "minimum": 1},
        },
        required=["code", "message", "try-in-seconds"],
    )
    return {
        "Error": obj({"error": {"type": "string"}}, required=["error"]),
        "RateLimitError": obj({"error": rate_error}, required=["error"], closed=True),
        "AnyError": {"anyOf": [ref("Error"), ref("RateLimitError")]},
        "Location": LOCATION,
        "AudienceRef": AUDIENCE_REF,
        "UpsertItem": {
            "type": "object",
            "description": "One /v1/identify item, as the Upsert Contact action sends it. At"
            " least one of user_id/anonymous_id must be a non-empty string.",
            "additionalProperties": False,
            "properties": dict(_COMMON_ITEM),
        },
        "TrackItem": {
            "type": "object",
            "description": "One /v1/track item (Track Activity). `event` must not be blank.",
            "additionalProperties": False,
            "required": ["event"],
            "properties": {
                **_COMMON_ITEM,
                "event": {"type": "string", "minLength": 1, "pattern": NOT_BLANK},
                "namespace": {"type": "string"},
                "properties": {"type": "object"},
            },
        },
        "MemberItem": {
            "type": "object",
            "description": "One /v1/audiences/members item (Sync Audience).",
            "additionalProperties": False,
            "required": ["audience", "traits"],
            "properties": {
                "message_id": {"type": "string"},
                "user_id": {"type": "string"},
                "anonymous_id": {"type": "string"},
                "ip": _IP,
                "location": ref("Location"),
                "audience": ref("AudienceRef"),
                "traits": {"type": "object"},
            },
        },
        "BatchResponse": obj(
            {"errors": {"type": "array", "items": item_error}}, required=["errors"], closed=True
        ),
        "AudienceCreate": obj(
            {
                "name": {
                    "type": "string",
                    "minLength": 1,
                    "pattern": NOT_BLANK,
                    "description": "At most `audience_name_max_chars` characters (a runtime "
                    "setting, checked by the handler).",
                }
            },
            required=["name"],
            closed=True,
        ),
        "AudienceGet": obj(
            {"id": {"type": "string", "minLength": 1, "maxLength": 1000}},
            required=["id"],
            closed=True,
        ),
        "Audience": obj(
            {"id": {"type": "string"}, "name": {"type": "string"}},
            required=["id", "name"],
            closed=True,
        ),
    }


def _responses(extra: JSON) -> JSON:
    out: JSON = dict(extra)
    out["401"] = error("Missing Authorization header or an API key not shaped like Ortto's.")
    out["415"] = error("A body sent with a Content-Type other than application/json.")
    out["429"] = {
        "description": "Rate window of this API key is full. Body is exactly Ortto's.",
        "headers": {
            "Retry-After": {
                "description": "Seconds until the window frees up (same as try-in-seconds).",
                "schema": {"type": "string"},
                "required": True,
            }
        },
        "content": {"application/json": {"schema": ref("RateLimitError")}},
    }
    out["default"] = json_content(
        ref("AnyError"), "Any other status, only when a fault is injected via /_mock/faults."
    )
    return out


def _operation(operation_id: str, summary: str, responses: JSON, **extra: Any) -> JSON:
    op: JSON = {
        "operationId": operation_id,
        "tags": ["ortto"],
        "summary": summary,
        "security": [{"bearerKey": []}],
    }
    op.update(extra)
    op["responses"] = _responses(responses)
    return op


def _batch_operation(batch: Batch, limits: str) -> JSON:
    item = batch.item_schema
    return _operation(
        batch.operation_id,
        batch.summary,
        {
            "200": json_content(
                ref("BatchResponse"),
                "Accepted. Per-item problems are listed in `errors` (empty when all fine).",
                {"errors": []},
            ),
            "400": error("Body is not JSON, or not a JSON array."),
            "413": error("Body too large, or too many items."),
        },
        requestBody={
            "required": True,
            "description": f"A JSON array of {item} objects. Items are validated one by one"
            f" against `#/components/schemas/{item}`; an item that does not match is reported"
            f" in `errors` (HTTP 200) and not stored. {limits}",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "array",
                        "items": {"description": f"One {item}, checked on its own."},
                    },
                    "example": batch.example,
                }
            },
        },
    )


def paths(settings: Settings) -> JSON:
    """The /v1 paths; the limits quoted are those of ``settings``."""
    limits = (
        f"At most {settings.max_items} items and {settings.max_body_bytes} bytes"
        f" (rules payload.max_items, payload.max_body_bytes)."
    )
    out: JSON = {
        "/v1/me": {
            "get": _operation(
                "me",
                "Test authentication (the destinations' testAuthentication).",
                {"200": json_content(OBJECT, "The key is accepted.", {})},
            )
        }
    }
    for batch in BATCHES:
        out[batch.path] = {batch.method: _batch_operation(batch, limits)}
    out["/v1/audiences/create"] = {
        "post": _operation(
            "createAudience",
            "Create an audience, or return the one with this exact name.",
            {
                "200": json_content(
                    ref("Audience"),
                    "The new or existing audience.",
                    {"id": "aud_0001", "name": "VIP Customers"},
                ),
                "400": BAD_BODY,
                "413": TOO_LARGE,
            },
            requestBody=request_body("AudienceCreate", example={"name": "VIP Customers"}),
            links={
                "GetAudience": {
                    "operationId": "getAudience",
                    "requestBody": {"id": "$response.body#/id"},
                }
            },
        )
    }
    out["/v1/audiences/get"] = {
        "post": _operation(
            "getAudience",
            "Fetch an audience by id.",
            {
                "200": json_content(ref("Audience"), "The audience."),
                "400": BAD_BODY,
                "404": error("No audience with this id in this account."),
                "413": TOO_LARGE,
            },
            requestBody=request_body("AudienceGet", example={"id": "aud_0001"}),
        )
    }
    return out
