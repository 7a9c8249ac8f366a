"""A scripted in-process transport for engine unit tests (HTTP itself is covered elsewhere)."""

from __future__ import annotations

import json
from typing import Any

from reference_client.transport.transports import OutgoingRequest, PreviewTransport, RawResponse


def scripted(*answers: tuple[int, Any] | tuple[int, Any, str]) -> PreviewTransport:
    """A transport answering ``(status, body[, content type])`` in order, recording requests."""
    queue = list(answers)

    def respond(request: OutgoingRequest) -> RawResponse:
        status, body, *rest = queue.pop(0)
        content_type = rest[0] if rest else "application/json"
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        return RawResponse(status, "", {"content-type": content_type}, data)

    return PreviewTransport(responder=respond)
