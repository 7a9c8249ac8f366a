"""Schemas of the stored records as the admin API shows them and snapshots carry them.

The JSON shapes are written by :mod:`mock_ortto.views`; ``tests/mock_ortto/test_openapi.py``
checks that every view matches its schema key for key. Times are plain strings here: answers
always carry RFC 3339 UTC, a restore tolerates anything.
"""

from __future__ import annotations

from mock_ortto.models import MODES, TIMELINE_KINDS
from mock_ortto.openapi.common import JSON, NULLABLE_STRING, OBJECT, obj, ref
from mock_ortto.snapshot import FORMAT

_TIME: JSON = {"type": "string", "description": "RFC 3339 date-time (UTC)"}
_NULLABLE_TIME: JSON = {"type": ["string", "null"], "description": "RFC 3339 date-time or null"}
_STRING: JSON = {"type": "string"}

RECORDS: dict[str, str] = {
    "contacts": "Contact",
    "activities": "Activity",
    "audiences": "AudienceView",
    "memberships": "Membership",
    "timeline": "TimelineEvent",
}
"""Snapshot key → record schema, for each record list of an account."""


def schemas() -> JSON:
    """Component schemas of the records and of the snapshot that carries them."""
    account_state: JSON = {
        key: {"type": "array", "items": ref(name)} for key, name in RECORDS.items()
    }
    account_state["sequences"] = {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 999999999},
    }
    clock = obj(
        {
            "offset": {"type": "number", "minimum": -1e10, "maximum": 1e10},
            "frozen_at": {"type": ["number", "null"], "minimum": -1e10, "maximum": 2e10},
        },
        closed=True,
    )
    return {
        "Contact": obj(
            {
                "id": _STRING,
                "user_id": NULLABLE_STRING,
                "anonymous_ids": {"type": "array", "items": _STRING},
                "traits": OBJECT,
                "location": OBJECT,
                "ip": NULLABLE_STRING,
                "created_at": _TIME,
                "updated_at": _TIME,
            },
            required=["id", "user_id", "anonymous_ids", "traits", "location", "ip"],
        ),
        "Activity": obj(
            {
                "id": _STRING,
                "contact_id": _STRING,
                "event": _STRING,
                "namespace": NULLABLE_STRING,
                "properties": OBJECT,
                "message_id": NULLABLE_STRING,
                "timestamp": NULLABLE_STRING,
                "received_at": _TIME,
            },
            required=["id", "contact_id", "event", "properties"],
        ),
        "AudienceView": obj(
            {"id": _STRING, "name": _STRING, "created_at": _TIME}, required=["id", "name"]
        ),
        "Membership": obj(
            {
                "audience_id": _STRING,
                "contact_id": _STRING,
                "member": {"type": "boolean"},
                "last_exit_at": _NULLABLE_TIME,
                "pending": {"type": ["string", "null"], "enum": [*MODES, None]},
                "pending_since": _NULLABLE_TIME,
                "recent_changes": {"type": "array", "items": _TIME},
                "updated_at": _TIME,
            },
            required=["audience_id", "contact_id", "member", "pending"],
        ),
        "TimelineEvent": obj(
            {
                "audience_id": _STRING,
                "contact_id": _STRING,
                "at": _TIME,
                "kind": {"type": "string", "enum": list(TIMELINE_KINDS)},
                "mode": {"type": "string", "enum": list(MODES)},
                "rule": {"type": "string", "description": "Rule id (see GET /_mock/rules)."},
                "detail": _STRING,
            },
            required=["audience_id", "contact_id", "at", "kind", "mode", "rule"],
        ),
        "AccountState": obj(account_state, closed=True),
        "Snapshot": obj(
            {
                "format": {"const": FORMAT},
                "clock": clock,
                "reconciled_period": {"type": ["integer", "null"]},
                "accounts": {"type": "object", "additionalProperties": ref("AccountState")},
            },
            required=["format", "accounts"],
            closed=True,
        ),
    }
