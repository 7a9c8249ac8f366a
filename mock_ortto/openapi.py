"""The single OpenAPI 3.1 document: every endpoint, admin included, and the item schemas.

Request validators (:mod:`mock_ortto.validation`) are compiled from the schemas here, so the
served contract and the enforced contract cannot drift apart.
"""

from __future__ import annotations

import copy
from typing import Any

from mock_ortto import rules
from mock_ortto.config import ServerConfig

JSON = dict[str, Any]

NULLABLE_STRING: JSON = {"type": ["string", "null"]}
TS: JSON = {"type": "string", "format": "date-time"}


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: JSON, description: str, example: Any = None) -> JSON:
    content: JSON = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"description": description, "content": {"application/json": content}}


def _error(description: str) -> JSON:
    return _json(_ref("Error"), description)


_LOCATION: JSON = {
    "type": ["object", "null"],
    "description": "Contact location; the four keys are optional and may be null.",
    "additionalProperties": False,
    "properties": {k: NULLABLE_STRING for k in ("country", "state", "city", "post_code")},
}
_AUDIENCE_REF: JSON = {
    "type": "object",
    "required": ["mode", "id"],
    "additionalProperties": False,
    "properties": {
        "mode": {"type": "string", "enum": ["add", "remove"]},
        "id": {"type": "string", "minLength": 1},
    },
}
_COMMON_ITEM: JSON = {
    "timestamp": TS,
    "message_id": {"type": "string"},
    "user_id": {"type": "string"},
    "anonymous_id": {"type": "string"},
    "enable_batching": {"type": "boolean"},
    "ip": {"type": ["string", "null"], "format": "ipv4"},
    "location": _ref("Location"),
    "traits": {"type": "object", "description": "Contact traits; null values remove a trait."},
    "audience_update_mode": {"type": "string", "enum": ["add", "remove"]},
    "batch_size": {"type": "number"},
    "audience": _ref("AudienceRef"),
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

# Record schemas are shared by inspection answers and snapshot restores; their times are
# plain strings here (answers always carry RFC 3339 UTC; a restore tolerates anything).
_TIMESTAMPED: JSON = {"type": "string", "description": "RFC 3339 date-time (UTC)"}
_NULLABLE_TIME: JSON = {"type": ["string", "null"], "description": "RFC 3339 date-time or null"}


def _schemas(cfg: ServerConfig) -> JSON:
    obj: JSON = {"type": "object"}
    settings_props: JSON = {
        "churn_policy": {"type": "string", "enum": list(rules.CHURN_POLICIES)},
        "reentry_block_seconds": {"type": "number", "minimum": 0, "maximum": 31536000},
        "flap_max_changes": {"type": "integer", "minimum": 0, "maximum": 100000},
        "flap_window_seconds": {"type": "number", "minimum": 0, "maximum": 31536000},
        "reconcile_period_seconds": {"type": "integer", "minimum": 1, "maximum": 31536000},
        "rate_limit": {"type": "boolean"},
        "rate_plan": {"type": "string", "minLength": 1, "maxLength": 64},
        "rate_windows": {
            "type": "object",
            "maxProperties": 32,
            "additionalProperties": {
                "type": "array",
                "maxItems": 8,
                "items": {
                    "type": "array",
                    "minItems": 2,
                    "maxItems": 2,
                    "items": {"type": "integer", "minimum": 1, "maximum": 100000000},
                },
            },
        },
        "max_body_bytes": {"type": "integer", "minimum": 1, "maximum": 67108864},
        "max_items": {"type": "integer", "minimum": 1, "maximum": 1000000},
        "max_depth": {"type": "integer", "minimum": 1, "maximum": 500},
        "audience_name_max_chars": {"type": "integer", "minimum": 1, "maximum": 100000},
        "journal_size": {"type": "integer", "minimum": 1, "maximum": 100000},
    }
    contact = {
        "type": "object",
        "required": ["id", "user_id", "anonymous_ids", "traits", "location", "ip"],
        "properties": {
            "id": {"type": "string"},
            "user_id": NULLABLE_STRING,
            "anonymous_ids": {"type": "array", "items": {"type": "string"}},
            "traits": obj,
            "location": obj,
            "ip": NULLABLE_STRING,
            "created_at": _TIMESTAMPED,
            "updated_at": _TIMESTAMPED,
        },
    }
    activity = {
        "type": "object",
        "required": ["id", "contact_id", "event", "properties"],
        "properties": {
            "id": {"type": "string"},
            "contact_id": {"type": "string"},
            "event": {"type": "string"},
            "namespace": NULLABLE_STRING,
            "properties": obj,
            "message_id": NULLABLE_STRING,
            "timestamp": NULLABLE_STRING,
            "received_at": _TIMESTAMPED,
        },
    }
    audience_view = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "created_at": _TIMESTAMPED,
        },
    }
    membership = {
        "type": "object",
        "required": ["audience_id", "contact_id", "member", "pending"],
        "properties": {
            "audience_id": {"type": "string"},
            "contact_id": {"type": "string"},
            "member": {"type": "boolean"},
            "last_exit_at": _NULLABLE_TIME,
            "pending": {"type": ["string", "null"], "enum": ["add", "remove", None]},
            "pending_since": _NULLABLE_TIME,
            "recent_changes": {"type": "array", "items": _TIMESTAMPED},
            "updated_at": _TIMESTAMPED,
        },
    }
    timeline_event = {
        "type": "object",
        "required": ["audience_id", "contact_id", "at", "kind", "mode", "rule"],
        "properties": {
            "audience_id": {"type": "string"},
            "contact_id": {"type": "string"},
            "at": _TIMESTAMPED,
            "kind": {
                "type": "string",
                "enum": [
                    "entered",
                    "exited",
                    "blocked",
                    "deferred",
                    "unchanged",
                    "reconciled",
                    "merged",
                ],
            },
            "mode": {"type": "string", "enum": ["add", "remove"]},
            "rule": {"type": "string"},
            "detail": {"type": "string"},
        },
    }
    item_error = {
        "type": "object",
        "required": ["index", "status", "message"],
        "additionalProperties": False,
        "properties": {
            "index": {"type": "integer", "minimum": 0},
            "status": {"type": "integer"},
            "message": {"type": "string"},
        },
    }
    fault_spec: JSON = {
        "type": "object",
        "additionalProperties": False,
        "description": "Applies to the next `count` answers of /v1 requests (optionally only"
        " one path and/or one API key). `status` replaces the answer without processing;"
        " `item_errors` reports those indices as failed (they are not stored); `latency_ms`"
        " delays the answer; `drop_connection` closes the connection without a complete answer.",
        "properties": {
            "count": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
            "path": {"type": "string", "minLength": 1, "maxLength": 200},
            "api_key": {"type": "string", "minLength": 1, "maxLength": 500},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "message": {"type": "string", "maxLength": 1000},
            "try_in_seconds": {"type": "integer", "minimum": 1, "maximum": 86400},
            "item_errors": {
                "type": "array",
                "maxItems": 1000,
                "items": {
                    "type": "object",
                    "required": ["index"],
                    "additionalProperties": False,
                    "properties": {
                        "index": {"type": "integer", "minimum": 0, "maximum": 1000000},
                        "status": {"type": "integer", "minimum": 400, "maximum": 599},
                        "message": {"type": "string", "maxLength": 1000},
                    },
                },
            },
            "latency_ms": {"type": "integer", "minimum": 0, "maximum": 30000},
            "drop_connection": {"type": "boolean"},
        },
    }
    fault: JSON = copy.deepcopy(fault_spec)
    fault["properties"] = {
        **fault_spec["properties"],
        "id": {"type": "integer"},
        "remaining": {"type": "integer"},
    }
    fault["required"] = ["id", "remaining"]
    account_state = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "contacts": {"type": "array", "items": _ref("Contact")},
            "activities": {"type": "array", "items": _ref("Activity")},
            "audiences": {"type": "array", "items": _ref("AudienceView")},
            "memberships": {"type": "array", "items": _ref("Membership")},
            "timeline": {"type": "array", "items": _ref("TimelineEvent")},
            "sequences": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 999999999},
            },
        },
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string"}},
        },
        "RateLimitError": {
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "try-in-seconds"],
                    "properties": {
                        "code": {"const": "rate-limit"},
                        "message": {"type": "string"},
                        "try-in-seconds": {"type": "integer", "minimum": 1},
                    },
                }
            },
        },
        "AnyError": {"anyOf": [_ref("Error"), _ref("RateLimitError")]},
        "Location": _LOCATION,
        "AudienceRef": _AUDIENCE_REF,
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
                "event": {"type": "string", "minLength": 1, "pattern": "\\S"},
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
                "ip": {"type": ["string", "null"], "format": "ipv4"},
                "location": _ref("Location"),
                "audience": _ref("AudienceRef"),
                "traits": {"type": "object"},
            },
        },
        "BatchResponse": {
            "type": "object",
            "required": ["errors"],
            "additionalProperties": False,
            "properties": {"errors": {"type": "array", "items": item_error}},
        },
        "AudienceCreate": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                "name": {
                    "type": "string",
                    "minLength": 1,
                    "pattern": "\\S",
                    "description": "At most `audience_name_max_chars` characters (a runtime "
                    "setting, checked by the handler).",
                }
            },
        },
        "AudienceGet": {
            "type": "object",
            "required": ["id"],
            "additionalProperties": False,
            "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 1000}},
        },
        "Audience": {
            "type": "object",
            "required": ["id", "name"],
            "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
        },
        "Contact": contact,
        "Activity": activity,
        "AudienceView": audience_view,
        "Membership": membership,
        "TimelineEvent": timeline_event,
        "JournalEntry": {
            "type": "object",
            "required": ["id", "at", "method", "path", "status", "rule", "explain"],
            "properties": {
                "id": {"type": "integer"},
                "at": TS,
                "method": {"type": "string"},
                "path": {"type": "string"},
                "api_key": NULLABLE_STRING,
                "status": {"type": "integer"},
                "rule": {"type": "string"},
                "explain": {"type": "string"},
                "items": {"type": ["integer", "null"]},
                "item_errors": {"type": "array", "items": obj},
                "decisions": {"type": "array", "items": obj},
                "duration_ms": {"type": "number"},
            },
        },
        "Clock": {
            "type": "object",
            "required": ["now", "now_unix", "frozen", "offset_seconds", "next_reconciliation"],
            "properties": {
                "now": TS,
                "now_unix": {"type": "number"},
                "frozen": {"type": "boolean"},
                "offset_seconds": {"type": "number"},
                "next_reconciliation": TS,
                "reconciled": {"type": "integer", "minimum": 0},
            },
        },
        "ClockCommand": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["action"],
                    "additionalProperties": False,
                    "properties": {"action": {"const": "freeze"}, "at": TS},
                },
                {
                    "type": "object",
                    "required": ["action"],
                    "additionalProperties": False,
                    "properties": {"action": {"const": "resume"}},
                },
                {
                    "type": "object",
                    "required": ["action", "at"],
                    "additionalProperties": False,
                    "properties": {"action": {"const": "set"}, "at": TS},
                },
                {
                    "type": "object",
                    "required": ["action", "seconds"],
                    "additionalProperties": False,
                    "properties": {
                        "action": {"const": "advance"},
                        "seconds": {"type": "number", "minimum": 0, "maximum": 3153600000},
                    },
                },
            ]
        },
        "FaultSpec": fault_spec,
        "Fault": fault,
        "Settings": {
            "type": "object",
            "additionalProperties": False,
            "required": list(settings_props),
            "properties": settings_props,
        },
        "SettingsPatch": {
            "type": "object",
            "additionalProperties": False,
            "properties": settings_props,
        },
        "Config": {
            "type": "object",
            "required": ["store", "admin_token", "settings"],
            "properties": {
                "store": {"type": "string"},
                "admin_token": {"type": "boolean"},
                "settings": _ref("Settings"),
            },
        },
        "ResetRequest": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"api_key": {"type": "string", "minLength": 1, "maxLength": 500}},
        },
        "Snapshot": {
            "type": "object",
            "required": ["format", "accounts"],
            "additionalProperties": False,
            "properties": {
                "format": {"const": "mock-ortto-snapshot/1"},
                "clock": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "offset": {"type": "number", "minimum": -1e10, "maximum": 1e10},
                        "frozen_at": {
                            "type": ["number", "null"],
                            "minimum": -1e10,
                            "maximum": 2e10,
                        },
                    },
                },
                "reconciled_period": {"type": ["integer", "null"]},
                "accounts": {
                    "type": "object",
                    "additionalProperties": _ref("AccountState"),
                },
            },
        },
        "AccountState": account_state,
        "Rule": {
            "type": "object",
            "required": ["id", "category", "value", "unit", "summary", "source"],
            "properties": {
                "id": {"type": "string"},
                "category": {"type": "string"},
                "value": {"type": ["integer", "number", "string", "null"]},
                "unit": {"type": "string"},
                "summary": {"type": "string"},
                "source": {"type": "string"},
            },
        },
    }


