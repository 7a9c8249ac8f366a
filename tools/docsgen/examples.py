"""Worked examples: the reference client run against a loopback mock on a frozen clock.

Every example starts from a reset mock whose clock is frozen at :data:`CLOCK`, so two builds
render the same bytes. The mock listens on a random loopback port; the pages show
:data:`SHOWN_ENDPOINT` (the mock's default address) instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tools.docsgen.markdown import fenced, json_text
from tools.docsgen.sources import (
    HttpxTransport,
    OrttoActions,
    OrttoAudiences,
    OutgoingRequest,
    RawResponse,
    RunningMock,
    start_mock,
)

CLOCK = "2025-06-02T09:30:00Z"
"""The instant the mock clock is frozen at for every example."""
SHOWN_ENDPOINT = "http://127.0.0.1:8089"
"""The endpoint the pages show (``mock-ortto serve``'s default)."""
API_KEY = "pau-0a1b2c3d4e5f6a7b"
"""The example API key (an Australian-region key)."""
SHOWN_RESPONSE_HEADERS = ("content-type", "x-mock-rule")
"""Answer headers worth showing; the others (date, server) change from run to run."""


@dataclass(frozen=True)
class Exchange:
    """One request the destination sent and the mock's answer."""

    request: OutgoingRequest
    response: RawResponse


@dataclass
class RecordingTransport:
    """Sends over real HTTP and keeps every exchange."""

    inner: HttpxTransport = field(default_factory=HttpxTransport)
    exchanges: list[Exchange] = field(default_factory=list)

    def send(self, request: OutgoingRequest, timeout: float) -> RawResponse:
        """Send ``request``; remember it with its answer."""
        response = self.inner.send(request, timeout)
        self.exchanges.append(Exchange(request, response))
        return response


@dataclass
class Session:
    """What a scenario may use: clients bound to the running mock and its admin API."""

    mock: RunningMock
    transport: RecordingTransport

    def actions(self) -> OrttoActions:
        """An Ortto (Actions) client sending to the mock."""
        return OrttoActions(API_KEY, endpoint=self.mock.base_url, transport=self.transport)

    def audiences(self) -> OrttoAudiences:
        """An Ortto (Audiences) client sending to the mock."""
        return OrttoAudiences(API_KEY, endpoint=self.mock.base_url, transport=self.transport)


@dataclass(frozen=True)
class Scenario:
    """One worked example: Segment events in, requests and per-event results out."""

    anchor: str
    title: str
    intro: str
    events: Sequence[dict[str, Any]]
    run: Callable[[Session, Sequence[dict[str, Any]]], Any]
    shows_hook: bool = False
    """Whether the example runs the Associate Audience hook."""


@contextmanager
def running_mock() -> Iterator[RunningMock]:
    """A mock on a free loopback port, stopped on exit."""
    mock = start_mock(threads=2)
    try:
        yield mock
    finally:
        mock.stop()


def mask_key(value: str) -> str:
    """``Bearer pau-0a1b...`` with everything after the region prefix hidden."""
    scheme, _, key = value.partition(" ")
    return f"{scheme} {key[:4]}{'*' * max(0, len(key) - 4)}" if key else value


def shown_request(request: OutgoingRequest, base_url: str) -> str:
    """The request line, headers (key masked) and JSON body as a reader sees them."""
    lines = [f"{request.method} {request.url.replace(base_url, SHOWN_ENDPOINT)}"]
    for name, value in request.headers.items():
        lines.append(f"{name}: {mask_key(value) if name == 'authorization' else value}")
    if request.body is not None:
        lines.extend(["", json_text(json.loads(request.body))])
    return "\n".join(lines)


def shown_response(response: RawResponse) -> str:
    """Status line, the stable headers and the JSON body."""
    lines = [f"{response.status} {response.reason}"]
    lines.extend(
        f"{name}: {response.headers[name]}"
        for name in SHOWN_RESPONSE_HEADERS
        if name in response.headers
    )
    if response.content:
        lines.extend(["", json_text(json.loads(response.content))])
    return "\n".join(lines)


def _results(value: Any) -> Any:
    if isinstance(value, list):
        return [item.to_dict() if hasattr(item, "to_dict") else item for item in value]
    return value


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def render(scenario: Scenario, session: Session, result: Any) -> str:
    """The scenario as Markdown: intro, then one tab each for events, exchanges and results."""
    parts = [f"### {scenario.title} {{#{scenario.anchor}}}", "", scenario.intro, ""]
    if scenario.events:
        parts += [
            '=== "Segment events"',
            "",
            _indent(fenced(json_text(list(scenario.events)), "json")),
            "",
        ]
    for number, exchange in enumerate(session.transport.exchanges, start=1):
        label = f"Request {number}" if len(session.transport.exchanges) > 1 else "Request"
        parts += [
            f'=== "{label}"',
            "",
            _indent(fenced(shown_request(exchange.request, session.mock.base_url), "http")),
            "",
        ]
        parts += [
            f'=== "Answer{label[7:]}"',
            "",
            _indent(fenced(shown_response(exchange.response), "http")),
            "",
        ]
    if not session.transport.exchanges:
        parts += [
            '=== "Request"',
            "",
            "    Nothing is sent: no request leaves the destination.",
            "",
        ]
    parts += ['=== "Results"', "", _indent(fenced(json_text(_results(result)), "json")), ""]
    return "\n".join(parts)


def run_scenarios(scenarios: Sequence[Scenario]) -> str:
    """Run every scenario on one mock, each from a reset state on the frozen clock."""
    if not scenarios:
        return ""
    rendered: list[str] = []
    with running_mock() as mock:
        for scenario in scenarios:
            mock.admin.reset()
            mock.admin.freeze(CLOCK)
            session = Session(mock, RecordingTransport())
            try:
                result = scenario.run(session, scenario.events)
            finally:
                session.transport.inner.close()
            rendered.append(render(scenario, session, result))
    return "\n".join(rendered)
