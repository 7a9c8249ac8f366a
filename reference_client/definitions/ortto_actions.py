"""The Ortto (Actions) destination: Upsert Contact, Track Activity and the audience hook."""

from __future__ import annotations

from dataclasses import replace

from reference_client.definitions.common import (
    ANONYMOUS_ID,
    AUDIENCE_UPDATE_MODE,
    BATCH_SIZE,
    ENABLE_BATCHING,
    IP,
    LOCATION,
    TRAITS,
    USER_ID,
    ip_field,
    message_id_field,
    path,
    timestamp_field,
)
from reference_client.definitions.model import (
    Action,
    Destination,
    Endpoint,
    Field,
    Hook,
    Preset,
)

API_KEY = Field(
    key="api_key",
    label="API Key",
    type="password",
    description="Ortto API key",
    required=True,
)

ASSOCIATE_AUDIENCE = Hook(
    key="onMappingSave",
    label="Associate Audience",
    description="Links contacts to an Ortto audience, creating the audience when no audience "
    "of that exact name exists yet.",
    input_fields=(
        Field(
            key="audience_name",
            label="Audience Name",
            type="string",
            description="Name of the Ortto audience contacts are linked to (case-sensitive).",
        ),
    ),
    output_fields=(
        Field(
            key="audience_id",
            label="ID",
            type="string",
            description="Id of the linked Ortto audience.",
        ),
        Field(
            key="audience_name",
            label="Name",
            type="string",
            description="Name of the linked Ortto audience.",
        ),
    ),
)

UPSERT_CONTACT = Action(
    slug="upsertContactProfile",
    title="Upsert Contact",
    description="Creates a contact in Ortto, or updates the one that already exists.",
    default_subscription='type = "identify"',
    endpoint=Endpoint("POST", "/identify"),
    hooks=(ASSOCIATE_AUDIENCE,),
    fields=(
        timestamp_field("When the event happened (ISO 8601).", hidden=True),
        message_id_field("Segment's identifier of the event.", hidden=True),
        USER_ID,
        ANONYMOUS_ID,
        ENABLE_BATCHING,
        IP,
        LOCATION,
        TRAITS,
        AUDIENCE_UPDATE_MODE,
        BATCH_SIZE,
    ),
)

TRACK_ACTIVITY = Action(
    slug="trackActivity",
    title="Track Activity",
    description="Records an activity performed by a contact in Ortto.",
    default_subscription='type = "track"',
    endpoint=Endpoint("POST", "/track"),
    hooks=(ASSOCIATE_AUDIENCE,),
    fields=(
        timestamp_field(
            "When the activity happened (ISO 8601). Ortto uses it together with the Message ID "
            "to recognise a repeated activity; without it duplicates can occur.",
            hidden=False,
        ),
        message_id_field(
            "Identifier of the activity. Together with the timestamp it makes the activity "
            "unique in Ortto; without it duplicates can occur.",
            hidden=False,
        ),
        USER_ID,
        ANONYMOUS_ID,
        ENABLE_BATCHING,
        ip_field("The IP address the activity came from.", path("$.context.ip")),
        replace(
            LOCATION,
            description="Where the activity happened. When present it takes priority over the "
            "IP address.",
        ),
        replace(
            TRAITS,
            description="Key/value pairs written to the profile of the contact who performed "
            "the activity.",
        ),
        AUDIENCE_UPDATE_MODE,
        BATCH_SIZE,
        Field(
            key="event",
            label="Event name",
            type="string",
            description="Name of the activity.",
            required=True,
            default=path("$.event"),
        ),
        Field(
            key="namespace",
            label="Namespace",
            type="string",
            description="Namespace of the app that produced the event. Events whose namespace "
            "is ortto.com came from Ortto itself and are skipped.",
            read_only=True,
            hidden=True,
            default=path("$.context.app.namespace"),
        ),
        Field(
            key="properties",
            label="Activity properties",
            type="object",
            description="Key/value attributes of the activity.",
            default_object_ui="keyvalue",
            default=path("$.properties"),
        ),
    ),
)

ORTTO_ACTIONS = Destination(
    name="Ortto (Actions)",
    slug="actions-ortto",
    registry_id="682db7017819e7e055f55cb4",
    description="Sends Segment customer data to Ortto in real time, for campaigns, journeys "
    "and audiences.",
    settings=(API_KEY,),
    actions=(UPSERT_CONTACT, TRACK_ACTIVITY),
    test_authentication=Endpoint("GET", "/me"),
    presets=(
        Preset(
            name="Upsert Contact",
            partner_action="upsertContactProfile",
            subscribe='type = "identify"',
        ),
        Preset(name="Track Activity", partner_action="trackActivity", subscribe='type = "track"'),
    ),
)
