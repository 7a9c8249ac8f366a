"""Schemas of the stored records as the admin API shows them and snapshots carry them.

Derived from the record dataclasses of :mod:`mock_ortto.models` (field names, with the
renames :mod:`mock_ortto.views` applies, and types: a float is a time, written as an RFC 3339
string) plus the enums the models declare. What a schema requires is stated here: it is what
a snapshot restore insists on. ``tests/mock_ortto/test_openapi.py`` checks every view against
its schema key for key.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from mock_ortto import models
from mock_ortto.clock import MAX_TS, MIN_TS
from mock_ortto.models import MODES, TIMELINE_KINDS
from mock_ortto.openapi.common import JSON, NULLABLE_STRING, OBJECT, obj, ref
from mock_ortto.snapshot import FORMAT
from mock_ortto.views import RENAMED

_TIME: JSON = {"type": "string", "description": "RFC 3339 date-time (UTC)"}
_STRING: JSON = {"type": "string"}
_TYPES: dict[str, JSON] = {
    "str": _STRING,
    "str | None": NULLABLE_STRING,
    "bool": {"type": "boolean"},
    "JSON": OBJECT,
    "list[str]": {"type": "array", "items": _STRING},
    "float": _TIME,
    "float | None": {"type": ["string", "null"], "description": "RFC 3339 date-time or null"},
    "list[float]": {"type": "array", "items": _TIME},
}
"""JSON schema of each annotation the record dataclasses use."""
_ENUMS: dict[tuple[str, str], list[Any]] = {
    ("Membership", "pending"): [*MODES, None],
    ("TimelineEvent", "kind"): list(TIMELINE_KINDS),
    ("TimelineEvent", "mode"): list(MODES),
}

RECORDS: dict[str, tuple[str, type, list[str]]] = {
    "contacts": (
        "Contact",
        models.Contact,
        ["id", "user_id", "anonymous_ids", "traits", "location", "ip"],
    ),
    "activities": ("Activity", models.Activity, ["id", "contact_id", "event", "properties"]),
    "audiences": ("AudienceView", models.Audience, ["id", "name"]),
    "memberships": (
        "Membership",
        models.Membership,
        ["audience_id", "contact_id", "member", "pending"],
    ),
    "timeline": (
        "TimelineEvent",
        models.TimelineEvent,
        ["audience_id", "contact_id", "at", "kind", "mode", "rule"],
    ),
}
"""Snapshot key → (schema name, record dataclass, keys a restore requires)."""


def record_schema(model: type, required: list[str]) -> JSON:
    """The JSON schema of ``model`` as :mod:`mock_ortto.views` writes it."""
    renamed = RENAMED.get(model.__name__, {})
    properties: JSON = {}
    for field in fields(model):
        schema = dict(_TYPES[str(field.type)])
        enum = _ENUMS.get((model.__name__, field.name))
        if enum is not None:
            schema["enum"] = enum
        properties[renamed.get(field.name, field.name)] = schema
    return obj(properties, required=required)


def schemas() -> JSON:
    """Component schemas of the records and of the snapshot that carries them."""
    account_state: JSON = {
        key: {"type": "array", "items": ref(name)} for key, (name, _, _) in RECORDS.items()
    }
    account_state["sequences"] = {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 999999999},
    }
    clock = obj(
        {
            # any clock the admin API can set (years 1..9999) must fit
            "offset": {"type": "number", "minimum": MIN_TS - MAX_TS, "maximum": MAX_TS - MIN_TS},
            "frozen_at": {"type": ["number", "null"], "minimum": MIN_TS, "maximum": MAX_TS},
        },
        closed=True,
    )
    out: JSON = {name: record_schema(model, required) for name, model, required in RECORDS.values()}
    out["TimelineEvent"]["properties"]["rule"]["description"] = "Rule id (GET /_mock/rules)."
    out["AccountState"] = obj(account_state, closed=True)
    out["Snapshot"] = obj(
        {
            "format": {"const": FORMAT},
            "clock": clock,
            "reconciled_period": {"type": ["integer", "null"]},
            "accounts": {"type": "object", "additionalProperties": ref("AccountState")},
        },
        required=["format", "accounts"],
        closed=True,
    )
    return out
