"""Declarative definitions of both Ortto destinations: the single source of truth."""

from reference_client.definitions.model import (
    Action,
    AudienceConfig,
    Choice,
    Destination,
    Endpoint,
    Field,
    Hook,
    Preset,
    RequiredWhen,
)
from reference_client.definitions.ortto_actions import ORTTO_ACTIONS
from reference_client.definitions.ortto_audiences import ORTTO_AUDIENCES

DESTINATIONS: dict[str, Destination] = {"ortto": ORTTO_ACTIONS, "ortto-audiences": ORTTO_AUDIENCES}
"""Both destinations, keyed by the short names the vectors and the CLI use."""


def get_destination(name: str) -> Destination:
    """Look a destination up by short name (``ortto``/``ortto-audiences``), slug or name."""
    for key, dest in DESTINATIONS.items():
        if name in (key, dest.slug, dest.name, dest.registry_id):
            return dest
    raise KeyError(f"unknown destination {name!r}; expected one of {sorted(DESTINATIONS)}")


__all__ = [
    "DESTINATIONS",
    "ORTTO_ACTIONS",
    "ORTTO_AUDIENCES",
    "Action",
    "AudienceConfig",
    "Choice",
    "Destination",
    "Endpoint",
    "Field",
    "Hook",
    "Preset",
    "RequiredWhen",
    "get_destination",
]
