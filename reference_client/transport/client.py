"""The request client: headers, JSON bodies, response parsing and HTTP errors."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from reference_client.js import json as js_json
from reference_client.js.undefined import UNDEFINED
from reference_client.runtime.errors import HTTPError, ResponseInfo
from reference_client.transport.transports import OutgoingRequest, Transport

USER_AGENT = "Segment (Actions)"
DEFAULT_TIMEOUT_MS = 10_000

_NODE_PHRASES = {
    413: "Payload Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    418: "I'm a Teapot",
    422: "Unprocessable Entity",
    425: "Too Early",
}


def standard_phrase(status: int) -> str:
    """Node's reason phrase for ``status`` (used when the server sent none)."""
    if status in _NODE_PHRASES:
        return _NODE_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass(frozen=True)
class Response:
    """A 2xx answer: ``data`` is parsed JSON only for ``application/json`` content types."""

    status: int
    status_text: str
    headers: dict[str, str]
    content: str
    data: Any


class RequestClient:
    """Builds requests the way Segment's request client does and interprets the answers."""

    def __init__(
        self,
        transport: Transport,
        headers: dict[str, str] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> None:
        self.transport = transport
        self.extra_headers = headers or {}
        self.timeout_ms = timeout_ms

    def build(
        self, method: str, url: str, json: Any = UNDEFINED, plain: bool = False
    ) -> OutgoingRequest:
        """The request as it would be sent (used by preview and by :meth:`request`).

        ``plain``: ``json`` holds only JSON types (``dict`` with ``str`` keys, ``list``,
        ``str``, ``int``, ``float``, ``bool``, ``None``), which allows the faster writer.
        """
        # The real destination sends "Bearer " for an empty key; a value ending in whitespace
        # is not a valid HTTP field value and httpx refuses it, so values are stripped (the
        # one documented wire difference, docs/reference_client/fidelity.md).
        headers = {k.lower(): v.strip(" \t\r\n") for k, v in self.extra_headers.items()}
        headers["user-agent"] = USER_AGENT
        body: bytes | None = None
        if json is not UNDEFINED:
            body = js_json.dumps_plain_bytes(json) if plain else js_json.dumps_bytes(json)
            headers["content-type"] = "application/json"
        headers["accept"] = "*/*"
        return OutgoingRequest(method.upper(), url, headers, body, json)

    def request(
        self, method: str, url: str, json: Any = UNDEFINED, plain: bool = False
    ) -> Response:
        """Send; raise :class:`HTTPError` for any status outside 200-299 (``plain`` as in
        :meth:`build`)."""
        raw = self.transport.send(self.build(method, url, json, plain), self.timeout_ms / 1000)
        content = raw.content.decode("utf-8", errors="replace")
        status_text = raw.reason or standard_phrase(raw.status)
        if not 200 <= raw.status <= 299:
            raise HTTPError(ResponseInfo(raw.status, status_text, content))
        data: Any = content
        if "application/json" in raw.headers.get("content-type", ""):
            try:
                data = js_json.loads(content)
            except ValueError:
                data = UNDEFINED
        return Response(raw.status, status_text, raw.headers, content, data)
