"""The Python API: send or preview what the Ortto destinations would send, from Segment events.

```python
from reference_client.api import OrttoActions

with OrttoActions("pau-0a1b2c3d4e5f6a7b", endpoint="http://127.0.0.1:8089") as client:
    preview = client.preview_upsert([{"type": "identify", "userId": "u1"}])
    preview.requests[0].url  # 'http://127.0.0.1:8089/v1/identify'; nothing was sent
```

The ``preview_*`` methods send nothing: they return the exact requests and the outcomes Segment
would report if Ortto accepted every item. ``upsert_contacts``, ``track_activities`` and
``sync_audience`` send real HTTP requests in batches of ``batch_size`` (500 by default) and
return one :class:`~reference_client.outcomes.EventOutcome` per event, in input order, even
when a whole batch fails (an HTTP error, a timeout, a refused connection): each event of that
batch then carries the batch's status, ``errortype``, message and ``retryable``. Only what
would fail every batch alike raises: settings the destination refuses, an API key it cannot
use (``InvalidAuthenticationError``) and a mapping that does not validate.

Clients hold a pool of HTTP connections: use them as context managers or call ``close()``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Self

import httpx

from reference_client.definitions import ORTTO_ACTIONS, ORTTO_AUDIENCES, Destination
from reference_client.destinations.endpoint import LOCAL_ENDPOINT_VAR
from reference_client.destinations.implementation import HOOK_KEY
from reference_client.mapping import MappingError
from reference_client.mapping.errors import MappingValidationError
from reference_client.outcomes import EventOutcome, from_entry, from_failure
from reference_client.runtime.engine import DestinationRuntime
from reference_client.runtime.errors import InvalidAuthenticationError, SegmentError
from reference_client.transport.transports import (
    HttpxTransport,
    OutgoingRequest,
    PreviewTransport,
    Transport,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DestinationClient",
    "EventOutcome",
    "OrttoActions",
    "OrttoAudiences",
    "Preview",
]

DEFAULT_BATCH_SIZE = 500
"""Events per request when the mapping sets no ``batch_size`` (the destination's default)."""

WHOLE_CALL_ERRORS = (InvalidAuthenticationError, MappingValidationError)
"""Errors that would fail every batch alike: raised, never turned into per-event outcomes."""


@dataclass(frozen=True)
class Preview:
    """The requests a call would send, and the per-event outcomes if Ortto accepted them all."""

    requests: list[OutgoingRequest]
    """Every request, exactly as it would go on the wire (``body`` holds the bytes)."""
    outcomes: list[EventOutcome]
    """One outcome per input event, in input order."""


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive slices of at most ``size`` items (``size`` below 1 counts as 1)."""
    step = max(1, size)
    for start in range(0, len(items), step):
        yield items[start : start + step]


def _request_size(mapping: Mapping[str, Any]) -> int:
    """Events per request: the mapping's ``batch_size`` when it is a positive integer."""
    size = mapping.get("batch_size", DEFAULT_BATCH_SIZE)
    return size if isinstance(size, int) and size > 0 else DEFAULT_BATCH_SIZE


def _own_transport(transport: Transport | httpx.BaseTransport | None) -> tuple[Transport, bool]:
    """The transport to use, and whether this client created it (and so must close it)."""
    if transport is None:
        return HttpxTransport(), True
    if isinstance(transport, httpx.BaseTransport):
        client = httpx.Client(transport=transport, follow_redirects=True, max_redirects=20)
        return HttpxTransport(client=client), True
    return transport, False


class DestinationClient:
    """What both destinations' clients share: key, endpoint, transport, batching, previews.

    Args:
        api_key: The Ortto API key (``pau-…``); its prefix picks the regional endpoint.
        endpoint: Base URL without ``/v1`` (the destination appends it), for example the mock's
            ``http://127.0.0.1:8089``. Default: ``$ORTTO_LOCAL_ENDPOINT``, else the regional
            Ortto endpoint derived from the key.
        timeout: Seconds to wait for each request (the destination's 10 s by default).
        transport: Where requests go: real HTTP with httpx by default; or an
            ``httpx.BaseTransport``, such as ``mock_ortto.testing.InProcessMock.transport``
            (the mock served in this process, without a port); or any object with the
            :class:`~reference_client.transport.transports.Transport` ``send`` method. To see
            requests without sending them, use the ``preview_*`` methods instead.
    """

    destination: Destination

    def __init__(
        self,
        api_key: str,
        *,
        endpoint: str | None = None,
        timeout: float = 10.0,
        transport: Transport | httpx.BaseTransport | None = None,
    ) -> None:
        self.api_key = api_key
        endpoint = endpoint if endpoint is not None else os.environ.get(LOCAL_ENDPOINT_VAR)
        self.env = {} if endpoint is None else {LOCAL_ENDPOINT_VAR: endpoint.rstrip("/")}
        self.timeout_ms = int(timeout * 1000)
        self.transport, self._owns_transport = _own_transport(transport)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled HTTP connections this client opened (a transport you passed is
        yours to close)."""
        if self._owns_transport and isinstance(self.transport, HttpxTransport):
            self.transport.close()

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
            else self.destination.action(action).default_mapping()
        )
        if audience_id:
            chosen[HOOK_KEY] = {"outputs": {"audience_id": audience_id}}
        return chosen

    def _run(
        self,
        action: str,
        events: Iterable[dict[str, Any]],
        mapping: Mapping[str, Any] | None,
        audience_id: str | None,
        transport: Transport | None,
    ) -> list[EventOutcome]:
        full = self.mapping_for(action, mapping, audience_id)
        size = _request_size(full)
        runtime = self.runtime(transport)
        settings = runtime.validate_settings(self.settings)
        outcomes: list[EventOutcome] = []
        for batch in chunks(list(events), size):
            try:
                entries = runtime.execute_batch(action, batch, full, settings)
            except WHOLE_CALL_ERRORS:
                raise
            except (SegmentError, MappingError) as error:
                outcomes.extend([from_failure(error)] * len(batch))
                continue
            outcomes.extend(from_entry(entry).with_sent_decoded() for entry in entries)
        return outcomes

    def most_requests(
        self, action: str, count: int, mapping: Mapping[str, Any] | None = None
    ) -> int:
        """The most requests :meth:`execute` sends for ``count`` events: one per
        ``batch_size`` of them (fewer when a batch leaves none to send)."""
        size = _request_size(self.mapping_for(action, mapping, None))
        return -(-count // size)

    def execute(
        self,
        action: str,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> list[EventOutcome]:
        """Send ``events`` through the action ``action`` (a slug) in batches.

        Returns one outcome per event, in input order; a batch that fails as a whole gives each
        of its events that failure. Raises only for what would fail every batch alike (see the
        module docs).
        """
        return self._run(action, events, mapping, audience_id, None)

    def preview(
        self,
        action: str,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> Preview:
        """Like :meth:`execute`, but nothing leaves the process: every item counts as accepted."""
        recorder = PreviewTransport()
        outcomes = self._run(action, events, mapping, audience_id, recorder)
        return Preview(recorder.requests, outcomes)

    def test_authentication(self) -> None:
        """``GET /v1/me``; raises ``CredentialsInvalidError`` when the call fails."""
        self.runtime().test_authentication(self.settings)


class OrttoActions(DestinationClient):
    """Ortto (Actions): Upsert Contact, Track Activity and the Associate Audience hook."""

    destination = ORTTO_ACTIONS

    def upsert_contacts(
        self,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> list[EventOutcome]:
        """Send identify-like events through Upsert Contact (``POST /v1/identify``).

        ``audience_id`` applies a saved Associate Audience output: each contact joins it.
        """
        return self.execute(
            "upsertContactProfile", events, mapping=mapping, audience_id=audience_id
        )

    def track_activities(
        self,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> list[EventOutcome]:
        """Send track events through Track Activity (``POST /v1/track``)."""
        return self.execute("trackActivity", events, mapping=mapping, audience_id=audience_id)

    def preview_upsert(
        self,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> Preview:
        """The exact Upsert Contact requests :meth:`upsert_contacts` would send; sends nothing."""
        return self.preview(
            "upsertContactProfile", events, mapping=mapping, audience_id=audience_id
        )

    def preview_track(
        self,
        events: Iterable[dict[str, Any]],
        *,
        mapping: Mapping[str, Any] | None = None,
        audience_id: str | None = None,
    ) -> Preview:
        """The exact Track Activity requests :meth:`track_activities` would send; sends
        nothing."""
        return self.preview("trackActivity", events, mapping=mapping, audience_id=audience_id)

    def associate_audience(self, name: str, action: str = "upsertContactProfile") -> dict[str, Any]:
        """Run the Associate Audience hook: create or link the audience called ``name``.

        Returns the hook answer: ``{"successMessage", "savedData": {"audience_id",
        "audience_name"}}``, ``{"error": {...}}`` or ``{}`` for an empty name.
        """
        return self.runtime().execute_hook(action, HOOK_KEY, self.settings, {"audience_name": name})


def _audience_id(answer: dict[str, Any]) -> str:
    """The ``externalId`` of a create/get answer; a ``SegmentError`` when Ortto gave none."""
    value = answer.get("externalId")
    if isinstance(value, str):
        return value
    raise SegmentError(f"Ortto answered without an audience id (externalId: {value!r})")


class OrttoAudiences(DestinationClient):
    """Ortto (Audiences): create and check audiences, and Sync Audience."""

    destination = ORTTO_AUDIENCES

    def create_audience(self, name: str) -> str:
        """Create (or find) the audience ``name``; returns its id."""
        return _audience_id(self.runtime().create_audience(self.settings, name))

    def get_audience(self, audience_id: str) -> str:
        """Check that the audience ``audience_id`` exists; returns its id.

        Raises ``HTTPError`` (status 404 from the mock) when there is no such audience.
        """
        return _audience_id(self.runtime().get_audience(self.settings, audience_id))

    def sync_audience(
        self, events: Iterable[dict[str, Any]], *, mapping: Mapping[str, Any] | None = None
    ) -> list[EventOutcome]:
        """Send Engage audience events through Sync Audience (``PUT /v1/audiences/members``)."""
        return self.execute("syncAudience", events, mapping=mapping)

    def preview_sync(
        self, events: Iterable[dict[str, Any]], *, mapping: Mapping[str, Any] | None = None
    ) -> Preview:
        """The exact Sync Audience requests :meth:`sync_audience` would send; sends nothing."""
        return self.preview("syncAudience", events, mapping=mapping)