def _batch_op(op_id: str, summary: str, item: str, example: Any, limits: str) -> JSON:
    return {
        "operationId": op_id,
        "tags": ["ortto"],
        "summary": summary,
        "security": [{"bearerKey": []}],
        "requestBody": {
            "required": True,
            "description": f"A JSON array of {item} objects. Items are validated one by one"
            f" against `#/components/schemas/{item}`; an item that does not match is reported"
            f" in `errors` (HTTP 200) and not stored. {limits}",
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"x-item-schema": item}},
                    "example": example,
                }
            },
        },
        "responses": _v1_responses(
            {
                "200": _json(
                    _ref("BatchResponse"),
                    "Accepted. Per-item problems are listed in `errors` (empty when all fine).",
                    {"errors": []},
                ),
                "400": _error("Body is not JSON, or not a JSON array."),
                "413": _error("Body too large, or too many items."),
            }
        ),
    }


def _v1_responses(extra: JSON) -> JSON:
    out: JSON = dict(extra)
    out["401"] = _error("Missing Authorization header or an API key not shaped like Ortto's.")
    out["429"] = {
        "description": "Rate window of this API key is full. Body is exactly Ortto's.",
        "headers": {
            "Retry-After": {
                "description": "Seconds until the window frees up (same as try-in-seconds).",
                "schema": {"type": "string"},
                "required": True,
            }
        },
        "content": {"application/json": {"schema": _ref("RateLimitError")}},
    }
    out["default"] = _json(
        _ref("AnyError"), "Any other status, only when a fault is injected via /_mock/faults."
    )
    return out


