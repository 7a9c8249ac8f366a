"""The Ortto (Audiences) destination: Engage audiences synced with Sync Audience."""

from __future__ import annotations

from reference_client.definitions.common import (
    ANONYMOUS_ID,
    BATCH_SIZE,
    ENABLE_BATCHING,
    USER_ID,
    if_exists,
    ip_field,
    location_field,
    message_id_field,
    path,
)
from reference_client.definitions.model import (
    Action,
    AudienceConfig,
    Choice,
    Destination,
    Endpoint,
    Field,
)
from reference_client.definitions.ortto_actions import API_KEY

SYNC_AUDIENCE_FIELDS = (
    Field(
        key="segment_computation_action",
        label="Segment Computation Action",
        type="string",
        description="Hidden marker that the event was produced by an Engage audience or "
        "journey step.",
        required=True,
        hidden=True,
        choices=(Choice("audience", "audience"), Choice("journey_step", "journey_step")),
        default=path("$.context.personas.computation_class"),
    ),
    Field(
        key="computation_key",
        label="Audience Computation Key",
        type="string",
        description="Name of the boolean trait or property that says whether the contact is "
        "in the audience; it is the audience key Engage derives from its name.",
        required=True,
        default=path("$.context.personas.computation_key"),
    ),
    Field(
        key="external_audience_id",
        label="Ortto Audience ID",
        type="string",
        description="Id of the Ortto audience, as returned when Segment created it.",
        required=True,
        default=path("$.context.personas.external_audience_id"),
    ),
    message_id_field("Segment's identifier of the event.", hidden=True),
    ENABLE_BATCHING,
    BATCH_SIZE,
    USER_ID,
    ANONYMOUS_ID,
    ip_field(
        "The contact's IP address, read from the ip trait or property.",
        if_exists("$.traits.ip", "$.properties.ip"),
    ),
    location_field(
        "Where the contact is, read from top-level traits or properties. When present it "
        "takes priority over the IP address.",
        {
            "country": ("$.traits.country", "$.properties.country"),
            "state": ("$.traits.state", "$.properties.state"),
            "city": ("$.traits.city", "$.properties.city"),
            "post_code": ("$.traits.postal_code", "$.properties.postal_code"),
        },
    ),
    Field(
        key="traits",
        label="Traits or properties object",
        type="object",
        description="The event's properties (track) or traits (identify). Computed by "
        "Segment and not meant to be edited.",
        required=True,
        hidden=True,
        default=if_exists("$.properties", "$.traits"),
    ),
)

SYNC_AUDIENCE = Action(
    slug="syncAudience",
    title="Sync Audience",
    description="Adds contacts to, or removes them from, an Ortto audience as Engage "
    "computes membership.",
    default_subscription='type = "identify" or type = "track"',
    endpoint=Endpoint("PUT", "/audiences/members"),
    fields=SYNC_AUDIENCE_FIELDS,
)

ORTTO_AUDIENCES = Destination(
    name="Ortto (Audiences)",
    slug="actions-ortto-audiences",
    registry_id="686799c65fcebef2a98c8141",
    description="Syncs Segment Engage audiences to Ortto audiences.",
    settings=(API_KEY,),
    actions=(SYNC_AUDIENCE,),
    test_authentication=Endpoint("GET", "/me"),
    audience_fields=(
        Field(
            key="audienceName",
            label="Audience Name",
            type="string",
            description="Name of the audience in Ortto.",
            required=True,
        ),
    ),
    audience_config=AudienceConfig(
        mode="synced",
        full_audience_sync=False,
        create_audience=Endpoint("POST", "/audiences/create"),
        get_audience=Endpoint("POST", "/audiences/get"),
    ),
)
