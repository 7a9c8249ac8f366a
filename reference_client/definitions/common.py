"""Fields shared by the Ortto actions (``common-fields.ts`` in the real destination)."""

from __future__ import annotations

from typing import Any

from reference_client.definitions.model import Choice, Field, RequiredWhen


def path(p: str) -> dict[str, str]:
    """A ``{"@path": p}`` directive."""
    return {"@path": p}


def if_exists(first: str, fallback: str) -> dict[str, Any]:
    """``@if exists first then first else fallback``: the shape of every Ortto fallback."""
    return {"@if": {"exists": path(first), "then": path(first), "else": path(fallback)}}


def location_field(description: str, sources: dict[str, tuple[str, str]]) -> Field:
    """The nullable ``location`` object with its four nullable string sub-fields."""
    labels = {"country": "Country", "state": "State", "city": "City", "post_code": "Postcode"}
    return Field(
        key="location",
        label="Location",
        type="object",
        description=description,
        allow_null=True,
        default_object_ui="keyvalue:only",
        additional_properties=False,
        properties=tuple(
            Field(key=k, label=labels[k], type="string", description="", allow_null=True)
            for k in labels
        ),
        default={k: if_exists(*sources[k]) for k in labels},
    )


ENABLE_BATCHING = Field(
    key="enable_batching",
    label="Batch data",
    type="boolean",
    description="Send events to Ortto in batches. Segment's runtime batches on its own schedule; "
    "the value is also sent inside every item.",
    default=True,
)

USER_ID = Field(
    key="user_id",
    label="User ID",
    type="string",
    description="The unique identifier of the user. Required when no Anonymous ID is present.",
    required=RequiredWhen("anonymous_id"),
    default=path("$.userId"),
)

ANONYMOUS_ID = Field(
    key="anonymous_id",
    label="Anonymous ID",
    type="string",
    description="The anonymous identifier of the visitor. Required when no User ID is present.",
    required=RequiredWhen("user_id"),
    default=path("$.anonymousId"),
)


def ip_field(description: str, default: Any) -> Field:
    """The nullable IPv4 ``ip`` field."""
    return Field(
        key="ip",
        label="IP Address",
        type="string",
        description=description,
        format="ipv4",
        allow_null=True,
        placeholder="180.1.12.125",
        default=default,
    )


IP = ip_field(
    "The contact's IP address, used to locate them when no location is given.", path("$.context.ip")
)

ADDRESS_SOURCES = {
    "country": ("$.traits.address.country", "$.context.traits.address.country"),
    "state": ("$.traits.address.state", "$.context.traits.address.state"),
    "city": ("$.traits.address.city", "$.context.traits.address.city"),
    "post_code": ("$.traits.address.postal_code", "$.context.traits.address.postal_code"),
}

LOCATION = location_field(
    "Where the contact is. When present it takes priority over the IP address.", ADDRESS_SOURCES
)

TRAITS = Field(
    key="traits",
    label="Custom Contact traits",
    type="object",
    description="Key/value pairs written to the contact's profile in Ortto. Defaults to the "
    "event's traits, or to context.traits when the event has none.",
    default_object_ui="keyvalue",
    default=if_exists("$.traits", "$.context.traits"),
)

AUDIENCE_UPDATE_MODE = Field(
    key="audience_update_mode",
    label="Audience update mode",
    type="string",
    description="Whether the contact enters (add) or leaves (remove) the audience chosen under "
    "Associate Audience. Without an associated audience it has no effect.",
    required=False,
    choices=(Choice("Add", "add"), Choice("Remove", "remove")),
    default="add",
)

BATCH_SIZE = Field(
    key="batch_size",
    label="Batch Size",
    type="number",
    description="The largest number of events Segment puts in one request.",
    required=False,
    read_only=True,
    hidden=True,
    default=500,
)


def timestamp_field(description: str, *, hidden: bool) -> Field:
    """The ``timestamp`` field (read-only and hidden in Upsert, editable in Track)."""
    return Field(
        key="timestamp",
        label="Timestamp",
        type="string",
        description=description,
        format="date-time",
        read_only=hidden,
        hidden=hidden,
        default=path("$.timestamp"),
    )


def message_id_field(description: str, *, hidden: bool) -> Field:
    """The optional ``message_id`` field (read-only and hidden except in Track Activity)."""
    return Field(
        key="message_id",
        label="Message ID",
        type="string",
        description=description,
        read_only=hidden,
        hidden=hidden,
        default=path("$.messageId"),
    )