def _admin(op_id: str, summary: str, responses: JSON, **extra: Any) -> JSON:
    op: JSON = {"operationId": op_id, "tags": ["admin"], "summary": summary}
    op.update(extra)
    merged = dict(responses)
    merged.setdefault("401", _error("Admin token missing or wrong (only when one is set)."))
    op["responses"] = merged
    return op


def _query(name: str, description: str, required: bool = False, **schema: Any) -> JSON:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", "minLength": 1, "maxLength": 500, **schema},
    }


def _key_param() -> JSON:
    return _query("api_key", "The account (API key) to inspect.", required=True)


def _list_of(name: str, item: str, description: str) -> JSON:
    return _json(
        {
            "type": "object",
            "required": [name],
            "properties": {name: {"type": "array", "items": _ref(item)}},
        },
        description,
    )


def _body(schema_name: str, required: bool = True) -> JSON:
    return {
        "required": required,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


def build(cfg: ServerConfig) -> JSON:
    """Build the OpenAPI 3.1 document for a server configuration."""
    s = cfg.settings
    limits = (
        f"At most {s.max_items} items and {s.max_body_bytes} bytes"
        f" (rules payload.max_items, payload.max_body_bytes)."
    )
    bad_body = _error("Body is not valid JSON or does not match the schema.")
    paths: JSON = {
        "/v1/me": {
            "get": {
                "operationId": "me",
                "tags": ["ortto"],
                "summary": "Test authentication (the destinations' testAuthentication).",
                "security": [{"bearerKey": []}],
                "responses": _v1_responses(
                    {"200": _json({"type": "object"}, "The key is accepted.", {})}
                ),
            }
        },
        "/v1/identify": {
            "post": _batch_op(
                "identify",
                "Upsert contacts (Upsert Contact).",
                "UpsertItem",
                UPSERT_EXAMPLE,
                limits,
            )
        },
        "/v1/track": {
            "post": _batch_op(
                "track", "Track activities (Track Activity).", "TrackItem", TRACK_EXAMPLE, limits
            )
        },
        "/v1/audiences/members": {
            "put": _batch_op(
                "audienceMembers",
                "Add or remove audience members (Sync Audience).",
                "MemberItem",
                MEMBERS_EXAMPLE,
                limits,
            )
        },
        "/v1/audiences/create": {
            "post": {
                "operationId": "createAudience",
                "tags": ["ortto"],
                "summary": "Create an audience, or return the one with this exact name.",
                "security": [{"bearerKey": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": _ref("AudienceCreate"),
                            "example": {"name": "VIP Customers"},
                        }
                    },
                },
                "responses": _v1_responses(
                    {
                        "200": _json(
                            _ref("Audience"),
                            "The new or existing audience.",
                            {"id": "aud_0001", "name": "VIP Customers"},
                        ),
                        "400": bad_body,
                        "413": _error("Body too large."),
                    }
                ),
                "links": {
                    "GetAudience": {
                        "operationId": "getAudience",
                        "requestBody": {"id": "$response.body#/id"},
                    }
                },
            }
        },
        "/v1/audiences/get": {
            "post": {
                "operationId": "getAudience",
                "tags": ["ortto"],
                "summary": "Fetch an audience by id.",
                "security": [{"bearerKey": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": _ref("AudienceGet"),
                            "example": {"id": "aud_0001"},
                        }
                    },
                },
                "responses": _v1_responses(
                    {
                        "200": _json(_ref("Audience"), "The audience."),
                        "400": bad_body,
                        "404": _error("No audience with this id in this account."),
                        "413": _error("Body too large."),
                    }
                ),
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "tags": ["admin"],
                "summary": "This document.",
                "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
            }
        },
        "/_mock/health": {
            "get": _admin(
                "health",
                "Liveness.",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["status"],
                            "properties": {"status": {"const": "ok"}, "store": {"type": "string"}},
                        },
                        "Up.",
                    )
                },
            )
        },
        "/_mock/reset": {
            "post": _admin(
                "reset",
                "Forget all state, or one account's state when api_key is given.",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["reset"],
                            "properties": {"reset": {"type": "string", "enum": ["all", "account"]}},
                        },
                        "Done.",
                    ),
                    "400": bad_body,
                },
                requestBody=_body("ResetRequest", required=False),
            )
        },
        "/_mock/state": {
            "get": _admin(
                "exportState",
                "Snapshot of all state as JSON.",
                {"200": _json(_ref("Snapshot"), "The snapshot.")},
            ),
            "put": _admin(
                "importState",
                "Replace all state with a snapshot.",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["restored_accounts"],
                            "properties": {"restored_accounts": {"type": "integer"}},
                        },
                        "Restored.",
                    ),
                    "400": bad_body,
                    "413": _error("Body too large."),
                },
                requestBody=_body("Snapshot"),
            ),
        },
        "/_mock/accounts": {
            "get": _admin(
                "listAccounts",
                "Accounts with state (keys redacted) and their record counts.",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["accounts"],
                            "properties": {
                                "accounts": {"type": "array", "items": {"type": "object"}}
                            },
                        },
                        "Accounts.",
                    )
                },
            )
        },
        "/_mock/contacts": {
            "get": _admin(
                "listContacts",
                "Contacts of an account, optionally by user_id or anonymous_id.",
                {
                    "200": _list_of("contacts", "Contact", "Contacts."),
                    "400": _error("api_key missing."),
                },
                parameters=[
                    _key_param(),
                    _query("user_id", "Only the contact owning this user id."),
                    _query("anonymous_id", "Only the contact owning this anonymous id."),
                ],
            )
        },
        "/_mock/activities": {
            "get": _admin(
                "listActivities",
                "Stored activities of an account.",
                {
                    "200": _list_of("activities", "Activity", "Activities, oldest first."),
                    "400": _error("api_key missing."),
                },
                parameters=[_key_param(), _query("contact_id", "Only this contact.")],
            )
        },
        "/_mock/audiences": {
            "get": _admin(
                "listAudiences",
                "Audiences of an account.",
                {
                    "200": _list_of("audiences", "AudienceView", "Audiences."),
                    "400": _error("api_key missing."),
                },
                parameters=[_key_param()],
            )
        },
        "/_mock/memberships": {
            "get": _admin(
                "listMemberships",
                "Current membership records, including deferred instructions.",
                {
                    "200": _list_of("memberships", "Membership", "Memberships."),
                    "400": _error("api_key missing."),
                },
                parameters=[
                    _key_param(),
                    _query("audience_id", "Only this audience."),
                    _query("contact_id", "Only this contact."),
                ],
            )
        },
        "/_mock/timeline": {
            "get": _admin(
                "membershipTimeline",
                "Membership history: entered, exited, blocked, deferred, reconciled...",
                {
                    "200": _list_of("events", "TimelineEvent", "Events, oldest first."),
                    "400": _error("api_key missing."),
                },
                parameters=[
                    _key_param(),
                    _query("audience_id", "Only this audience."),
                    _query("contact_id", "Only this contact."),
                ],
            )
        },
        "/_mock/journal": {
            "get": _admin(
                "listJournal",
                "Request journal, newest first (API keys redacted).",
                {
                    "200": _list_of("entries", "JournalEntry", "Entries."),
                    "400": _error("Bad limit."),
                },
                parameters=[
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100000},
                    }
                ],
            )
        },
        "/_mock/journal/{entry_id}": {
            "get": _admin(
                "getJournalEntry",
                "One journal entry with its explanation.",
                {
                    "200": _json(_ref("JournalEntry"), "The entry."),
                    "404": _error("No such entry (or it rotated out)."),
                },
                parameters=[
                    {
                        "name": "entry_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000000000},
                    }
                ],
            )
        },
        "/_mock/clock": {
            "get": _admin("getClock", "The mock clock.", {"200": _json(_ref("Clock"), "Clock.")}),
            "post": _admin(
                "changeClock",
                "Freeze, resume, set or advance the clock. Crossing a reconciliation boundary"
                " (UTC midnight by default) applies deferred membership instructions.",
                {
                    "200": _json(_ref("Clock"), "The clock after the change."),
                    "400": bad_body,
                    "409": _error("The new time would leave years 1..9999."),
                },
                requestBody=_body("ClockCommand"),
            ),
        },
        "/_mock/faults": {
            "get": _admin(
                "listFaults", "Queued faults.", {"200": _list_of("faults", "Fault", "Faults.")}
            ),
            "post": _admin(
                "addFault",
                "Queue a fault for the next N /v1 answers.",
                {"201": _json(_ref("Fault"), "Queued."), "400": bad_body},
                requestBody=_body("FaultSpec"),
            ),
            "delete": _admin(
                "clearFaults",
                "Drop all queued faults.",
                {"200": _list_of("faults", "Fault", "Empty.")},
            ),
        },
        "/_mock/config": {
            "get": _admin(
                "getConfig", "Active configuration.", {"200": _json(_ref("Config"), "Config.")}
            ),
            "patch": _admin(
                "patchConfig",
                "Change rule settings at runtime (shared by all workers; reset restores them).",
                {"200": _json(_ref("Config"), "New config."), "400": bad_body},
                requestBody=_body("SettingsPatch"),
            ),
        },
        "/_mock/rules": {
            "get": _admin(
                "listRules",
                "The rule table every limit and policy comes from.",
                {"200": _list_of("rules", "Rule", "Rules.")},
            )
        },
    }
    components: JSON = {
        "schemas": _schemas(cfg),
        "securitySchemes": {
            "bearerKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "An Ortto-shaped key, e.g. pau-0a1b2c; each key is one account.",
            }
        },
    }
    doc: JSON = {
        "openapi": "3.1.0",
        "info": {
            "title": "mock_ortto",
            "version": "1.0.0",
            "description": "Stateful mock of the Segment-only Ortto API used by the Ortto"
            " (Actions) and Ortto (Audiences) destinations, plus its admin API under /_mock.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": components,
    }
    if cfg.admin_token:
        components["securitySchemes"]["adminToken"] = {
            "type": "apiKey",
            "in": "header",
            "name": "X-Mock-Admin-Token",
        }
        for path, item in paths.items():
            if path.startswith("/_mock/"):
                for op in item.values():
                    op["security"] = [{"adminToken": []}]
    return doc
