"""The Python API: send or preview what the Ortto destinations would send, from Segment events.

>>> from reference_client.api import OrttoActions
>>> client = OrttoActions("pau-0a1b2c3d", endpoint="http://127.0.0.1:8000")
>>> preview = client.preview_upsert([{"type": "identify", "userId": "u1"}])
>>> preview.requests[0].url
'http://127.0.0.1:8000/v1/identify'

Nothing is sent by a ``preview_*`` method; ``upsert_contacts``/``track_activities``/
``sync_audience`` send real HTTP requests, in batches of ``batch_size`` (500 by default).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reference_client.definitions import ORTTO_ACTIONS, ORTTO_AUDIENCES, Destination
from reference_client.destinations.endpoint import LOCAL_ENDPOINT_VAR
from reference_client.destinations.implementation import HOOK_KEY
from reference_client.outcomes import EventOutcome, from_entry
from reference_client.runtime.engine import DestinationRuntime
from reference_client.transport.transports import (
    HttpxTransport,
    OutgoingRequest,
    PreviewTransport,
    Transport,
)

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class Preview:
    """The requests a call would send, and the per-event outcomes assuming Ortto accepts all."""

    requests: list[OutgoingRequest]
    outcomes: list[EventOutcome]


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + max(1, size)]


class _Client:
    destination: Destination

    def __init__(
        self,
        api_key: str,
        *,
        endpoint: str | None = None,
        timeout: float = 10.0,
        transport: Transport | None = None,
    ) -> None:
        self.api_key = api_key
        endpoint = endpoint if endpoint is not None else os.environ.get(LOCAL_ENDPOINT_VAR)
        self.env = {} if endpoint is None else {LOCAL_ENDPOINT_VAR: endpoint.rstrip("/")}
        self.timeout_ms = int(timeout * 1000)
        self.transport = transport or HttpxTransport()

    @property
    def settings(self) -> dict[str, Any]:
        """The destination settings this client uses."""
        return {"api_key": self.api_key}

    def runtime(self, transport: Transport | None = None) -> DestinationRuntime:
        """A runtime bound to this client's key, endpoint and transport."""
        return DestinationRuntime(
            self.destination,
            env=self.env,
            transport=transport or self.transport,
            timeout_ms=self.timeout_ms,
        )

    def mapping_for(
        self, action: str, mapping: Mapping[str, Any] | None, audience_id: str | None
    ) -> dict[str, Any]:
        """The default mapping of ``action`` (or ``mapping``), plus saved hook outputs."""
        chosen = (
            dict(mapping)
            if mapping is not None
            else (self.destination.action(action).default_mapping())
        )
        if audience_id:
            chosen[HOOK_KEY] = {"outputs": {"audience_id": audience_id}}
        return chosen

    def execute(
        self,
        action: str,
        events: Iterable[dict[str, Any]],
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
        transport: Transport | None = None,
    ) -> list[EventOutcome]:
        """Run ``action`` over ``events`` in batches; one outcome per event."""
        full = self.mapping_for(action, mapping, audience_id)
        size = full.get("batch_size", DEFAULT_BATCH_SIZE)
        size = size if isinstance(size, int) and size > 0 else DEFAULT_BATCH_SIZE
        runtime = self.runtime(transport)
        outcomes: list[EventOutcome] = []
        for batch in chunks(list(events), size):
            entries = runtime.execute_batch(action, batch, full, self.settings)
            outcomes.extend(from_entry(e) for e in entries)
        return outcomes

    def preview(
        self,
        action: str,
        events: Iterable[dict[str, Any]],
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> Preview:
        """Like :meth:`execute` but nothing leaves the process."""
        recorder = PreviewTransport()
        outcomes = self.execute(action, events, mapping, audience_id, transport=recorder)
        return Preview(recorder.requests, outcomes)

    def test_authentication(self) -> None:
        """``GET /v1/me``; raises ``CredentialsInvalidError`` when the key is refused."""
        self.runtime().test_authentication(self.settings)


class OrttoActions(_Client):
    """Ortto (Actions): Upsert Contact, Track Activity and Associate Audience."""

    destination = ORTTO_ACTIONS

    def upsert_contacts(
        self,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> list[EventOutcome]:
        """Send identify-like events through Upsert Contact (``POST /v1/identify``)."""
        return self.execute("upsertContactProfile", events, mapping, audience_id)

    def track_activities(
        self,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> list[EventOutcome]:
        """Send track events through Track Activity (``POST /v1/track``)."""
        return self.execute("trackActivity", events, mapping, audience_id)

    def preview_upsert(
        self,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> Preview:
        """The exact Upsert Contact requests, without sending them."""
        return self.preview("upsertContactProfile", events, mapping, audience_id)

    def preview_track(
        self,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> Preview:
        """The exact Track Activity requests, without sending them."""
        return self.preview("trackActivity", events, mapping, audience_id)

    def associate_audience(self, name: str, action: str = "upsertContactProfile") -> dict[str, Any]:
        """Run the Associate Audience hook: create or link the audience called ``name``.

        Returns the hook answer: ``{"successMessage", "savedData": {"audience_id",
        "audience_name"}}``, ``{"error": {...}}`` or ``{}`` for an empty name.
        """
        return self.runtime().execute_hook(action, HOOK_KEY, self.settings, {"audience_name": name})


class OrttoAudiences(_Client):
    """Ortto (Audiences): create/get audiences and Sync Audience."""

    destination = ORTTO_AUDIENCES

    def create_audience(self, name: str) -> Any:
        """Create (or find) the audience ``name``; returns its id."""
        return self.runtime().create_audience(self.settings, name).get("externalId")

    def get_audience(self, audience_id: str) -> Any:
        """Check that the audience exists; returns its id."""
        return self.runtime().get_audience(self.settings, audience_id).get("externalId")

    def sync_audience(
        self, events: Iterable[dict[str, Any]], *, mapping: Mapping[str, Any] | None = None
    ) -> list[EventOutcome]:
        """Send Engage audience events through Sync Audience (``PUT /v1/audiences/members``)."""
        return self.execute("syncAudience", events, mapping)

    def preview_sync(
        self, events: Iterable[dict[str, Any]], *, mapping: Mapping[str, Any] | None = None
    ) -> Preview:
        """The exact Sync Audience requests, without sending them."""
        return self.preview("syncAudience", events, mapping)
